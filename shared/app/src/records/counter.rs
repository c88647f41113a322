//! Sequences behind the numbers the portal issues (申請番号, 管理NO, 管理No).

use portal_domain::table::Key;
use serde::{Deserialize, Serialize};

use super::{Field, Record};
use crate::keys;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Sequence {
    #[serde(default)]
    pub next: i64,
}

pub struct SequenceRecord;

impl Record for SequenceRecord {
    type Value = Sequence;
    const TYPE: &'static str = "sequence";
}

impl SequenceRecord {
    pub const NEXT: Field<Self, i64> = Field::new("next");

    pub fn key(name: &str) -> Key {
        keys::counter(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::declared_in_sample;

    #[test]
    fn declared_fields_are_attributes() {
        declared_in_sample::<SequenceRecord>(&Sequence::default(), &[SequenceRecord::NEXT.name()]).unwrap();
    }
}
