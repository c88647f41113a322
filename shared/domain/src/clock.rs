//! Time as a port, so rules take `today` and tests can move it.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in Japan, where the society's calendar lives.
    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&Jst::offset()).date_naive()
    }
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Japan Standard Time (UTC+9, no daylight saving).
pub struct Jst;

impl Jst {
    pub fn offset() -> FixedOffset {
        FixedOffset::east_opt(9 * 3600).expect("valid offset")
    }
}
