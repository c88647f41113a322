//! Route group `auth` (function `auth`): member login, logout, session, password reset
//! and change.

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use portal_app::{auth, keys, reset};
use serde::Deserialize;
use serde_json::json;

use crate::json::JsonBody;
use crate::next::{DEFAULT_MEMBER_HOME, safe_next};
use crate::session::{self, Audience, MemberClaims};
use crate::{ApiError, AppState, client, layers};

pub const ROUTES: &[(&str, &str)] = &[
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/logout"),
    ("GET", "/api/auth/session"),
    ("POST", "/api/auth/password-reset"),
    ("POST", "/api/auth/password-reset/confirm"),
    ("POST", "/api/auth/password"),
];

pub fn router(state: AppState) -> Router {
    let r = Router::new()
        .route("/api/auth/login", post(login))
        .route("/api/auth/logout", post(logout))
        .route("/api/auth/session", get(current_session))
        .route("/api/auth/password-reset", post(request_reset))
        .route("/api/auth/password-reset/confirm", post(confirm_reset))
        .route("/api/auth/password", post(change_password));
    layers::api(r, state)
}

/// The caller's source address, for throttling.
pub struct SourceAddress(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for SourceAddress {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(SourceAddress(client::source_address(parts)))
    }
}

#[derive(Deserialize)]
struct LoginBody {
    #[serde(default)]
    member_no: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

async fn login(
    State(s): State<AppState>,
    SourceAddress(addr): SourceAddress,
    JsonBody(b): JsonBody<LoginBody>,
) -> Result<Response, ApiError> {
    let login = auth::login_member(&s.app, &b.member_no, &b.password, addr.as_deref()).await?;
    let now = s.app.now_epoch();
    let token = s.sessions.issue(Audience::Member, &login.member_no.to_string(), login.session_version, now, now);
    let redirect = safe_next(b.next.as_deref()).unwrap_or_else(|| DEFAULT_MEMBER_HOME.to_owned());
    tracing::info!("member logged in");
    let body = json!({ "member_no": login.member_no, "name": login.name, "redirect": redirect });
    Ok(([session::set_cookie(&s, Audience::Member, &token)], Json(body)).into_response())
}

/// One store call: the version bump is conditional on the token's version, so a
/// session that has already ended is simply left ended.
async fn logout(State(s): State<AppState>, session: Option<MemberClaims>) -> Result<Response, ApiError> {
    if let Some(m) = session {
        auth::logout(&s.app, keys::member_auth(m.member_no), m.claims.ver).await?;
    }
    Ok((StatusCode::NO_CONTENT, [session::clear_cookie(&s, Audience::Member)]).into_response())
}

/// One store call: the profile Query also confirms the session version.
async fn current_session(State(s): State<AppState>, m: MemberClaims) -> Result<Response, ApiError> {
    let profile = portal_app::profile::member_profile(&s.app, m.member_no, m.claims.ver, m.member_no).await?;
    Ok(Json(json!({ "member_no": m.member_no, "name": profile.member.name })).into_response())
}

#[derive(Deserialize)]
struct ResetRequestBody {
    #[serde(default)]
    member_no: String,
}

async fn request_reset(
    State(s): State<AppState>,
    JsonBody(b): JsonBody<ResetRequestBody>,
) -> Result<Response, ApiError> {
    reset::request_reset(&s.app, &b.member_no).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "message": reset::REQUEST_ACCEPTED }))).into_response())
}

#[derive(Deserialize)]
struct ResetConfirmBody {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

async fn confirm_reset(
    State(s): State<AppState>,
    JsonBody(b): JsonBody<ResetConfirmBody>,
) -> Result<Response, ApiError> {
    reset::confirm_reset(&s.app, &b.token, &b.password).await?;
    let message = "パスワードを再設定しました。新しいパスワードでログインしてください。";
    Ok(([session::clear_cookie(&s, Audience::Member)], Json(json!({ "message": message }))).into_response())
}

#[derive(Deserialize)]
struct ChangePasswordBody {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

async fn change_password(
    State(s): State<AppState>,
    m: MemberClaims,
    JsonBody(b): JsonBody<ChangePasswordBody>,
) -> Result<Response, ApiError> {
    let ver =
        auth::change_member_password(&s.app, m.member_no, m.claims.ver, &b.current_password, &b.new_password).await?;
    let now = s.app.now_epoch();
    // This session continues with the new version; every other one has ended.
    let token = s.sessions.issue(Audience::Member, &m.member_no.to_string(), ver, m.claims.auth_time, now);
    let message = "パスワードを変更しました。";
    Ok(([session::set_cookie(&s, Audience::Member, &token)], Json(json!({ "message": message }))).into_response())
}
