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
