//! Route group `applications` (function `applications`): 専門医資格申請情報 — STEP①
//! (create), edit/delete drafts, the eligibility checklist, and STEP④ / 辞退申請.
//! Every use case starts with the member's partition Query, whose AUTH item confirms
//! the session version, so no separate session read is needed.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Json, Router};
use portal_app::applications::{self, ApplicationForm};
use portal_domain::{BaseQualification, DeclineReason, MemberNo};

use crate::json::JsonBody;
use crate::routes::{Access, Route};
use crate::session::MemberClaims;
use crate::views::{self, ApplicationOptions, ApplicationView, Choice, EligibilityView, Submitted};
use crate::{ApiError, AppState, routes};

const APPLICATIONS: &str = "/api/members/{member_no}/applications";
const APPLICATION: &str = "/api/members/{member_no}/applications/{application_no}";

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/applications/options", Access::Public, options),
        Route::post(APPLICATIONS, Access::Member, create),
        Route::get(APPLICATION, Access::Member, show),
        Route::put(APPLICATION, Access::Member, update),
        Route::delete(APPLICATION, Access::Member, delete),
        Route::post("/api/members/{member_no}/applications/{application_no}/submit", Access::Member, submit),
        Route::get("/api/members/{member_no}/eligibility", Access::Member, eligibility),
    ]
}

pub fn router(state: AppState) -> Router {
    routes::router("applications", routes(), state)
}

/// The member number in a path, parsed; a malformed one is nobody's (404).
pub fn path_member(raw: &str) -> Result<MemberNo, ApiError> {
    MemberNo::parse(raw).map_err(|_| ApiError::not_found())
}

async fn options() -> Json<ApplicationOptions> {
    Json(ApplicationOptions {
        base_qualifications: BaseQualification::ALL
            .iter()
            .map(|q| Choice { code: q.code(), label: q.label() })
            .collect(),
        decline_reasons: DeclineReason::ALL.iter().map(|r| Choice { code: r.code(), label: r.label() }).collect(),
    })
}

async fn create(
    State(s): State<AppState>,
    m: MemberClaims,
    Path(no): Path<String>,
    JsonBody(form): JsonBody<ApplicationForm>,
) -> Result<(StatusCode, Json<ApplicationView>), ApiError> {
    let a = applications::create(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &form).await?;
    tracing::info!(application_no = %a.application_no, "application created");
    Ok((StatusCode::CREATED, Json(views::application(&a))))
}

async fn show(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, app_no)): Path<(String, String)>,
) -> Result<Json<ApplicationView>, ApiError> {
    let a = applications::get(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &app_no).await?;
    Ok(Json(views::application(&a)))
}

async fn update(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, app_no)): Path<(String, String)>,
    JsonBody(form): JsonBody<ApplicationForm>,
) -> Result<Json<ApplicationView>, ApiError> {
    let a = applications::update(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &app_no, &form).await?;
    Ok(Json(views::application(&a)))
}

async fn delete(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, app_no)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    applications::delete(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &app_no).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn submit(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, app_no)): Path<(String, String)>,
) -> Result<Json<Submitted>, ApiError> {
    let r = applications::submit(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &app_no).await?;
    if !r.already_submitted {
        tracing::info!(application_no = %r.application.application_no, "application submitted");
    }
    let today = s.app.clock.today();
    Ok(Json(Submitted {
        application: views::application(&r.application),
        invoice: r.invoice.as_ref().map(|i| views::invoice(i, today)),
        already_submitted: r.already_submitted,
    }))
}

async fn eligibility(
    State(s): State<AppState>,
    m: MemberClaims,
    Path(no): Path<String>,
) -> Result<Json<EligibilityView>, ApiError> {
    let e = applications::check_eligibility(&s.app, m.member_no, m.claims.ver, path_member(&no)?).await?;
    Ok(Json(views::eligibility(&e)))
}
