//! 単位情報 — manual STEP③: the 所定単位表 and its search, self-reports (作成中 →
//! 承認申請中 → 承認済 | 却下, 取り下げ), proof files, and the staff's decisions. The
//! 18-unit cap is held in the store: the request that moves a credit to 承認申請中 adds
//! its units to the member's total only if the total stays within the cap, in the same
//! transaction as the state change; rejection and withdrawal give the units back.

use std::time::Duration;

use portal_domain::files::{FileKey, ProofFiles, UploadTicket};
use portal_domain::table::IndexQuery;
use portal_domain::unit_table::{FILE_TYPES_MESSAGE, MAX_PROOF_BYTES};
use portal_domain::{
    Actor, Credit, CreditNo, CreditRefusal, Decision, FieldError, FileType, Member, MemberNo, Proof, ProofKind,
    SelfReportForm, StaffId, UnitEntry,
};
use serde::Deserialize;

use crate::applications::renewal_rule;
use crate::profile::{OwnPartition, own_partition};
use crate::records::{
    self, Changes, CreditRecord, MemberRecord, SelfReportTotalRecord, Tx, TxError, UnitRecord, When, decode, decode_opt,
};
use crate::{App, CreditError, Fault, audit, keys, mails, outbox, season_counts};

/// How long a signed upload request stays valid.
pub const UPLOAD_VALID: Duration = Duration::from_secs(10 * 60);
/// How long a download link stays valid.
pub const DOWNLOAD_VALID: Duration = Duration::from_secs(5 * 60);

/// The whole 所定単位表, in code order (one Query).
pub async fn unit_table(app: &App) -> Result<Vec<UnitEntry>, Fault> {
    let items = app.table.query(keys::UNITS_PK, "").await?;
    Ok(items.iter().map(decode::<UnitRecord>).collect::<Result<_, _>>()?)
}

/// How many self-reported units a member may still request in the current period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowance {
    pub reported: u32,
    pub cap: u32,
    pub remaining: u32,
}

fn period_end(member: &Member) -> Result<chrono::NaiveDate, CreditError> {
    Ok(member.certification.as_ref().ok_or(CreditError::NoCertification)?.period.end())
}

fn allowance_of(own: &OwnPartition, cap: u32) -> Result<Allowance, CreditError> {
    let reported = u32::try_from(own.records.self_reported(period_end(&own.member)?).max(0)).unwrap_or(u32::MAX);
    Ok(Allowance { reported, cap, remaining: cap.saturating_sub(reported) })
}

/// 「新規」: whether (and how much) the member may still self-report.
pub async fn allowance(app: &App, caller: MemberNo, ver: i64, requested: MemberNo) -> Result<Allowance, CreditError> {
    let (own, rule) = tokio::join!(own_partition(app, caller, ver, requested), renewal_rule(app));
    allowance_of(&own?, rule?.self_report_cap)
}

fn member_actor(m: &Member) -> Actor {
    Actor::Member { member_no: m.member_no, name: m.name.as_str().to_owned() }
}

/// 「保存」 in the self-report popup: a new record (作成中) with its 管理No.
pub async fn create(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    form: &SelfReportForm,
) -> Result<Credit, CreditError> {
    let (own, rule, table) =
        tokio::join!(own_partition(app, caller, ver, requested), renewal_rule(app), unit_table(app));
    let (own, rule, table) = (own?, rule?, table?);
    let allowance = allowance_of(&own, rule.self_report_cap)?;
    if allowance.remaining == 0 {
        return Err(CreditError::CapReached { cap: rule.self_report_cap });
    }
    let cert = own.member.certification.as_ref().ok_or(CreditError::NoCertification)?;
    let report = form.parse(&table, &cert.period, app.clock.today())?;
    let seq = app.next_in_sequence("CREDIT").await?;
    let credit = Credit::self_report(CreditNo::new(seq), &report);
    let item = records::item::<CreditRecord>(CreditRecord::key(requested, &credit.credit_no), &credit);
    Tx::plain().write(records::put(item, When::new_item())).apply(app.table.as_ref()).await?;
    Ok(credit)
}

