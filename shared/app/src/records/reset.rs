//! A password-reset token, stored under the SHA-256 of the token (never the token).

use portal_domain::MemberNo;
use portal_domain::table::Key;
use serde::{Deserialize, Serialize};

use super::{Field, Record};
use crate::keys;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ResetToken {
    pub member_no: MemberNo,
    /// Epoch seconds after which the token no longer works.
    pub valid_until: i64,
    /// The member's password version when the token was issued: any password change
    /// since (reset, change, staff action) moves it, and the token dies with it.
    pub password_version: i64,
}

pub struct ResetTokenRecord;

impl Record for ResetTokenRecord {
    type Value = ResetToken;
    const TYPE: &'static str = "reset_token";
}

impl ResetTokenRecord {
    pub const VALID_UNTIL: Field<Self, i64> = Field::new("valid_until");

    pub fn key(token_hash_hex: &str) -> Key {
        keys::reset_token(token_hash_hex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::declared_in_sample;

    #[test]
    fn declared_fields_are_attributes() {
        let t = ResetToken { member_no: MemberNo::parse("100001").unwrap(), valid_until: 1, password_version: 0 };
        declared_in_sample::<ResetTokenRecord>(&t, &[ResetTokenRecord::VALID_UNTIL.name()]).unwrap();
    }
}
