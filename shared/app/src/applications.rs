//! 専門医資格申請情報: create (STEP①), edit, delete, and submit (STEP④ / 辞退申請).
//! Every state change is one conditional transaction; submitting writes the application
//! state, the 専門医更新料 invoice and the mail together, so a double click, two tabs or a
//! retried request can never make two invoices or two mails.

use chrono::Datelike;
use portal_domain::{
    Application, ApplicationDetails, ApplicationKind, ApplicationNo, ApplicationStatus, DeclineForm, Eligibility,
    FeeType, FiscalYear, Invoice, InvoiceNo, Member, MemberNo, RenewalForm, RenewalRule, eligibility,
};
use serde::Deserialize;

use crate::application_list::{self, ListState, season_of};
use crate::profile::{OwnPartition, own_partition};
use crate::records::{
    self, ApplicationRecord, Changes, InvoiceRecord, OpenApplication, OpenApplicationRecord, RenewalRuleRecord,
    SubmittedMarker, SubmittedRecord, Tx, TxError, When, decode_opt,
};
use crate::{AccessError, App, ApplicationError, Fault, audit, mails, outbox, season_counts};

/// The body of "create" and "edit", as typed: every field text (blank when absent, so
/// a blank is that field's error), nothing else accepted. Only the kind's own fields
/// are read; the other kind's may be sent blank by a form that has both.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApplicationForm {
    pub kind: String,
    pub base_qualification: String,
    pub base_cert_no: String,
    pub base_cert_fiscal_year: String,
    pub base_period_start: String,
    pub base_period_end: String,
    pub decline_reason: String,
    pub note: String,
}

impl ApplicationForm {
    pub fn renewal(&self) -> RenewalForm {
        RenewalForm {
            base_qualification: self.base_qualification.clone(),
            base_cert_no: self.base_cert_no.clone(),
            base_cert_fiscal_year: self.base_cert_fiscal_year.clone(),
            base_period_start: self.base_period_start.clone(),
            base_period_end: self.base_period_end.clone(),
        }
    }

    pub fn decline(&self) -> DeclineForm {
        DeclineForm { decline_reason: self.decline_reason.clone(), note: self.note.clone() }
    }

    /// The other kind's fields that were filled in: they would be dropped unseen, so
    /// they are refused instead.
    fn other_kinds_fields(&self, kind: ApplicationKind) -> Vec<&'static str> {
        let fields: Vec<(&'static str, &String)> = match kind {
            ApplicationKind::Renewal => vec![("decline_reason", &self.decline_reason), ("note", &self.note)],
            ApplicationKind::Decline => vec![
                ("base_qualification", &self.base_qualification),
                ("base_cert_no", &self.base_cert_no),
                ("base_cert_fiscal_year", &self.base_cert_fiscal_year),
                ("base_period_start", &self.base_period_start),
                ("base_period_end", &self.base_period_end),
            ],
        };
        fields.into_iter().filter(|(_, v)| !v.trim().is_empty()).map(|(f, _)| f).collect()
    }
}

/// Days a member has to pay the renewal fee (sample value).
pub const RENEWAL_FEE_DAYS: i64 = 30;

/// Why creating a draft was refused.
#[derive(Clone, Copy, Debug)]
enum CreateConflict {
    /// An open application of this kind exists for the period.
    Exists,
    /// An application of either kind was already submitted for the period.
    AlreadySubmitted,
}

/// Why editing or deleting a draft was refused.
#[derive(Clone, Copy, Debug)]
enum EditConflict {
    /// It is no longer a draft (submitted meanwhile) or no longer there.
    NotDraft,
}

/// Why a submission was refused.
#[derive(Clone, Copy, Debug)]
enum SubmitConflict {
    /// The rule it was checked against is no longer the one in force.
    RuleRevised,
    /// This application left the draft state first (a double click, another tab).
    NotDraft,
    /// The other kind was submitted for this period.
    OtherKindSubmitted,
}

