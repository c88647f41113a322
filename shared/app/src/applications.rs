//! 専門医資格申請情報: create (STEP①), edit, delete, and submit (STEP④ / 辞退申請).
//! Every state change is one conditional transaction; submitting writes the application
//! state, the 専門医更新料 invoice and the mail together, so a double click, two tabs or a
//! retried request can never make two invoices or two mails.

use chrono::Datelike;
use portal_domain::table::{Cond, StoreError, Update, Write};
use portal_domain::{
    Application, ApplicationDetails, ApplicationKind, ApplicationNo, ApplicationStatus, DeclineForm, Eligibility,
    FeeType, FiscalYear, Invoice, InvoiceNo, Member, MemberNo, RenewalForm, RenewalRule, eligibility,
};
use serde::Deserialize;
use serde_json::json;

use crate::profile::own_partition;
use crate::records::{self, MemberPartition};
use crate::{App, AppError, keys, mails, outbox};

/// The body of "create" and "edit": the kind's own fields (the other kind's are ignored).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ApplicationForm {
    #[serde(deserialize_with = "portal_domain::application::lenient")]
    pub kind: String,
    #[serde(flatten)]
    pub renewal: RenewalForm,
    #[serde(flatten)]
    pub decline: DeclineForm,
}

/// Days a member has to pay the renewal fee (sample value).
pub const RENEWAL_FEE_DAYS: i64 = 30;

fn details(app: &App, kind: ApplicationKind, form: &ApplicationForm) -> Result<ApplicationDetails, AppError> {
    Ok(match kind {
        ApplicationKind::Renewal => ApplicationDetails::Renewal(form.renewal.parse(app.clock.today())?),
        ApplicationKind::Decline => ApplicationDetails::Decline(form.decline.parse()?),
    })
}

fn period_end(member: &Member) -> Result<chrono::NaiveDate, AppError> {
    Ok(member.certification.as_ref().ok_or(AppError::NoCertification)?.period.end())
}

