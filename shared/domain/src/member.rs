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
