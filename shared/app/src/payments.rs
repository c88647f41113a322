//! Paying an invoice — manual STEP② (年会費 by Pay-easy) and STEP⑤ (更新料): the
//! provider's checkout with its processing lock, the postal slip, and the provider's
//! result notifications. A paid invoice is never paid again by any path: every change
//! of an invoice is a put conditional on the version it read, and `Invoice::paid`
//! refuses a paid one; a payment for a second order of a paid invoice becomes a refund
//! case for staff, never a second transition or mail.

use chrono::{DateTime, Utc};
use portal_domain::payment::{AttemptState, CheckoutRequest, NotificationError, Payments, TradeStatus};
use portal_domain::table::Write;
use portal_domain::{
    Application, ApplicationStatus, FeeType, Invoice, InvoiceNo, Member, MemberNo, PaidVia, PayType, PaymentAttempt,
    PaymentNotification,
};

use crate::application_list::{self, ListState};
use crate::profile::{OwnPartition, own_partition};
use crate::records::{
    self, ApplicationRecord, Changes, InvoiceRecord, MemberPartition, NotificationLog, NotificationLogRecord,
    PaymentAttemptRecord, Tx, TxError, When,
};
use crate::{App, Fault, PaymentError, audit, keys, mails, outbox, season_counts};

/// How many times a notification is re-applied when the invoice changed meanwhile.
const STALE_RETRIES: usize = 3;

#[derive(Clone, Copy, Debug)]
enum Changed {
    Invoice,
    Attempt,
}

fn find_invoice(own: &OwnPartition, raw_no: &str) -> Result<Invoice, PaymentError> {
    let no = InvoiceNo::parse(raw_no).ok_or(crate::AccessError::NotFound)?;
    Ok(own.records.invoices.iter().find(|i| i.invoice_no == no).cloned().ok_or(crate::AccessError::NotFound)?)
}

fn save_invoice(member: MemberNo, old: &Invoice, new: &Invoice) -> Write {
    records::put(InvoiceRecord::stored(member, new), InvoiceRecord::VERSION.is(&old.version))
}

fn save_attempt(old: Option<&PaymentAttempt>, new: &PaymentAttempt, refund_at: Option<DateTime<Utc>>) -> Write {
    let mut item = records::item::<PaymentAttemptRecord>(PaymentAttemptRecord::key(new.member_no, &new.order_id), new);
    if let Some(at) = refund_at {
        item = item.with_gsi1(keys::refund_gsi(at, &new.order_id));
    }
    let when = match old {
        Some(a) => PaymentAttemptRecord::VERSION.is(&a.version),
        None => When::new_item(),
    };
    records::put(item, when)
}

/// Where the provider brings the member back: the invoice's own page.
fn return_url(app: &App, member: MemberNo, invoice: &InvoiceNo) -> String {
    app.config.link(&format!("/invoice.html?member_no={member}&no={invoice}&checkout=returned"))
}

fn description(i: &Invoice) -> String {
    format!("{}（{}年度）", i.fee_type.label(), i.fiscal_year.year())
}

