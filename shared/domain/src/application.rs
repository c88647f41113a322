//! 専門医資格申請情報: a renewal (更新申請) or decline (辞退申請) application. A draft
//! can be edited and deleted; once submitted it never changes (states only move forward).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{ApplicationNo, BaseCertNo, BaseQualification, CertPeriod, FieldError, FieldErrors, FiscalYear, InvoiceNo};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationKind {
    Renewal,
    Decline,
}

impl ApplicationKind {
    pub fn code(self) -> &'static str {
        match self {
            ApplicationKind::Renewal => "renewal",
            ApplicationKind::Decline => "decline",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ApplicationKind::Renewal => "更新申請",
            ApplicationKind::Decline => "辞退申請",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw.trim() {
            "renewal" => Ok(ApplicationKind::Renewal),
            "decline" => Ok(ApplicationKind::Decline),
            "" => Err(FieldError::new("kind", "申請種別を選択してください。")),
            _ => Err(FieldError::new("kind", "申請種別は「更新申請」か「辞退申請」を選択してください。")),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// 作成中: saved, not applied (STEP①).
    Draft,
    /// 申請済 (STEP④ / 辞退申請).
    Submitted,
    /// 更新手続き完了: the renewal fee is paid (manual STEP⑤: 「更新料のお支払いで、
    /// 専門医更新手続きは完了です」).
    Completed,
}

impl ApplicationStatus {
    pub fn code(self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "draft",
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::Completed => "completed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "作成中",
            ApplicationStatus::Submitted => "申請済",
            ApplicationStatus::Completed => "更新手続き完了",
        }
    }
}

/// 辞退理由.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    Retirement,
    FieldChange,
    Abroad,
    Health,
    Other,
}

impl DeclineReason {
    pub const ALL: [DeclineReason; 5] = [
        DeclineReason::Retirement,
        DeclineReason::FieldChange,
        DeclineReason::Abroad,
        DeclineReason::Health,
        DeclineReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DeclineReason::Retirement => "retirement",
            DeclineReason::FieldChange => "field_change",
            DeclineReason::Abroad => "abroad",
            DeclineReason::Health => "health",
            DeclineReason::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeclineReason::Retirement => "定年・引退のため",
            DeclineReason::FieldChange => "専門領域の変更のため",
            DeclineReason::Abroad => "海外在住のため",
            DeclineReason::Health => "健康上の理由のため",
            DeclineReason::Other => "その他",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(FieldError::new("decline_reason", "辞退理由を選択してください。"));
        }
        Self::ALL
            .into_iter()
            .find(|r| r.code() == raw)
            .ok_or_else(|| FieldError::new("decline_reason", "辞退理由を一覧から選択してください。"))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewalDetails {
    pub base_qualification: BaseQualification,
    pub base_cert_no: BaseCertNo,
    /// 基本領域認定・更新年度
    pub base_cert_fiscal_year: FiscalYear,
    /// 基本領域認定期間 [開始]–[終了], the current one.
    pub base_period: CertPeriod,
}

/// The renewal form as typed; every field text so that blanks become field errors.
#[derive(Clone, Debug, Default)]
pub struct RenewalForm {
    pub base_qualification: String,
    pub base_cert_no: String,
    pub base_cert_fiscal_year: String,
    pub base_period_start: String,
    pub base_period_end: String,
}

/// A date as typed: `YYYY-MM-DD` or `YYYY/M/D` (a four-digit year; month and day with or
/// without a leading zero). Nothing else: chrono alone would take `21-04-01` as the
/// year 21 and `+2021-04-01` as 2021.
pub fn parse_date(field: &str, label: &str, raw: &str) -> Result<NaiveDate, FieldError> {
    let s = raw.trim().replace('/', "-");
    if s.is_empty() {
        return Err(FieldError::new(field, format!("{label}を入力してください。")));
    }
    let invalid = || FieldError::new(field, format!("{label}は正しい日付（例: 2021-04-01）で入力してください。"));
    let parts: Vec<&str> = s.split('-').collect();
    let shaped = matches!(parts.as_slice(), [y, m, d]
        if y.len() == 4 && (1..=2).contains(&m.len()) && (1..=2).contains(&d.len())
            && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())));
    if !shaped {
        return Err(invalid());
    }
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| invalid())
}

