//! 会費請求: invoices (年会費 and 専門医更新料) in the member's partition, their checkout
//! attempts (provider orders), and the log of every payment notification.

use chrono::{DateTime, Utc};
use portal_domain::payment::PaymentNotification;
use portal_domain::table::Key;
use portal_domain::{Invoice, InvoiceNo, MemberNo, OrderId, PaymentAttempt};
use serde::{Deserialize, Serialize};

use super::{Field, Record};
use crate::keys;

pub struct InvoiceRecord;

impl Record for InvoiceRecord {
    type Value = Invoice;
    const TYPE: &'static str = "invoice";
}

impl InvoiceRecord {
    /// Every change of an invoice is a put conditional on the version it read.
    pub const VERSION: Field<Self, i64> = Field::new("version");

    pub fn key(m: MemberNo, no: &InvoiceNo) -> Key {
        keys::invoice(m, no)
    }

    /// The stored item, with its place in the staff's list (every write of an invoice
    /// goes through here, so the place follows its state).
    pub fn stored(m: MemberNo, i: &Invoice) -> super::Stored<Self> {
        let fee = match i.fee_type {
            portal_domain::FeeType::AnnualDues => "annual_dues",
            portal_domain::FeeType::RenewalFee => "renewal_fee",
        };
        let place = keys::invoice_list_gsi(i.fiscal_year.year(), i.paid_on.is_some(), fee, &i.invoice_no, m);
        super::item::<Self>(Self::key(m, &i.invoice_no), i).with_gsi1(place)
    }
}

pub struct PaymentAttemptRecord;

impl Record for PaymentAttemptRecord {
    type Value = PaymentAttempt;
    const TYPE: &'static str = "payment_attempt";
}

impl PaymentAttemptRecord {
    pub const VERSION: Field<Self, i64> = Field::new("version");

    pub fn key(m: MemberNo, order: &OrderId) -> Key {
        keys::payment_attempt(m, order)
    }
}

/// One received notification and what the portal did with it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NotificationLog {
    pub received_at: DateTime<Utc>,
    /// The notification as read (absent when it could not be read at all).
    #[serde(default)]
    pub notification: Option<PaymentNotification>,
    /// The body, when it could not be read (at most 2 KiB, passwords never included:
    /// the provider masks them).
    #[serde(default)]
    pub raw: Option<String>,
    /// `accepted`, or why not.
    pub outcome: String,
    #[serde(default)]
    pub source: Option<String>,
}

pub struct NotificationLogRecord;

impl Record for NotificationLogRecord {
    type Value = NotificationLog;
    const TYPE: &'static str = "payment_notification";
}

impl NotificationLogRecord {
    pub fn key(order: &OrderId, at: DateTime<Utc>, id: &str) -> Key {
        keys::payment_log(order, at, id)
    }

    pub fn rejected_key(at: DateTime<Utc>, id: &str) -> Key {
        keys::rejected_payment_log(at, id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::declared_in_sample;
    use chrono::NaiveDate;
    use portal_domain::{FeeType, FiscalYear};

    #[test]
    fn declared_fields_are_attributes() {
        let d = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        let i = Invoice::new(InvoiceNo::new(2026, 1), FeeType::AnnualDues, FiscalYear::new(2026).unwrap(), 1, d, None);
        declared_in_sample::<InvoiceRecord>(&i, &[InvoiceRecord::VERSION.name()]).unwrap();
        let m = MemberNo::parse("100001").unwrap();
        let a = PaymentAttempt {
            order_id: OrderId::new(m, &i.invoice_no, 1),
            member_no: m,
            invoice_no: i.invoice_no.clone(),
            amount: 1,
            offered: vec![],
            state: portal_domain::payment::AttemptState::Started,
            started_at: Utc::now(),
            access_id: None,
            pay_type: None,
            numbers: None,
            refund_case: false,
            version: 0,
        };
        declared_in_sample::<PaymentAttemptRecord>(&a, &[PaymentAttemptRecord::VERSION.name()]).unwrap();
    }
}
