//! 会員: a member as the society registered them.

use serde::{Deserialize, Serialize};

use crate::{Certification, Email, FieldError, MemberNo};

/// 氏名 as registered, e.g. 「循環 太郎」.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        if s.is_empty() || s.chars().count() > 60 || s.chars().any(char::is_control) {
            Err(FieldError::new("name", "氏名は60文字以内で入力してください。"))
        } else {
            Ok(PersonName(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PersonName {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<PersonName> for String {
    fn from(p: PersonName) -> String {
        p.0
    }
}

/// 送付・請求先: where slips and documents are mailed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailingAddress {
    /// 郵便番号, `123-4567`.
    pub postal_code: String,
    pub address: String,
    /// 勤務先・施設名 or similar; optional.
    #[serde(default)]
    pub organization: Option<String>,
}

impl MailingAddress {
    /// 郵便番号 `123-4567` (full width and a missing hyphen forgiven), an address of at
    /// most 200 characters, an optional organisation of at most 100.
    pub fn parse(postal_code: &str, address: &str, organization: &str) -> Result<Self, crate::FieldErrors> {
        let mut errs = crate::FieldErrors::new();
        let digits: String = postal_code
            .chars()
            .map(|c| if ('０'..='９').contains(&c) { char::from_u32(c as u32 - 0xFEE0).unwrap_or(c) } else { c })
            .filter(char::is_ascii_digit)
            .collect();
        let shaped =
            postal_code.chars().all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || "-－ー‐ ".contains(c));
        if digits.len() != 7 || !shaped {
            errs.push(FieldError::new("postal_code", "郵便番号は「123-4567」の形で入力してください。"));
        }
        let address = address.trim();
        if address.is_empty() || address.chars().count() > 200 || address.chars().any(char::is_control) {
            errs.push(FieldError::new("address", "住所を200文字以内で入力してください。"));
        }
        let organization = organization.trim();
        if organization.chars().count() > 100 || organization.chars().any(char::is_control) {
            errs.push(FieldError::new("organization", "勤務先・施設名は100文字以内で入力してください。"));
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(MailingAddress {
            postal_code: format!("{}-{}", &digits[..3], &digits[3..]),
            address: address.to_owned(),
            organization: (!organization.is_empty()).then(|| organization.to_owned()),
        })
    }

    /// One line, as the audit trail shows it.
    pub fn one_line(&self) -> String {
        let org = self.organization.as_deref().map(|o| format!(" {o}")).unwrap_or_default();
        format!("〒{} {}{org}", self.postal_code, self.address)
    }
}

/// How annual dues are normally collected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectionMethod {
    /// 郵便振替
    PostalTransfer,
    /// 口座振替
    BankDebit,
    /// クレジット継続払い
    CardSubscription,
}

impl CollectionMethod {
    pub fn label(self) -> &'static str {
        match self {
            CollectionMethod::PostalTransfer => "郵便振替",
            CollectionMethod::BankDebit => "口座振替",
            CollectionMethod::CardSubscription => "クレジット継続払い",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub member_no: MemberNo,
    pub name: PersonName,
    /// 氏名（カナ）, as the society's member register holds it (for staff search).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_kana: Option<String>,
    pub email: Email,
    pub mailing_address: MailingAddress,
    pub collection_method: CollectionMethod,
    /// The 循環器専門医 certification, when the member holds one.
    pub certification: Option<Certification>,
}

#[cfg(test)]
mod mailing_address_tests {
    use super::*;

    #[test]
    fn postal_codes_are_normalised_and_every_problem_listed() {
        let a = MailingAddress::parse("１００００１１", " 東京都千代田区 ", "").unwrap();
        assert_eq!((a.postal_code.as_str(), a.address.as_str(), a.organization), ("100-0011", "東京都千代田区", None));
        let e = MailingAddress::parse("12-345", "", &"x".repeat(101)).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["postal_code", "address", "organization"]);
        assert!(MailingAddress::parse("100-001a", "x", "").is_err());
    }
}
