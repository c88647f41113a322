//! Route group `staff` (function `staff`): 事務局 login, logout and session. Staff
//! routes accept only staff tokens.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use portal_app::auth;
use portal_domain::StaffRole;
use serde::Deserialize;

use crate::auth_routes::SourceAddress;
use crate::json::JsonBody;
use crate::routes::{Access, Route};
use crate::session::{self, Audience, StaffSession};
use crate::{ApiError, AppState, routes, views};

pub fn routes() -> Vec<Route> {
    vec![
        Route::post("/api/staff/login", Access::Public, login),
        Route::post("/api/staff/logout", Access::Public, logout),
        Route::get("/api/staff/session", Access::Staff(StaffRole::Reviewer), current_session),
    ]
}

pub fn router(state: AppState) -> Router {
    routes::router(routes(), state)
}

#[derive(Deserialize)]
struct LoginBody {
    #[serde(default)]
    staff_id: String,
    #[serde(default)]
    password: String,
}

async fn login(
    State(s): State<AppState>,
    SourceAddress(addr): SourceAddress,
    JsonBody(b): JsonBody<LoginBody>,
) -> Result<Response, ApiError> {
    let login = auth::login_staff(&s.app, &b.staff_id, &b.password, addr.as_deref()).await?;
    let now = s.app.now_epoch();
    let token = s.sessions.issue(Audience::Staff, login.staff_id.as_str(), login.session_version, now, now);
    tracing::info!(staff_id = %login.staff_id, "staff logged in");
    let body = views::StaffSession::new(login.staff_id, login.name, login.role);
    Ok(([session::set_cookie(&s, Audience::Staff, &token)], Json(body)).into_response())
}

/// Public: logging out without a (valid) session just clears the cookie.
async fn logout(State(s): State<AppState>, session: Option<StaffSession>) -> Result<Response, ApiError> {
    if let Some(st) = session {
        auth::logout_staff(&s.app, &st.staff_id, st.claims.ver).await?;
    }
    Ok((StatusCode::NO_CONTENT, [session::clear_cookie(&s, Audience::Staff)]).into_response())
}

async fn current_session(st: StaffSession) -> Json<views::StaffSession> {
    Json(views::StaffSession::new(st.staff_id, st.name, st.role))
}
