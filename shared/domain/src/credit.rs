//! 単位情報: one credit record (管理No), from meeting attendance registered by staff or
//! from the member's own 自己申告, with its proof files and 承認履歴. A self-report
//! moves 作成中 → 承認申請中 → 承認済 | 却下; a rejected one is corrected and requested
//! again; a pending one can be withdrawn (取り下げ). States never move otherwise.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::unit_table::{Activity, FileType, ProofKind, UnitCode, UnitEntry};
use crate::{CertPeriod, CreditNo, FieldError, FieldErrors, MemberNo, StaffId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditSource {
    /// 学術集会・地方会の参加等, registered by staff.
    Meeting,
    /// 自己申告
    SelfReport,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditStatus {
    /// 作成中: a self-report not yet sent for approval.
    Draft,
    /// 承認申請中
    Pending,
    /// 承認済
    Approved,
    /// 却下
    Rejected,
    /// 取り下げ
    Withdrawn,
}

impl CreditStatus {
    pub fn label(self) -> &'static str {
        match self {
            CreditStatus::Draft => "作成中",
            CreditStatus::Pending => "承認申請中",
            CreditStatus::Approved => "承認済",
            CreditStatus::Rejected => "却下",
            CreditStatus::Withdrawn => "取り下げ",
        }
    }

    /// The member may change it and upload proof (作成中, or 却下 to correct it).
    pub fn editable(self) -> bool {
        matches!(self, CreditStatus::Draft | CreditStatus::Rejected)
    }

    /// Its units hold a place under the self-report cap (awaiting decision or approved).
    pub fn holds_cap(self) -> bool {
        matches!(self, CreditStatus::Pending | CreditStatus::Approved)
    }
}

/// One uploaded 証明書類.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    /// Identifies the file within its credit (the last part of its storage key).
    pub id: String,
    pub kind: ProofKind,
    pub file_name: String,
    pub file_type: FileType,
    pub size: u64,
    pub uploaded_at: DateTime<Utc>,
}

/// Who did something to a credit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Actor {
    Member { member_no: MemberNo, name: String },
    Staff { staff_id: StaffId, name: String },
}

impl Actor {
    pub fn name(&self) -> &str {
        match self {
            Actor::Member { name, .. } | Actor::Staff { name, .. } => name,
        }
    }
}

/// What happened, as 承認履歴 lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalAction {
    /// 承認申請
    Requested,
    /// 承認
    Approved,
    /// 却下
    Rejected,
    /// 取り消し (取り下げ)
    Withdrawn,
}

impl ApprovalAction {
    pub fn label(self) -> &'static str {
        match self {
            ApprovalAction::Requested => "承認申請",
            ApprovalAction::Approved => "承認",
            ApprovalAction::Rejected => "却下",
            ApprovalAction::Withdrawn => "取り下げ",
        }
    }
}

/// One entry of 承認履歴: who, when, what, why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalEvent {
    pub at: DateTime<Utc>,
    pub action: ApprovalAction,
    pub actor: Actor,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    pub credit_no: CreditNo,
    /// 単位コード of the 所定単位表.
    pub unit_code: UnitCode,
    pub unit_name: String,
    /// 研修単位区分 code and label.
    pub category: String,
    pub category_label: String,
    pub units: u32,
    pub earned_on: NaiveDate,
    pub source: CreditSource,
    pub status: CreditStatus,
    /// Meeting name, or a paper's title.
    #[serde(default)]
    pub title: Option<String>,
    /// A paper's journal and issue (発刊号数).
    #[serde(default)]
    pub journal: Option<String>,
    #[serde(default)]
    pub activity: Option<Activity>,
    #[serde(default)]
    pub proofs: Vec<Proof>,
    /// 承認履歴, oldest first.
    #[serde(default)]
    pub history: Vec<ApprovalEvent>,
    /// 却下理由 of the last rejection (kept while the member corrects the record).
    #[serde(default)]
    pub rejection_reason: Option<String>,
    /// Moves on every change; every change is conditional on the version it read.
    #[serde(default)]
    pub version: i64,
    /// When approval was last requested (the staff queue's order).
    #[serde(default)]
    pub requested_at: Option<DateTime<Utc>>,
    /// The 認定期間 (its last day) under whose self-report cap the units hold a place
    /// while pending or approved.
    #[serde(default)]
    pub cap_period_end: Option<NaiveDate>,
}

