//! Route group `applications` (function `applications`): 専門医資格申請情報 — STEP①
//! (create), edit/delete drafts, the eligibility checklist, and STEP④ / 辞退申請.
//! Every use case starts with the member's partition Query, whose AUTH item confirms
//! the session version, so no separate session read is needed.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use portal_app::applications::{self, ApplicationForm};
use portal_domain::{BaseQualification, DeclineReason, MemberNo};
use serde_json::json;

use crate::json::JsonBody;
use crate::session::MemberClaims;
use crate::{ApiError, AppState, layers, views};

pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/applications/options"),
    ("POST", "/api/members/{member_no}/applications"),
    ("GET", "/api/members/{member_no}/applications/{application_no}"),
    ("PUT", "/api/members/{member_no}/applications/{application_no}"),
    ("DELETE", "/api/members/{member_no}/applications/{application_no}"),
    ("POST", "/api/members/{member_no}/applications/{application_no}/submit"),
    ("GET", "/api/members/{member_no}/eligibility"),
];

pub fn router(state: AppState) -> Router {
    let r = Router::new()
        .route("/api/applications/options", get(options))
        .route("/api/members/{member_no}/applications", post(create))
        .route("/api/members/{member_no}/applications/{application_no}", get(show).put(update).delete(delete))
        .route("/api/members/{member_no}/applications/{application_no}/submit", post(submit))
        .route("/api/members/{member_no}/eligibility", get(eligibility));
    layers::api(r, state)
}

/// The member number in a path, parsed; a malformed one is nobody's (404).
pub fn path_member(raw: &str) -> Result<MemberNo, ApiError> {
    MemberNo::parse(raw).map_err(|_| ApiError(portal_app::AppError::NotFound))
}

async fn options() -> Json<serde_json::Value> {
    let pair = |code: &str, label: &str| json!({ "code": code, "label": label });
    Json(json!({
        "base_qualifications": BaseQualification::ALL.iter().map(|q| pair(q.code(), q.label())).collect::<Vec<_>>(),
        "decline_reasons": DeclineReason::ALL.iter().map(|r| pair(r.code(), r.label())).collect::<Vec<_>>(),
    }))
}

async fn create(
    State(s): State<AppState>,
    m: MemberClaims,
    Path(no): Path<String>,
    JsonBody(form): JsonBody<ApplicationForm>,
) -> Result<Response, ApiError> {
    let a = applications::create(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &form).await?;
    tracing::info!(application_no = %a.application_no, "application created");
    Ok((StatusCode::CREATED, Json(views::application(&a))).into_response())
}

async fn show(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, app_no)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let a = applications::get(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &app_no).await?;
    Ok(Json(views::application(&a)).into_response())
}

async fn update(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, app_no)): Path<(String, String)>,
    JsonBody(form): JsonBody<ApplicationForm>,
) -> Result<Response, ApiError> {
    let a = applications::update(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &app_no, &form).await?;
    Ok(Json(views::application(&a)).into_response())
}

async fn delete(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, app_no)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    applications::delete(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &app_no).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn submit(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, app_no)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let r = applications::submit(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &app_no).await?;
    if !r.already_submitted {
        tracing::info!(application_no = %r.application.application_no, "application submitted");
    }
    let today = s.app.clock.today();
    Ok(Json(json!({
        "application": views::application(&r.application),
        "invoice": r.invoice.as_ref().map(|i| views::invoice(i, today)),
        "already_submitted": r.already_submitted,
    }))
    .into_response())
}

async fn eligibility(State(s): State<AppState>, m: MemberClaims, Path(no): Path<String>) -> Result<Response, ApiError> {
    let e = applications::check_eligibility(&s.app, m.member_no, m.claims.ver, path_member(&no)?).await?;
    Ok(Json(views::eligibility(&e)).into_response())
}
