//! A member's whole partition, read in one Query and sorted by the `type` tag of each
//! item. An item of a type this code does not know, or that does not read as its type,
//! is an error naming its key — never silently skipped or defaulted.

use portal_domain::table::Item;
use portal_domain::{Application, Credit, Invoice, Member};

use super::{
    ApplicationRecord, AttendanceMarkRecord, CreditRecord, InvoiceRecord, MemberAuthRecord, MemberRecord,
    OpenApplicationRecord, PaymentAttemptRecord, Record, RecordError, RecordFault, ReminderMarkRecord,
    SelfReportTotalRecord, SubmittedRecord, decode, type_of,
};

#[derive(Default, Debug)]
pub struct MemberPartition {
    pub member: Option<Member>,
    pub session_version: Option<i64>,
    pub applications: Vec<Application>,
    pub invoices: Vec<Invoice>,
    pub credits: Vec<Credit>,
    /// Self-reported units holding a place under the cap, per 認定期間 (its last day).
    pub self_report_totals: Vec<(chrono::NaiveDate, i64)>,
    /// Checkout attempts (provider orders) of the member's invoices.
    pub attempts: Vec<portal_domain::PaymentAttempt>,
    /// Attendances already imported: (unit code, date).
    pub attendance: std::collections::BTreeSet<(portal_domain::UnitCode, chrono::NaiveDate)>,
}

impl MemberPartition {
    /// Self-reported units holding a place under the cap in the period ending `end`.
    pub fn self_reported(&self, end: chrono::NaiveDate) -> i64 {
        self.self_report_totals.iter().find(|(e, _)| *e == end).map_or(0, |(_, u)| *u)
    }

    pub fn from_items(items: &[Item]) -> Result<Self, RecordError> {
        let mut p = MemberPartition::default();
        for item in items {
            match type_of(item) {
                Some(MemberRecord::TYPE) => p.member = Some(decode::<MemberRecord>(item)?),
                Some(MemberAuthRecord::TYPE) => {
                    p.session_version = Some(decode::<MemberAuthRecord>(item)?.session_version)
                }
                Some(ApplicationRecord::TYPE) => p.applications.push(decode::<ApplicationRecord>(item)?),
                Some(InvoiceRecord::TYPE) => p.invoices.push(decode::<InvoiceRecord>(item)?),
                Some(PaymentAttemptRecord::TYPE) => p.attempts.push(decode::<PaymentAttemptRecord>(item)?),
                Some(CreditRecord::TYPE) => p.credits.push(decode::<CreditRecord>(item)?),
                Some(SelfReportTotalRecord::TYPE) => {
                    let end =
                        item.key.sk.rsplit('#').next().and_then(|d| d.parse().ok()).ok_or_else(|| RecordError {
                            pk: item.key.pk.clone(),
                            sk: item.key.sk.clone(),
                            expected: SelfReportTotalRecord::TYPE,
                            cause: RecordFault::WrongType(Some("a key without its period".into())),
                        })?;
                    p.self_report_totals.push((end, decode::<SelfReportTotalRecord>(item)?.units));
                }
                Some(AttendanceMarkRecord::TYPE) => {
                    decode::<AttendanceMarkRecord>(item)?;
                    let mut parts = item.key.sk.splitn(3, '#').skip(1);
                    let unit = parts.next().and_then(|u| portal_domain::UnitCode::parse(u).ok());
                    let date = parts.next().and_then(|d| d.parse().ok());
                    let (Some(unit), Some(date)) = (unit, date) else {
                        return Err(RecordError {
                            pk: item.key.pk.clone(),
                            sk: item.key.sk.clone(),
                            expected: AttendanceMarkRecord::TYPE,
                            cause: RecordFault::WrongType(Some("a key without unit and date".into())),
                        });
                    };
                    p.attendance.insert((unit, date));
                }
                // Markers that keep rules atomic; nothing on a page reads them.
                Some(OpenApplicationRecord::TYPE | SubmittedRecord::TYPE | ReminderMarkRecord::TYPE) => {}
                other => {
                    return Err(RecordError {
                        pk: item.key.pk.clone(),
                        sk: item.key.sk.clone(),
                        expected: "member partition",
                        cause: RecordFault::WrongType(other.map(str::to_owned)),
                    });
                }
            }
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_domain::table::Key;
    use serde_json::json;

    #[test]
    fn an_unknown_or_untagged_item_is_an_error_naming_its_key() {
        let untagged = Item::new(Key::new("MEMBER#100001", "X#1"), json!({"a": 1}).as_object().unwrap().clone());
        let err = MemberPartition::from_items(&[untagged]).unwrap_err();
        assert_eq!((err.pk.as_str(), err.sk.as_str()), ("MEMBER#100001", "X#1"));
        let odd =
            Item::new(Key::new("MEMBER#100001", "APP#1"), json!({"type": "application"}).as_object().unwrap().clone());
        assert!(matches!(MemberPartition::from_items(&[odd]).unwrap_err().cause, RecordFault::Shape(_)));
    }
}
