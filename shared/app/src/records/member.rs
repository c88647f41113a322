//! Accounts: a member's profile (`PROFILE`) and login secret (`AUTH`), and staff
//! accounts. The secret is kept apart from the profile so that reading a profile never
//! carries the hash further than the use case that needs it.

use portal_domain::table::Key;
use portal_domain::{Member, MemberNo, StaffId, StaffRole};
use serde::{Deserialize, Serialize};

use super::{Field, Record};
use crate::keys;

pub struct MemberRecord;

impl Record for MemberRecord {
    type Value = Member;
    const TYPE: &'static str = "member";
}

impl MemberRecord {
    pub fn key(m: MemberNo) -> Key {
        keys::member_profile(m)
    }
}

/// The login secret of a member or staff account.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Credentials {
    pub password_hash: String,
    /// Bumped on logout, password change and reset; sessions carry the value they were
    /// issued with and die when it moves.
    pub session_version: i64,
    /// Bumped only when the password itself changes (reset, change, staff action):
    /// reset tokens carry the value they were issued under and die when it moves.
    #[serde(default)]
    pub password_version: i64,
}

pub struct MemberAuthRecord;

impl Record for MemberAuthRecord {
    type Value = Credentials;
    const TYPE: &'static str = "member_auth";
}

impl MemberAuthRecord {
    pub const PASSWORD_HASH: Field<Self, String> = Field::new("password_hash");
    pub const SESSION_VERSION: Field<Self, i64> = Field::new("session_version");
    pub const PASSWORD_VERSION: Field<Self, i64> = Field::new("password_version");

    pub fn key(m: MemberNo) -> Key {
        keys::member_auth(m)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StaffAccount {
    pub staff_id: StaffId,
    pub name: String,
    pub role: StaffRole,
    #[serde(flatten)]
    pub credentials: Credentials,
}

pub struct StaffRecord;

impl Record for StaffRecord {
    type Value = StaffAccount;
    const TYPE: &'static str = "staff";
}

impl StaffRecord {
    pub const SESSION_VERSION: Field<Self, i64> = Field::new("session_version");

    pub fn key(s: &StaffId) -> Key {
        keys::staff_auth(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::declared_in_sample;

    #[test]
    fn declared_fields_are_attributes() {
        let c = Credentials { password_hash: "h".into(), session_version: 1, password_version: 0 };
        let fields = [
            MemberAuthRecord::PASSWORD_HASH.name(),
            MemberAuthRecord::SESSION_VERSION.name(),
            MemberAuthRecord::PASSWORD_VERSION.name(),
        ];
        declared_in_sample::<MemberAuthRecord>(&c, &fields).unwrap();
        let s = StaffAccount {
            staff_id: StaffId::parse("staff01").unwrap(),
            name: "x".into(),
            role: StaffRole::Reviewer,
            credentials: c,
        };
        declared_in_sample::<StaffRecord>(&s, &[StaffRecord::SESSION_VERSION.name()]).unwrap();
    }
}
