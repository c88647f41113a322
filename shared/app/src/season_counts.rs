//! 事務局ホーム: the renewal season's applications per state, the self-reports waiting
//! for a decision, and submissions and payments per day. Counted, not scanned: every
//! transaction that changes one of these states adds to its counter in the same
//! transaction, so a count is never ahead of or behind what it counts. Counters are
//! split over shards by member number (`keys::COUNT_SHARDS`) so that members
//! submitting at the same moment rarely write the same item; the home sums them.

use chrono::NaiveDate;
use portal_domain::table::Write;
use portal_domain::{FiscalYear, MemberNo};

use crate::application_list::ListState;
use crate::records::{self, Changes, Field, Tally, TallyRecord, When, decode};
use crate::{App, Fault, keys};

fn field(state: ListState) -> Field<TallyRecord, i64> {
    match state {
        ListState::Draft => TallyRecord::DRAFT,
        ListState::Unpaid => TallyRecord::UNPAID,
        ListState::Paid => TallyRecord::PAID,
        ListState::Declined => TallyRecord::DECLINED,
    }
}

/// One application of `season` leaves `from` and enters `to` (either may be none:
/// created, deleted).
pub fn moved(m: MemberNo, season: i32, from: Option<ListState>, to: Option<ListState>) -> Write {
    let mut c = Changes::<TallyRecord>::new();
    if let Some(f) = from {
        c = c.add(field(f), -1);
    }
    if let Some(t) = to {
        c = c.add(field(t), 1);
    }
    records::update(keys::season_count(season, m), c, When::always())
}

/// A self-report enters (+1) or leaves (-1) the queue of 承認待ち.
pub fn queue(m: MemberNo, delta: i64) -> Write {
    records::update(keys::queue_count(m), Changes::new().add(TallyRecord::PENDING, delta), When::always())
}

/// A submission (更新申請 or 辞退申請) on `day`.
pub fn submitted_on(m: MemberNo, day: NaiveDate) -> Write {
    records::update(keys::day_count(day, m), Changes::new().add(TallyRecord::SUBMISSIONS, 1), When::always())
}

/// A payment (any invoice) on `day`.
pub fn paid_on(m: MemberNo, day: NaiveDate) -> Write {
    records::update(keys::day_count(day, m), Changes::new().add(TallyRecord::PAYMENTS, 1), When::always())
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Day {
    pub day: NaiveDate,
    pub submissions: i64,
    pub payments: i64,
}

#[derive(Clone, Debug)]
pub struct Home {
    pub season: i32,
    /// draft, unpaid, paid, declined of the season; pending of the queue.
    pub counts: Tally,
    /// The last [`DAYS`] days up to today, oldest first, every day present.
    pub days: Vec<Day>,
}

/// Days the chart shows.
pub const DAYS: u64 = 30;

fn sum(items: &[portal_domain::table::Item]) -> Result<Tally, Fault> {
    let mut t = Tally::default();
    for item in items {
        t += &decode::<TallyRecord>(item)?;
    }
    Ok(t)
}

/// The season whose 認定期間 end falls in the fiscal year of `today`.
pub fn current_season(today: NaiveDate) -> i32 {
    FiscalYear::containing(today).year()
}

/// The month prefixes of the day counters the last [`DAYS`] days fall in: one, two, or
/// three (30 days starting on 30 or 31 January cover all of February). A month inside
/// the window always holds its first day, its middle day or today.
pub fn window_months(today: NaiveDate) -> Vec<String> {
    let first = today - chrono::Days::new(DAYS - 1);
    let middle = first + chrono::Days::new(DAYS / 2);
    let mut months: Vec<String> = [first, middle, today].iter().map(|d| keys::day_count_month_prefix(*d)).collect();
    months.dedup();
    months
}

/// The season's shards, the queue's, and the days of each month of the window: two to
/// five Queries, all at once.
pub async fn home(app: &App, season: i32, today: NaiveDate) -> Result<Home, Fault> {
    let first = today - chrono::Days::new(DAYS - 1);
    let t = app.table.as_ref();
    let season_prefix = keys::season_count_prefix(season);
    let months = window_months(today);
    let month = |i: usize| {
        let m = months.get(i);
        async move {
            match m {
                Some(m) => t.query(keys::COUNTS_PK, m).await,
                None => Ok(Vec::new()),
            }
        }
    };
    let (s, q, m0, m1, m2) = tokio::join!(
        t.query(keys::COUNTS_PK, &season_prefix),
        t.query(keys::COUNTS_PK, keys::QUEUE_COUNT_PREFIX),
        month(0),
        month(1),
        month(2),
    );
    let day_items = [m0?, m1?, m2?];
    let mut counts = sum(&s?)?;
    counts.pending = sum(&q?)?.pending;
    if [counts.draft, counts.unpaid, counts.paid, counts.declined, counts.pending].iter().any(|n| *n < 0) {
        // Only records written before the counters existed can make one negative.
        tracing::warn!(season, "a home counter is below zero; the records need recounting");
    }
    let mut days: Vec<Day> =
        first.iter_days().take(DAYS as usize).map(|day| Day { day, submissions: 0, payments: 0 }).collect();
    for item in day_items.iter().flatten() {
        let date = item.key.sk.get(4..14).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let Some(slot) = date.and_then(|d| days.iter_mut().find(|x| x.day == d)) else { continue };
        let t = decode::<TallyRecord>(item)?;
        slot.submissions += t.submissions;
        slot.payments += t.payments;
    }
    Ok(Home { season, counts, days })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_season_of_a_day_is_its_fiscal_year() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(current_season(d(2026, 11, 30)), 2026);
        assert_eq!(current_season(d(2027, 3, 31)), 2026);
        assert_eq!(current_season(d(2027, 4, 1)), 2027);
    }

    #[test]
    fn the_chart_queries_every_month_of_its_thirty_days() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(window_months(d(2027, 3, 1)), ["DAY#2027-01", "DAY#2027-02", "DAY#2027-03"]);
        assert_eq!(window_months(d(2026, 12, 1)), ["DAY#2026-11", "DAY#2026-12"]);
        assert_eq!(window_months(d(2026, 12, 31)), ["DAY#2026-12"]);
        // Every day of the window is in one of the months queried.
        for offset in 0..800 {
            let today = d(2026, 1, 1) + chrono::Days::new(offset);
            let months = window_months(today);
            let first = today - chrono::Days::new(DAYS - 1);
            for day in first.iter_days().take(DAYS as usize) {
                assert!(months.contains(&keys::day_count_month_prefix(day)), "{today}: {day}");
            }
        }
    }
}
