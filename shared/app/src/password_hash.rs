//! Slow salted password hashes (argon2id, OWASP's minimum: m = 19 MiB, t = 2, p = 1).
//! Hashing takes tens of milliseconds by design, so it runs off the async threads.

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash_blocking(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing cannot fail with valid params")
        .to_string()
}

/// Verifies with the parameters stored in the hash itself.
pub fn verify_blocking(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

pub async fn hash(password: String) -> Result<String, tokio::task::JoinError> {
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await
}

pub async fn verify(password: String, phc: String) -> Result<bool, tokio::task::JoinError> {
    tokio::task::spawn_blocking(move || verify_blocking(&password, &phc)).await
}

/// A hash of a random password, verified against when the account does not exist so
/// that an unknown member number costs the same time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking(&uuid::Uuid::new_v4().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_the_right_password_and_carry_the_parameters() {
        let h = hash_blocking("correct horse battery staple");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_blocking("correct horse battery staple", &h));
        assert!(!verify_blocking("correct horse battery stapler", &h));
        assert!(!verify_blocking("x", "not a hash"));
        assert_ne!(h, hash_blocking("correct horse battery staple"), "salted");
    }
}
