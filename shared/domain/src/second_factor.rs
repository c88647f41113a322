//! 事務局の二要素認証: a time-based one-time code (RFC 6238: HMAC-SHA1, 6 digits,
//! 30-second steps, one step of clock skew either way) after the password, and
//! single-use recovery codes for a lost authenticator.
//!
//! Pure: the secret's bytes come from the caller's random source, time from its clock.
//! Refusing a replayed code is the store's job (the last accepted step is kept).

use std::fmt;

use totp_rs::{Algorithm, Secret, Totp};

use crate::FieldError;

/// Seconds per code.
pub const STEP_SECS: u64 = 30;
/// How many recovery codes an enrolment hands out.
pub const RECOVERY_CODES: usize = 10;
/// Alphabet of recovery codes: no 0/O, 1/I/L, so a code read off paper types back.
const RECOVERY_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const RECOVERY_LEN: usize = 10;

/// A staff account's TOTP key (160 bits, as RFC 4226 recommends); stored as base32.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TotpSecret([u8; 20]);

impl TryFrom<String> for TotpSecret {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        TotpSecret::from_base32(&s).ok_or("not a base32 160-bit key")
    }
}

impl From<TotpSecret> for String {
    fn from(s: TotpSecret) -> String {
        s.to_base32()
    }
}

impl TotpSecret {
    pub fn from_bytes(bytes: [u8; 20]) -> Self {
        TotpSecret(bytes)
    }

    /// The stored (and shown) form: RFC 4648 base32 without padding.
    pub fn from_base32(s: &str) -> Option<Self> {
        let bytes = Secret::try_from_base32(s).ok()?;
        Some(TotpSecret(bytes.as_ref().try_into().ok()?))
    }

    pub fn to_base32(&self) -> String {
        Secret::from(self.0.to_vec()).to_base32()
    }

    fn totp(&self) -> Totp {
        // Parameters are the RFC's defaults, which every authenticator app supports.
        totp_rs::Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(6)
            .with_skew(1)
            .with_step_duration(STEP_SECS)
            .with_secret(self.0.to_vec())
            .build()
            .expect("a 160-bit secret with RFC 6238 defaults is valid")
    }

    /// The time step a code belongs to, if it is right for `unix_secs` (± one step).
    pub fn step_of(&self, code: &OtpCode, unix_secs: u64) -> Option<u64> {
        self.totp().check(&code.0, unix_secs)
    }

    /// The code an authenticator shows at `unix_secs` (tests and the enrolment preview).
    pub fn code_at(&self, unix_secs: u64) -> String {
        self.totp().generate(unix_secs).to_string()
    }

    /// The `otpauth://` URI an authenticator app reads from the QR code.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        let enc = |s: &str| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period={STEP_SECS}",
            enc(issuer),
            enc(account),
            self.to_base32(),
            enc(issuer)
        )
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

/// A 6-digit code as typed (spaces allowed, full-width digits folded).
#[derive(Clone, PartialEq, Eq)]
pub struct OtpCode(String);

impl OtpCode {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace()).map(fold_full_width).collect();
        if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(OtpCode(digits))
        } else {
            Err(FieldError::new("code", "確認コードは認証アプリに表示される6桁の数字で入力してください。"))
        }
    }
}

impl fmt::Debug for OtpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OtpCode(..)")
    }
}

/// A single-use recovery code, shown once as `XXXXX-XXXXX`.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl RecoveryCode {
    /// A code from random bytes (one byte per character, rejection-free: 31 symbols,
    /// the slight bias of `% 31` costs under 0.1 bit of the 49.5).
    pub fn from_random(bytes: [u8; RECOVERY_LEN]) -> Self {
        let s = bytes.iter().map(|b| RECOVERY_ALPHABET[*b as usize % RECOVERY_ALPHABET.len()] as char).collect();
        RecoveryCode(s)
    }

    /// Hyphens, spaces, case and full width are forgiven; anything else is refused.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s: String = raw
            .chars()
            .map(fold_full_width)
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if s.len() == RECOVERY_LEN && s.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)) {
            Ok(RecoveryCode(s))
        } else {
            Err(FieldError::new("recovery_code", "リカバリーコードは「XXXXX-XXXXX」の形の10文字で入力してください。"))
        }
    }

    /// The normalised code (what is hashed for storage).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// As shown to staff.
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..5], &self.0[5..])
    }
}

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(..)")
    }
}

fn fold_full_width(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        'ー' | '－' => '-',
        '　' => ' ',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 6238 Appendix B, SHA-1 (the secret is "12345678901234567890"), 6 digits.
    #[test]
    fn rfc_6238_test_vectors() {
        let s = TotpSecret::from_bytes(*b"12345678901234567890");
        for (t, code) in [(59, "287082"), (1111111109, "081804"), (1111111111, "050471"), (1234567890, "005924")] {
            assert_eq!(s.code_at(t), code, "t = {t}");
            assert_eq!(s.step_of(&OtpCode::parse(code).unwrap(), t), Some(t / STEP_SECS));
        }
    }

    #[test]
    fn a_code_is_good_one_step_either_side_and_no_further() {
        let s = TotpSecret::from_bytes([7; 20]);
        let t = 1_800_000_000;
        let code = OtpCode::parse(&s.code_at(t)).unwrap();
        assert!(s.step_of(&code, t + STEP_SECS).is_some());
        assert!(s.step_of(&code, t - STEP_SECS).is_some());
        assert!(s.step_of(&code, t + 3 * STEP_SECS).is_none());
    }

    #[test]
    fn codes_are_typed_loosely_but_must_be_six_digits() {
        assert!(OtpCode::parse("123 456").is_ok());
        assert!(OtpCode::parse("１２３４５６").is_ok());
        for bad in ["", "12345", "1234567", "12345a", "１２３"] {
            let e = OtpCode::parse(bad).unwrap_err();
            assert_eq!(e.field, "code");
        }
    }

    #[test]
    fn the_uri_names_the_issuer_and_account() {
        let s = TotpSecret::from_bytes([1; 20]);
        let uri = s.otpauth_uri("循環器学会 事務局", "staff01");
        assert!(uri.starts_with("otpauth://totp/%E5%BE%AA"), "{uri}");
        assert!(uri.contains(&format!("secret={}", s.to_base32())));
        assert!(uri.ends_with("&period=30"));
    }

    proptest! {
        #[test]
        fn base32_round_trips(bytes in proptest::array::uniform20(any::<u8>())) {
            let s = TotpSecret::from_bytes(bytes);
            prop_assert_eq!(TotpSecret::from_base32(&s.to_base32()), Some(s));
        }

        #[test]
        fn recovery_codes_read_back_as_shown(bytes in proptest::array::uniform10(any::<u8>())) {
            let code = RecoveryCode::from_random(bytes);
            prop_assert_eq!(RecoveryCode::parse(&code.display()).unwrap(), code.clone());
            prop_assert_eq!(RecoveryCode::parse(&code.display().to_lowercase()).unwrap(), code);
        }
    }
}
