//! Every key format of the single table, in one place. Changing one of these strings
//! is a data migration, not a refactor: the tests below pin them.

use chrono::{DateTime, NaiveDate, Utc};
use portal_domain::table::Key;
use portal_domain::{ApplicationKind, ApplicationNo, CreditNo, InvoiceNo, MemberNo, OrderId, StaffId, UnitCode};

/// A member's whole page lives under one partition, so it is one Query.
pub fn member_pk(m: MemberNo) -> String {
    format!("MEMBER#{m}")
}

pub const PROFILE_SK: &str = "PROFILE";
pub const AUTH_SK: &str = "AUTH";

pub fn member_profile(m: MemberNo) -> Key {
    Key::new(member_pk(m), PROFILE_SK)
}

pub fn member_auth(m: MemberNo) -> Key {
    Key::new(member_pk(m), AUTH_SK)
}

pub fn staff_auth(s: &StaffId) -> Key {
    Key::new(format!("STAFF#{s}"), AUTH_SK)
}

/// The list of staff accounts administrators see: one item per account in one
/// partition, so the list is one Query (the account itself, with its secrets, stays
/// under `STAFF#<id>`).
pub const STAFF_LIST_PK: &str = "STAFF_ACCOUNTS";

pub fn staff_listing(s: &StaffId) -> Key {
    Key::new(STAFF_LIST_PK, s.as_str())
}

/// One recovery code of a staff account's second factor, by the SHA-256 of the code;
/// `generation` moves when an administrator resets the factor, retiring old codes.
pub fn staff_recovery_code(s: &StaffId, generation: i64, code_hash_hex: &str) -> Key {
    Key::new(format!("STAFF#{s}"), format!("RECOVERY#{generation}#{code_hash_hex}"))
}

/// The member directory staff search (see `directory.rs`): one item per way of
/// finding a member, `<kind>#<folded text>#<member_no>`, so a search is a prefix Query.
pub const DIRECTORY_PK: &str = "DIRECTORY";

pub fn directory_entry(kind: &str, folded: &str, m: MemberNo) -> Key {
    Key::new(DIRECTORY_PK, format!("{kind}#{folded}#{m}"))
}

/// Invoices listed for staff (請求の一覧): GSI1 `INVOICES#<fiscal year>`, sorted by
/// `<unpaid|paid>#<fee type>#<invoice no>#<member>`, so a state (and fee type) is a
/// prefix and the pages follow the index's own order.
pub fn invoice_list_gsi(fiscal_year: i32, paid: bool, fee_type: &str, no: &InvoiceNo, m: MemberNo) -> Key {
    let state = if paid { "paid" } else { "unpaid" };
    Key::new(format!("INVOICES#{fiscal_year}"), format!("{state}#{fee_type}#{no}#{m}"))
}

/// Applications listed for staff (申請の一覧): GSI1 `APPLICATIONS#<fiscal year>` — the
/// 年度 in which the 認定期間 ends, the renewal season — sorted by
/// `<state>#<application no>#<member>`, so a state is a prefix.
pub fn application_list_gsi(season: i32, state: &str, no: &ApplicationNo, m: MemberNo) -> Key {
    Key::new(application_list_pk(season), format!("{state}#{no}#{m}"))
}

pub fn application_list_pk(season: i32) -> String {
    format!("APPLICATIONS#{season}")
}

/// The staff home's counts (see `season_counts.rs`): every counter in one partition,
/// each split over [`COUNT_SHARDS`] items by member number so that members acting at
/// the same moment rarely write the same item.
pub const COUNTS_PK: &str = "COUNTS";
pub const COUNT_SHARDS: u32 = 8;

fn shard(m: MemberNo) -> u32 {
    m.get() % COUNT_SHARDS
}

/// Applications of a season per state.
pub fn season_count(season: i32, m: MemberNo) -> Key {
    Key::new(COUNTS_PK, format!("SEASON#{season}#{}", shard(m)))
}

pub fn season_count_prefix(season: i32) -> String {
    format!("SEASON#{season}#")
}

/// Self-reports waiting for a decision (承認待ち).
pub fn queue_count(m: MemberNo) -> Key {
    Key::new(COUNTS_PK, format!("QUEUE#{}", shard(m)))
}