/// 「上記情報を送信して、決済を申し込む」: records the attempt and locks the buttons
/// (one transaction), then asks the provider for the checkout page. If the provider
/// cannot be reached the lock is released again and the member is told.
pub async fn start_checkout(
    app: &App,
    payments: &dyn Payments,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    raw_no: &str,
) -> Result<(PaymentAttempt, String), PaymentError> {
    let own = own_partition(app, caller, ver, requested).await?;
    let old = find_invoice(&own, raw_no)?;
    let now = app.clock.now();
    let (locked, order_id) = old.start_checkout(requested, now, app.clock.today())?;
    let attempt = PaymentAttempt {
        order_id: order_id.clone(),
        member_no: requested,
        invoice_no: old.invoice_no.clone(),
        amount: old.amount,
        offered: PayType::offered_for(old.fee_type).to_vec(),
        state: AttemptState::Started,
        started_at: now,
        access_id: None,
        pay_type: None,
        numbers: None,
        refund_case: false,
        version: 0,
    };
    let tx = Tx::new()
        .step(save_invoice(requested, &old, &locked), Changed::Invoice)
        .step(save_attempt(None, &attempt, None), Changed::Attempt);
    match tx.run(app.table.as_ref()).await {
        Ok(()) => {}
        Err(TxError::Refused(_)) => return Err(PaymentError::Stale),
        Err(TxError::Store(e)) => return Err(e.into()),
    }
    let req = CheckoutRequest {
        order_id: order_id.clone(),
        amount: old.amount,
        methods: attempt.offered.clone(),
        description: description(&old),
        customer_name: own.member.name.as_str().to_owned(),
        customer_email: own.member.email.as_str().to_owned(),
        return_url: return_url(app, requested, &old.invoice_no),
    };
    match payments.start_checkout(&req).await {
        Ok(url) => {
            tracing::info!(order_id = %order_id, "checkout started");
            Ok((attempt, url))
        }
        Err(e) => {
            tracing::warn!(order_id = %order_id, error = %e, "provider did not start the checkout; lock released");
            let mut abandoned = attempt.clone();
            abandoned.state = AttemptState::Abandoned;
            abandoned.version += 1;
            let mut tx = Tx::new().step(save_attempt(Some(&attempt), &abandoned, None), Changed::Attempt);
            if let Some(released) = locked.release_checkout(&order_id, app.clock.now()) {
                tx = tx.step(save_invoice(requested, &locked, &released), Changed::Invoice);
            }
            if let Err(e2) = tx.run(app.table.as_ref()).await {
                tracing::error!(order_id = %order_id, error = %e2, "checkout lock could not be released");
            }
            Err(PaymentError::ProviderUnavailable(e))
        }
    }
}

/// 「払込票での支払いお申込み」: the slip goes to the member's 送付・請求先 with the
/// next mailing batch; the other methods close.
pub async fn request_slip(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    raw_no: &str,
) -> Result<Invoice, PaymentError> {
    let own = own_partition(app, caller, ver, requested).await?;
    let old = find_invoice(&own, raw_no)?;
    let new = old.request_slip(&own.member.mailing_address, app.clock.now(), app.clock.today())?;
    let change = audit::Change {
        action: "invoice.slip_request",
        label: "払込票での支払いお申込み",
        record: old.invoice_no.to_string(),
        before: None,
        after: Some("払込票送付待ち"),
        reason: None,
    };
    let tx = Tx::new().step(save_invoice(requested, &old, &new), Changed::Invoice).write(audit::on_member(
        app,
        requested,
        &audit::Actor::member(&own.member),
        &change,
    ));
    match tx.run(app.table.as_ref()).await {
        Ok(()) => Ok(new),
        Err(TxError::Refused(_)) => Err(PaymentError::Stale),
        Err(TxError::Store(e)) => Err(e.into()),
    }
}

/// The writes that mark an invoice paid: the invoice, the mail, and for a renewal
/// fee its application's completion.
fn paid_writes(
    app: &App,
    member: &Member,
    applications: &[Application],
    old: &Invoice,
    new: &Invoice,
) -> Vec<(Write, Option<Changed>)> {
    let m = member.member_no;
    let day = new.paid_on.unwrap_or_else(|| app.clock.today());
    let mut w = vec![
        (save_invoice(m, old, new), Some(Changed::Invoice)),
        (outbox::enqueue(app, &mails::fee_paid(&app.config, member, new)), None),
        (season_counts::paid_on(m, day), None),
    ];
    if let (FeeType::RenewalFee, Some(app_no)) = (new.fee_type, &new.application_no) {
        // Submitted → 更新手続き完了, its place in the list and its season's counts with it
        // (the season is the application's own: the 認定期間 it was made for).
        let mut completed = Changes::new().set(ApplicationRecord::STATUS, &ApplicationStatus::Completed);
        let application = applications.iter().find(|a| &a.application_no == app_no);
        if let Some(a) = application {
            completed = completed.gsi1(Some(application_list::place(m, a, ListState::Paid)));
            let season = application_list::season_of(a);
            w.push((season_counts::moved(m, season, Some(ListState::Unpaid), Some(ListState::Paid)), None));
        } else {
            tracing::warn!(invoice_no = %new.invoice_no, "renewal fee of an application not in the partition");
        }
        w.push((
            records::update(
                ApplicationRecord::key(m, app_no),
                completed,
                ApplicationRecord::STATUS.is(&ApplicationStatus::Submitted),
            ),
            None,
        ));
    }
    w
}