fn find(own: &OwnPartition, raw_no: &str) -> Result<Credit, CreditError> {
    let no = CreditNo::parse(raw_no).ok_or(crate::AccessError::NotFound)?;
    Ok(own.records.credits.iter().find(|c| c.credit_no == no).cloned().ok_or(crate::AccessError::NotFound)?)
}

pub async fn get(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    raw_no: &str,
) -> Result<Credit, CreditError> {
    find(&own_partition(app, caller, ver, requested).await?, raw_no)
}

#[derive(Clone, Copy, Debug)]
enum Changed {
    /// The record moved on since it was read.
    Stale,
    /// The cap would be exceeded.
    OverCap,
}

/// A credit's next version as the item that replaces it (out of the staff queue unless
/// placed there).
fn replace(member: MemberNo, new: &Credit) -> records::Stored<CreditRecord> {
    records::item::<CreditRecord>(CreditRecord::key(member, &new.credit_no), new)
}

/// Only if nobody changed the credit since it was read.
fn unchanged(old: &Credit) -> When<CreditRecord> {
    CreditRecord::VERSION.is(&old.version)
}

async fn save(app: &App, member: MemberNo, old: &Credit, new: &Credit) -> Result<(), CreditError> {
    let tx = Tx::new().step(records::put(replace(member, new), unchanged(old)), Changed::Stale);
    match tx.run(app.table.as_ref()).await {
        Ok(()) => Ok(()),
        Err(TxError::Refused(_)) => Err(CreditError::Stale),
        Err(TxError::Store(e)) => Err(e.into()),
    }
}

/// The member corrects a draft or a rejected report.
pub async fn update(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    raw_no: &str,
    form: &SelfReportForm,
) -> Result<Credit, CreditError> {
    let (own, table) = tokio::join!(own_partition(app, caller, ver, requested), unit_table(app));
    let (own, table) = (own?, table?);
    let old = find(&own, raw_no)?;
    let cert = own.member.certification.as_ref().ok_or(CreditError::NoCertification)?;
    let report = form.parse(&table, &cert.period, app.clock.today())?;
    let new = old.edited(&report)?;
    save(app, requested, &old, &new).await?;
    Ok(new)
}

/// What the browser says it is about to upload.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UploadRequest {
    pub kind: String,
    pub file_name: String,
    pub content_type: String,
    #[serde(deserialize_with = "portal_domain::field_error::whole_number::deserialize")]
    pub size: u64,
}

fn wrong_proof_kind() -> CreditError {
    portal_domain::FieldErrors::from(FieldError::new("kind", "この単位に必要な証明書類の種類を選んでください。")).into()
}

fn proof_kind(raw: &str) -> Result<ProofKind, FieldError> {
    match raw {
        "name_card" => Ok(ProofKind::NameCard),
        "paper_summary" => Ok(ProofKind::PaperSummary),
        _ => Err(FieldError::new("kind", "証明書類の種類（ネームカード・論文サマリー）を選んでください。")),
    }
}

fn file_name(raw: &str) -> Result<String, FieldError> {
    let name: String = raw.trim().chars().filter(|c| !c.is_control() && !matches!(c, '/' | '\\' | '"')).collect();
    if name.is_empty() {
        return Err(FieldError::new("file", "アップロードするファイルを選択してください。"));
    }
    if name.chars().count() > 120 {
        return Err(FieldError::new("file", "ファイル名は120文字以内にしてください。"));
    }
    Ok(name)
}

