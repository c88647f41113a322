//! Table-wide records: the renewal rule in force and the demo-data marker.

use portal_domain::RenewalRule;
use portal_domain::table::Key;
use serde::{Deserialize, Serialize};

use super::Record;
use crate::keys;

pub struct RenewalRuleRecord;

impl Record for RenewalRuleRecord {
    type Value = RenewalRule;
    const TYPE: &'static str = "renewal_rule";
}

impl RenewalRuleRecord {
    pub fn key() -> Key {
        keys::renewal_rule()
    }
}

/// Says that a seed (the local portal's demo data) was written.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SeedMarker {}

pub struct SeedMarkerRecord;

impl Record for SeedMarkerRecord {
    type Value = SeedMarker;
    const TYPE: &'static str = "seed";
}

impl SeedMarkerRecord {
    pub fn key(name: &str) -> Key {
        keys::seed_marker(name)
    }
}

/// A reminder that went out (in the member's partition; see `keys::reminder_mark`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ReminderMark {
    pub sent_at: i64,
}

pub struct ReminderMarkRecord;

impl Record for ReminderMarkRecord {
    type Value = ReminderMark;
    const TYPE: &'static str = "reminder_mark";
}

/// The last reminder run, for staff.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderRun {
    pub at: chrono::DateTime<chrono::Utc>,
    /// A staff id, `schedule` or `portal-local`.
    pub by: String,
    pub members: usize,
    pub sent: usize,
    pub already: usize,
}

pub struct ReminderRunRecord;

impl Record for ReminderRunRecord {
    type Value = ReminderRun;
    const TYPE: &'static str = "reminder_run";
}