/// What the portal did with a notification; `Rejected` is answered `1`.
#[derive(Debug, PartialEq, Eq)]
pub enum Notified {
    Accepted(&'static str),
    Rejected(String),
}

fn log_item(key: portal_domain::table::Key, log: &NotificationLog) -> Write {
    records::put(records::item::<NotificationLogRecord>(key, log), When::new_item())
}

/// A notification that is not ours or cannot be read: kept for audit, answered `1`.
async fn reject(
    app: &App,
    now: DateTime<Utc>,
    id: &str,
    n: Option<&PaymentNotification>,
    body: &[u8],
    source: Option<&str>,
    why: String,
) -> Result<Notified, Fault> {
    tracing::warn!(reason = %why, "payment notification refused");
    let log = NotificationLog {
        received_at: now,
        notification: n.cloned(),
        raw: n.is_none().then(|| String::from_utf8_lossy(&body[..body.len().min(2048)]).into_owned()),
        outcome: why.clone(),
        source: source.map(str::to_owned),
    };
    let key = match n.filter(|n| n.order_id.ours().is_some()) {
        Some(n) => NotificationLogRecord::key(&n.order_id, now, id),
        None => NotificationLogRecord::rejected_key(now, id),
    };
    Tx::plain().write(log_item(key, &log)).apply(app.table.as_ref()).await?;
    Ok(Notified::Rejected(why))
}

/// A 結果通知: checked (shop, order, pay type, amount, access id), recorded, and only
/// then acted on — a payment only after the provider's own trade query confirms it.
/// Duplicates, late and out-of-order notifications change nothing.
pub async fn receive_notification(
    app: &App,
    payments: &dyn Payments,
    body: &[u8],
    source: Option<&str>,
) -> Result<Notified, Fault> {
    let now = app.clock.now();
    let id = uuid::Uuid::new_v4().simple().to_string();
    let n = match PaymentNotification::parse_form(body) {
        Ok(n) => n,
        Err(e @ (NotificationError::Missing(_) | NotificationError::Malformed(_) | NotificationError::NotAForm)) => {
            return reject(app, now, &id, None, body, source, format!("unreadable: {e}")).await;
        }
    };
    if n.shop_id != payments.shop_id() {
        return reject(app, now, &id, Some(&n), body, source, "another shop".into()).await;
    }
    let Some((member_no, invoice_no)) = n.order_id.ours() else {
        return reject(app, now, &id, Some(&n), body, source, "not one of our orders".into()).await;
    };
    for _ in 0..STALE_RETRIES {
        let p = MemberPartition::from_items(&app.table.query(&keys::member_pk(member_no), "").await?)?;
        let (Some(member), Some(attempt), Some(invoice)) = (
            p.member.as_ref(),
            p.attempts.iter().find(|a| a.order_id == n.order_id),
            p.invoices.iter().find(|i| i.invoice_no == invoice_no),
        ) else {
            return reject(app, now, &id, Some(&n), body, source, "unknown order".into()).await;
        };
        if !attempt.offered.contains(&n.pay_type) {
            return reject(app, now, &id, Some(&n), body, source, "pay type not offered".into()).await;
        }
        if n.total() != u64::from(attempt.amount) {
            return reject(app, now, &id, Some(&n), body, source, "amount differs from the order".into()).await;
        }
        if attempt.access_id.as_deref().is_some_and(|a| a != n.access_id) {
            return reject(app, now, &id, Some(&n), body, source, "access id differs (possible double payment)".into())
                .await;
        }
        match apply(app, payments, &n, member, &p.applications, attempt, invoice, now, &id, source).await? {
            Some(outcome) => return Ok(outcome),
            None => continue, // the invoice or attempt changed meanwhile: read again
        }
    }
    Err(Fault::Store(portal_domain::table::StoreError::Conflict))
}

#[allow(clippy::too_many_arguments)]
async fn apply(
    app: &App,
    payments: &dyn Payments,
    n: &PaymentNotification,
    member: &Member,
    applications: &[Application],
    attempt: &PaymentAttempt,
    invoice: &Invoice,
    now: DateTime<Utc>,
    id: &str,
    source: Option<&str>,
) -> Result<Option<Notified>, Fault> {
    let log = |outcome: &str| NotificationLog {
        received_at: now,
        notification: Some(n.clone()),
        raw: None,
        outcome: outcome.to_owned(),
        source: source.map(str::to_owned),
    };
    let log_key = NotificationLogRecord::key(&n.order_id, now, id);
    let mut next = attempt.clone();
    next.version += 1;
    next.access_id = Some(n.access_id.clone());
    next.pay_type = Some(n.pay_type);
    let mut tx: Tx<Changed> = Tx::new();
    let outcome: &'static str = match n.trade_status() {
        TradeStatus::Paid if attempt.state == AttemptState::Paid => "duplicate payment notification",
        TradeStatus::Paid => {
            // Not signed: the provider's own record decides.
            let confirmed = match payments.trade(&n.order_id, n.pay_type).await {
                Ok(Some(t)) => {
                    t.status == TradeStatus::Paid && u64::from(t.amount) + u64::from(t.tax) == u64::from(attempt.amount)
                }
                Ok(None) => false,
                Err(e) => {
                    tracing::warn!(order_id = %n.order_id, error = %e, "trade query failed; the provider will resend");
                    let why = "trade query failed".to_owned();
                    Tx::plain().write(log_item(log_key, &log(&why))).apply(app.table.as_ref()).await?;
                    return Ok(Some(Notified::Rejected(why)));
                }
            };
            if !confirmed {
                let why = "not confirmed by the trade query".to_owned();
                Tx::plain().write(log_item(log_key, &log(&why))).apply(app.table.as_ref()).await?;
                return Ok(Some(Notified::Rejected(why)));
            }
            next.state = AttemptState::Paid;
            if invoice.paid_on.is_some() {
                next.refund_case = true;
                tracing::warn!(order_id = %n.order_id, "a paid invoice was paid again: refund case");
                tx = tx.step(save_attempt(Some(attempt), &next, Some(now)), Changed::Attempt);
                "refund case: invoice already paid"
            } else {
                let today = now.with_timezone(&portal_domain::Jst::offset()).date_naive();
                let Ok(paid) = invoice.paid(today, PaidVia::from(n.pay_type), "決済サービス", now) else {
                    return Ok(None);
                };
                tx = tx.step(save_attempt(Some(attempt), &next, None), Changed::Attempt).write(audit::on_member(
                    app,
                    member.member_no,
                    &audit::Actor::provider(),
                    &audit::Change {
                        action: "invoice.paid",
                        label: "決済サービスでの入金",
                        record: invoice.invoice_no.to_string(),
                        before: Some(invoice.status(today).label()),
                        after: Some(paid.status(today).label()),
                        reason: None,
                    },
                ));
                for (w, named) in paid_writes(app, member, applications, invoice, &paid) {
                    tx = match named {
                        Some(c) => tx.step(w, c),
                        None => tx.write(w),
                    };
                }
                "paid"
            }
        }
        TradeStatus::NumberIssued if attempt.state == AttemptState::Started => {
            next.state = AttemptState::NumberIssued;
            next.numbers = Some(n.numbers.clone());
            tx = tx.step(save_attempt(Some(attempt), &next, None), Changed::Attempt).write(outbox::enqueue(
                app,
                &mails::payment_numbers(&app.config, member, invoice, n.pay_type, &n.numbers),
            ));
            // The number stays payable until its term: no second checkout before then.
            if let Some(locked) = invoice.number_issued(&n.order_id, n.numbers.payable_until(), now) {
                tx = tx.step(save_invoice(member.member_no, invoice, &locked), Changed::Invoice);
            }
            "payment number issued"
        }
        TradeStatus::Ended if matches!(attempt.state, AttemptState::Started | AttemptState::NumberIssued) => {
            next.state = AttemptState::Ended;
            tx = tx.step(save_attempt(Some(attempt), &next, None), Changed::Attempt);
            if let Some(freed) = invoice.checkout_ended(&n.order_id, now) {
                tx = tx.step(save_invoice(member.member_no, invoice, &freed), Changed::Invoice);
            }
            "checkout ended at the provider"
        }
        _ => "recorded; nothing to change",
    };
    match tx.write(log_item(log_key, &log(outcome))).run(app.table.as_ref()).await {
        Ok(()) => {
            tracing::info!(order_id = %n.order_id, outcome, "payment notification accepted");
            Ok(Some(Notified::Accepted(outcome)))
        }
        Err(TxError::Refused(_)) => Ok(None),
        Err(TxError::Store(e)) => Err(e.into()),
    }
}

