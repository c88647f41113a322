//! The staff account list administrators see: who, which role, whether stopped — no
//! password hash, no second-factor key. Written in the same transaction as every
//! change of those fields of the account.

use chrono::{DateTime, Utc};
use portal_domain::table::Key;
use portal_domain::{StaffId, StaffRole};
use serde::{Deserialize, Serialize};

use super::{Field, Record, StaffAccount};
use crate::keys;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffListing {
    pub staff_id: StaffId,
    pub name: String,
    pub role: StaffRole,
    #[serde(default)]
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl StaffListing {
    pub fn of(a: &StaffAccount, created_at: DateTime<Utc>) -> Self {
        StaffListing {
            staff_id: a.staff_id.clone(),
            name: a.name.clone(),
            role: a.role,
            disabled: a.disabled,
            created_at,
        }
    }
}

pub struct StaffListingRecord;

impl Record for StaffListingRecord {
    type Value = StaffListing;
    const TYPE: &'static str = "staff_listing";
}

impl StaffListingRecord {
    pub const ROLE: Field<Self, StaffRole> = Field::new("role");
    pub const DISABLED: Field<Self, bool> = Field::new("disabled");

    pub fn key(s: &StaffId) -> Key {
        keys::staff_listing(s)
    }

    pub fn stored(l: &StaffListing) -> super::Stored<Self> {
        super::item::<Self>(Self::key(&l.staff_id), l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::declared_in_sample;

    #[test]
    fn declared_fields_are_attributes() {
        let l = StaffListing {
            staff_id: StaffId::parse("staff01").unwrap(),
            name: "x".into(),
            role: StaffRole::Reviewer,
            disabled: false,
            created_at: Utc::now(),
        };
        let fields = [StaffListingRecord::ROLE.name(), StaffListingRecord::DISABLED.name()];
        declared_in_sample::<StaffListingRecord>(&l, &fields).unwrap();
    }
}
