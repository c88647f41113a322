//! 会費請求/入金状況: invoices (年会費 and 専門医更新料) and their states.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{CollectionMethod, FiscalYear, InvoiceNo};

/// 料金区分.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeType {
    /// 年会費
    AnnualDues,
    /// 専門医更新料
    RenewalFee,
}

impl FeeType {
    pub fn label(self) -> &'static str {
        match self {
            FeeType::AnnualDues => "年会費",
            FeeType::RenewalFee => "専門医更新料",
        }
    }
}

/// 未納 / 納入済 / 期限切れ (お支払い手続きの処理中 comes with payments).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Unpaid,
    Paid,
    Overdue,
}

impl InvoiceStatus {
    pub fn label(self) -> &'static str {
        match self {
            InvoiceStatus::Unpaid => "未納",
            InvoiceStatus::Paid => "納入済",
            InvoiceStatus::Overdue => "期限切れ",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub invoice_no: InvoiceNo,
    pub fee_type: FeeType,
    pub fiscal_year: FiscalYear,
    /// Yen, tax included.
    pub amount: u32,
    pub due_date: NaiveDate,
    #[serde(default)]
    pub paid_on: Option<NaiveDate>,
    /// The renewal application a 専門医更新料 belongs to.
    #[serde(default)]
    pub application_no: Option<crate::ApplicationNo>,
}

impl Invoice {
    pub fn status(&self, today: NaiveDate) -> InvoiceStatus {
        match self.paid_on {
            Some(_) => InvoiceStatus::Paid,
            None if today > self.due_date => InvoiceStatus::Overdue,
            None => InvoiceStatus::Unpaid,
        }
    }

    /// Whether this 年会費 keeps a renewal from being submitted: unpaid dues up to the
    /// current fiscal year block it, except dues on an automatic collection method
    /// (口座振替, クレジット継続払い) that are not yet overdue — those will be collected.
    pub fn blocks_renewal(&self, method: CollectionMethod, today: NaiveDate) -> bool {
        if self.fee_type != FeeType::AnnualDues || self.fiscal_year > FiscalYear::containing(today) {
            return false;
        }
        match self.status(today) {
            InvoiceStatus::Paid => false,
            InvoiceStatus::Unpaid => method == CollectionMethod::PostalTransfer,
            InvoiceStatus::Overdue => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dues(fy: i32, due: NaiveDate, paid: Option<NaiveDate>) -> Invoice {
        Invoice {
            invoice_no: InvoiceNo::new(fy, 1),
            fee_type: FeeType::AnnualDues,
            fiscal_year: FiscalYear::new(fy).unwrap(),
            amount: 13_000,
            due_date: due,
            paid_on: paid,
            application_no: None,
        }
    }

    #[test]
    fn status_follows_payment_and_due_date() {
        let i = dues(2026, d(2026, 6, 30), None);
        assert_eq!(i.status(d(2026, 6, 30)), InvoiceStatus::Unpaid);
        assert_eq!(i.status(d(2026, 7, 1)), InvoiceStatus::Overdue);
        assert_eq!(dues(2026, d(2026, 6, 30), Some(d(2026, 5, 1))).status(d(2027, 1, 1)), InvoiceStatus::Paid);
    }

    #[test]
    fn unpaid_dues_block_unless_collected_automatically_and_not_overdue() {
        let today = d(2026, 5, 15);
        let current = dues(2026, d(2026, 6, 30), None);
        assert!(current.blocks_renewal(CollectionMethod::PostalTransfer, today));
        assert!(!current.blocks_renewal(CollectionMethod::BankDebit, today));
        assert!(current.blocks_renewal(CollectionMethod::BankDebit, d(2026, 7, 1)), "overdue blocks");
        assert!(
            !dues(2027, d(2027, 6, 30), None).blocks_renewal(CollectionMethod::PostalTransfer, today),
            "future year"
        );
    }
}