/// An invoice as staff handle it (one read each of the invoice and the member).
/// An invoice as staff handle it, with its member (one Query of the partition).
struct StaffRead {
    member: Member,
    invoice: Invoice,
    applications: Vec<Application>,
}

async fn staff_read(app: &App, member: MemberNo, raw_no: &str) -> Result<StaffRead, PaymentError> {
    let no = InvoiceNo::parse(raw_no).ok_or(crate::AccessError::NotFound)?;
    let p = MemberPartition::from_items(&app.table.query(&keys::member_pk(member), "").await?)?;
    let invoice = p.invoices.into_iter().find(|i| i.invoice_no == no).ok_or(crate::AccessError::NotFound)?;
    let member = p.member.ok_or(crate::AccessError::NotFound)?;
    Ok(StaffRead { member, invoice, applications: p.applications })
}

/// An invoice as staff see it, with its latest checkout attempt.
pub async fn for_staff(
    app: &App,
    member: MemberNo,
    raw_no: &str,
) -> Result<(Invoice, Option<PaymentAttempt>), PaymentError> {
    let no = InvoiceNo::parse(raw_no).ok_or(crate::AccessError::NotFound)?;
    let p = MemberPartition::from_items(&app.table.query(&keys::member_pk(member), "").await?)?;
    let latest = p.attempts.iter().filter(|a| a.invoice_no == no).max_by_key(|a| a.started_at).cloned();
    let invoice = p.invoices.into_iter().find(|i| i.invoice_no == no).ok_or(crate::AccessError::NotFound)?;
    Ok((invoice, latest))
}