fn details(app: &App, kind: ApplicationKind, form: &ApplicationForm) -> Result<ApplicationDetails, ApplicationError> {
    let others = form.other_kinds_fields(kind);
    if !others.is_empty() {
        let mut errs = portal_domain::FieldErrors::new();
        for field in others {
            errs.push(portal_domain::FieldError::new(field, "この申請の種類では入力できない項目です。"));
        }
        return Err(errs.into());
    }
    Ok(match kind {
        ApplicationKind::Renewal => ApplicationDetails::Renewal(form.renewal().parse(app.clock.today())?),
        ApplicationKind::Decline => ApplicationDetails::Decline(form.decline().parse()?),
    })
}

fn period_end(member: &Member) -> Result<chrono::NaiveDate, ApplicationError> {
    Ok(member.certification.as_ref().ok_or(ApplicationError::NoCertification)?.period.end())
}

/// The rule in force; the default of docs/rules.md until staff store one.
pub async fn renewal_rule(app: &App) -> Result<RenewalRule, Fault> {
    match decode_opt::<RenewalRuleRecord>(app.table.get(&RenewalRuleRecord::key()).await?)? {
        Some(rule) => Ok(rule),
        None => {
            tracing::warn!("no renewal rule stored; using the default of 50 units / 18 self-reported");
            Ok(RenewalRule::default())
        }
    }
}

pub async fn create(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    form: &ApplicationForm,
) -> Result<Application, ApplicationError> {
    let kind = portal_domain::ApplicationKind::parse(&form.kind)?;
    let details = details(app, kind, form)?;
    let own = own_partition(app, caller, ver, requested).await?;
    let end = period_end(&own.member)?;
    let now = app.clock.now();
    let year = now.with_timezone(&portal_domain::Jst::offset()).year();
    let seq = app.next_in_sequence(&format!("APPLICATION#{year}")).await?;
    let application = Application {
        application_no: ApplicationNo::new(year, seq),
        details,
        status: ApplicationStatus::Draft,
        cert_period_end: end,
        created_at: now,
        submitted_at: None,
        invoice_no: None,
        rule_version: None,
    };
    let no = application.application_no.clone();
    let tx = Tx::new()
        .write(records::put(ApplicationRecord::stored(requested, &application), When::new_item()))
        .write(season_counts::moved(requested, season_of(&application), None, Some(ListState::Draft)))
        .write(audit::on_member(
            app,
            requested,
            &audit::Actor::member(&own.member),
            &audit::Change {
                action: "application.create",
                label: "申請情報の作成",
                record: application.application_no.to_string(),
                before: None,
                after: Some(ApplicationStatus::Draft.label()),
                reason: None,
            },
        ))
        .step(
            records::put(
                records::item::<OpenApplicationRecord>(
                    OpenApplicationRecord::key(requested, kind, end),
                    &OpenApplication { application_no: no },
                ),
                When::new_item(),
            ),
            CreateConflict::Exists,
        )
        .step(
            records::check::<SubmittedRecord>(SubmittedRecord::key(requested, end), When::new_item()),
            CreateConflict::AlreadySubmitted,
        );
    match tx.run(app.table.as_ref()).await {
        Ok(()) => Ok(application),
        Err(TxError::Refused(CreateConflict::Exists)) => Err(ApplicationError::ApplicationExists),
        Err(TxError::Refused(CreateConflict::AlreadySubmitted)) => Err(ApplicationError::AlreadySubmitted),
        Err(TxError::Store(e)) => Err(e.into()),
    }
}

fn find(own: &OwnPartition, raw_no: &str) -> Result<Application, AccessError> {
    let no = ApplicationNo::parse(raw_no).ok_or(AccessError::NotFound)?;
    own.records.applications.iter().find(|a| a.application_no == no).cloned().ok_or(AccessError::NotFound)
}

pub async fn get(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    raw_no: &str,
) -> Result<Application, AccessError> {
    find(&own_partition(app, caller, ver, requested).await?, raw_no)
}

fn edit_result(r: Result<(), TxError<EditConflict>>) -> Result<(), ApplicationError> {
    match r {
        Ok(()) => Ok(()),
        Err(TxError::Refused(EditConflict::NotDraft)) => Err(ApplicationError::NotEditable),
        Err(TxError::Store(e)) => Err(e.into()),
    }
}

