//! Throttling counters: how many failed logins (or reset mails) one scope had in one
//! window. Created by their first update, expired by TTL.

use portal_domain::table::Key;
use serde::{Deserialize, Serialize};

use super::{Field, Record};
use crate::keys;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Counter {
    #[serde(default)]
    pub count: i64,
}

pub struct ThrottleRecord;

impl Record for ThrottleRecord {
    type Value = Counter;
    const TYPE: &'static str = "throttle";
}

impl ThrottleRecord {
    pub const COUNT: Field<Self, i64> = Field::new("count");

    pub fn key(scope: &str, window: i64) -> Key {
        keys::throttle(scope, window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::declared_in_sample;

    #[test]
    fn declared_fields_are_attributes() {
        declared_in_sample::<ThrottleRecord>(&Counter::default(), &[ThrottleRecord::COUNT.name()]).unwrap();
    }
}