/// A signed request for the browser to upload one proof file straight to storage, for
/// a key the server chose under the member's and credit's prefix.
pub async fn upload_ticket(
    app: &App,
    files: &dyn ProofFiles,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    raw_no: &str,
    req: &UploadRequest,
) -> Result<(FileKey, UploadTicket), CreditError> {
    let mut errs = portal_domain::FieldErrors::new();
    let kind = errs.take(proof_kind(&req.kind));
    errs.take(file_name(&req.file_name));
    let file_type = errs.take(
        FileType::from_mime(&req.content_type)
            .filter(|_| (1..=MAX_PROOF_BYTES).contains(&req.size))
            .ok_or_else(|| FieldError::new("file", FILE_TYPES_MESSAGE)),
    );
    let Some(file_type) = file_type.filter(|_| errs.is_empty()) else { return Err(errs.into()) };
    let credit = get(app, caller, ver, requested, raw_no).await?;
    // The proof a unit asks for (ネームカード or 論文サマリー), not another.
    if kind.is_some() && credit.activity.map(|a| a.proof()) != kind {
        return Err(wrong_proof_kind());
    }
    if credit.proofs.len() >= portal_domain::credit::MAX_PROOFS {
        return Err(CreditRefusal::TooManyProofs.into());
    }
    if !credit.status.editable() {
        return Err(CreditRefusal::NotEditable(credit.status.label()).into());
    }
    let key = FileKey::new(requested, &credit.credit_no, &uuid::Uuid::new_v4().simple().to_string());
    let ticket = files.upload_ticket(&key, file_type.mime(), req.size, app.clock.now(), UPLOAD_VALID).await?;
    Ok((key, ticket))
}

/// 「完了」 after the upload: what arrived is checked — under the credit's own prefix, at
/// most 10 MB, and by its first bytes a PDF, JPEG or PNG of the declared type. A file
/// that lies about its type is deleted and refused.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProofRequest {
    pub key: String,
    pub kind: String,
    pub file_name: String,
    pub content_type: String,
}

pub async fn add_proof(
    app: &App,
    files: &dyn ProofFiles,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    raw_no: &str,
    req: &ProofRequest,
) -> Result<Credit, CreditError> {
    let kind = proof_kind(&req.kind)?;
    let name = file_name(&req.file_name)?;
    let old = get(app, caller, ver, requested, raw_no).await?;
    if old.activity.map(|a| a.proof()) != Some(kind) {
        return Err(wrong_proof_kind());
    }
    let key = FileKey::parse_for(&req.key, requested, &old.credit_no).ok_or_else(|| {
        CreditError::FileRefused(FieldError::new(
            "file",
            "アップロード先が正しくありません。もう一度アップロードしてください。",
        ))
    })?;
    let refuse = |msg: &str| CreditError::FileRefused(FieldError::new("file", msg));
    let Some(stored) = files.head(&key).await? else {
        return Err(refuse("ファイルが届いていません。もう一度アップロードしてください。"));
    };
    let head = files.first_bytes(&key, 16).await?;
    let declared = FileType::from_mime(&req.content_type);
    let sniffed = FileType::sniff(&head);
    if stored.size == 0 || stored.size > MAX_PROOF_BYTES || sniffed.is_none() || sniffed != declared {
        tracing::info!(size = stored.size, declared = ?declared, sniffed = ?sniffed, "proof file refused and deleted");
        files.delete(&key).await?;
        return Err(refuse(FILE_TYPES_MESSAGE));
    }
    let proof = Proof {
        id: key.id().to_owned(),
        kind,
        file_name: name,
        file_type: sniffed.expect("checked"),
        size: stored.size,
        uploaded_at: app.clock.now(),
    };
    let new = old.with_proof(proof)?;
    // Kept first, then recorded: a failure in between leaves an unlisted file behind,
    // never a listed one that the bucket's lifecycle later removes.
    files.attach(&key).await?;
    save(app, requested, &old, &new).await?;
    Ok(new)
}

/// A short-lived link that downloads one proof file as an attachment.
pub async fn download_link(
    app: &App,
    files: &dyn ProofFiles,
    member: MemberNo,
    credit: &Credit,
    proof_id: &str,
) -> Result<String, CreditError> {
    let proof = credit.proofs.iter().find(|p| p.id == proof_id).ok_or(crate::AccessError::NotFound)?;
    let key = FileKey::new(member, &credit.credit_no, &proof.id);
    Ok(files.download_link(&key, &proof.file_name, app.clock.now(), DOWNLOAD_VALID).await?)
}