/// The rule in force; the SPEC §5 default until staff store one.
pub async fn renewal_rule(app: &App) -> Result<RenewalRule, AppError> {
    match app.table.get(&keys::renewal_rule()).await? {
        Some(item) => records::from_item(&item),
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
) -> Result<Application, AppError> {
    let kind = ApplicationKind::parse(&form.kind)?;
    let details = details(app, kind, form)?;
    let p = own_partition(app, caller, ver, requested).await?;
    let member = p.member.as_ref().expect("checked");
    let end = period_end(member)?;
    let now = app.clock.now();
    let year = now.with_timezone(&portal_domain::Jst::offset()).year();
    let seq = app.table.increment(&keys::counter(&format!("APPLICATION#{year}")), "next", 1, None).await?;
    let application = Application {
        application_no: ApplicationNo::new(year, seq),
        details,
        status: ApplicationStatus::Draft,
        cert_period_end: end,
        created_at: now,
        submitted_at: None,
        invoice_no: None,
    };
    let no = &application.application_no;
    let mut marker = serde_json::Map::new();
    marker.insert("application_no".into(), no.0.clone().into());
    let writes = vec![
        Write::Put {
            item: records::record_item(keys::application(requested, no), "application", &application),
            cond: Cond::NotExists,
        },
        Write::Put {
            item: portal_domain::table::Item::new(keys::open_application(requested, kind, end), marker),
            cond: Cond::NotExists,
        },
        Write::Check { key: keys::submitted_application(requested, end), cond: Cond::NotExists },
    ];
    match app.table.transact(writes).await {
        Ok(()) => Ok(application),
        Err(StoreError::ConditionFailed { index: 1 }) => Err(AppError::ApplicationExists),
        Err(StoreError::ConditionFailed { index: 2 }) => Err(AppError::AlreadySubmitted),
        Err(e) => Err(e.into()),
    }
}

fn find(p: &MemberPartition, raw_no: &str) -> Result<Application, AppError> {
    let no = ApplicationNo::parse(raw_no).ok_or(AppError::NotFound)?;
    p.applications.iter().find(|a| a.application_no == no).cloned().ok_or(AppError::NotFound)
}

pub async fn get(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    raw_no: &str,
) -> Result<Application, AppError> {
    find(&own_partition(app, caller, ver, requested).await?, raw_no)
}

pub async fn update(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    raw_no: &str,
    form: &ApplicationForm,
) -> Result<Application, AppError> {
    let mut a = get(app, caller, ver, requested, raw_no).await?;
    if a.status != ApplicationStatus::Draft {
        return Err(AppError::NotEditable);
    }
    a.details = details(app, a.details.kind(), form)?;
    let details = serde_json::to_value(&a.details).map_err(|e| AppError::Internal(e.to_string()))?;
    // The whole details object is replaced; the condition keeps submitted ones frozen.
    let update = Update::default().set("details", details);
    match app
        .table
        .transact(vec![Write::Update {
            key: keys::application(requested, &a.application_no),
            update,
            cond: Cond::eq("status", "draft"),
        }])
        .await
    {
        Ok(()) => Ok(a),
        Err(StoreError::ConditionFailed { .. }) => Err(AppError::NotEditable),
        Err(e) => Err(e.into()),
    }
}

pub async fn delete(app: &App, caller: MemberNo, ver: i64, requested: MemberNo, raw_no: &str) -> Result<(), AppError> {
    let a = get(app, caller, ver, requested, raw_no).await?;
    let writes = vec![
        Write::Delete { key: keys::application(requested, &a.application_no), cond: Cond::eq("status", "draft") },
        Write::Delete {
            key: keys::open_application(requested, a.details.kind(), a.cert_period_end),
            cond: Cond::eq("application_no", a.application_no.0.as_str()),
        },
    ];
    match app.table.transact(writes).await {
        Ok(()) => Ok(()),
        Err(StoreError::ConditionFailed { .. }) => Err(AppError::NotEditable),
        Err(e) => Err(e.into()),
    }
}

/// The checklist a member sees before submitting (one Query + the rule).
pub async fn check_eligibility(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
) -> Result<Eligibility, AppError> {
    let (p, rule) = tokio::join!(own_partition(app, caller, ver, requested), renewal_rule(app));
    let (p, rule) = (p?, rule?);
    eligibility_of(app, &p, &rule)
}

fn eligibility_of(app: &App, p: &MemberPartition, rule: &RenewalRule) -> Result<Eligibility, AppError> {
    let member = p.member.as_ref().ok_or(AppError::NotFound)?;
    let cert = member.certification.as_ref().ok_or(AppError::NoCertification)?;
    Ok(eligibility(rule, &cert.period, &p.credits, &p.invoices, member.collection_method, app.clock.today()))
}

pub struct Submitted {
    pub application: Application,
    pub invoice: Option<Invoice>,
    /// The application was already submitted (a double click or a retry): nothing new
    /// was created.
    pub already_submitted: bool,
}

fn already(p: &MemberPartition, a: Application) -> Submitted {
    let invoice = a.invoice_no.as_ref().and_then(|n| p.invoices.iter().find(|i| &i.invoice_no == n).cloned());
    Submitted { application: a, invoice, already_submitted: true }
}

/// STEP④ (「専門医資格更新申請」) or 辞退申請 (「専門医認定辞退申請」).
pub async fn submit(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    raw_no: &str,
) -> Result<Submitted, AppError> {
    let (p, rule) = tokio::join!(own_partition(app, caller, ver, requested), renewal_rule(app));
    let (p, rule) = (p?, rule?);
    let a = find(&p, raw_no)?;
    if a.status == ApplicationStatus::Submitted {
        return Ok(already(&p, a));
    }
    let member = p.member.as_ref().expect("checked");
    let now = app.clock.now();
    let mut submitted = a.clone();
    submitted.status = ApplicationStatus::Submitted;
    submitted.submitted_at = Some(now);
    let mut marker = serde_json::Map::new();
    marker.insert("application_no".into(), a.application_no.0.clone().into());
    marker.insert("kind".into(), a.details.kind().code().into());
    let mut writes = vec![
        Write::Update {
            key: keys::application(requested, &a.application_no),
            update: Update::default().set("status", "submitted").set("submitted_at", json!(now)),
            cond: Cond::eq("status", "draft"),
        },
        Write::Put {
            item: portal_domain::table::Item::new(keys::submitted_application(requested, a.cert_period_end), marker),
            cond: Cond::NotExists,
        },
    ];
    let mut invoice = None;
    match &a.details {
        ApplicationDetails::Renewal(_) => {
            let e = eligibility_of(app, &p, &rule)?;
            if !e.eligible {
                return Err(AppError::RenewalRefused(Box::new(e)));
            }
            let today = app.clock.today();
            let fy = FiscalYear::containing(today);
            let seq =
                app.table.increment(&keys::counter(&format!("INVOICE#{}", today.year())), "next", 1, None).await?;
            let inv = Invoice {
                invoice_no: InvoiceNo::new(today.year(), seq),
                fee_type: FeeType::RenewalFee,
                fiscal_year: fy,
                amount: rule.renewal_fee,
                due_date: today + chrono::Duration::days(RENEWAL_FEE_DAYS),
                paid_on: None,
                application_no: Some(a.application_no.0.clone()),
            };
            submitted.invoice_no = Some(inv.invoice_no.clone());
            if let Write::Update { update, .. } = &mut writes[0] {
                *update = std::mem::take(update).set("invoice_no", inv.invoice_no.0.as_str());
            }
            writes.push(Write::Put {
                item: records::record_item(keys::invoice(requested, &inv.invoice_no), "invoice", &inv),
                cond: Cond::NotExists,
            });
            writes
                .push(outbox::enqueue(app, &mails::renewal_fee_guidance(&app.config, member, &a.application_no, &inv)));
            invoice = Some(inv);
        }
        ApplicationDetails::Decline(_) => {
            writes.push(outbox::enqueue(app, &mails::decline_accepted(&app.config, member, &a.application_no)));
        }
    }
    match app.table.transact(writes).await {
        Ok(()) => Ok(Submitted { application: submitted, invoice, already_submitted: false }),
        // Another request submitted this very application first: answer as it did.
        Err(StoreError::ConditionFailed { index: 0 }) => {
            let p = own_partition(app, caller, ver, requested).await?;
            let a = find(&p, raw_no)?;
            Ok(already(&p, a))
        }
        // The other kind was submitted for this period.
        Err(StoreError::ConditionFailed { index: 1 }) => Err(AppError::AlreadySubmitted),
        Err(e) => Err(e.into()),
    }
}