pub async fn update(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    raw_no: &str,
    form: &ApplicationForm,
) -> Result<Application, ApplicationError> {
    let mut a = get(app, caller, ver, requested, raw_no).await?;
    if a.status != ApplicationStatus::Draft {
        return Err(ApplicationError::NotEditable);
    }
    // `kind` may be left out on an edit; if given, it is the draft's own.
    if !form.kind.trim().is_empty() && ApplicationKind::parse(&form.kind).ok() != Some(a.details.kind()) {
        let e = portal_domain::FieldError::new("kind", "申請の種類は変更できません。新しく作成してください。");
        return Err(portal_domain::FieldErrors::from(e).into());
    }
    a.details = details(app, a.details.kind(), form)?;
    // The whole details object is replaced; the condition keeps submitted ones frozen.
    let write = records::update(
        ApplicationRecord::key(requested, &a.application_no),
        Changes::new().set(ApplicationRecord::DETAILS, &a.details),
        ApplicationRecord::STATUS.is(&ApplicationStatus::Draft),
    );
    edit_result(Tx::new().step(write, EditConflict::NotDraft).run(app.table.as_ref()).await)?;
    Ok(a)
}

pub async fn delete(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    raw_no: &str,
) -> Result<(), ApplicationError> {
    let own = own_partition(app, caller, ver, requested).await?;
    let a = find(&own, raw_no)?;
    let deleted = audit::Change {
        action: "application.delete",
        label: "申請情報の削除",
        record: a.application_no.to_string(),
        before: Some(ApplicationStatus::Draft.label()),
        after: None,
        reason: None,
    };
    let tx = Tx::new()
        .step(
            records::delete(
                ApplicationRecord::key(requested, &a.application_no),
                ApplicationRecord::STATUS.is(&ApplicationStatus::Draft),
            ),
            EditConflict::NotDraft,
        )
        .step(
            records::delete(
                OpenApplicationRecord::key(requested, a.details.kind(), a.cert_period_end),
                OpenApplicationRecord::APPLICATION_NO.is(&a.application_no),
            ),
            EditConflict::NotDraft,
        )
        .write(season_counts::moved(requested, season_of(&a), Some(ListState::Draft), None))
        .write(audit::on_member(app, requested, &audit::Actor::member(&own.member), &deleted));
    edit_result(tx.run(app.table.as_ref()).await)
}

/// The checklist a member sees before submitting (one Query + the rule).
pub async fn check_eligibility(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
) -> Result<Eligibility, ApplicationError> {
    let (own, rule) = tokio::join!(own_partition(app, caller, ver, requested), renewal_rule(app));
    eligibility_of(app, &own?, &rule?)
}

fn eligibility_of(app: &App, own: &OwnPartition, rule: &RenewalRule) -> Result<Eligibility, ApplicationError> {
    let cert = own.member.certification.as_ref().ok_or(ApplicationError::NoCertification)?;
    let p = &own.records;
    Ok(eligibility(rule, &cert.period, &p.credits, &p.invoices, own.member.collection_method, app.clock.today()))
}

pub struct Submitted {
    pub application: Application,
    pub invoice: Option<Invoice>,
    /// The application was already submitted (a double click or a retry): nothing new
    /// was created.
    pub already_submitted: bool,
}

fn already(own: &OwnPartition, a: Application) -> Submitted {
    let invoice = a.invoice_no.as_ref().and_then(|n| own.records.invoices.iter().find(|i| &i.invoice_no == n).cloned());
    Submitted { application: a, invoice, already_submitted: true }
}