impl RenewalForm {
    /// Every field's error at once. `today` bounds the dates: the period asked for is
    /// the current one, not a planned one (manual STEP① 6).
    pub fn parse(&self, today: NaiveDate) -> Result<RenewalDetails, FieldErrors> {
        let mut errs = FieldErrors::new();
        let q = errs.take(BaseQualification::parse(&self.base_qualification));
        let no = errs.take(BaseCertNo::parse(&self.base_cert_no));
        let year_raw: String =
            unicode_normalization::UnicodeNormalization::nfkc(self.base_cert_fiscal_year.trim()).collect();
        let year = errs.take(if year_raw.is_empty() {
            Err(FieldError::new("base_cert_fiscal_year", "基本領域認定・更新年度を入力してください。"))
        } else {
            match year_raw.parse::<i32>() {
                Ok(y) if (1950..=FiscalYear::containing(today).year()).contains(&y) => {
                    Ok(FiscalYear::new(y).expect("in range"))
                }
                _ => Err(FieldError::new(
                    "base_cert_fiscal_year",
                    "基本領域認定・更新年度は西暦4桁（今年度以前）で入力してください。",
                )),
            }
        });
        let start = errs.take(parse_date("base_period_start", "基本領域認定期間[開始]", &self.base_period_start));
        let end = errs.take(parse_date("base_period_end", "基本領域認定期間[終了]", &self.base_period_end));
        let period = match (start, end) {
            (Some(s), Some(_)) if s > today => {
                errs.push(FieldError::new(
                    "base_period_start",
                    "現在の認定期間を入力してください（開始日が未来の日付です）。",
                ));
                None
            }
            (Some(s), Some(e)) => errs.take(CertPeriod::new(s, e).map_err(|_| {
                FieldError::new("base_period_end", "基本領域認定期間[終了]は[開始]以降の日付を入力してください。")
            })),
            _ => None,
        };
        match (q, no, year, period) {
            (Some(base_qualification), Some(base_cert_no), Some(base_cert_fiscal_year), Some(base_period))
                if errs.is_empty() =>
            {
                Ok(RenewalDetails { base_qualification, base_cert_no, base_cert_fiscal_year, base_period })
            }
            _ => Err(errs),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclineDetails {
    pub reason: DeclineReason,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct DeclineForm {
    pub decline_reason: String,
    pub note: String,
}

impl DeclineForm {
    pub fn parse(&self) -> Result<DeclineDetails, FieldErrors> {
        let mut errs = FieldErrors::new();
        let reason = errs.take(DeclineReason::parse(&self.decline_reason));
        let note = self.note.trim();
        if note.chars().count() > 200 || note.chars().any(|c| c.is_control() && c != '\n') {
            errs.push(FieldError::new("note", "備考は200文字以内で入力してください。"));
        }
        match reason {
            Some(reason) if errs.is_empty() => {
                Ok(DeclineDetails { reason, note: (!note.is_empty()).then(|| note.to_owned()) })
            }
            _ => Err(errs),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApplicationDetails {
    Renewal(RenewalDetails),
    Decline(DeclineDetails),
}

impl ApplicationDetails {
    pub fn kind(&self) -> ApplicationKind {
        match self {
            ApplicationDetails::Renewal(_) => ApplicationKind::Renewal,
            ApplicationDetails::Decline(_) => ApplicationKind::Decline,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub application_no: ApplicationNo,
    pub details: ApplicationDetails,
    pub status: ApplicationStatus,
    /// The 認定期間 (its last day) this application renews or declines.
    pub cert_period_end: NaiveDate,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub submitted_at: Option<DateTime<Utc>>,
    /// The 専門医更新料 invoice issued on submission.
    #[serde(default)]
    pub invoice_no: Option<InvoiceNo>,
    /// The version of the 更新条件 a renewal was checked against when submitted.
    #[serde(default)]
    pub rule_version: Option<u32>,
}

#[cfg(test)]
mod date_tests {
    use super::parse_date;

    #[test]
    fn a_date_has_a_four_digit_year_and_nothing_else() {
        let ok = |s: &str| parse_date("d", "日付", s).map(|d| d.to_string()).ok();
        assert_eq!(ok("2021-04-01").as_deref(), Some("2021-04-01"));
        assert_eq!(ok(" 2021/4/1 ").as_deref(), Some("2021-04-01"));
        // Found by API fuzzing: chrono alone read these as the years 21 and 2021.
        for bad in [
            "21-04-01",
            "+2021-04-01",
            "02021-04-01",
            "2021-004-01",
            "2021-04-01T00:00",
            "2021-02-30",
            "２０２１-04-01",
        ] {
            assert_eq!(ok(bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    #[test]
    fn a_blank_renewal_form_reports_every_field() {
        let errs = RenewalForm::default().parse(today()).unwrap_err();
        let fields: Vec<_> = errs.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["base_qualification", "base_cert_no", "base_cert_fiscal_year", "base_period_start", "base_period_end"]
        );
    }

    #[test]
    fn a_filled_renewal_form_parses_and_takes_the_lower_eight_digits() {
        let form = RenewalForm {
            base_qualification: "internal_medicine_new".into(),
            base_cert_no: "11-12345678".into(),
            base_cert_fiscal_year: "２０２１".into(),
            base_period_start: "2021-04-01".into(),
            base_period_end: "2026/03/31".into(),
        };
        let d = form.parse(today()).unwrap();
        assert_eq!(d.base_cert_no.as_str(), "12345678");
        assert_eq!(d.base_cert_fiscal_year.year(), 2021);
    }

    #[test]
    fn a_period_ending_before_it_starts_or_a_nine_digit_number_is_refused() {
        let form = RenewalForm {
            base_qualification: "pediatrics".into(),
            base_cert_no: "123456789".into(),
            base_cert_fiscal_year: "2021".into(),
            base_period_start: "2026-04-01".into(),
            base_period_end: "2021-03-31".into(),
        };
        let errs = form.parse(today()).unwrap_err();
        let fields: Vec<_> = errs.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["base_cert_no", "base_period_end"]);
    }

    #[test]
    fn decline_needs_a_reason_and_keeps_notes_short() {
        assert_eq!(DeclineForm::default().parse().unwrap_err().0[0].field, "decline_reason");
        let ok = DeclineForm { decline_reason: "retirement".into(), note: " ".into() }.parse().unwrap();
        assert_eq!(ok, DeclineDetails { reason: DeclineReason::Retirement, note: None });
        assert!(DeclineForm { decline_reason: "other".into(), note: "あ".repeat(201) }.parse().is_err());
    }
}