/// Why a change to a credit is not possible in its state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CreditRefusal {
    #[error("この単位情報は変更できません（{0}）。")]
    NotEditable(&'static str),
    #[error("証明書類をアップロードしてください")]
    NoProof,
    #[error("承認申請中の単位情報ではありません。")]
    NotPending,
    #[error("証明書類は1件の単位情報につき{MAX_PROOFS}件までです。")]
    TooManyProofs,
    #[error("自己申告の単位情報ではありません。")]
    NotSelfReport,
}

/// 証明書類 per credit, at most.
pub const MAX_PROOFS: usize = 5;

/// A staff decision (決裁) on a pending self-report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve { comment: Option<String> },
    Reject { reason: String },
}

impl Credit {
    /// A credit for an activity of the 所定単位表 (a meeting registered by staff, or a
    /// self-report's draft), with no proof or history yet.
    pub fn of(
        credit_no: CreditNo,
        entry: &UnitEntry,
        earned_on: NaiveDate,
        source: CreditSource,
        status: CreditStatus,
    ) -> Self {
        Credit {
            credit_no,
            unit_code: entry.code.clone(),
            unit_name: entry.name.clone(),
            category: entry.category.clone(),
            category_label: entry.category_label.clone(),
            units: entry.units,
            earned_on,
            source,
            status,
            title: None,
            journal: None,
            activity: Some(entry.activity),
            proofs: Vec::new(),
            history: Vec::new(),
            rejection_reason: None,
            version: 0,
            requested_at: None,
            cap_period_end: None,
        }
    }

    /// A new self-report (作成中).
    pub fn self_report(credit_no: CreditNo, report: &SelfReport) -> Self {
        let mut c =
            Credit::of(credit_no, &report.entry, report.earned_on, CreditSource::SelfReport, CreditStatus::Draft);
        c.title = Some(report.title.clone());
        c.journal = report.journal.clone();
        c
    }

    fn next(&self) -> Self {
        let mut c = self.clone();
        c.version += 1;
        c
    }

    fn editable(&self) -> Result<(), CreditRefusal> {
        if self.source != CreditSource::SelfReport {
            return Err(CreditRefusal::NotSelfReport);
        }
        if !self.status.editable() {
            return Err(CreditRefusal::NotEditable(self.status.label()));
        }
        Ok(())
    }

    /// The member corrects a draft or a rejected report (proofs stay).
    pub fn edited(&self, report: &SelfReport) -> Result<Self, CreditRefusal> {
        self.editable()?;
        let mut c = self.next();
        let fresh = Credit::self_report(self.credit_no.clone(), report);
        c.unit_code = fresh.unit_code;
        c.unit_name = fresh.unit_name;
        c.category = fresh.category;
        c.category_label = fresh.category_label;
        c.units = fresh.units;
        c.earned_on = fresh.earned_on;
        c.title = fresh.title;
        c.journal = fresh.journal;
        c.activity = fresh.activity;
        Ok(c)
    }

    /// 「ファイルを追加しました」: one more proof.
    pub fn with_proof(&self, proof: Proof) -> Result<Self, CreditRefusal> {
        self.editable()?;
        if self.proofs.len() >= MAX_PROOFS {
            return Err(CreditRefusal::TooManyProofs);
        }
        let mut c = self.next();
        c.proofs.push(proof);
        Ok(c)
    }

    /// 承認申請 → 送信: to 承認申請中, only with proof.
    pub fn requested(
        &self,
        by: Actor,
        comment: Option<String>,
        period_end: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Self, CreditRefusal> {
        self.editable()?;
        if self.proofs.is_empty() {
            return Err(CreditRefusal::NoProof);
        }
        let mut c = self.next();
        c.status = CreditStatus::Pending;
        c.requested_at = Some(now);
        c.cap_period_end = Some(period_end);
        c.history.push(ApprovalEvent { at: now, action: ApprovalAction::Requested, actor: by, comment });
        Ok(c)
    }

    /// 取り消し: a pending request is withdrawn (取り下げ).
    pub fn withdrawn(&self, by: Actor, comment: Option<String>, now: DateTime<Utc>) -> Result<Self, CreditRefusal> {
        if self.status != CreditStatus::Pending {
            return Err(CreditRefusal::NotPending);
        }
        let mut c = self.next();
        c.status = CreditStatus::Withdrawn;
        c.history.push(ApprovalEvent { at: now, action: ApprovalAction::Withdrawn, actor: by, comment });
        Ok(c)
    }

    /// 決裁: approved, or rejected with its 却下理由.
    pub fn decided(&self, by: Actor, decision: &Decision, now: DateTime<Utc>) -> Result<Self, CreditRefusal> {
        if self.status != CreditStatus::Pending {
            return Err(CreditRefusal::NotPending);
        }
        let mut c = self.next();
        let (status, action, comment) = match decision {
            Decision::Approve { comment } => (CreditStatus::Approved, ApprovalAction::Approved, comment.clone()),
            Decision::Reject { reason } => (CreditStatus::Rejected, ApprovalAction::Rejected, Some(reason.clone())),
        };
        c.status = status;
        c.rejection_reason = match decision {
            Decision::Reject { reason } => Some(reason.clone()),
            Decision::Approve { .. } => None,
        };
        c.history.push(ApprovalEvent { at: now, action, actor: by, comment });
        Ok(c)
    }
}

/// What a member types into the self-report popup, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SelfReportForm {
    pub unit_code: String,
    pub title: String,
    pub journal: String,
    pub earned_on: String,
}

