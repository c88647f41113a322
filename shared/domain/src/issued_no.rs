//! Numbers the portal issues (申請番号, 管理NO of an invoice, 管理No of a credit): a
//! prefix, optionally the year of issue, and a six-digit sequence — human-readable,
//! unique, never reused. Each is its own type with a private field, so only a number
//! of the issued shape exists (parsed once, at the edge).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Whether `raw` is `<prefix>-<yyyy>-<nnnnnn>` (with year) or `<prefix>-<nnnnnn>`.
fn well_formed(raw: &str, prefix: &str, with_year: bool) -> bool {
    let Some(rest) = raw.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) else { return false };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if with_year {
        matches!(rest.split_once('-'), Some((y, n)) if digits(y, 4) && digits(n, 6))
    } else {
        digits(rest, 6)
    }
}

macro_rules! issued_number {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, year) => {
        issued_number!(@type $(#[$doc])* $name, $prefix, true);
        impl $name {
            /// The number issued in `year` as the `seq`-th of that year.
            pub fn new(year: i32, seq: i64) -> Self {
                $name(format!(concat!($prefix, "-{:04}-{:06}"), year, seq))
            }
        }
    };
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        issued_number!(@type $(#[$doc])* $name, $prefix, false);
        impl $name {
            /// The `seq`-th number issued.
            pub fn new(seq: i64) -> Self {
                $name(format!(concat!($prefix, "-{:06}"), seq))
            }
        }
    };
    (@type $(#[$doc:meta])* $name:ident, $prefix:literal, $with_year:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Accepts only the shape the portal issues (anything else names nothing).
            pub fn parse(raw: &str) -> Option<Self> {
                well_formed(raw, $prefix, $with_year).then(|| $name(raw.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                Self::parse(&s).ok_or_else(|| format!("not a {}: {s:?}", stringify!($name)))
            }
        }

        impl From<$name> for String {
            fn from(n: $name) -> String {
                n.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

issued_number!(
    /// 申請番号, e.g. `A-2026-000123`: year of creation and a sequence.
    ApplicationNo,
    "A",
    year
);
issued_number!(
    /// 管理NO of an invoice, e.g. `INV-2026-000045`.
    InvoiceNo,
    "INV",
    year
);
issued_number!(
    /// 管理No of a credit (単位情報), e.g. `C-000123`.
    CreditNo,
    "C"
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers_have_their_issued_shape() {
        assert_eq!(ApplicationNo::new(2026, 123).as_str(), "A-2026-000123");
        assert_eq!(InvoiceNo::new(2026, 45).as_str(), "INV-2026-000045");
        assert_eq!(CreditNo::new(7).as_str(), "C-000007");
        for bad in ["A-2026-00012", "A-2026-0000123", "a-2026-000123", "A-26-000123", "A2026-000123", "A-2026-00001x"] {
            assert_eq!(ApplicationNo::parse(bad), None, "{bad}");
        }
        assert_eq!(InvoiceNo::parse("../../x"), None);
        assert_eq!(CreditNo::parse("C-2026-000001"), None);
        assert!(serde_json::from_str::<CreditNo>("\"C-12\"").is_err(), "stored numbers are checked too");
    }

    proptest! {
        #[test]
        fn issued_numbers_round_trip(year in 2000i32..2100, seq in 1i64..1_000_000) {
            let a = ApplicationNo::new(year, seq);
            prop_assert_eq!(ApplicationNo::parse(a.as_str()), Some(a.clone()));
            let i = InvoiceNo::new(year, seq);
            prop_assert_eq!(serde_json::from_value::<InvoiceNo>(serde_json::to_value(&i).unwrap()).unwrap(), i);
            prop_assert_eq!(CreditNo::parse(CreditNo::new(seq).as_str()), Some(CreditNo::new(seq)));
        }

        #[test]
        fn any_text_parses_or_not_without_panicking(s in "\\PC{0,20}") {
            let _ = (ApplicationNo::parse(&s), InvoiceNo::parse(&s), CreditNo::parse(&s));
        }
    }
}