/// Staff switch a postal-slip invoice back to the other methods (recorded).
pub async fn cancel_slip(
    app: &App,
    who: &audit::Actor,
    member: MemberNo,
    raw_no: &str,
) -> Result<Invoice, PaymentError> {
    let old = staff_read(app, member, raw_no).await?.invoice;
    let new = old.cancel_slip(&who.name, app.clock.now())?;
    let change = audit::Change {
        action: "invoice.postal_slip_cancel",
        label: "払込票の取り消し（他の支払方法に戻す）",
        record: old.invoice_no.to_string(),
        before: Some("払込票での支払い"),
        after: Some("他の支払方法"),
        reason: None,
    };
    let tx = Tx::new().step(save_invoice(member, &old, &new), Changed::Invoice);
    match tx.write(audit::on_member(app, member, who, &change)).run(app.table.as_ref()).await {
        Ok(()) => Ok(new),
        Err(TxError::Refused(_)) => Err(PaymentError::Stale),
        Err(TxError::Store(e)) => Err(e.into()),
    }
}

/// A payment staff record (postal slip, office): 納入済, the member's mail, and the
/// audit entry, in one transaction.
async fn record_staff_payment(
    app: &App,
    who: &audit::Actor,
    read: &StaffRead,
    new: Invoice,
    change: &audit::Change<'_>,
) -> Result<Invoice, PaymentError> {
    let (member, old) = (&read.member, &read.invoice);
    let mut tx = Tx::new().write(audit::on_member(app, member.member_no, who, change));
    for (w, named) in paid_writes(app, member, &read.applications, old, &new) {
        tx = match named {
            Some(c) => tx.step(w, c),
            None => tx.write(w),
        };
    }
    match tx.run(app.table.as_ref()).await {
        Ok(()) => Ok(new),
        Err(TxError::Refused(_)) => Err(PaymentError::Stale),
        Err(TxError::Store(e)) => Err(e.into()),
    }
}