/// A self-report that passed every check: ready to become (or replace) a draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelfReport {
    pub entry: UnitEntry,
    pub title: String,
    pub journal: Option<String>,
    pub earned_on: NaiveDate,
}

const TEXT_MAX: usize = 200;

fn text_field(field: &str, label: &str, raw: &str) -> Result<String, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        Err(FieldError::new(field, format!("{label}を入力してください。")))
    } else if s.chars().count() > TEXT_MAX || s.chars().any(char::is_control) {
        Err(FieldError::new(field, format!("{label}は{TEXT_MAX}文字以内で入力してください。")))
    } else {
        Ok(s.to_owned())
    }
}

impl SelfReportForm {
    /// Every field's error at once. The code must be in `table`, open to self-report and
    /// valid on the date; the date within the member's 認定期間 and not in the future.
    pub fn parse(&self, table: &[UnitEntry], period: &CertPeriod, today: NaiveDate) -> Result<SelfReport, FieldErrors> {
        let mut errs = FieldErrors::new();
        let entry = errs.take(UnitCode::parse(&self.unit_code).and_then(|code| {
            table
                .iter()
                .find(|e| e.code == code && e.self_reportable)
                .cloned()
                .ok_or_else(|| FieldError::new("unit_code", "自己申告できる単位コードを候補から選択してください。"))
        }));
        let earned_on = errs.take(crate::application::parse_date("earned_on", "日付", &self.earned_on).and_then(|d| {
            if d > today {
                Err(FieldError::new("earned_on", "日付は今日以前の日付を入力してください。"))
            } else if !period.contains(d) {
                Err(FieldError::new(
                    "earned_on",
                    format!(
                        "日付は現在の認定期間（{}〜{}）内の日付を入力してください。",
                        period.start().format("%Y年%m月%d日"),
                        period.end().format("%Y年%m月%d日")
                    ),
                ))
            } else {
                Ok(d)
            }
        }));
        let activity = entry.as_ref().map_or(Activity::Meeting, |e| e.activity);
        let title = match activity {
            Activity::Meeting => errs.take(text_field("title", "学術集会名", &self.title)),
            Activity::Paper => errs.take(text_field("title", "論文名", &self.title)),
        };
        let journal = match activity {
            Activity::Meeting if !self.journal.trim().is_empty() => {
                errs.push(FieldError::new("journal", "学術集会の単位には掲載誌・発刊号数を入力しません。"));
                None
            }
            Activity::Meeting => None,
            Activity::Paper => errs.take(text_field("journal", "掲載誌・発刊号数", &self.journal)),
        };
        if let (Some(e), Some(d)) = (&entry, earned_on)
            && !e.valid_on(d)
        {
            errs.push(FieldError::new("earned_on", "この単位コードはその日付には対象外です。"));
        }
        match (entry, title, earned_on) {
            (Some(entry), Some(title), Some(earned_on)) if errs.is_empty() => {
                Ok(SelfReport { entry, title, journal, earned_on })
            }
            _ => Err(errs),
        }
    }
}

