//! 営業日: the society office's working days — not Saturday, Sunday, a national holiday
//! (振替休日 and 国民の休日 included), or the year-end break 12/29–1/3.

use chrono::{Datelike, NaiveDate, Weekday};
use jpholiday::jpholiday::JPHoliday;

pub struct BusinessDay;

impl BusinessDay {
    pub fn is_business_day(date: NaiveDate) -> bool {
        let year_end = matches!((date.month(), date.day()), (12, 29..=31) | (1, 1..=3));
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !year_end && !JPHoliday::new().is_holiday(&date)
    }

    /// The date `n` business days after `date` (not counting `date` itself).
    pub fn add(date: NaiveDate, n: u32) -> NaiveDate {
        let mut d = date;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().expect("date in range");
            if Self::is_business_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Business days strictly after `from` up to and including `to` (0 when `to <= from`).
    pub fn count_between(from: NaiveDate, to: NaiveDate) -> u32 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = d.succ_opt().expect("date in range");
            if Self::is_business_day(d) {
                n += 1;
            }
        }
        n
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
    fn weekends_holidays_and_year_end_are_closed() {
        assert!(BusinessDay::is_business_day(d(2026, 11, 27))); // Friday
        assert!(!BusinessDay::is_business_day(d(2026, 11, 28))); // Saturday
        assert!(!BusinessDay::is_business_day(d(2026, 11, 29))); // Sunday
        assert!(!BusinessDay::is_business_day(d(2026, 11, 3))); // 文化の日
        assert!(!BusinessDay::is_business_day(d(2026, 11, 23))); // 勤労感謝の日 (Monday)
        assert!(!BusinessDay::is_business_day(d(2025, 12, 29))); // Monday, year-end break
        assert!(!BusinessDay::is_business_day(d(2026, 1, 2))); // Friday, year-end break
        assert!(BusinessDay::is_business_day(d(2026, 1, 5))); // Monday after the break
        assert!(!BusinessDay::is_business_day(d(2026, 5, 6))); // 振替休日
    }

    #[test]
    fn adding_business_days_skips_closed_days() {
        // Friday 2026-11-20 + 1 → Tuesday 11-24 (11-23 is a holiday, Monday).
        assert_eq!(BusinessDay::add(d(2026, 11, 20), 1), d(2026, 11, 24));
        // Over the year-end: 2025-12-26 (Fri) + 1 → 2026-01-05 (Mon).
        assert_eq!(BusinessDay::add(d(2025, 12, 26), 1), d(2026, 1, 5));
        assert_eq!(BusinessDay::add(d(2026, 11, 20), 0), d(2026, 11, 20));
    }

    proptest! {
        #[test]
        fn add_and_count_agree(start in 0i64..3650, n in 0u32..40) {
            let from = d(2024, 1, 1) + chrono::Duration::days(start);
            let to = BusinessDay::add(from, n);
            prop_assert_eq!(BusinessDay::count_between(from, to), n);
            if n > 0 {
                prop_assert!(BusinessDay::is_business_day(to));
            }
        }
    }
}
