//! Route group `auth` (function `auth`): member login, logout, session, password reset
//! and change.

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::{Json, Router};
use portal_app::{auth, reset};
use serde::Deserialize;

use crate::device::{self, LoginOrigin};
use crate::json::JsonBody;
use crate::next::{DEFAULT_MEMBER_HOME, safe_next};
use crate::routes::{Access, Route};
use crate::session::{self, Audience, MemberClaims};
use crate::views::{self, Message};
use crate::{ApiError, AppState, client, routes};

pub fn routes() -> Vec<Route> {
    vec![
        Route::post("/api/auth/login", Access::Public, login),
        Route::post("/api/auth/logout", Access::Public, logout),
        Route::get("/api/auth/session", Access::Member, current_session),
        Route::post("/api/auth/password-reset", Access::Public, request_reset),
        Route::post("/api/auth/password-reset/confirm", Access::Public, confirm_reset),
        Route::post("/api/auth/password", Access::Member, change_password),
    ]
}

/// The auth function's router. It also takes the API's catch-all route (the template's
/// `ANY /api/{proxy+}`): any path or method no function has gets the JSON 404 or 405.
pub fn router(state: AppState) -> Router {
    routes::router("auth", routes(), state.clone()).merge(crate::layers::unknown_api_routes(state))
}

/// The caller's source address, for throttling.
pub struct SourceAddress(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for SourceAddress {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(SourceAddress(client::source_address(parts)))
    }
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct LoginBody {
    member_no: String,
    password: String,
    /// Where to go after login (a path on this site); blank for the home page.
    next: String,
}

async fn login(
    State(s): State<AppState>,
    origin: LoginOrigin,
    JsonBody(b): JsonBody<LoginBody>,
) -> Result<Response, ApiError> {
    let login = auth::login_member(&s.app, &b.member_no, &b.password, &origin.source(Audience::Member)).await?;
    let now = s.app.now_epoch();
    let token = s.sessions.issue(Audience::Member, &login.member_no.to_string(), login.session_version, now, now);
    let redirect =
        safe_next(Some(b.next.as_str()).filter(|n| !n.is_empty())).unwrap_or_else(|| DEFAULT_MEMBER_HOME.to_owned());
    tracing::info!("member logged in");
    let body = views::MemberLogin { member_no: login.member_no, name: login.name.as_str().to_owned(), redirect };
    let known =
        device::remember(&s, Audience::Member, &auth::member_device_account(&login.member_no.to_string()), &origin);
    Ok((AppendHeaders([session::set_cookie(&s, Audience::Member, &token), known]), Json(body)).into_response())
}

/// Public (a logout without a valid session just clears the cookie). One store call:
/// the version bump is conditional on the token's version, so a session that has
/// already ended is simply left ended.
async fn logout(State(s): State<AppState>, session: Option<MemberClaims>) -> Result<Response, ApiError> {
    if let Some(m) = session {
        auth::logout_member(&s.app, m.member_no, m.claims.ver).await?;
    }
    Ok((StatusCode::NO_CONTENT, [session::clear_cookie(&s, Audience::Member)]).into_response())
}

/// One store call: the profile Query also confirms the session version.
async fn current_session(State(s): State<AppState>, m: MemberClaims) -> Result<Json<views::MemberSession>, ApiError> {
    let own = portal_app::profile::own_partition(&s.app, m.member_no, m.claims.ver, m.member_no).await?;
    Ok(Json(views::MemberSession { member_no: m.member_no, name: own.member.name.as_str().to_owned() }))
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ResetRequestBody {
    member_no: String,
}

async fn request_reset(
    State(s): State<AppState>,
    JsonBody(b): JsonBody<ResetRequestBody>,
) -> Result<Response, ApiError> {
    reset::request_reset(&s.app, &b.member_no).await?;
    Ok((StatusCode::ACCEPTED, Json(Message { message: reset::REQUEST_ACCEPTED })).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ResetConfirmBody {
    token: String,
    password: String,
}

async fn confirm_reset(
    State(s): State<AppState>,
    JsonBody(b): JsonBody<ResetConfirmBody>,
) -> Result<Response, ApiError> {
    reset::confirm_reset(&s.app, &b.token, &b.password).await?;
    let message = "パスワードを再設定しました。新しいパスワードでログインしてください。";
    Ok(([session::clear_cookie(&s, Audience::Member)], Json(Message { message })).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ChangePasswordBody {
    current_password: String,
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
    Ok(([session::set_cookie(&s, Audience::Member, &token)], Json(Message { message })).into_response())
}
