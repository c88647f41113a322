//! パスワード. A new password is checked once (length, strength); a login attempt is
//! only bounded in size so that hashing it stays cheap.

use std::fmt;

use crate::FieldError;

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

/// A password the member chose, already checked. Its Debug output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    /// Length 8–128 characters, no composition rules (NIST SP 800-63B); passwords that
    /// are common or easy to guess — zxcvbn score below 3, taking the member's own
    /// number, name and mail into account — are refused.
    pub fn parse(raw: &str, context: &[&str]) -> Result<Self, FieldError> {
        let n = raw.chars().count();
        if n == 0 {
            return Err(FieldError::new("password", "パスワードを入力してください。"));
        }
        if n < MIN_CHARS {
            return Err(FieldError::new("password", format!("パスワードは{MIN_CHARS}文字以上で入力してください。")));
        }
        if n > MAX_CHARS {
            return Err(FieldError::new("password", format!("パスワードは{MAX_CHARS}文字以内で入力してください。")));
        }
        let score: u8 = zxcvbn::zxcvbn(raw, context).score().into();
        if score < 3 {
            return Err(FieldError::new(
                "password",
                "推測されやすいパスワードです。よく使われる語や会員番号を含まない、より長いパスワードにしてください。",
            ));
        }
        Ok(NewPassword(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// A password typed at login. Never validated against the rules (old passwords stay
/// valid), only bounded so an attacker cannot make us hash megabytes.
#[derive(Clone)]
pub struct PasswordAttempt(String);

impl PasswordAttempt {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        if raw.is_empty() {
            Err(FieldError::new("password", "パスワードを入力してください。"))
        } else if raw.len() > 1024 {
            Err(FieldError::new("password", "パスワードが長すぎます。"))
        } else {
            Ok(PasswordAttempt(raw.to_owned()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordAttempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordAttempt(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn length_is_the_only_composition_rule() {
        assert!(NewPassword::parse("correct horse battery staple", &[]).is_ok());
        assert!(NewPassword::parse("しんぞうのこどうがきこえるよる", &[]).is_ok());
        assert!(NewPassword::parse("demo-Junkanki-2025", &[]).is_ok());
        assert!(NewPassword::parse("Ab1!x", &[]).unwrap_err().message.contains("8文字以上"));
        assert!(NewPassword::parse(&"k".repeat(129), &[]).unwrap_err().message.contains("128文字以内"));
    }

    #[test]
    fn weak_and_personal_passwords_are_refused() {
        for weak in ["password", "12345678", "qwertyuiop", "password123", "iloveyou1"] {
            assert!(NewPassword::parse(weak, &[]).is_err(), "{weak}");
        }
        assert!(NewPassword::parse("100001100001", &["100001"]).is_err());
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let p = NewPassword::parse("correct horse battery staple", &[]).unwrap();
        assert!(!format!("{p:?}").contains("horse"));
        assert!(!format!("{:?}", PasswordAttempt::parse("secret").unwrap()).contains("secret"));
    }

    proptest! {
        #[test]
        fn short_passwords_are_always_refused(s in "\\PC{1,7}") {
            prop_assert!(NewPassword::parse(&s, &[]).is_err());
        }
    }
}
