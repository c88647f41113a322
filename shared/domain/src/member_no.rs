//! 会員番号: the six-digit number the society gives each member, first digit 1.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::FieldError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MemberNo(u32);

pub const MEMBER_NO_MESSAGE: &str = "会員番号は1から始まる6桁の半角数字で入力してください。";

impl MemberNo {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        // Members are told to type half-width digits; full-width ones are normalised
        // (NFKC) rather than refused.
        let s: String = raw.trim().nfkc().collect();
        if raw.trim().is_empty() {
            return Err(FieldError::new("member_no", "会員番号を入力してください。"));
        }
        let valid = s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) && s.starts_with('1');
        match (valid, s.parse::<u32>()) {
            (true, Ok(n)) => Ok(MemberNo(n)),
            _ => Err(FieldError::new("member_no", MEMBER_NO_MESSAGE)),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl FromStr for MemberNo {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        Self::parse(s)
    }
}

impl TryFrom<String> for MemberNo {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<MemberNo> for String {
    fn from(m: MemberNo) -> String {
        m.to_string()
    }
}

impl fmt::Display for MemberNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_half_and_full_width_digits() {
        assert_eq!(MemberNo::parse("100001").unwrap().to_string(), "100001");
        assert_eq!(MemberNo::parse("１００００１").unwrap().to_string(), "100001");
        assert_eq!(MemberNo::parse(" 199999 ").unwrap().get(), 199_999);
    }

    #[test]
    fn refuses_anything_else_with_a_japanese_message() {
        for bad in ["", "00001", "200001", "099999", "1000011", "10000a", "1e5000", "+10000", "１００００"] {
            let err = MemberNo::parse(bad).unwrap_err();
            assert_eq!(err.field, "member_no");
            assert!(err.message.contains("会員番号"), "{bad}: {}", err.message);
        }
    }

    proptest! {
        #[test]
        fn every_number_in_range_round_trips(n in 100_000u32..200_000) {
            let m = MemberNo::parse(&n.to_string()).unwrap();
            prop_assert_eq!(m.get(), n);
            prop_assert_eq!(MemberNo::parse(&m.to_string()).unwrap(), m);
        }

        #[test]
        fn numbers_out_of_range_are_refused(n in 0u32..2_000_000) {
            prop_assume!(!(100_000..200_000).contains(&n));
            prop_assert!(MemberNo::parse(&n.to_string()).is_err());
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,20}") {
            let _ = MemberNo::parse(&s);
        }
    }
}