/// 「承認申請」→「送信」: to 承認申請中, with proof, within the cap — one transaction.
pub async fn request_approval(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    raw_no: &str,
    raw_comment: &str,
) -> Result<Credit, CreditError> {
    let comment = portal_domain::credit::comment("comment", raw_comment, false)?;
    let (own, rule) = tokio::join!(own_partition(app, caller, ver, requested), renewal_rule(app));
    let (own, rule) = (own?, rule?);
    let old = find(&own, raw_no)?;
    let end = period_end(&own.member)?;
    let now = app.clock.now();
    let new = old.requested(member_actor(&own.member), comment, end, now)?;
    let cap = i64::from(rule.self_report_cap);
    let units = i64::from(new.units);
    let queued = replace(requested, &new).with_gsi1(keys::pending_credit_gsi(now, requested, &new.credit_no));
    let total = records::update(
        SelfReportTotalRecord::key(requested, end),
        Changes::new().add(SelfReportTotalRecord::UNITS, units),
        // No arithmetic in conditions: the bound is computed here.
        SelfReportTotalRecord::UNITS.absent().or(SelfReportTotalRecord::UNITS.below(cap - units + 1)),
    );
    let tx = Tx::new()
        .step(records::put(queued, unchanged(&old)), Changed::Stale)
        .step(total, Changed::OverCap)
        .write(season_counts::queue(requested, 1))
        .write(audit::on_member(
            app,
            requested,
            &audit::Actor::member(&own.member),
            &audit::Change {
                action: "credit.request",
                label: "自己申告の承認申請",
                record: new.credit_no.to_string(),
                before: Some(old.status.label()),
                after: Some(new.status.label()),
                reason: None,
            },
        ));
    match tx.run(app.table.as_ref()).await {
        Ok(()) => Ok(new),
        Err(TxError::Refused(Changed::Stale)) => Err(CreditError::Stale),
        Err(TxError::Refused(Changed::OverCap)) => {
            let a = allowance(app, caller, ver, requested).await?;
            Err(CreditError::OverCap { cap: a.cap, units: new.units, remaining: a.remaining })
        }
        Err(TxError::Store(e)) => Err(e.into()),
    }
}

/// The write that gives a credit's units back to the cap (rejection, withdrawal).
fn release(member: MemberNo, credit: &Credit) -> Option<portal_domain::table::Write> {
    let end = credit.cap_period_end?;
    Some(records::update(
        SelfReportTotalRecord::key(member, end),
        Changes::new().add(SelfReportTotalRecord::UNITS, -i64::from(credit.units)),
        When::exists(),
    ))
}

/// 承認履歴 「取り消し」: a pending request is withdrawn and its units given back.
pub async fn withdraw(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    raw_no: &str,
    raw_comment: &str,
) -> Result<Credit, CreditError> {
    let comment = portal_domain::credit::comment("comment", raw_comment, false)?;
    let own = own_partition(app, caller, ver, requested).await?;
    let old = find(&own, raw_no)?;
    let new = old.withdrawn(member_actor(&own.member), comment, app.clock.now())?;
    let mut tx = Tx::new().step(records::put(replace(requested, &new), unchanged(&old)), Changed::Stale);
    if let Some(w) = release(requested, &old) {
        tx = tx.write(w);
    }
    // `withdrawn` refuses anything but a pending request: it leaves the queue.
    let change = audit::Change {
        action: "credit.withdraw",
        label: "自己申告の取り下げ",
        record: new.credit_no.to_string(),
        before: Some(old.status.label()),
        after: Some(new.status.label()),
        reason: None,
    };
    tx = tx.write(season_counts::queue(requested, -1)).write(audit::on_member(
        app,
        requested,
        &audit::Actor::member(&own.member),
        &change,
    ));
    match tx.run(app.table.as_ref()).await {
        Ok(()) => Ok(new),
        Err(TxError::Refused(_)) => Err(CreditError::Stale),
        Err(TxError::Store(e)) => Err(e.into()),
    }
}

