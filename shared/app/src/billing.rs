//! 会費請求/入金状況 and 請求収納の照会 (read-only until payments land).

use portal_domain::{CollectionMethod, Invoice, InvoiceNo, MemberNo, PaymentAttempt};

use crate::profile::own_partition;
use crate::{AccessError, App};

pub struct Invoices {
    pub collection_method: CollectionMethod,
    /// Newest first.
    pub invoices: Vec<Invoice>,
}

pub async fn invoices(app: &App, caller: MemberNo, ver: i64, requested: MemberNo) -> Result<Invoices, AccessError> {
    let own = own_partition(app, caller, ver, requested).await?;
    let mut invoices = own.records.invoices;
    invoices.sort_by(|a, b| b.fiscal_year.cmp(&a.fiscal_year).then(b.invoice_no.cmp(&a.invoice_no)));
    Ok(Invoices { collection_method: own.member.collection_method, invoices })
}

/// 請求収納の照会: one invoice and its latest checkout attempt (one Query).
pub async fn invoice(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    raw_no: &str,
) -> Result<(Invoice, Option<PaymentAttempt>), AccessError> {
    let no = InvoiceNo::parse(raw_no).ok_or(AccessError::NotFound)?;
    let own = own_partition(app, caller, ver, requested).await?;
    let latest = own.records.attempts.iter().filter(|a| a.invoice_no == no).max_by_key(|a| a.started_at).cloned();
    let invoice = own.records.invoices.into_iter().find(|i| i.invoice_no == no).ok_or(AccessError::NotFound)?;
    Ok((invoice, latest))
}

/// 「領収書」: the receipt of a paid invoice. Its number is the invoice's; the count of
/// issues is kept on the invoice, so every issue after the first says 再発行.
pub async fn issue_receipt(
    app: &App,
    caller: MemberNo,
    ver: i64,
    requested: MemberNo,
    raw_no: &str,
) -> Result<portal_domain::receipt::Receipt, crate::PaymentError> {
    use crate::records::{self, InvoiceRecord, Tx, TxError};
    let no = InvoiceNo::parse(raw_no).ok_or(AccessError::NotFound)?;
    let own = own_partition(app, caller, ver, requested).await?;
    let old = own.records.invoices.iter().find(|i| i.invoice_no == no).cloned().ok_or(AccessError::NotFound)?;
    let new = old.receipt_issued(app.clock.today())?;
    let write = records::put(InvoiceRecord::stored(requested, &new), InvoiceRecord::VERSION.is(&old.version));
    match Tx::new().step(write, ()).run(app.table.as_ref()).await {
        Ok(()) => {}
        Err(TxError::Refused(())) => return Err(crate::PaymentError::Stale),
        Err(TxError::Store(e)) => return Err(e.into()),
    }
    let issue = new.receipt.as_ref().expect("just issued");
    portal_domain::receipt::Receipt::of(
        &new,
        &app.config.issuer,
        own.member.name.as_str(),
        issue.first_issued_on,
        issue.issues > 1,
    )
    .ok_or(crate::PaymentError::Refused(portal_domain::PaymentRefusal::NotPaid))
}