/// STEP④ (「専門医資格更新申請」) or 辞退申請 (「専門医認定辞退申請」).
pub async fn submit(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    raw_no: &str,
) -> Result<Submitted, ApplicationError> {
    let (own, rule) = tokio::join!(own_partition(app, caller, ver, requested), renewal_rule(app));
    let (own, rule) = (own?, rule?);
    let a = find(&own, raw_no)?;
    if a.status != ApplicationStatus::Draft {
        return Ok(already(&own, a));
    }
    let member = &own.member;
    let now = app.clock.now();
    let mut submitted = a.clone();
    submitted.status = ApplicationStatus::Submitted;
    submitted.submitted_at = Some(now);
    let mut invoice = None;
    let mail = match &a.details {
        ApplicationDetails::Renewal(_) => {
            let e = eligibility_of(app, &own, &rule)?;
            if !e.eligible {
                return Err(ApplicationError::RenewalRefused(Box::new(e)));
            }
            let today = app.clock.today();
            let seq = app.next_in_sequence(&format!("INVOICE#{}", today.year())).await?;
            let inv = Invoice::new(
                InvoiceNo::new(today.year(), seq),
                FeeType::RenewalFee,
                FiscalYear::containing(today),
                rule.renewal_fee,
                today + chrono::Duration::days(RENEWAL_FEE_DAYS),
                Some(a.application_no.clone()),
            );
            submitted.invoice_no = Some(inv.invoice_no.clone());
            submitted.rule_version = Some(rule.version);
            let mail = mails::renewal_fee_guidance(&app.config, member, &a.application_no, &inv);
            invoice = Some(inv);
            mail
        }
        ApplicationDetails::Decline(_) => mails::decline_accepted(&app.config, member, &a.application_no),
    };
    let state = ListState::of(&submitted);
    let mut changes = Changes::new()
        .set(ApplicationRecord::STATUS, &ApplicationStatus::Submitted)
        .set(ApplicationRecord::SUBMITTED_AT, &Some(now))
        .gsi1(Some(application_list::place(requested, &a, state)));
    if submitted.invoice_no.is_some() {
        changes = changes
            .set(ApplicationRecord::INVOICE_NO, &submitted.invoice_no)
            .set(ApplicationRecord::RULE_VERSION, &submitted.rule_version);
    }
    let marker = SubmittedMarker { application_no: a.application_no.clone(), kind: a.details.kind() };
    let mut tx = Tx::new()
        .step(
            records::update(
                ApplicationRecord::key(requested, &a.application_no),
                changes,
                ApplicationRecord::STATUS.is(&ApplicationStatus::Draft),
            ),
            SubmitConflict::NotDraft,
        )
        .step(
            records::put(
                records::item::<SubmittedRecord>(SubmittedRecord::key(requested, a.cert_period_end), &marker),
                When::new_item(),
            ),
            SubmitConflict::OtherKindSubmitted,
        )
        .write(season_counts::moved(requested, season_of(&a), Some(ListState::Draft), Some(state)))
        .write(season_counts::submitted_on(requested, app.clock.today()))
        .write(audit::on_member(
            app,
            requested,
            &audit::Actor::member(member),
            &audit::Change {
                action: "application.submit",
                label: a.details.kind().label(),
                record: a.application_no.to_string(),
                before: Some(ApplicationStatus::Draft.label()),
                after: Some(ApplicationStatus::Submitted.label()),
                reason: None,
            },
        ));
    if let Some(inv) = &invoice {
        tx = tx
            .write(records::put(InvoiceRecord::stored(requested, inv), When::new_item()))
            // Checked against the rule in force at the moment it is submitted.
            .step(
                records::check(RenewalRuleRecord::key(), RenewalRuleRecord::still(rule.version)),
                SubmitConflict::RuleRevised,
            );
    }
    match tx.write(outbox::enqueue(app, &mail)).run(app.table.as_ref()).await {
        Ok(()) => Ok(Submitted { application: submitted, invoice, already_submitted: false }),
        // Another request submitted this very application first: answer as it did.
        Err(TxError::Refused(SubmitConflict::NotDraft)) => {
            let own = own_partition(app, caller, ver, requested).await?;
            let a = find(&own, raw_no)?;
            Ok(already(&own, a))
        }
        Err(TxError::Refused(SubmitConflict::OtherKindSubmitted)) => Err(ApplicationError::AlreadySubmitted),
        Err(TxError::Refused(SubmitConflict::RuleRevised)) => Err(ApplicationError::RuleRevised),
        Err(TxError::Store(e)) => Err(e.into()),
    }
}