pub const QUEUE_COUNT_PREFIX: &str = "QUEUE#";

/// Submissions and payments of one day (JST).
pub fn day_count(day: NaiveDate, m: MemberNo) -> Key {
    Key::new(COUNTS_PK, format!("DAY#{day}#{}", shard(m)))
}

/// Every day count of `day`'s month.
pub fn day_count_month_prefix(day: NaiveDate) -> String {
    format!("DAY#{}", day.format("%Y-%m"))
}

/// The mark that the reminder of `threshold` months before the period's end went out.
pub fn reminder_mark(m: MemberNo, period_end: NaiveDate, threshold: u32) -> Key {
    Key::new(member_pk(m), format!("REMINDER#{period_end}#{threshold}"))
}

/// The last reminder run (when, by whom, what it did).
pub fn reminder_run() -> Key {
    Key::new("SYSTEM", "REMINDER_RUN")
}

/// The audit trail of a member's records (see `records/audit.rs`).
pub fn member_audit_pk(m: MemberNo) -> String {
    format!("AUDIT#MEMBER#{m}")
}

/// The audit trail of a staff account (second-factor resets).
pub fn staff_audit_pk(s: &StaffId) -> String {
    format!("AUDIT#STAFF#{s}")
}

/// A password-reset token, addressed by the SHA-256 of the token (never the token).
pub fn reset_token(token_hash_hex: &str) -> Key {
    Key::new(format!("RESET#{token_hash_hex}"), "RESET")
}

/// A failure counter of one throttling window (`scope` e.g. `LOGIN#MEMBER#100001`).
pub const THROTTLE_BUCKET_PREFIX: &str = "W#";

pub fn throttle(scope: &str, bucket: i64) -> Key {
    Key::new(format!("THROTTLE#{scope}"), format!("{THROTTLE_BUCKET_PREFIX}{bucket}"))
}

pub fn outbox_mail(id: &str) -> Key {
    Key::new(format!("OUTBOX#{id}"), "MAIL")
}

/// GSI1 place of a mail waiting for delivery, ordered by when it is due.
pub fn outbox_pending_gsi(due_epoch: i64, id: &str) -> Key {
    Key::new(OUTBOX_PENDING, format!("{due_epoch:012}#{id}"))
}

pub const OUTBOX_PENDING: &str = "OUTBOX#PENDING";

/// An address the portal no longer mails (compared in lower case).
pub fn suppression(address: &str) -> Key {
    Key::new(format!("SUPPRESS#{}", address.to_lowercase()), "SUPPRESS")
}

/// GSI1 place of a mail that could not be delivered: kept for an operator, never lost.
pub fn outbox_failed_gsi(at_epoch: i64, id: &str) -> Key {
    Key::new("OUTBOX#FAILED", format!("{at_epoch:012}#{id}"))
}

/// 専門医資格申請情報 of a member.
pub fn application(m: MemberNo, no: &ApplicationNo) -> Key {
    Key::new(member_pk(m), format!("{APPLICATION_PREFIX}{no}"))
}
pub const APPLICATION_PREFIX: &str = "APP#";

/// Holds the one open (draft or submitted) application of a kind for a 認定期間: the
/// NotExists condition on it is what makes "only one of each kind" atomic.
pub fn open_application(m: MemberNo, kind: ApplicationKind, period_end: NaiveDate) -> Key {
    Key::new(member_pk(m), format!("OPEN#{}#{period_end}", kind.code()))
}

/// Exists once an application (of either kind) is submitted for a 認定期間: a member
/// cannot both renew and decline the same period.
pub fn submitted_application(m: MemberNo, period_end: NaiveDate) -> Key {
    Key::new(member_pk(m), format!("SUBMITTED#{period_end}"))
}

pub fn invoice(m: MemberNo, no: &InvoiceNo) -> Key {
    Key::new(member_pk(m), format!("{INVOICE_PREFIX}{no}"))
}
pub const INVOICE_PREFIX: &str = "INVOICE#";

pub fn credit(m: MemberNo, credit_no: &CreditNo) -> Key {
    Key::new(member_pk(m), format!("{CREDIT_PREFIX}{credit_no}"))
}
pub const CREDIT_PREFIX: &str = "CREDIT#";

