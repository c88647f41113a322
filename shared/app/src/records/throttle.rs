//! Throttling windows: the failed logins (or reset mails) one scope had, one item per
//! 15-minute bucket, each holding the attempts themselves so the window can slide.
//! Created by their first append, expired by TTL.

use portal_domain::table::Key;
use serde::{Deserialize, Serialize};

use super::{Field, Record};
use crate::keys;

/// One counted attempt: when, and from which source (a short hash of the address) or
/// which known device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub t: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub d: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Attempts {
    #[serde(default)]
    pub attempts: Vec<Attempt>,
}

pub struct ThrottleRecord;

impl Record for ThrottleRecord {
    type Value = Attempts;
    const TYPE: &'static str = "throttle";
}

impl ThrottleRecord {
    pub const ATTEMPTS: Field<Self, Vec<Attempt>> = Field::new("attempts");

    pub fn key(scope: &str, bucket: i64) -> Key {
        keys::throttle(scope, bucket)
    }

    /// The partition and sort-key prefix holding every bucket of a scope.
    pub fn buckets_of(scope: &str) -> (String, &'static str) {
        (keys::throttle(scope, 0).pk, keys::THROTTLE_BUCKET_PREFIX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::declared_in_sample;

    #[test]
    fn declared_fields_are_attributes() {
        declared_in_sample::<ThrottleRecord>(&Attempts::default(), &[ThrottleRecord::ATTEMPTS.name()]).unwrap();
    }
}