/// One self-report awaiting decision, as the staff queue lists it.
#[derive(Clone, Debug)]
pub struct PendingCredit {
    pub member_no: MemberNo,
    pub credit: Credit,
    /// The queue position to continue after (the next page's cursor).
    pub cursor: String,
}

/// A page of the staff queue, oldest request first: one Query of the index.
pub async fn pending(app: &App, after: Option<String>, limit: usize) -> Result<Vec<PendingCredit>, Fault> {
    let q = IndexQuery::new(keys::CREDITS_PENDING, limit).after(after);
    let items = app.table.query_gsi1(&q).await?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let credit = decode::<CreditRecord>(&item)?;
        let member_no = item.key.pk.strip_prefix("MEMBER#").and_then(|m| MemberNo::parse(m).ok());
        let (Some(member_no), Some(g)) = (member_no, item.gsi1.as_ref()) else { continue };
        out.push(PendingCredit { member_no, credit, cursor: g.sk.clone() });
    }
    Ok(out)
}

/// A credit as staff see it (one read).
pub async fn for_staff(app: &App, member: MemberNo, raw_no: &str) -> Result<Credit, CreditError> {
    let no = CreditNo::parse(raw_no).ok_or(crate::AccessError::NotFound)?;
    let item = app.table.get(&CreditRecord::key(member, &no)).await?;
    Ok(decode_opt::<CreditRecord>(item)?.ok_or(crate::AccessError::NotFound)?)
}

/// 決裁: approve, or reject with its reason (the member is mailed a link). Two staff
/// deciding at once: the version condition lets one win; the other is told.
pub async fn decide(
    app: &App,
    staff: (&StaffId, &str),
    member: MemberNo,
    raw_no: &str,
    seen_version: i64,
    decision: Decision,
) -> Result<Credit, CreditError> {
    let no = CreditNo::parse(raw_no).ok_or(crate::AccessError::NotFound)?;
    let (credit_key, member_key) = (CreditRecord::key(member, &no), MemberRecord::key(member));
    let (credit, profile) = tokio::join!(app.table.get(&credit_key), app.table.get(&member_key));
    let old = decode_opt::<CreditRecord>(credit?)?.ok_or(crate::AccessError::NotFound)?;
    let m = decode_opt::<MemberRecord>(profile?)?.ok_or(crate::AccessError::NotFound)?;
    if old.version != seen_version || old.status != portal_domain::CreditStatus::Pending {
        return Err(CreditError::AlreadyDecided);
    }
    let by = Actor::Staff { staff_id: staff.0.clone(), name: staff.1.to_owned() };
    let new = old.decided(by, &decision, app.clock.now())?;
    let (action, label, reason) = match &decision {
        Decision::Approve { comment } => ("credit.approve", "自己申告の承認", comment.as_deref()),
        Decision::Reject { reason } => ("credit.reject", "自己申告の却下", Some(reason.as_str())),
    };
    let change = audit::Change {
        action,
        label,
        record: no.to_string(),
        before: Some(old.status.label()),
        after: Some(new.status.label()),
        reason,
    };
    let entry = audit::on_member(app, member, &audit::Actor::staff(staff.0, staff.1), &change);
    // Out of the queue (a put without an index place).
    let mut tx = Tx::new()
        .step(records::put(replace(member, &new), unchanged(&old)), Changed::Stale)
        .write(entry)
        .write(season_counts::queue(member, -1));
    if let Decision::Reject { .. } = decision {
        if let Some(w) = release(member, &old) {
            tx = tx.write(w);
        }
        tx = tx.write(outbox::enqueue(app, &mails::self_report_rejected(&app.config, &m, &new)));
    }
    match tx.run(app.table.as_ref()).await {
        Ok(()) => Ok(new),
        Err(TxError::Refused(_)) => Err(CreditError::AlreadyDecided),
        Err(TxError::Store(e)) => Err(e.into()),
    }
}
