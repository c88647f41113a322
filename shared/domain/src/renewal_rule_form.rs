//! 更新条件の改定: the rule as an administrator types it (every number as text, so a
//! blank or a letter is that field's own error), checked into a [`RenewalRule`].

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::unit_table::CATEGORIES;
use crate::{CategoryRule, FieldError, FieldErrors, RenewalRule};

/// Limits that keep a typo from becoming the society's rule.
pub const MAX_REQUIRED_UNITS: u32 = 500;
pub const MAX_RENEWAL_FEE: u32 = 1_000_000;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CategoryForm {
    /// Blank: no minimum.
    pub minimum: String,
    /// Blank: no cap.
    pub cap: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RuleForm {
    pub required_units: String,
    pub self_report_cap: String,
    pub renewal_fee: String,
    /// By 研修単位区分 code; a category left out (or with both blank) has no condition.
    pub categories: BTreeMap<String, CategoryForm>,
}

fn whole(field: &str, raw: &str, range: std::ops::RangeInclusive<u32>, message: &str) -> Result<u32, FieldError> {
    let digits: String = raw
        .trim()
        .chars()
        .map(|c| if ('０'..='９').contains(&c) { char::from_u32(c as u32 - 0xFEE0).unwrap_or(c) } else { c })
        .collect();
    digits
        .replace(',', "")
        .parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| FieldError::new(field, message))
}

fn optional(
    field: &str,
    raw: &str,
    range: std::ops::RangeInclusive<u32>,
    message: &str,
) -> Result<Option<u32>, FieldError> {
    if raw.trim().is_empty() { Ok(None) } else { whole(field, raw, range, message).map(Some) }
}

impl RuleForm {
    /// The rule this form describes (version and time are set when it is stored).
    pub fn parse(&self) -> Result<RenewalRule, FieldErrors> {
        let mut errs = FieldErrors::new();
        let required = errs.take(whole(
            "required_units",
            &self.required_units,
            1..=MAX_REQUIRED_UNITS,
            &format!("必要単位数は1〜{MAX_REQUIRED_UNITS}の整数で入力してください。"),
        ));
        let limit = required.unwrap_or(MAX_REQUIRED_UNITS);
        let cap = errs.take(whole(
            "self_report_cap",
            &self.self_report_cap,
            0..=limit,
            "自己申告の上限は0以上、必要単位数以下の整数で入力してください。",
        ));
        let fee = errs.take(whole(
            "renewal_fee",
            &self.renewal_fee,
            0..=MAX_RENEWAL_FEE,
            "専門医更新料は0〜1,000,000円の整数で入力してください。",
        ));
        let mut categories = Vec::new();
        for (code, c) in &self.categories {
            let Some((code, label)) = CATEGORIES.iter().find(|(k, _)| k == code) else {
                errs.push(FieldError::new(format!("categories.{code}"), "研修単位区分が正しくありません。"));
                continue;
            };
            let min_field = format!("categories.{code}.minimum");
            let cap_field = format!("categories.{code}.cap");
            let minimum = errs.take(optional(
                &min_field,
                &c.minimum,
                0..=limit,
                &format!("{label}の最低単位数は0以上、必要単位数以下の整数で入力してください（なしは空欄）。"),
            ));
            let category_cap = errs.take(optional(
                &cap_field,
                &c.cap,
                1..=MAX_REQUIRED_UNITS,
                &format!("{label}の上限は1以上の整数で入力してください（なしは空欄）。"),
            ));
            if let (Some(Some(m)), Some(Some(k))) = (minimum, category_cap)
                && k < m
            {
                errs.push(FieldError::new(cap_field, format!("{label}の上限は最低単位数以上にしてください。")));
                continue;
            }
            if let (Some(minimum), Some(cap)) = (minimum, category_cap)
                && (minimum.is_some() || cap.is_some())
            {
                let (category, label) = ((*code).to_owned(), (*label).to_owned());
                categories.push(CategoryRule { category, label, minimum, cap });
            }
        }
        let (Some(required_units), Some(self_report_cap), Some(renewal_fee)) = (required, cap, fee) else {
            return Err(errs);
        };
        errs.finish(|| RenewalRule {
            version: 0,
            revised_at: None,
            required_units,
            self_report_cap,
            categories,
            renewal_fee,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(required: &str, cap: &str, fee: &str) -> RuleForm {
        RuleForm {
            required_units: required.into(),
            self_report_cap: cap.into(),
            renewal_fee: fee.into(),
            ..Default::default()
        }
    }

    fn fields(f: &RuleForm) -> Vec<String> {
        f.parse().unwrap_err().0.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn numbers_are_read_with_full_width_digits_and_commas() {
        let r = form("６０", "20", "12,000").parse().unwrap();
        assert_eq!((r.required_units, r.self_report_cap, r.renewal_fee), (60, 20, 12_000));
        assert!(r.categories.is_empty());
    }

    #[test]
    fn each_bad_number_is_its_own_field_error() {
        assert_eq!(fields(&form("", "x", "-1")), ["required_units", "self_report_cap", "renewal_fee"]);
        assert_eq!(fields(&form("50", "51", "0")), ["self_report_cap"], "a cap above the total");
        assert_eq!(fields(&form("501", "0", "0")), ["required_units"]);
    }

    #[test]
    fn category_conditions_are_checked_and_blank_ones_dropped() {
        let mut f = form("50", "18", "10000");
        f.categories.insert("jcs_meeting".into(), CategoryForm { minimum: "10".into(), cap: String::new() });
        f.categories.insert("paper".into(), CategoryForm { minimum: String::new(), cap: String::new() });
        let r = f.parse().unwrap();
        assert_eq!(r.categories.len(), 1);
        assert_eq!((r.categories[0].minimum, r.categories[0].cap), (Some(10), None));
        f.categories.insert("paper".into(), CategoryForm { minimum: "5".into(), cap: "3".into() });
        f.categories.insert("nope".into(), CategoryForm::default());
        assert_eq!(fields(&f), ["categories.nope", "categories.paper.cap"]);
    }
}