/// A short free text (承認申請 or 取り消し comment, 却下理由): trimmed, at most 500
/// characters; `required` for a 却下理由.
pub fn comment(field: &str, raw: &str, required: bool) -> Result<Option<String>, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return if required {
            Err(FieldError::new(field, "却下理由を入力してください。"))
        } else {
            Ok(None)
        };
    }
    if s.chars().count() > 500 || s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(FieldError::new(field, "コメントは500文字以内で入力してください。"));
    }
    Ok(Some(s.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unit_table::sample_table;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn period() -> CertPeriod {
        CertPeriod::new(d(2022, 4, 1), d(2027, 3, 31)).unwrap()
    }

    #[test]
    fn a_blank_self_report_names_every_field() {
        let errs = SelfReportForm::default().parse(&sample_table(), &period(), d(2026, 11, 30)).unwrap_err();
        let fields: Vec<_> = errs.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["unit_code", "earned_on", "title"]);
    }

    #[test]
    fn a_paper_needs_its_journal_and_a_date_inside_the_period() {
        let form = SelfReportForm {
            unit_code: "paper-1st".into(),
            title: "冠動脈疾患の一例".into(),
            journal: "".into(),
            earned_on: "2021-01-01".into(),
        };
        let errs = form.parse(&sample_table(), &period(), d(2026, 11, 30)).unwrap_err();
        let fields: Vec<_> = errs.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["earned_on", "journal"]);
        let ok = SelfReportForm { journal: "循環器誌 第12巻3号".into(), earned_on: "2025-06-01".into(), ..form };
        let r = ok.parse(&sample_table(), &period(), d(2026, 11, 30)).unwrap();
        assert_eq!((r.entry.units, r.journal.as_deref()), (5, Some("循環器誌 第12巻3号")));
    }

    #[test]
    fn a_meeting_code_before_it_exists_or_a_future_date_is_refused() {
        let form = SelfReportForm {
            unit_code: "AM90-ATT".into(),
            title: "第90回日本循環器学会学術集会".into(),
            journal: String::new(),
            earned_on: "2025-03-01".into(),
        };
        let errs = form.parse(&sample_table(), &period(), d(2026, 11, 30)).unwrap_err();
        assert_eq!(errs.0[0].field, "earned_on");
        let future = SelfReportForm { earned_on: "2026-12-01".into(), ..form };
        assert!(future.parse(&sample_table(), &period(), d(2026, 11, 30)).is_err());
    }

    fn draft() -> Credit {
        let report = SelfReportForm {
            unit_code: "REL-AM".into(),
            title: "日本内科学会 年次学術集会".into(),
            journal: String::new(),
            earned_on: "2025-04-20".into(),
        }
        .parse(&sample_table(), &period(), d(2026, 11, 30))
        .unwrap();
        Credit::self_report(CreditNo::new(9), &report)
    }

    fn member() -> Actor {
        Actor::Member { member_no: MemberNo::parse("100003").unwrap(), name: "血管 次郎".into() }
    }

    fn proof() -> Proof {
        Proof {
            id: "0123456789abcdef".into(),
            kind: ProofKind::NameCard,
            file_name: "card.pdf".into(),
            file_type: FileType::Pdf,
            size: 1000,
            uploaded_at: Utc::now(),
        }
    }

    #[test]
    fn the_workflow_moves_only_forward_and_needs_proof() {
        let now = Utc::now();
        let c = draft();
        assert_eq!(c.requested(member(), None, d(2027, 3, 31), now), Err(CreditRefusal::NoProof));
        let c = c.with_proof(proof()).unwrap();
        let pending = c.requested(member(), None, d(2027, 3, 31), now).unwrap();
        assert_eq!((pending.status, pending.version, pending.history.len()), (CreditStatus::Pending, 2, 1));
        assert!(pending.with_proof(proof()).is_err(), "pending is frozen");
        let staff = Actor::Staff { staff_id: StaffId::parse("staff01").unwrap(), name: "事務局".into() };
        let rejected =
            pending.decided(staff.clone(), &Decision::Reject { reason: "証明書類が不鮮明です".into() }, now).unwrap();
        assert_eq!(rejected.rejection_reason.as_deref(), Some("証明書類が不鮮明です"));
        assert_eq!(
            rejected.decided(staff.clone(), &Decision::Approve { comment: None }, now),
            Err(CreditRefusal::NotPending)
        );
        let again = rejected.requested(member(), Some("差し替えました".into()), d(2027, 3, 31), now).unwrap();
        let withdrawn = again.withdrawn(member(), None, now).unwrap();
        assert_eq!(withdrawn.status, CreditStatus::Withdrawn);
        assert_eq!(
            withdrawn.history.iter().map(|e| e.action).collect::<Vec<_>>(),
            [ApprovalAction::Requested, ApprovalAction::Rejected, ApprovalAction::Requested, ApprovalAction::Withdrawn]
        );
        assert!(withdrawn.requested(member(), None, d(2027, 3, 31), now).is_err());
    }

    #[test]
    fn comments_are_optional_but_a_rejection_needs_its_reason() {
        assert_eq!(comment("comment", "  ", false).unwrap(), None);
        assert_eq!(comment("reason", "", true).unwrap_err().field, "reason");
        assert!(comment("comment", &"あ".repeat(501), false).is_err());
    }
}
