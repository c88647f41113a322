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
    pub const VERSION: super::Field<Self, u32> = super::Field::new("version");

    pub fn key() -> Key {
        keys::renewal_rule()
    }

    /// One version, kept unchanged for the history (see `rule_admin.rs`).
    pub fn version_key(version: u32) -> Key {
        keys::renewal_rule_version(version)
    }

    /// The rule in force is still `version` (the built-in default, version 1, is in
    /// force while nothing is stored).
    pub fn still(version: u32) -> super::When<Self> {
        let same = Self::VERSION.is(&version);
        // Version 1 is also a rule stored before versions existed (no `version`
        // attribute, read as 1) and the built-in default (nothing stored).
        if version == 1 { same.or(Self::VERSION.absent()).or(super::When::new_item()) } else { same }
    }
}

/// A version of the rule with who made it and why.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RuleVersion {
    pub rule: RenewalRule,
    /// Staff id and name; none for the built-in default.
    #[serde(default)]
    pub by_id: Option<String>,
    #[serde(default)]
    pub by_name: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

pub struct RuleVersionRecord;

impl Record for RuleVersionRecord {
    type Value = RuleVersion;
    const TYPE: &'static str = "renewal_rule_version";
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
