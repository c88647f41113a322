//! 単位情報: credit records in the member's partition, the member's self-report total
//! that holds the cap, and the 所定単位表.

use chrono::NaiveDate;
use portal_domain::table::Key;
use portal_domain::{Credit, CreditNo, CreditStatus, MemberNo, UnitCode, UnitEntry};
use serde::{Deserialize, Serialize};

use super::{Field, Record};
use crate::keys;

pub struct CreditRecord;

impl Record for CreditRecord {
    type Value = Credit;
    const TYPE: &'static str = "credit";
}

impl CreditRecord {
    pub const STATUS: Field<Self, CreditStatus> = Field::new("status");
    /// Every change of a credit is a put conditional on the version it read.
    pub const VERSION: Field<Self, i64> = Field::new("version");

    pub fn key(m: MemberNo, no: &CreditNo) -> Key {
        keys::credit(m, no)
    }
}

/// An imported attendance (see `keys::attendance_mark`): which credit it made.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AttendanceMark {
    pub credit_no: CreditNo,
    /// The staff member whose import made it.
    pub imported_by: String,
}

pub struct AttendanceMarkRecord;

impl Record for AttendanceMarkRecord {
    type Value = AttendanceMark;
    const TYPE: &'static str = "attendance_mark";
}

impl AttendanceMarkRecord {
    pub fn key(m: MemberNo, unit: &UnitCode, date: NaiveDate) -> Key {
        keys::attendance_mark(m, unit, date)
    }
}

/// Self-reported units awaiting decision or approved in one 認定期間: the request
/// that adds units may only do so while the total stays within the cap.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SelfReportTotal {
    #[serde(default)]
    pub units: i64,
}

pub struct SelfReportTotalRecord;

impl Record for SelfReportTotalRecord {
    type Value = SelfReportTotal;
    const TYPE: &'static str = "self_report_total";
}

impl SelfReportTotalRecord {
    pub const UNITS: Field<Self, i64> = Field::new("units");

    pub fn key(m: MemberNo, period_end: NaiveDate) -> Key {
        keys::self_report_total(m, period_end)
    }
}

pub struct UnitRecord;

impl Record for UnitRecord {
    type Value = UnitEntry;
    const TYPE: &'static str = "unit";
}

impl UnitRecord {
    pub const VERSION: Field<Self, i64> = Field::new("version");

    pub fn key(code: &UnitCode) -> Key {
        keys::unit(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::declared_in_sample;

    #[test]
    fn declared_fields_are_attributes() {
        let entry = &portal_domain::unit_table::sample_table()[0];
        let c = Credit::of(
            CreditNo::new(1),
            entry,
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            portal_domain::CreditSource::SelfReport,
            CreditStatus::Draft,
        );
        declared_in_sample::<CreditRecord>(&c, &[CreditRecord::STATUS.name(), CreditRecord::VERSION.name()]).unwrap();
        declared_in_sample::<SelfReportTotalRecord>(
            &SelfReportTotal::default(),
            &[SelfReportTotalRecord::UNITS.name()],
        )
        .unwrap();
    }
}
