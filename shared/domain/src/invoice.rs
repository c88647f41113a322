//! 会費請求/入金状況: invoices (年会費 and 専門医更新料) and their states.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::payment::{OrderId, PayType, next_checkout_on, next_slip_batch};
use crate::{CollectionMethod, FiscalYear, InvoiceNo, MailingAddress};

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
    #[serde(default)]
    pub paid_via: Option<PaidVia>,
    /// The last checkout started at the provider (it blocks a new one for a while).
    #[serde(default)]
    pub checkout: Option<CheckoutLock>,
    /// Checkouts started so far (numbers the provider orders).
    #[serde(default)]
    pub checkouts: i64,
    /// 払込票 requested: the other methods are closed until staff switch back.
    #[serde(default)]
    pub postal_slip: Option<PostalSlip>,
    /// 領収書 issued (the first issue; later ones are 再発行).
    #[serde(default)]
    pub receipt: Option<ReceiptIssue>,
    /// Who changed the invoice, when and how (oldest first; never edited).
    #[serde(default)]
    pub events: Vec<InvoiceEvent>,
    /// Moves on every change; every change is conditional on the version it read.
    #[serde(default)]
    pub version: i64,
}

/// How an invoice was paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaidVia {
    Card,
    Cvs,
    PayEasy,
    /// 払込票 (郵便振替), recorded by staff.
    PostalSlip,
    /// Recorded by staff (口座振替, 窓口 …).
    Office,
}

impl PaidVia {
    pub fn label(self) -> &'static str {
        match self {
            PaidVia::Card => "クレジットカード",
            PaidVia::Cvs => "コンビニ",
            PaidVia::PayEasy => "ペイジー",
            PaidVia::PostalSlip => "払込票",
            PaidVia::Office => "事務局にて確認",
        }
    }
}

