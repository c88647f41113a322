//! 更新条件: how many units, of which kinds, within the 認定期間 — data, not code — and
//! the eligibility check a member sees before submitting (and that submission enforces).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{CertPeriod, CollectionMethod, Credit, CreditSource, CreditStatus, Invoice};

/// A per-category condition of the rule (研修単位区分 minimum and/or cap).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryRule {
    pub category: String,
    pub label: String,
    #[serde(default)]
    pub minimum: Option<u32>,
    #[serde(default)]
    pub cap: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewalRule {
    /// 第N版: every revision by staff is a new version; a submitted application
    /// records the version it was checked against. The built-in default is version 1.
    #[serde(default = "first_version")]
    pub version: u32,
    /// When this version took effect (none for the built-in default).
    #[serde(default)]
    pub revised_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Units needed within the current 認定期間.
    pub required_units: u32,
    /// At most this many self-reported units count (and can be reported).
    pub self_report_cap: u32,
    #[serde(default)]
    pub categories: Vec<CategoryRule>,
    /// 専門医更新料 in yen (sample value; staff maintain it).
    pub renewal_fee: u32,
}

fn first_version() -> u32 {
    1
}

impl Default for RenewalRule {
    /// The default of docs/rules.md: 50 units in the current five-year period, self-reports count up to 18.
    fn default() -> Self {
        RenewalRule {
            version: 1,
            revised_at: None,
            required_units: 50,
            self_report_cap: 18,
            categories: Vec::new(),
            renewal_fee: 10_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CategoryTally {
    pub code: String,
    pub label: String,
    pub earned: u32,
    pub counted: u32,
    pub minimum: Option<u32>,
    pub missing: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SelfReportTally {
    pub earned: u32,
    pub counted: u32,
    pub cap: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Eligibility {
    /// The version of the rule this was checked against.
    pub rule_version: u32,
    pub rule_revised_at: Option<chrono::DateTime<chrono::Utc>>,
    pub period: CertPeriod,
    pub eligible: bool,
    pub dues_ok: bool,
    /// 年会費 that keep the renewal from being submitted.
    pub blocking_dues: Vec<Invoice>,
    pub required: u32,
    pub counted: u32,
    /// Units still needed in total (0 when enough).
    pub missing: u32,
    pub self_report: SelfReportTally,
    pub categories: Vec<CategoryTally>,
}

impl Eligibility {
    pub fn units_ok(&self) -> bool {
        self.missing == 0 && self.categories.iter().all(|c| c.missing == 0)
    }
}

/// What counts: approved credits earned within the period; self-reported units only up
/// to the cap (earliest first); each category only up to its cap.
pub fn eligibility(
    rule: &RenewalRule,
    period: &CertPeriod,
    credits: &[Credit],
    invoices: &[Invoice],
    method: CollectionMethod,
    today: NaiveDate,
) -> Eligibility {
    let mut counting: Vec<&Credit> =
        credits.iter().filter(|c| c.status == CreditStatus::Approved && period.contains(c.earned_on)).collect();
    counting.sort_by_key(|c| (c.earned_on, c.credit_no.clone()));

    let mut self_left = rule.self_report_cap;
    let mut self_earned = 0;
    let mut categories: Vec<CategoryTally> = rule
        .categories
        .iter()
        .map(|r| CategoryTally {
            code: r.category.clone(),
            label: r.label.clone(),
            earned: 0,
            counted: 0,
            minimum: r.minimum,
            missing: 0,
        })
        .collect();
    for c in counting {
        let mut effective = c.units;
        if c.source == CreditSource::SelfReport {
            self_earned += c.units;
            effective = effective.min(self_left);
            self_left -= effective;
        }
        let idx = match categories.iter().position(|t| t.code == c.category) {
            Some(i) => i,
            None => {
                categories.push(CategoryTally {
                    code: c.category.clone(),
                    label: c.category_label.clone(),
                    earned: 0,
                    counted: 0,
                    minimum: None,
                    missing: 0,
                });
                categories.len() - 1
            }
        };
        categories[idx].earned += c.units;
        categories[idx].counted += effective;
    }
    for t in &mut categories {
        if let Some(cap) = rule.categories.iter().find(|r| r.category == t.code).and_then(|r| r.cap) {
            t.counted = t.counted.min(cap);
        }
        t.missing = t.minimum.map_or(0, |m| m.saturating_sub(t.counted));
    }
    let counted: u32 = categories.iter().map(|t| t.counted).sum();
    let blocking_dues: Vec<Invoice> = invoices.iter().filter(|i| i.blocks_renewal(method, today)).cloned().collect();
    let missing = rule.required_units.saturating_sub(counted);
    let mut e = Eligibility {
        rule_version: rule.version,
        rule_revised_at: rule.revised_at,
        period: *period,
        eligible: false,
        dues_ok: blocking_dues.is_empty(),
        blocking_dues,
        required: rule.required_units,
        counted,
        missing,
        self_report: SelfReportTally {
            earned: self_earned,
            counted: rule.self_report_cap - self_left,
            cap: rule.self_report_cap,
        },
        categories,
    };
    e.eligible = e.dues_ok && e.units_ok();
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FeeType, FiscalYear, InvoiceNo};
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn period() -> CertPeriod {
        CertPeriod::new(d(2022, 4, 1), d(2027, 3, 31)).unwrap()
    }

    fn credit(n: u32, category: &str, units: u32, on: NaiveDate, source: CreditSource) -> Credit {
        let entry = crate::UnitEntry {
            code: crate::UnitCode::parse("X-1").unwrap(),
            name: "x".into(),
            reading: "x".into(),
            category: category.into(),
            category_label: category.into(),
            units,
            activity: crate::Activity::Meeting,
            self_reportable: true,
            valid_from: d(2000, 1, 1),
            valid_to: None,
            version: 0,
        };
        Credit::of(crate::CreditNo::new(n as i64), &entry, on, source, CreditStatus::Approved)
    }

    fn unpaid_dues(fy: i32) -> Invoice {
        Invoice::new(
            InvoiceNo::new(fy, 1),
            FeeType::AnnualDues,
            FiscalYear::new(fy).unwrap(),
            13_000,
            d(fy, 6, 30),
            None,
        )
    }

    const TODAY: (i32, u32, u32) = (2026, 11, 29);

    fn check(credits: &[Credit], invoices: &[Invoice], rule: &RenewalRule) -> Eligibility {
        let today = d(TODAY.0, TODAY.1, TODAY.2);
        eligibility(rule, &period(), credits, invoices, CollectionMethod::PostalTransfer, today)
    }

    #[test]
    fn fifty_units_in_the_period_with_paid_dues_is_eligible() {
        let credits: Vec<_> = (0..5).map(|i| credit(i, "jcs", 10, d(2023, 5, 1), CreditSource::Meeting)).collect();
        let e = check(&credits, &[], &RenewalRule::default());
        assert!(e.eligible);
        assert_eq!((e.counted, e.missing), (50, 0));
    }

    #[test]
    fn self_reports_count_up_to_eighteen_and_units_outside_the_period_not_at_all() {
        let mut credits: Vec<_> =
            (0..8).map(|i| credit(i, "related", 3, d(2024, 1, 1), CreditSource::SelfReport)).collect();
        credits.push(credit(100, "jcs", 10, d(2021, 3, 31), CreditSource::Meeting)); // before the period
        credits.push(credit(101, "jcs", 10, d(2027, 4, 1), CreditSource::Meeting)); // after it
        let e = check(&credits, &[], &RenewalRule::default());
        assert_eq!(e.self_report, SelfReportTally { earned: 24, counted: 18, cap: 18 });
        assert_eq!((e.counted, e.missing), (18, 32));
        assert!(!e.eligible);
    }

    #[test]
    fn unpaid_dues_and_a_category_minimum_are_both_reported() {
        let rule = RenewalRule {
            categories: vec![CategoryRule {
                category: "jcs".into(),
                label: "学術集会".into(),
                minimum: Some(20),
                cap: None,
            }],
            ..RenewalRule::default()
        };
        let credits: Vec<_> = (0..6).map(|i| credit(i, "regional", 10, d(2023, 1, 1), CreditSource::Meeting)).collect();
        let e = check(&credits, &[unpaid_dues(2026)], &rule);
        assert!(!e.dues_ok && !e.units_ok());
        assert_eq!(e.missing, 0);
        assert_eq!(e.categories[0].missing, 20);
    }

    fn arb_credit() -> impl Strategy<Value = Credit> {
        (
            0u32..1000,
            prop::sample::select(vec!["jcs", "regional", "related", "paper"]),
            1u32..16,
            0i64..3000,
            any::<bool>(),
        )
            .prop_map(|(n, cat, units, day, own)| {
                let source = if own { CreditSource::SelfReport } else { CreditSource::Meeting };
                credit(n, cat, units, d(2020, 1, 1) + chrono::Duration::days(day), source)
            })
    }

    proptest! {
        #[test]
        fn counting_rules_hold_for_any_credits(credits in prop::collection::vec(arb_credit(), 0..40), cap in 0u32..30) {
            let rule = RenewalRule { self_report_cap: cap, ..RenewalRule::default() };
            let e = check(&credits, &[], &rule);
            prop_assert!(e.self_report.counted <= cap);
            prop_assert!(e.self_report.counted <= e.self_report.earned);
            let in_period: u32 = credits.iter().filter(|c| period().contains(c.earned_on)).map(|c| c.units).sum();
            prop_assert!(e.counted <= in_period);
            prop_assert_eq!(e.eligible, e.counted >= 50);
            // Credits outside the period change nothing.
            let inside: Vec<Credit> = credits.iter().filter(|c| period().contains(c.earned_on)).cloned().collect();
            prop_assert_eq!(check(&inside, &[], &rule).counted, e.counted);
        }

        #[test]
        fn one_more_credit_never_lowers_the_count(credits in prop::collection::vec(arb_credit(), 0..30), extra in arb_credit()) {
            let rule = RenewalRule::default();
            let before = check(&credits, &[], &rule).counted;
            let mut more = credits.clone();
            more.push(extra);
            prop_assert!(check(&more, &[], &rule).counted >= before);
        }
    }
}
