//! 決済 (Checkout) and 結果通知 (PaymentNotification): what the provider's link-type
//! checkout and its notifications mean for an invoice. The provider (GMO Payment
//! Gateway's link type) hosts the pages; the portal never sees a card number. A
//! notification is not signed: it changes nothing unless its shop, order, pay type and
//! amount are ours, and the provider's own trade status confirms a payment.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{BusinessDay, FeeType, InvoiceNo, MemberNo};

/// The provider's order id of one checkout attempt: `100001-INV-2026-000045-01` (the
/// member, the invoice and the attempt — so a notification leads straight to the
/// member's records; at most 27 characters of `A-Z a-z 0-9 -`, as the provider allows).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrderId(String);

impl OrderId {
    pub fn new(member: MemberNo, invoice: &InvoiceNo, attempt: i64) -> Self {
        OrderId(format!("{member}-{invoice}-{attempt:02}"))
    }

    /// The member and invoice an order id of ours names (`None`: not one of ours).
    pub fn ours(&self) -> Option<(MemberNo, InvoiceNo)> {
        let (member, rest) = self.0.split_once('-')?;
        let invoice = rest.rsplit_once('-')?.0;
        Some((MemberNo::parse(member).ok().filter(|m| m.to_string() == member)?, InvoiceNo::parse(invoice)?))
    }

    pub fn parse(raw: &str) -> Option<Self> {
        let ok = (1..=27).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        ok.then(|| OrderId(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrderId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s).ok_or_else(|| format!("not an order id: {s:?}"))
    }
}

impl From<OrderId> for String {
    fn from(o: OrderId) -> String {
        o.0
    }
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How the member paid (the provider's `PayType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayType {
    /// クレジットカード (`0`)
    Card,
    /// コンビニ (`3`)
    Cvs,
    /// ペイジー (`4`)
    PayEasy,
}

impl PayType {
    pub fn code(self) -> &'static str {
        match self {
            PayType::Card => "0",
            PayType::Cvs => "3",
            PayType::PayEasy => "4",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "0" => Some(PayType::Card),
            "3" => Some(PayType::Cvs),
            "4" => Some(PayType::PayEasy),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PayType::Card => "クレジットカード",
            PayType::Cvs => "コンビニ",
            PayType::PayEasy => "ペイジー",
        }
    }

    /// The methods offered for a fee: 年会費 by Pay-easy only (manual STEP②), the
    /// 専門医更新料 by card, convenience store or Pay-easy.
    pub fn offered_for(fee: FeeType) -> &'static [PayType] {
        match fee {
            FeeType::AnnualDues => &[PayType::PayEasy],
            FeeType::RenewalFee => &[PayType::Card, PayType::Cvs, PayType::PayEasy],
        }
    }
}

/// A trade's status at the provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TradeStatus {
    /// Card sale made (`CAPTURE`, `SALES`) or convenience store / Pay-easy paid
    /// (`PAYSUCCESS`): the money is ours.
    Paid,
    /// A payment number was issued; the member pays at the store or bank later
    /// (`REQSUCCESS`).
    NumberIssued,
    /// Authorised, checked or not yet processed (`AUTH`, `CHECK`, `UNPROCESSED`…).
    InProgress,
    /// Failed, expired, cancelled, voided or returned.
    Ended,
    Other(String),
}

impl TradeStatus {
    pub fn parse(raw: &str) -> Self {
        match raw.trim() {
            "CAPTURE" | "SALES" | "PAYSUCCESS" => TradeStatus::Paid,
            "REQSUCCESS" => TradeStatus::NumberIssued,
            "UNPROCESSED" | "AUTHENTICATED" | "CHECK" | "AUTH" | "SAUTH" | "REQPROCESS" => TradeStatus::InProgress,
            "PAYFAIL" | "EXPIRED" | "CANCEL" | "VOID" | "RETURN" | "RETURNX" => TradeStatus::Ended,
            other => TradeStatus::Other(other.to_owned()),
        }
    }
}

/// What the member needs to pay at a convenience store or by Pay-easy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentNumbers {
    /// コンビニ: store code, お支払い受付番号 (確認番号) and 受付番号.
    #[serde(default)]
    pub cvs_code: Option<String>,
    #[serde(default)]
    pub cvs_conf_no: Option<String>,
    #[serde(default)]
    pub cvs_receipt_no: Option<String>,
    /// ペイジー: お客様番号, 収納機関番号, 確認番号.
    #[serde(default)]
    pub cust_id: Option<String>,
    #[serde(default)]
    pub bk_code: Option<String>,
    #[serde(default)]
    pub conf_no: Option<String>,
    /// 支払期限 (yyyyMMddHHmmss as sent).
    #[serde(default)]
    pub payment_term: Option<String>,
}

