//! 基本領域資格 and 基本領域認定番号: the internal-medicine, surgery or paediatrics
//! qualification a cardiology specialist holds underneath.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::FieldError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseQualification {
    /// 内科専門医（新制度） — added to the renewal form (manual STEP① 6).
    InternalMedicineNew,
    /// 総合内科専門医
    GeneralInternalMedicine,
    /// 認定内科医
    CertifiedInternist,
    /// 外科専門医
    SurgerySpecialist,
    /// 外科学会認定登録医 (its 認定番号 is the surgical society's member number)
    SurgeryRegistered,
    /// 小児科専門医
    Pediatrics,
}

impl BaseQualification {
    pub const ALL: [BaseQualification; 6] = [
        BaseQualification::InternalMedicineNew,
        BaseQualification::GeneralInternalMedicine,
        BaseQualification::CertifiedInternist,
        BaseQualification::SurgerySpecialist,
        BaseQualification::SurgeryRegistered,
        BaseQualification::Pediatrics,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BaseQualification::InternalMedicineNew => "internal_medicine_new",
            BaseQualification::GeneralInternalMedicine => "general_internal_medicine",
            BaseQualification::CertifiedInternist => "certified_internist",
            BaseQualification::SurgerySpecialist => "surgery_specialist",
            BaseQualification::SurgeryRegistered => "surgery_registered",
            BaseQualification::Pediatrics => "pediatrics",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BaseQualification::InternalMedicineNew => "内科専門医（新制度）",
            BaseQualification::GeneralInternalMedicine => "総合内科専門医",
            BaseQualification::CertifiedInternist => "認定内科医",
            BaseQualification::SurgerySpecialist => "外科専門医",
            BaseQualification::SurgeryRegistered => "外科学会認定登録医",
            BaseQualification::Pediatrics => "小児科専門医",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(FieldError::new("base_qualification", "基本領域資格を選択してください。"));
        }
        Self::ALL
            .into_iter()
            .find(|q| q.code() == raw)
            .ok_or_else(|| FieldError::new("base_qualification", "基本領域資格を一覧から選択してください。"))
    }
}

/// 基本領域認定番号: 1–8 half-width digits, whatever the qualification. The 内科専門医
/// （新制度） certificate prints `11-` + 8 digits; pasted whole, the 8 digits are taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BaseCertNo(String);

impl BaseCertNo {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s: String = raw.trim().nfkc().filter(|c| !c.is_whitespace()).collect();
        let s = s.replace(['ー', '−', '–', '—'], "-");
        if s.is_empty() {
            return Err(FieldError::new("base_cert_no", "基本領域認定番号を入力してください。"));
        }
        let digits = match s.strip_prefix("11-") {
            Some(rest) if rest.len() == 8 => rest,
            _ => s.as_str(),
        };
        if (1..=8).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(BaseCertNo(digits.to_owned()))
        } else {
            Err(FieldError::new("base_cert_no", "基本領域認定番号は8桁以内の半角数字で入力してください。"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for BaseCertNo {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<BaseCertNo> for String {
    fn from(c: BaseCertNo) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn certificate_numbers_take_the_lower_eight_digits() {
        assert_eq!(BaseCertNo::parse("11-12345678").unwrap().as_str(), "12345678");
        assert_eq!(BaseCertNo::parse("１１－１２３４５６７８").unwrap().as_str(), "12345678");
        assert_eq!(BaseCertNo::parse(" 1234 ").unwrap().as_str(), "1234");
        assert!(BaseCertNo::parse("123456789").is_err(), "9 digits");
        assert!(BaseCertNo::parse("12-12345678").is_err());
        assert!(BaseCertNo::parse("12a4").is_err());
        assert_eq!(BaseCertNo::parse("").unwrap_err().message, "基本領域認定番号を入力してください。");
    }

    #[test]
    fn qualifications_parse_by_code_and_include_the_new_ones() {
        let labels: Vec<_> = BaseQualification::ALL.iter().map(|q| q.label()).collect();
        assert!(labels.contains(&"内科専門医（新制度）") && labels.contains(&"外科学会認定登録医"));
        for q in BaseQualification::ALL {
            assert_eq!(BaseQualification::parse(q.code()).unwrap(), q);
        }
        assert!(BaseQualification::parse("dentist").is_err());
    }

    proptest! {
        #[test]
        fn up_to_eight_digits_are_accepted_as_is(n in 0u32..100_000_000) {
            let s = n.to_string();
            let parsed = BaseCertNo::parse(&s).unwrap();
            prop_assert_eq!(parsed.as_str(), s.as_str());
        }
    }
}