impl From<PayType> for PaidVia {
    fn from(p: PayType) -> Self {
        match p {
            PayType::Card => PaidVia::Card,
            PayType::Cvs => PaidVia::Cvs,
            PayType::PayEasy => PaidVia::PayEasy,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutLock {
    pub order_id: OrderId,
    pub started_on: NaiveDate,
    /// The first day a new checkout may start (the 6th business day after).
    pub next_possible_on: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalSlip {
    pub requested_at: DateTime<Utc>,
    /// 送付・請求先 at the time of the request.
    pub address: MailingAddress,
    pub batch_on: NaiveDate,
    /// 12月初旬, 3月初旬, 5月初旬 or 6月中旬.
    pub batch: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptIssue {
    pub first_issued_on: NaiveDate,
    pub issues: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceEvent {
    pub at: DateTime<Utc>,
    /// 会員, 事務局 <name>, or 決済サービス.
    pub by: String,
    pub what: String,
}

/// Why a payment step is not possible now.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PaymentRefusal {
    #[error("この請求はすでに納入済です。二重にお支払いいただく必要はありません。")]
    AlreadyPaid,
    #[error(
        "払込票での支払いをお申込み済みのため、他のお支払い方法はご利用いただけません。変更をご希望の場合は事務局までご連絡ください。"
    )]
    SlipRequested,
    #[error("お支払い手続きの処理中です。お手続きが完了していなかった場合は、{}以降に改めてお支払い手続きいただけます。", until.format("%Y年%-m月%-d日"))]
    Processing { until: NaiveDate },
    #[error("払込票のお申込みはありません。")]
    NoSlip,
    #[error("領収書は、お支払いが確認できた請求について発行できます。")]
    NotPaid,
}

/// What the member may do with an unpaid invoice today.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaymentOptions {
    Paid,
    /// Both buttons: provider checkout and postal slip.
    Open,
    /// お支払い手続きの処理中: a new checkout from the given day.
    Processing {
        until: NaiveDate,
    },
    /// 払込票 requested (red notice).
    SlipRequested,
}

impl Invoice {
    /// A new invoice, unpaid.
    pub fn new(
        invoice_no: InvoiceNo,
        fee_type: FeeType,
        fiscal_year: FiscalYear,
        amount: u32,
        due_date: NaiveDate,
        application_no: Option<crate::ApplicationNo>,
    ) -> Self {
        Invoice {
            invoice_no,
            fee_type,
            fiscal_year,
            amount,
            due_date,
            paid_on: None,
            application_no,
            paid_via: None,
            checkout: None,
            checkouts: 0,
            postal_slip: None,
            receipt: None,
            events: Vec::new(),
            version: 0,
        }
    }

    pub fn options(&self, today: NaiveDate) -> PaymentOptions {
        if self.paid_on.is_some() {
            PaymentOptions::Paid
        } else if self.postal_slip.is_some() {
            PaymentOptions::SlipRequested
        } else {
            match &self.checkout {
                Some(c) if today < c.next_possible_on => PaymentOptions::Processing { until: c.next_possible_on },
                _ => PaymentOptions::Open,
            }
        }
    }

    fn ensure_open(&self, today: NaiveDate) -> Result<(), PaymentRefusal> {
        match self.options(today) {
            PaymentOptions::Open => Ok(()),
            PaymentOptions::Paid => Err(PaymentRefusal::AlreadyPaid),
            PaymentOptions::SlipRequested => Err(PaymentRefusal::SlipRequested),
            PaymentOptions::Processing { until } => Err(PaymentRefusal::Processing { until }),
        }
    }

    fn next(&self, at: DateTime<Utc>, by: &str, what: String) -> Self {
        let mut i = self.clone();
        i.version += 1;
        i.events.push(InvoiceEvent { at, by: by.to_owned(), what });
        i
    }

    /// 「上記情報を送信して、決済を申し込む」: a new provider order, which locks the
    /// buttons until the 6th business day (also when the member abandons it).
    pub fn start_checkout(
        &self,
        member: crate::MemberNo,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<(Self, OrderId), PaymentRefusal> {
        self.ensure_open(today)?;
        let order = OrderId::new(member, &self.invoice_no, self.checkouts + 1);
        let mut i = self.next(now, "会員", format!("決済手続きを開始（注文番号 {order}）"));
        i.checkouts += 1;
        i.checkout = Some(CheckoutLock {
            order_id: order.clone(),
            started_on: today,
            next_possible_on: next_checkout_on(today),
        });
        Ok((i, order))
    }

    /// The provider could not be reached: the member was not sent there, so the lock of
    /// that order goes (the order number stays used).
    pub fn release_checkout(&self, order: &OrderId, now: DateTime<Utc>) -> Option<Self> {
        let locked = self.checkout.as_ref().is_some_and(|c| &c.order_id == order);
        locked.then(|| {
            let mut i =
                self.next(now, "決済サービス", format!("決済サービスに接続できず手続きを取り消し（注文番号 {order}）"));
            i.checkout = None;
            i
        })
    }

    /// A payment number was issued for `order` (convenience store, Pay-easy): it stays
    /// payable until its 支払期限, so no new checkout may start before that day has
    /// passed — a member can never hold two payable numbers for one invoice.
    pub fn number_issued(&self, order: &OrderId, payable_until: Option<NaiveDate>, now: DateTime<Utc>) -> Option<Self> {
        let lock = self.checkout.as_ref().filter(|c| &c.order_id == order)?;
        let until = payable_until?.succ_opt()?;
        (until > lock.next_possible_on).then(|| {
            let mut i = self.next(
                now,
                "決済サービス",
                format!("お支払い番号を発行（{order}）。支払期限まで新しいお手続きはできません"),
            );
            if let Some(c) = i.checkout.as_mut() {
                c.next_possible_on = until;
            }
            i
        })
    }

    /// The provider ended `order` (expired, cancelled, failed): its number can no longer
    /// be paid, so the wait is back to the 6 business days from its start.
    pub fn checkout_ended(&self, order: &OrderId, now: DateTime<Utc>) -> Option<Self> {
        let lock = self.checkout.as_ref().filter(|c| &c.order_id == order)?;
        let usual = next_checkout_on(lock.started_on);
        (lock.next_possible_on > usual).then(|| {
            let mut i = self.next(now, "決済サービス", format!("決済手続きが終了（{order}）"));
            if let Some(c) = i.checkout.as_mut() {
                c.next_possible_on = usual;
            }
            i
        })
    }

    /// 「払込票での支払いお申込み」: to the member's 送付・請求先, with the next batch.
    pub fn request_slip(
        &self,
        address: &MailingAddress,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<Self, PaymentRefusal> {
        self.ensure_open(today)?;
        let (batch_on, batch) = next_slip_batch(today);
        let mut i = self.next(now, "会員", format!("払込票での支払いを申込（{batch}発送）"));
        i.postal_slip =
            Some(PostalSlip { requested_at: now, address: address.clone(), batch_on, batch: batch.to_owned() });
        Ok(i)
    }

    /// Staff switch a postal-slip invoice back to the other methods.
    pub fn cancel_slip(&self, staff: &str, now: DateTime<Utc>) -> Result<Self, PaymentRefusal> {
        if self.paid_on.is_some() {
            return Err(PaymentRefusal::AlreadyPaid);
        }
        if self.postal_slip.is_none() {
            return Err(PaymentRefusal::NoSlip);
        }
        let mut i = self.next(
            now,
            &format!("事務局 {staff}"),
            "払込票のお申込みを取り消し、他のお支払い方法を利用可能に".into(),
        );
        i.postal_slip = None;
        Ok(i)
    }

    /// Staff record a payment made with a 払込票 (or the 郵便振替用紙 of the dues), unless
    /// a provider checkout is in progress: its number could still be paid too.
    pub fn slip_paid(
        &self,
        on: NaiveDate,
        by: &str,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<Self, PaymentRefusal> {
        if let PaymentOptions::Processing { until } = self.options(today) {
            return Err(PaymentRefusal::Processing { until });
        }
        self.paid(on, PaidVia::PostalSlip, by, now)
    }

    /// 納入済. A paid invoice is never paid again, by any path.
    pub fn paid(&self, on: NaiveDate, via: PaidVia, by: &str, now: DateTime<Utc>) -> Result<Self, PaymentRefusal> {
        if self.paid_on.is_some() {
            return Err(PaymentRefusal::AlreadyPaid);
        }
        let mut i = self.next(now, by, format!("納入済（{}）", via.label()));
        i.paid_on = Some(on);
        i.paid_via = Some(via);
        Ok(i)
    }

    /// One more issue of the receipt (the first issue's date is kept for every copy).
    pub fn receipt_issued(&self, today: NaiveDate) -> Result<Self, PaymentRefusal> {
        if self.paid_on.is_none() {
            return Err(PaymentRefusal::NotPaid);
        }
        let mut i = self.clone();
        i.version += 1;
        i.receipt = Some(match &self.receipt {
            Some(r) => ReceiptIssue { first_issued_on: r.first_issued_on, issues: r.issues + 1 },
            None => ReceiptIssue { first_issued_on: today, issues: 1 },
        });
        Ok(i)
    }

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
        let mut i =
            Invoice::new(InvoiceNo::new(fy, 1), FeeType::AnnualDues, FiscalYear::new(fy).unwrap(), 13_000, due, None);
        i.paid_on = paid;
        i
    }

    fn address() -> MailingAddress {
        MailingAddress { postal_code: "100-0011".into(), address: "東京都千代田区".into(), organization: None }
    }

    #[test]
    fn a_checkout_locks_the_buttons_until_the_sixth_business_day_and_is_paid_once() {
        let now = Utc::now();
        let today = d(2026, 4, 30);
        let i = dues(2026, d(2026, 6, 30), None);
        let m = crate::MemberNo::parse("100002").unwrap();
        let (started, order) = i.start_checkout(m, now, today).unwrap();
        assert_eq!(order.as_str(), "100002-INV-2026-000001-01");
        assert_eq!(started.options(d(2026, 5, 12)), PaymentOptions::Processing { until: d(2026, 5, 13) });
        assert!(matches!(started.start_checkout(m, now, d(2026, 5, 12)), Err(PaymentRefusal::Processing { .. })));
        assert!(matches!(
            started.request_slip(&address(), now, d(2026, 5, 12)),
            Err(PaymentRefusal::Processing { .. })
        ));
        let (again, second) = started.start_checkout(m, now, d(2026, 5, 13)).unwrap();
        assert_eq!(second.as_str(), "100002-INV-2026-000001-02");
        let paid = again.paid(d(2026, 5, 14), PaidVia::PayEasy, "決済サービス", now).unwrap();
        assert_eq!(paid.paid(d(2026, 5, 15), PaidVia::Card, "決済サービス", now), Err(PaymentRefusal::AlreadyPaid));
        assert_eq!(paid.start_checkout(m, now, d(2026, 6, 1)).unwrap_err(), PaymentRefusal::AlreadyPaid);
        assert_eq!(paid.events.len(), 3);
    }

    #[test]
    fn an_issued_number_locks_new_checkouts_until_its_term_has_passed() {
        let now = Utc::now();
        let m = crate::MemberNo::parse("100002").unwrap();
        let (started, order) = dues(2026, d(2026, 6, 30), None).start_checkout(m, now, d(2026, 11, 2)).unwrap();
        assert_eq!(started.options(d(2026, 11, 2)), PaymentOptions::Processing { until: d(2026, 11, 11) });
        let issued = started.number_issued(&order, Some(d(2026, 11, 20)), now).unwrap();
        assert_eq!(issued.options(d(2026, 11, 11)), PaymentOptions::Processing { until: d(2026, 11, 21) });
        assert_eq!(issued.options(d(2026, 11, 21)), PaymentOptions::Open);
        let other = crate::OrderId::new(m, &issued.invoice_no, 9);
        assert_eq!(issued.number_issued(&other, Some(d(2026, 12, 31)), now), None, "another order's number");
        let ended = issued.checkout_ended(&order, now).unwrap();
        assert_eq!(ended.options(d(2026, 11, 11)), PaymentOptions::Open, "an expired number frees the wait");
        assert!(matches!(
            issued.slip_paid(d(2026, 11, 12), "事務局", now, d(2026, 11, 12)),
            Err(PaymentRefusal::Processing { .. })
        ));
    }

    #[test]
    fn a_postal_slip_closes_the_other_methods_until_staff_switch_back() {
        let now = Utc::now();
        let today = d(2026, 11, 30);
        let slip = dues(2026, d(2026, 6, 30), None).request_slip(&address(), now, today).unwrap();
        assert_eq!(slip.postal_slip.as_ref().unwrap().batch, "12月初旬");
        let m = crate::MemberNo::parse("100002").unwrap();
        assert_eq!(slip.start_checkout(m, now, today).unwrap_err(), PaymentRefusal::SlipRequested);
        let back = slip.cancel_slip("事務局 一郎", now).unwrap();
        assert!(back.start_checkout(m, now, today).is_ok());
        assert!(back.events.last().unwrap().by.contains("事務局"));
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