impl PaymentNumbers {
    /// The last day the number can be paid (from `PaymentTerm`, yyyyMMddHHmmss).
    pub fn payable_until(&self) -> Option<NaiveDate> {
        // Fields by position: chrono's %Y would take all eight digits as a year.
        let t = self.payment_term.as_deref()?;
        let n = |r: std::ops::Range<usize>| t.get(r)?.parse::<u32>().ok();
        NaiveDate::from_ymd_opt(n(0..4)? as i32, n(4..6)?, n(6..8)?)
    }

    /// The convenience store's name for a `CvsCode` (current and legacy codes).
    pub fn store_name(&self) -> Option<&'static str> {
        Some(match self.cvs_code.as_deref()? {
            "00007" => "セブン-イレブン",
            "10001" | "00001" => "ローソン",
            "10002" | "00002" => "ファミリーマート",
            "10003" | "00003" => "サンクス",
            "10004" | "00004" => "サークルK",
            "10005" | "00005" => "ミニストップ",
            "00006" => "デイリーヤマザキ",
            "10008" | "00008" => "セイコーマート",
            _ => return None,
        })
    }
}

/// A result notification as the provider posts it (form-encoded). Passwords arrive
/// masked and are not kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentNotification {
    pub shop_id: String,
    pub order_id: OrderId,
    pub access_id: String,
    pub status: String,
    pub pay_type: PayType,
    pub amount: u32,
    pub tax: u32,
    #[serde(default)]
    pub tran_id: Option<String>,
    #[serde(default)]
    pub tran_date: Option<String>,
    #[serde(default)]
    pub err_code: Option<String>,
    #[serde(default)]
    pub err_info: Option<String>,
    #[serde(default)]
    pub numbers: PaymentNumbers,
}

/// Why a notification cannot even be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NotificationError {
    #[error("field {0} is missing")]
    Missing(&'static str),
    #[error("field {0} is malformed")]
    Malformed(&'static str),
    #[error("the body is not a form")]
    NotAForm,
}

const NOTIFICATION_MAX_BYTES: usize = 16 * 1024;

impl PaymentNotification {
    /// Reads the provider's form body (`key=value&…`, keys case-insensitive; unknown
    /// keys ignored — the provider adds fields for other payment methods).
    pub fn parse_form(body: &[u8]) -> Result<Self, NotificationError> {
        if body.len() > NOTIFICATION_MAX_BYTES {
            return Err(NotificationError::NotAForm);
        }
        let fields: BTreeMap<String, String> = form_pairs(body)?;
        let get = |k: &str| fields.get(&k.to_ascii_lowercase()).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let need = |k: &'static str| get(k).ok_or(NotificationError::Missing(k));
        let number = |k: &'static str| -> Result<u32, NotificationError> {
            match get(k) {
                None => Ok(0),
                Some(v) => v.parse().map_err(|_| NotificationError::Malformed(k)),
            }
        };
        let short = |k: &'static str, max: usize| -> Result<Option<String>, NotificationError> {
            match get(k) {
                Some(v) if v.len() > max || v.chars().any(char::is_control) => Err(NotificationError::Malformed(k)),
                other => Ok(other),
            }
        };
        Ok(PaymentNotification {
            shop_id: short("ShopID", 13)?.ok_or(NotificationError::Missing("ShopID"))?,
            order_id: OrderId::parse(&need("OrderID")?).ok_or(NotificationError::Malformed("OrderID"))?,
            access_id: short("AccessID", 32)?.ok_or(NotificationError::Missing("AccessID"))?,
            status: short("Status", 16)?.ok_or(NotificationError::Missing("Status"))?,
            pay_type: PayType::parse(&need("PayType")?).ok_or(NotificationError::Malformed("PayType"))?,
            amount: number("Amount")?,
            tax: number("Tax")?,
            tran_id: short("TranID", 28)?,
            tran_date: short("TranDate", 14)?,
            err_code: short("ErrCode", 100)?,
            err_info: short("ErrInfo", 300)?,
            numbers: PaymentNumbers {
                cvs_code: short("CvsCode", 5)?,
                cvs_conf_no: short("CvsConfNo", 20)?,
                cvs_receipt_no: short("CvsReceiptNo", 32)?,
                cust_id: short("CustID", 11)?,
                bk_code: short("BkCode", 5)?,
                conf_no: short("ConfNo", 20)?,
                payment_term: short("PaymentTerm", 14)?,
            },
        })
    }

    pub fn trade_status(&self) -> TradeStatus {
        TradeStatus::parse(&self.status)
    }

    pub fn total(&self) -> u64 {
        u64::from(self.amount) + u64::from(self.tax)
    }
}

