//! A mail address as registered with the society.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::FieldError;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// A pragmatic check (one `@`, a dotted domain, no spaces or control characters,
    /// at most 254 octets); the registered address is confirmed by the society anyway.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        let err = || FieldError::new("email", "メールアドレスの形式が正しくありません。");
        if s.is_empty() {
            return Err(FieldError::new("email", "メールアドレスを入力してください。"));
        }
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii()) {
            return Err(err());
        }
        let (local, domain) = s.rsplit_once('@').ok_or_else(err)?;
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|l| {
                !l.is_empty()
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err(err());
        }
        Ok(Email(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_ordinary_addresses_and_lowercases_the_domain() {
        assert_eq!(Email::parse("m100001@Example.JP").unwrap().as_str(), "m100001@example.jp");
        assert!(Email::parse("taro.junkan+portal@hospital.ac.jp").is_ok());
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in ["", "no-at", "a@b", "a@@b.jp", "a b@c.jp", "@c.jp", "a@-c.jp", "あ@c.jp", "a@c..jp"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            let _ = Email::parse(&s);
        }
    }
}
