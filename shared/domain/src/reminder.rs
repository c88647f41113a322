//! 更新申請のご案内 (deadline reminders): a member whose 認定期間 ends within 6, 3 or
//! 1 months and who has not applied gets one mail per threshold. Which threshold is due
//! is pure; that each goes out once is the store's job (a mark per threshold).

use chrono::{Months, NaiveDate};

/// Months before the end of the 認定期間, nearest first.
pub const THRESHOLDS: [u32; 3] = [1, 3, 6];

/// The threshold whose reminder is due on `today`: the nearest one already reached,
/// while the period has not ended. (A first run two months before the end sends the
/// 3-month reminder only; the 6-month one is never sent late.)
pub fn due(period_end: NaiveDate, today: NaiveDate) -> Option<u32> {
    if today > period_end {
        return None;
    }
    THRESHOLDS.into_iter().find(|t| period_end.checked_sub_months(Months::new(*t)).is_some_and(|from| today >= from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn thresholds_by_date() {
        let end = d(2027, 3, 31);
        assert_eq!(due(end, d(2026, 9, 29)), None);
        assert_eq!(due(end, d(2026, 9, 30)), Some(6), "six months before the 31st is the 30th");
        assert_eq!(due(end, d(2026, 12, 31)), Some(3));
        assert_eq!(due(end, d(2027, 2, 28)), Some(1));
        assert_eq!(due(end, d(2027, 3, 31)), Some(1));
        assert_eq!(due(end, d(2027, 4, 1)), None);
    }

    proptest! {
        /// Day by day towards the end, the due threshold only ever gets nearer.
        #[test]
        fn the_due_threshold_never_goes_back(days in 0i64..400, offset in 0i64..200) {
            let end = d(2027, 3, 31);
            let a = end - chrono::Duration::days(days + offset);
            let b = end - chrono::Duration::days(days);
            if let (Some(x), Some(y)) = (due(end, a), due(end, b)) {
                prop_assert!(y <= x);
            }
            if due(end, a).is_some() {
                prop_assert!(due(end, b).is_some());
            }
        }
    }
}
