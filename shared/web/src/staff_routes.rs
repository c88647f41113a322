//! Route group `staff` (function `staff`): 事務局 login, logout and session. Staff
//! routes accept only staff tokens.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use portal_app::{auth, keys};
use serde::Deserialize;
use serde_json::json;

use crate::auth_routes::SourceAddress;
use crate::json::JsonBody;
use crate::session::{self, Audience, StaffSession};
use crate::{ApiError, AppState, layers};

pub const ROUTES: &[(&str, &str)] =
    &[("POST", "/api/staff/login"), ("POST", "/api/staff/logout"), ("GET", "/api/staff/session")];

pub fn router(state: AppState) -> Router {
    let r = Router::new()
        .route("/api/staff/login", post(login))
        .route("/api/staff/logout", post(logout))
        .route("/api/staff/session", get(current_session));
    layers::api(r, state)
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
    let body =
        json!({ "staff_id": login.staff_id, "name": login.name, "role": login.role, "role_label": login.role.label() });
    Ok(([session::set_cookie(&s, Audience::Staff, &token)], Json(body)).into_response())
}

async fn logout(State(s): State<AppState>, session: Option<StaffSession>) -> Result<Response, ApiError> {
    if let Some(st) = session {
        auth::logout(&s.app, keys::staff_auth(&st.staff_id), st.claims.ver).await?;
    }
    Ok((StatusCode::NO_CONTENT, [session::clear_cookie(&s, Audience::Staff)]).into_response())
}

async fn current_session(st: StaffSession) -> Json<serde_json::Value> {
    Json(json!({ "staff_id": st.staff_id, "name": st.name, "role": st.role, "role_label": st.role.label() }))
}
