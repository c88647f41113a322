//! 年度: the society's fiscal year, April 1 – March 31, named by the year it starts in.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::FieldError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FiscalYear(i32);

impl FiscalYear {
    pub fn new(year: i32) -> Result<Self, FieldError> {
        if (1950..=2200).contains(&year) {
            Ok(FiscalYear(year))
        } else {
            Err(FieldError::new("fiscal_year", "年度は西暦4桁で入力してください。"))
        }
    }

    /// The fiscal year a date falls in (2026-03-31 → 2025年度, 2026-04-01 → 2026年度).
    pub fn containing(date: NaiveDate) -> Self {
        FiscalYear(if date.month() >= 4 { date.year() } else { date.year() - 1 })
    }

    pub fn year(self) -> i32 {
        self.0
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).expect("April 1 exists")
    }

    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 3, 31).expect("March 31 exists")
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        Self::containing(date) == self
    }

    pub fn next(self) -> Self {
        FiscalYear(self.0 + 1)
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}年度", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn april_starts_a_new_fiscal_year() {
        assert_eq!(FiscalYear::containing(d(2026, 3, 31)).year(), 2025);
        assert_eq!(FiscalYear::containing(d(2026, 4, 1)).year(), 2026);
        assert_eq!(FiscalYear::containing(d(2026, 12, 31)).year(), 2026);
        assert_eq!(FiscalYear::containing(d(2027, 1, 1)).year(), 2026);
        assert_eq!(FiscalYear::new(2025).unwrap().to_string(), "2025年度");
    }

    proptest! {
        #[test]
        fn every_date_lies_within_its_fiscal_year(days in 0i64..60_000) {
            let date = d(1960, 1, 1) + chrono::Duration::days(days);
            let fy = FiscalYear::containing(date);
            prop_assert!(fy.first_day() <= date && date <= fy.last_day());
            prop_assert!(fy.contains(date));
            prop_assert_eq!(FiscalYear::containing(fy.last_day() + chrono::Duration::days(1)), fy.next());
        }
    }
}