/// `application/x-www-form-urlencoded` pairs with lower-cased keys (the last of a
/// repeated key wins).
pub fn form_pairs(body: &[u8]) -> Result<BTreeMap<String, String>, NotificationError> {
    let text = std::str::from_utf8(body).map_err(|_| NotificationError::NotAForm)?;
    let mut out = BTreeMap::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = percent_decode(k).ok_or(NotificationError::NotAForm)?;
        let v = percent_decode(v).ok_or(NotificationError::NotAForm)?;
        out.insert(k.to_ascii_lowercase(), v);
    }
    Ok(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The state of one checkout attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptState {
    /// Handed to the provider; nothing heard yet.
    Started,
    /// A payment number was issued (convenience store, Pay-easy).
    NumberIssued,
    Paid,
    /// Failed, expired or cancelled at the provider.
    Ended,
    /// The provider could not be reached; the member was not sent there.
    Abandoned,
}

/// One checkout attempt for an invoice (provider order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentAttempt {
    pub order_id: OrderId,
    pub member_no: MemberNo,
    pub invoice_no: InvoiceNo,
    pub amount: u32,
    pub offered: Vec<PayType>,
    pub state: AttemptState,
    pub started_at: DateTime<Utc>,
    /// The provider's access id, as first notified (a different one later is flagged).
    #[serde(default)]
    pub access_id: Option<String>,
    #[serde(default)]
    pub pay_type: Option<PayType>,
    #[serde(default)]
    pub numbers: Option<PaymentNumbers>,
    /// Paid at the provider for an invoice that was already paid another way: money to
    /// give back, listed for staff, never a second transition.
    #[serde(default)]
    pub refund_case: bool,
    #[serde(default)]
    pub version: i64,
}

/// How many business days a started checkout blocks a new one: a new one is possible
/// from the 6th business day after the last (manual STEP⑤ 3).
pub const CHECKOUT_WAIT_BUSINESS_DAYS: u32 = 6;

/// The first day a new checkout may start after one started on `started_on`.
pub fn next_checkout_on(started_on: NaiveDate) -> NaiveDate {
    BusinessDay::add(started_on, CHECKOUT_WAIT_BUSINESS_DAYS)
}

