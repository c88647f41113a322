//! 領収書 (Receipt): what a receipt states (SPEC-like rules in docs/rules.md) and the
//! port that renders it. The same invoice always gives the same receipt number; every
//! issue after the first is marked 再発行.

use chrono::NaiveDate;

use crate::{FeeType, Invoice, InvoiceNo};

/// Who issues receipts: the society, and its invoice registration number
/// (適格請求書発行事業者登録番号, `T` + 13 digits) when it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issuer {
    pub name: String,
    pub address: String,
    pub registration_no: Option<String>,
    /// Consumption tax rate in percent per fee type (None: 不課税).
    pub renewal_fee_tax: Option<u32>,
    pub annual_dues_tax: Option<u32>,
}

impl Issuer {
    /// A registration number is `T` and 13 digits.
    pub fn valid_registration_no(s: &str) -> bool {
        s.len() == 14 && s.starts_with('T') && s[1..].bytes().all(|b| b.is_ascii_digit())
    }

    pub fn tax_rate(&self, fee: FeeType) -> Option<u32> {
        match fee {
            FeeType::RenewalFee => self.renewal_fee_tax,
            FeeType::AnnualDues => self.annual_dues_tax,
        }
    }
}

/// Everything printed on one receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// `R-` and the invoice's number: the same every time.
    pub receipt_no: String,
    pub issuer: Issuer,
    pub recipient: String,
    pub invoice_no: InvoiceNo,
    pub fee_type: FeeType,
    pub fiscal_year: i32,
    /// Yen, tax included.
    pub amount: u32,
    /// (rate %, tax included in the amount) when the fee is taxable.
    pub tax: Option<(u32, u32)>,
    pub paid_on: NaiveDate,
    /// The date of the first issue (printed on every copy).
    pub issued_on: NaiveDate,
    /// Issued before: marked 再発行.
    pub reissue: bool,
}

/// The consumption tax included in a tax-inclusive amount (rounded down).
pub fn tax_included(amount: u32, rate_percent: u32) -> u32 {
    (u64::from(amount) * u64::from(rate_percent) / (100 + u64::from(rate_percent))) as u32
}

impl Receipt {
    /// The receipt of a paid invoice (`None` while unpaid).
    pub fn of(
        invoice: &Invoice,
        issuer: &Issuer,
        recipient: &str,
        issued_on: NaiveDate,
        reissue: bool,
    ) -> Option<Self> {
        let paid_on = invoice.paid_on?;
        let tax = issuer.tax_rate(invoice.fee_type).map(|r| (r, tax_included(invoice.amount, r)));
        Some(Receipt {
            receipt_no: format!("R-{}", invoice.invoice_no.as_str().trim_start_matches("INV-")),
            issuer: issuer.clone(),
            recipient: recipient.to_owned(),
            invoice_no: invoice.invoice_no.clone(),
            fee_type: invoice.fee_type,
            fiscal_year: invoice.fiscal_year.year(),
            amount: invoice.amount,
            tax,
            paid_on,
            issued_on,
            reissue,
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the receipt could not be rendered: {0}")]
pub struct RenderError(pub String);

/// Renders a receipt as a PDF document.
pub trait ReceiptRenderer: Send + Sync + 'static {
    fn render(&self, receipt: &Receipt) -> Result<Vec<u8>, RenderError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tax_is_the_included_part_rounded_down() {
        assert_eq!(tax_included(10_000, 10), 909);
        assert_eq!(tax_included(11_000, 10), 1_000);
        assert_eq!(tax_included(13_000, 0), 0);
        assert!(Issuer::valid_registration_no("T1234567890123"));
        assert!(!Issuer::valid_registration_no("1234567890123"));
    }
}
