//! Accounts: a member's profile (`PROFILE`) and login secret (`AUTH`), and staff
//! accounts. The secret is kept apart from the profile so that reading a profile never
//! carries the hash further than the use case that needs it.

use portal_domain::second_factor::TotpSecret;
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
    pub const EMAIL: Field<Self, portal_domain::Email> = Field::new("email");
    pub const MAILING_ADDRESS: Field<Self, portal_domain::MailingAddress> = Field::new("mailing_address");
    pub const COLLECTION_METHOD: Field<Self, portal_domain::CollectionMethod> = Field::new("collection_method");

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
    /// 利用停止: the account can neither log in nor keep a session.
    #[serde(default)]
    pub disabled: bool,
    #[serde(flatten)]
    pub credentials: Credentials,
    #[serde(flatten)]
    pub second_factor: SecondFactor,
}

/// A staff account's TOTP state (see `second_factor.rs`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SecondFactor {
    /// Base32 key of the enrolled authenticator; none until enrolment completes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<TotpSecret>,
    /// Key shown at the first login, waiting for its first code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_pending: Option<TotpSecret>,
    /// The last time step whose code was accepted: a code is good once.
    #[serde(default)]
    pub totp_last_step: i64,
    /// Moves on every reset, retiring the recovery codes of the enrolment before.
    #[serde(default)]
    pub totp_generation: i64,
}

pub struct StaffRecord;

impl Record for StaffRecord {
    type Value = StaffAccount;
    const TYPE: &'static str = "staff";
}

impl StaffRecord {
    pub const SESSION_VERSION: Field<Self, i64> = Field::new("session_version");
    pub const ROLE: Field<Self, StaffRole> = Field::new("role");
    pub const DISABLED: Field<Self, bool> = Field::new("disabled");
    pub const TOTP_SECRET: Field<Self, TotpSecret> = Field::new("totp_secret");
    pub const TOTP_PENDING: Field<Self, TotpSecret> = Field::new("totp_pending");
    pub const TOTP_LAST_STEP: Field<Self, i64> = Field::new("totp_last_step");
    pub const TOTP_GENERATION: Field<Self, i64> = Field::new("totp_generation");

    pub fn key(s: &StaffId) -> Key {
        keys::staff_auth(s)
    }
}

/// One single-use recovery code (stored under its hash, see `keys::staff_recovery_code`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RecoveryCodeEntry {
    /// Epoch seconds when it was used; a used code is never accepted again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_at: Option<i64>,
}

pub struct RecoveryCodeRecord;

impl Record for RecoveryCodeRecord {
    type Value = RecoveryCodeEntry;
    const TYPE: &'static str = "staff_recovery_code";
}

impl RecoveryCodeRecord {
    pub const USED_AT: Field<Self, i64> = Field::new("used_at");

    pub fn key(s: &StaffId, generation: i64, code_hash_hex: &str) -> Key {
        keys::staff_recovery_code(s, generation, code_hash_hex)
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
            disabled: false,
            credentials: c,
            second_factor: SecondFactor {
                totp_secret: Some(TotpSecret::from_bytes([1; 20])),
                totp_pending: Some(TotpSecret::from_bytes([2; 20])),
                totp_last_step: 1,
                totp_generation: 1,
            },
        };
        let fields = [
            StaffRecord::SESSION_VERSION.name(),
            StaffRecord::ROLE.name(),
            StaffRecord::TOTP_SECRET.name(),
            StaffRecord::TOTP_PENDING.name(),
            StaffRecord::TOTP_LAST_STEP.name(),
            StaffRecord::TOTP_GENERATION.name(),
        ];
        declared_in_sample::<StaffRecord>(&s, &fields).unwrap();
        let r = RecoveryCodeEntry { used_at: Some(1) };
        declared_in_sample::<RecoveryCodeRecord>(&r, &[RecoveryCodeRecord::USED_AT.name()]).unwrap();
    }
}
