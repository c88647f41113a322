//! Route group `members` (function `members`): 会員情報照会.

use axum::extract::{Path, State};
use axum::{Json, Router};
use portal_app::profile;

use crate::applications_routes::path_member;
use crate::routes::{Access, Route};
use crate::session::MemberClaims;
use crate::views::{self, MemberProfile};
use crate::{ApiError, AppState, routes};

pub fn routes() -> Vec<Route> {
    vec![Route::get("/api/members/{member_no}/profile", Access::Member, member_profile)]
}

pub fn router(state: AppState) -> Router {
    routes::router("members", routes(), state)
}

/// One store call: the member's partition, whose AUTH item also confirms the session.
async fn member_profile(
    State(s): State<AppState>,
    caller: MemberClaims,
    Path(raw): Path<String>,
) -> Result<Json<MemberProfile>, ApiError> {
    let p = profile::member_profile(&s.app, caller.member_no, caller.claims.ver, path_member(&raw)?).await?;
    Ok(Json(views::member_profile(&p.member, &p.applications, &p.credits)))
}