/// The mark of one imported meeting attendance (member + unit code + date): put on the
/// condition that it is new, with the credit, so a row imported twice makes one credit.
pub fn attendance_mark(m: MemberNo, unit: &UnitCode, date: NaiveDate) -> Key {
    Key::new(member_pk(m), format!("ATTENDANCE#{unit}#{date}"))
}

/// The member's self-reported units holding a place under the cap, per 認定期間.
pub fn self_report_total(m: MemberNo, period_end: NaiveDate) -> Key {
    Key::new(member_pk(m), format!("SELF_REPORT#{period_end}"))
}

/// The 所定単位表: one partition, so the whole table is one Query.
pub const UNITS_PK: &str = "UNITS";

pub fn unit(code: &UnitCode) -> Key {
    Key::new(UNITS_PK, format!("UNIT#{code}"))
}

/// The staff's queue of self-reports awaiting decision, oldest request first.
pub const CREDITS_PENDING: &str = "CREDIT#PENDING";

pub fn pending_credit_gsi(requested_at: DateTime<Utc>, m: MemberNo, no: &CreditNo) -> Key {
    Key::new(CREDITS_PENDING, format!("{}#{m}#{no}", requested_at.format("%Y%m%dT%H%M%S%.6fZ")))
}

/// A checkout attempt (provider order) of one of the member's invoices.
pub fn payment_attempt(m: MemberNo, order: &OrderId) -> Key {
    Key::new(member_pk(m), format!("PAY#{order}"))
}

/// Every notification received for an order, kept for audit (never changed).
pub fn payment_log(order: &OrderId, received_at: DateTime<Utc>, id: &str) -> Key {
    Key::new(format!("PAYLOG#{order}"), format!("N#{}#{id}", received_at.format("%Y%m%dT%H%M%S%.6fZ")))
}

/// Notifications that could not be tied to one of our orders, per day.
pub fn rejected_payment_log(received_at: DateTime<Utc>, id: &str) -> Key {
    Key::new(
        format!("PAYLOG#REJECTED#{}", received_at.format("%Y-%m-%d")),
        format!("N#{}#{id}", received_at.format("%Y%m%dT%H%M%S%.6fZ")),
    )
}

/// Staff's list of money to give back (paid twice at the provider).
pub const REFUNDS_OPEN: &str = "REFUND#OPEN";

pub fn refund_gsi(at: DateTime<Utc>, order: &OrderId) -> Key {
    Key::new(REFUNDS_OPEN, format!("{}#{order}", at.format("%Y%m%dT%H%M%S%.6fZ")))
}

/// A sequence (application, invoice or credit numbers) per year.
pub fn counter(name: &str) -> Key {
    Key::new("COUNTER", name.to_owned())
}

/// The renewal rule in force (更新条件), maintained by staff.
pub fn renewal_rule() -> Key {
    Key::new("RULE", "RENEWAL")
}

/// Every version of the rule, kept for the history: `RENEWAL#V<version, 6 digits>`.
pub fn renewal_rule_version(version: u32) -> Key {
    Key::new("RULE", format!("{RULE_VERSION_PREFIX}{version:06}"))
}

pub const RULE_VERSION_PREFIX: &str = "RENEWAL#V";