/// Staff record a payment made with the postal slip: 納入済 and the mail.
pub async fn record_slip_payment(
    app: &App,
    who: &audit::Actor,
    member_no: MemberNo,
    raw_no: &str,
    paid_on: chrono::NaiveDate,
) -> Result<Invoice, PaymentError> {
    let read = staff_read(app, member_no, raw_no).await?;
    let old = &read.invoice;
    let new = old.slip_paid(paid_on, &format!("事務局 {}", who.name), app.clock.now(), app.clock.today())?;
    let today = app.clock.today();
    let (before, after) = (old.status(today).label(), new.status(today).label());
    let paid_note = format!("払込日 {paid_on}");
    let change = audit::Change {
        action: "invoice.slip_payment",
        label: "払込票の入金の記録",
        record: old.invoice_no.to_string(),
        before: Some(before),
        after: Some(after),
        reason: Some(&paid_note),
    };
    record_staff_payment(app, who, &read, new, &change).await
}

/// Staff record a dues payment received another way (口座振替, 窓口): 納入済 via the
/// office, the member's mail, and the audit entry. Only 年会費: a renewal fee is paid
/// by checkout or postal slip.
pub async fn record_dues_payment(
    app: &App,
    who: &audit::Actor,
    member_no: MemberNo,
    raw_no: &str,
    paid_on: chrono::NaiveDate,
) -> Result<Invoice, PaymentError> {
    let read = staff_read(app, member_no, raw_no).await?;
    let (member, old) = (&read.member, &read.invoice);
    if old.fee_type != FeeType::AnnualDues {
        let field = portal_domain::FieldError::new(
            "dues_invoice",
            "年会費の請求ではありません。更新料の入金はここでは記録できません。",
        );
        return Err(PaymentError::Invalid(field.into()));
    }
    let today = app.clock.today();
    let new = old.paid(paid_on, PaidVia::Office, &format!("事務局 {}", who.name), app.clock.now())?;
    let note = format!("入金日 {paid_on}（{}）", member.collection_method.label());
    let change = audit::Change {
        action: "invoice.dues_payment",
        label: "年会費の入金の記録",
        record: old.invoice_no.to_string(),
        before: Some(old.status(today).label()),
        after: Some(new.status(today).label()),
        reason: Some(&note),
    };
    record_staff_payment(app, who, &read, new, &change).await
}

/// Orders paid at the provider for invoices that were already paid: money to return.
pub async fn refund_cases(app: &App, limit: usize) -> Result<Vec<PaymentAttempt>, Fault> {
    let items = app.table.query_gsi1(&portal_domain::table::IndexQuery::new(keys::REFUNDS_OPEN, limit)).await?;
    Ok(items.iter().map(records::decode::<PaymentAttemptRecord>).collect::<Result<_, _>>()?)
}
