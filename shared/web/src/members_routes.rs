//! Route group `members` (function `members`): 会員情報照会.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use portal_app::{AppError, profile};
use portal_domain::MemberNo;
use serde_json::json;

use crate::session::MemberClaims;
use crate::{ApiError, AppState, layers, views};

pub const ROUTES: &[(&str, &str)] = &[("GET", "/api/members/{member_no}/profile")];

pub fn router(state: AppState) -> Router {
    layers::api(Router::new().route("/api/members/{member_no}/profile", get(member_profile)), state)
}

/// One store call: the member's partition, whose AUTH item also confirms the session.
async fn member_profile(
    State(s): State<AppState>,
    caller: MemberClaims,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    // A malformed number is nobody's page: the same 404 as another member's.
    let requested = MemberNo::parse(&raw).map_err(|_| AppError::NotFound)?;
    let p = profile::member_profile(&s.app, caller.member_no, caller.claims.ver, requested).await?;
    let m = &p.member;
    let certification = m.certification.as_ref().map(|c| {
        json!({
            "cert_no": c.cert_no,
            "certified_on": c.certified_on,
            "certified_fiscal_year": c.certified_fiscal_year().year(),
            "period": { "start": c.period.start(), "end": c.period.end() },
        })
    });
    Ok(Json(json!({
        "member_no": m.member_no,
        "name": m.name,
        "email": m.email,
        "mailing_address": m.mailing_address,
        "collection_method": { "code": m.collection_method, "label": m.collection_method.label() },
        "certification": certification,
        "applications": p.applications.iter().map(views::application).collect::<Vec<_>>(),
        "credits": p.credits.iter().map(views::credit).collect::<Vec<_>>(),
    }))
    .into_response())
}
