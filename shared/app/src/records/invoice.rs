//! 会費請求: invoices (年会費 and 専門医更新料) in the member's partition.

use portal_domain::table::Key;
use portal_domain::{Invoice, InvoiceNo, MemberNo};

use super::Record;
use crate::keys;

pub struct InvoiceRecord;

impl Record for InvoiceRecord {
    type Value = Invoice;
    const TYPE: &'static str = "invoice";
}

impl InvoiceRecord {
    pub fn key(m: MemberNo, no: &InvoiceNo) -> Key {
        keys::invoice(m, no)
    }
}
