//! 循環器専門医 認定: the specialist certification a member renews.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{FieldError, FiscalYear};

/// 認定番号 of the society's cardiology specialist certification.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CertNo(String);

impl CertNo {
    /// 1–10 half-width letters, digits or hyphens (the society prints e.g. `12345`).
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        let ok = (1..=10).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if ok {
            Ok(CertNo(s.to_owned()))
        } else {
            Err(FieldError::new("cert_no", "認定番号は10文字以内の半角英数字で入力してください。"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CertNo {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<CertNo> for String {
    fn from(c: CertNo) -> String {
        c.0
    }
}

impl fmt::Display for CertNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// 認定期間: inclusive start and end dates, start ≤ end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawPeriod")]
pub struct CertPeriod {
    start: NaiveDate,
    end: NaiveDate,
}

#[derive(Deserialize)]
struct RawPeriod {
    start: NaiveDate,
    end: NaiveDate,
}

impl TryFrom<RawPeriod> for CertPeriod {
    type Error = FieldError;
    fn try_from(r: RawPeriod) -> Result<Self, FieldError> {
        CertPeriod::new(r.start, r.end)
    }
}

impl CertPeriod {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, FieldError> {
        if start <= end {
            Ok(CertPeriod { start, end })
        } else {
            Err(FieldError::new("period_end", "認定期間の終了日は開始日以降の日付を入力してください。"))
        }
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    pub fn end(&self) -> NaiveDate {
        self.end
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

/// The member's 循環器専門医 certification: 認定番号, 認定日 and the current 認定期間.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certification {
    pub cert_no: CertNo,
    pub certified_on: NaiveDate,
    pub period: CertPeriod,
}

impl Certification {
    /// 認定年度: the fiscal year of the certification date.
    pub fn certified_fiscal_year(&self) -> FiscalYear {
        FiscalYear::containing(self.certified_on)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_must_not_end_before_it_starts() {
        let a = NaiveDate::from_ymd_opt(2021, 4, 1).unwrap();
        let b = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        assert!(CertPeriod::new(a, b).unwrap().contains(a));
        assert!(CertPeriod::new(a, a).is_ok());
        assert_eq!(CertPeriod::new(b, a).unwrap_err().field, "period_end");
        let json = serde_json::json!({"start": "2026-03-31", "end": "2021-04-01"});
        assert!(serde_json::from_value::<CertPeriod>(json).is_err());
    }

    #[test]
    fn cert_numbers_are_short_half_width_codes() {
        assert_eq!(CertNo::parse(" 12345 ").unwrap().as_str(), "12345");
        assert!(CertNo::parse("").is_err());
        assert!(CertNo::parse("１２３").is_err());
        assert!(CertNo::parse("12345678901").is_err());
    }
}
