//! 事務局: society office staff, with their own accounts and a role.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::FieldError;

/// A staff login id such as `staff01`: 3–32 lower-case letters, digits, `.`, `_` or `-`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StaffId(String);

impl StaffId {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim().to_ascii_lowercase();
        let ok = (3..=32).contains(&s.len())
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
        if ok {
            Ok(StaffId(s))
        } else {
            Err(FieldError::new("staff_id", "職員IDは3〜32文字の半角英数字で入力してください。"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for StaffId {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<StaffId> for String {
    fn from(s: StaffId) -> String {
        s.0
    }
}

impl fmt::Display for StaffId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Reviews and decides self-reports and applications.
    Reviewer,
    /// Also maintains the unit table, the renewal rule and staff accounts.
    Administrator,
}

impl StaffRole {
    /// Whether this role may do what `needed` may (an administrator may review).
    pub fn at_least(self, needed: StaffRole) -> bool {
        self == needed || self == StaffRole::Administrator
    }

    pub fn label(self) -> &'static str {
        match self {
            StaffRole::Reviewer => "審査担当",
            StaffRole::Administrator => "管理者",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            StaffRole::Reviewer => "reviewer",
            StaffRole::Administrator => "administrator",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw.trim() {
            "reviewer" => Ok(StaffRole::Reviewer),
            "administrator" => Ok(StaffRole::Administrator),
            "" => Err(FieldError::new("role", "権限を選択してください。")),
            _ => Err(FieldError::new("role", "権限は「審査担当」か「管理者」を選択してください。")),
        }
    }
}

/// A staff member's name as shown in the console and the audit trail: 1–40 characters,
/// no control characters.
pub fn staff_name(raw: &str) -> Result<String, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError::new("name", "氏名を入力してください。"));
    }
    if s.chars().count() > 40 || s.chars().any(char::is_control) {
        return Err(FieldError::new("name", "氏名は40文字以内で、改行などを含めずに入力してください。"));
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_ids_are_normalised_and_bounded() {
        assert_eq!(StaffId::parse(" Staff01 ").unwrap().as_str(), "staff01");
        assert!(StaffId::parse("ab").is_err());
        assert!(StaffId::parse("staff 01").is_err());
    }
}