pub fn seed_marker(name: &str) -> Key {
    Key::new("SYSTEM", format!("SEED#{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-30T01:02:03.000004Z").unwrap().with_timezone(&Utc)
    }

    #[test]
    fn key_formats_are_stable() {
        let m = MemberNo::parse("100001").unwrap();
        assert_eq!(member_profile(m), Key::new("MEMBER#100001", "PROFILE"));
        assert_eq!(member_auth(m), Key::new("MEMBER#100001", "AUTH"));
        assert_eq!(staff_auth(&StaffId::parse("staff01").unwrap()), Key::new("STAFF#staff01", "AUTH"));
        assert_eq!(staff_listing(&StaffId::parse("staff01").unwrap()), Key::new("STAFF_ACCOUNTS", "staff01"));
        assert_eq!(
            staff_recovery_code(&StaffId::parse("staff01").unwrap(), 2, "ab"),
            Key::new("STAFF#staff01", "RECOVERY#2#ab")
        );
        assert_eq!(reset_token("ab12"), Key::new("RESET#ab12", "RESET"));
        assert_eq!(throttle("LOGIN#MEMBER#100001", 7), Key::new("THROTTLE#LOGIN#MEMBER#100001", "W#7"));
        assert_eq!(outbox_mail("x1"), Key::new("OUTBOX#x1", "MAIL"));
        assert_eq!(outbox_pending_gsi(1_700_000_000, "x1"), Key::new("OUTBOX#PENDING", "001700000000#x1"));
        assert_eq!(outbox_failed_gsi(5, "x1"), Key::new("OUTBOX#FAILED", "000000000005#x1"));
        assert_eq!(suppression("M100001@Example.jp"), Key::new("SUPPRESS#m100001@example.jp", "SUPPRESS"));
        assert_eq!(seed_marker("demo"), Key::new("SYSTEM", "SEED#demo"));
        let a = ApplicationNo::new(2026, 1);
        assert_eq!(application(m, &a), Key::new("MEMBER#100001", "APP#A-2026-000001"));
        let end = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
        assert_eq!(
            open_application(m, ApplicationKind::Renewal, end),
            Key::new("MEMBER#100001", "OPEN#renewal#2027-03-31")
        );
        assert_eq!(submitted_application(m, end), Key::new("MEMBER#100001", "SUBMITTED#2027-03-31"));
        assert_eq!(invoice(m, &InvoiceNo::new(2026, 7)), Key::new("MEMBER#100001", "INVOICE#INV-2026-000007"));
        assert_eq!(credit(m, &CreditNo::new(1)), Key::new("MEMBER#100001", "CREDIT#C-000001"));
        let day = NaiveDate::from_ymd_opt(2026, 5, 17).unwrap();
        assert_eq!(
            attendance_mark(m, &UnitCode::parse("MTG-AN").unwrap(), day),
            Key::new("MEMBER#100001", "ATTENDANCE#MTG-AN#2026-05-17")
        );
        assert_eq!(counter("APPLICATION#2026"), Key::new("COUNTER", "APPLICATION#2026"));
        assert_eq!(renewal_rule(), Key::new("RULE", "RENEWAL"));
        assert_eq!(renewal_rule_version(2), Key::new("RULE", "RENEWAL#V000002"));
        assert_eq!(
            application_list_gsi(2026, "draft", &a, m),
            Key::new("APPLICATIONS#2026", "draft#A-2026-000001#100001")
        );
        assert_eq!(season_count(2026, m), Key::new("COUNTS", "SEASON#2026#1"));
        assert_eq!(queue_count(m), Key::new("COUNTS", "QUEUE#1"));
        assert_eq!(day_count(day, m), Key::new("COUNTS", "DAY#2026-05-17#1"));
        let order = OrderId::new(m, &InvoiceNo::new(2026, 7), 1);
        assert_eq!(payment_attempt(m, &order), Key::new("MEMBER#100001", "PAY#100001-INV-2026-000007-01"));
        assert_eq!(
            payment_log(&order, at(), "x"),
            Key::new("PAYLOG#100001-INV-2026-000007-01", "N#20261130T010203.000004Z#x")
        );
        assert_eq!(
            rejected_payment_log(at(), "x"),
            Key::new("PAYLOG#REJECTED#2026-11-30", "N#20261130T010203.000004Z#x")
        );
        assert_eq!(
            refund_gsi(at(), &order),
            Key::new("REFUND#OPEN", "20261130T010203.000004Z#100001-INV-2026-000007-01")
        );
        assert_eq!(self_report_total(m, end), Key::new("MEMBER#100001", "SELF_REPORT#2027-03-31"));
        assert_eq!(unit(&UnitCode::parse("AM90-ATT").unwrap()), Key::new("UNITS", "UNIT#AM90-ATT"));
        assert_eq!(
            pending_credit_gsi(at(), m, &CreditNo::new(7)),
            Key::new("CREDIT#PENDING", "20261130T010203.000004Z#100001#C-000007")
        );
    }
}