/// 払込票 mailing batches: early December, early March, early May, mid June.
pub fn next_slip_batch(today: NaiveDate) -> (NaiveDate, &'static str) {
    use chrono::Datelike;
    let batches = [(3, 1, "3月初旬"), (5, 1, "5月初旬"), (6, 15, "6月中旬"), (12, 1, "12月初旬")];
    for year in [today.year(), today.year() + 1] {
        for (m, d, label) in batches {
            let date = NaiveDate::from_ymd_opt(year, m, d).expect("valid date");
            if date > today {
                return (date, label);
            }
        }
    }
    unreachable!("a batch within a year")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn order_ids_fit_the_providers_rules() {
        let m = MemberNo::parse("100001").unwrap();
        let o = OrderId::new(m, &InvoiceNo::new(2026, 45), 1);
        assert_eq!(o.as_str(), "100001-INV-2026-000045-01");
        assert!(o.as_str().len() <= 27);
        assert_eq!(OrderId::parse("100001-INV-2026-000045-01"), Some(o.clone()));
        assert_eq!(o.ours(), Some((m, InvoiceNo::new(2026, 45))));
        assert_eq!(OrderId::parse("INV-2026-000045-01").unwrap().ours(), None);
        assert_eq!(OrderId::parse("INV 1"), None);
        assert_eq!(OrderId::parse(&"A".repeat(28)), None);
    }

    #[test]
    fn a_notification_is_read_with_its_numbers_and_masked_passwords_dropped() {
        let body = b"ShopID=tshop00012345&ShopPass=**********&AccessID=a1b2c3&AccessPass=********&OrderID=100001-INV-2026-000045-01&Status=REQSUCCESS&JobCd=&Amount=10000&Tax=0&Currency=JPN&PayType=3&CvsCode=10001&CvsConfNo=123456&CvsReceiptNo=LW123&PaymentTerm=20261215235959&TranDate=20261201120000&NewField=ignored";
        let n = PaymentNotification::parse_form(body).unwrap();
        assert_eq!((n.pay_type, n.amount, n.trade_status()), (PayType::Cvs, 10000, TradeStatus::NumberIssued));
        assert_eq!(n.numbers.store_name(), Some("ローソン"));
        assert_eq!(n.numbers.payable_until(), Some(d(2026, 12, 15)));
        assert_eq!(n.numbers.cvs_conf_no.as_deref(), Some("123456"));
        let lower = b"shopid=s&orderid=100001-INV-2026-000045-01&accessid=a&status=CAPTURE&paytype=0&amount=1";
        assert_eq!(PaymentNotification::parse_form(lower).unwrap().trade_status(), TradeStatus::Paid);
    }

    #[test]
    fn a_notification_missing_or_malformed_fields_is_refused() {
        assert_eq!(PaymentNotification::parse_form(b"OrderID=X"), Err(NotificationError::Missing("ShopID")));
        let bad_type = b"ShopID=s&OrderID=O-1&AccessID=a&Status=CAPTURE&PayType=9&Amount=1";
        assert_eq!(PaymentNotification::parse_form(bad_type), Err(NotificationError::Malformed("PayType")));
        let bad_amount = b"ShopID=s&OrderID=O-1&AccessID=a&Status=CAPTURE&PayType=0&Amount=1e3";
        assert_eq!(PaymentNotification::parse_form(bad_amount), Err(NotificationError::Malformed("Amount")));
        assert_eq!(PaymentNotification::parse_form(&[0xff, 0xfe]), Err(NotificationError::NotAForm));
        assert_eq!(PaymentNotification::parse_form(b"ShopID=%zz"), Err(NotificationError::NotAForm));
    }

    #[test]
    fn a_new_checkout_waits_for_the_sixth_business_day() {
        // Thursday 2026-04-30: 5/1 (Fri), then Golden Week (5/2–5/6) and the weekend.
        assert_eq!(next_checkout_on(d(2026, 4, 30)), d(2026, 5, 13));
        // Year end: Friday 2026-12-25 → 12/28, 1/4, 1/5, 1/6, 1/7, 1/8.
        assert_eq!(next_checkout_on(d(2026, 12, 25)), d(2027, 1, 8));
        // A Saturday start counts from the next Monday.
        assert_eq!(next_checkout_on(d(2026, 11, 28)), d(2026, 12, 7));
    }

    #[test]
    fn slips_go_out_with_the_next_batch() {
        assert_eq!(next_slip_batch(d(2026, 11, 30)), (d(2026, 12, 1), "12月初旬"));
        assert_eq!(next_slip_batch(d(2026, 12, 1)), (d(2027, 3, 1), "3月初旬"));
        assert_eq!(next_slip_batch(d(2027, 5, 20)), (d(2027, 6, 15), "6月中旬"));
    }

    proptest! {
        #[test]
        fn any_body_parses_or_is_refused_without_panicking(body in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = PaymentNotification::parse_form(&body);
        }

        #[test]
        fn the_wait_is_six_business_days(start in 0i64..1500) {
            let from = d(2025, 1, 1) + chrono::Duration::days(start);
            let next = next_checkout_on(from);
            prop_assert_eq!(BusinessDay::count_between(from, next), 6);
            prop_assert!(BusinessDay::is_business_day(next));
        }
    }
}

/// What the portal asks of the provider to start a checkout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckoutRequest {
    pub order_id: OrderId,
    /// Yen, tax included (sent as Amount with Tax 0).
    pub amount: u32,
    pub methods: Vec<PayType>,
    /// What is paid for, e.g. 「専門医更新料（2026年度）」.
    pub description: String,
    pub customer_name: String,
    pub customer_email: String,
    /// Where the provider sends the member back.
    pub return_url: String,
}

/// A trade as the provider's own query reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trade {
    pub status: TradeStatus,
    pub amount: u32,
    pub tax: u32,
    pub access_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PaymentsError {
    #[error("payment provider unreachable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The provider answered with an error code (e.g. `E01040010`).
    #[error("payment provider refused: {code} {info}")]
    Refused { code: String, info: String },
}

impl PaymentsError {
    pub fn unavailable(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        PaymentsError::Unavailable(e.into())
    }
}

/// The payment provider port: its link-type checkout and its trade query.
#[async_trait::async_trait]
pub trait Payments: Send + Sync + 'static {
    /// Our shop id, which every notification must name.
    fn shop_id(&self) -> &str;

    /// Registers the order and returns where to send the member.
    async fn start_checkout(&self, req: &CheckoutRequest) -> Result<String, PaymentsError>;

    /// The trade's status (`None`: the provider knows no such order).
    async fn trade(&self, order: &OrderId, pay_type: PayType) -> Result<Option<Trade>, PaymentsError>;
}
