//! Every key format of the single table, in one place. Changing one of these strings
//! is a data migration, not a refactor: the tests below pin them.

use portal_domain::table::Key;
use portal_domain::{MemberNo, StaffId};

/// A member's whole page lives under one partition, so it is one Query.
pub fn member_pk(m: MemberNo) -> String {
    format!("MEMBER#{m}")
}

pub const PROFILE_SK: &str = "PROFILE";
pub const AUTH_SK: &str = "AUTH";

pub fn member_profile(m: MemberNo) -> Key {
    Key::new(member_pk(m), PROFILE_SK)
}

pub fn member_auth(m: MemberNo) -> Key {
    Key::new(member_pk(m), AUTH_SK)
}

pub fn staff_auth(s: &StaffId) -> Key {
    Key::new(format!("STAFF#{s}"), AUTH_SK)
}

/// A password-reset token, addressed by the SHA-256 of the token (never the token).
pub fn reset_token(token_hash_hex: &str) -> Key {
    Key::new(format!("RESET#{token_hash_hex}"), "RESET")
}

/// A failure counter of one throttling window (`scope` e.g. `LOGIN#MEMBER#100001`).
pub fn throttle(scope: &str, window: i64) -> Key {
    Key::new(format!("THROTTLE#{scope}"), format!("W#{window}"))
}

pub fn outbox_mail(id: &str) -> Key {
    Key::new(format!("OUTBOX#{id}"), "MAIL")
}

/// GSI1 place of a mail waiting for delivery, ordered by when it is due.
pub fn outbox_pending_gsi(due_epoch: i64, id: &str) -> Key {
    Key::new(OUTBOX_PENDING, format!("{due_epoch:012}#{id}"))
}

pub const OUTBOX_PENDING: &str = "OUTBOX#PENDING";

/// GSI1 place of a mail that could not be delivered: kept for an operator, never lost.
pub fn outbox_failed_gsi(at_epoch: i64, id: &str) -> Key {
    Key::new("OUTBOX#FAILED", format!("{at_epoch:012}#{id}"))
}

pub fn seed_marker(name: &str) -> Key {
    Key::new("SYSTEM", format!("SEED#{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_formats_are_stable() {
        let m = MemberNo::parse("100001").unwrap();
        assert_eq!(member_profile(m), Key::new("MEMBER#100001", "PROFILE"));
        assert_eq!(member_auth(m), Key::new("MEMBER#100001", "AUTH"));
        assert_eq!(staff_auth(&StaffId::parse("staff01").unwrap()), Key::new("STAFF#staff01", "AUTH"));
        assert_eq!(reset_token("ab12"), Key::new("RESET#ab12", "RESET"));
        assert_eq!(throttle("LOGIN#MEMBER#100001", 7), Key::new("THROTTLE#LOGIN#MEMBER#100001", "W#7"));
        assert_eq!(outbox_mail("x1"), Key::new("OUTBOX#x1", "MAIL"));
        assert_eq!(outbox_pending_gsi(1_700_000_000, "x1"), Key::new("OUTBOX#PENDING", "001700000000#x1"));
        assert_eq!(outbox_failed_gsi(5, "x1"), Key::new("OUTBOX#FAILED", "000000000005#x1"));
        assert_eq!(seed_marker("demo"), Key::new("SYSTEM", "SEED#demo"));
    }
}
