//! 更新条件 (part of the `staff` function): the rule in force and its versions for
//! staff; a revision for administrators.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use portal_app::records::RuleVersion;
use portal_app::rule_admin::{self, RevisionForm};
use portal_domain::renewal_rule::CategoryRule;
use portal_domain::unit_table::CATEGORIES;
use portal_domain::{RenewalRule, StaffRole};
use serde::Serialize;

use crate::json::JsonBody;
use crate::routes::{Access, Route};
use crate::session::StaffSession;
use crate::staff_routes::REVIEWER;
use crate::{ApiError, AppState};

const ADMINISTRATOR: Access = Access::Staff(StaffRole::Administrator);

pub fn routes() -> Vec<Route> {
    vec![Route::get("/api/staff/rule", REVIEWER, show), Route::put("/api/staff/rule", ADMINISTRATOR, revise)]
}

#[derive(Serialize)]
pub(crate) struct RuleView {
    version: u32,
    revised_at: Option<DateTime<Utc>>,
    required_units: u32,
    self_report_cap: u32,
    renewal_fee: u32,
    categories: Vec<CategoryRule>,
}

impl From<&RenewalRule> for RuleView {
    fn from(r: &RenewalRule) -> Self {
        RuleView {
            version: r.version,
            revised_at: r.revised_at,
            required_units: r.required_units,
            self_report_cap: r.self_report_cap,
            renewal_fee: r.renewal_fee,
            categories: r.categories.clone(),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct VersionView {
    rule: RuleView,
    by_id: Option<String>,
    by_name: Option<String>,
    reason: Option<String>,
}

impl From<&RuleVersion> for VersionView {
    fn from(v: &RuleVersion) -> Self {
        VersionView {
            rule: (&v.rule).into(),
            by_id: v.by_id.clone(),
            by_name: v.by_name.clone(),
            reason: v.reason.clone(),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct CategoryOption {
    code: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
pub(crate) struct RulePage {
    current: RuleView,
    versions: Vec<VersionView>,
    categories: Vec<CategoryOption>,
}

async fn show(State(s): State<AppState>) -> Result<Json<RulePage>, ApiError> {
    let h = rule_admin::history(&s.app).await?;
    Ok(Json(RulePage {
        current: (&h.current).into(),
        versions: h.versions.iter().map(VersionView::from).collect(),
        categories: CATEGORIES.iter().map(|(code, label)| CategoryOption { code, label }).collect(),
    }))
}

async fn revise(
    State(s): State<AppState>,
    st: StaffSession,
    JsonBody(form): JsonBody<RevisionForm>,
) -> Result<Json<RuleView>, ApiError> {
    let rule = rule_admin::revise(&s.app, &st.actor(), &form).await?;
    tracing::info!(by = %st.staff_id, version = rule.version, "renewal rule revised");
    Ok(Json((&rule).into()))
}
