//! The known-device cookie: after a successful login the browser keeps a signed,
//! long-lived note of which account it logged in to, under a random device id. A login
//! that carries it for the same account is throttled by that device's own failures
//! only (docs/rules.md «ログインの試行制限»), so nobody else's guesses lock a member
//! out of their own browser. It opens nothing by itself: it is not a session.

use axum::extract::FromRequestParts;
use axum::http::HeaderValue;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};

use crate::session::{Audience, cookie_value};
use crate::{AppState, client};

/// How long a browser stays known without logging in again.
pub const KNOWN_FOR_SECS: i64 = 180 * 24 * 60 * 60;
const AUD: &str = "portal-device";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeviceClaims {
    /// The account (`MEMBER#100001`, `STAFF#staff01`).
    pub sub: String,
    pub aud: String,
    pub iss: String,
    pub exp: i64,
    /// The device's random id.
    pub jti: String,
}

fn cookie_name(aud: Audience) -> &'static str {
    match aud {
        Audience::Member => "portal_device",
        Audience::Staff => "portal_staff_device",
    }
}

/// Where a login comes from: the source address and the device cookie, if valid.
pub struct LoginOrigin {
    pub address: Option<String>,
    member_device: Option<DeviceClaims>,
    staff_device: Option<DeviceClaims>,
}

impl LoginOrigin {
    pub fn device(&self, aud: Audience) -> Option<&DeviceClaims> {
        match aud {
            Audience::Member => self.member_device.as_ref(),
            Audience::Staff => self.staff_device.as_ref(),
        }
    }

    /// The app's view of it.
    pub fn source(&self, aud: Audience) -> portal_app::auth::LoginSource<'_> {
        let device = self.device(aud).map(|d| portal_app::auth::KnownDevice { account: &d.sub, id: &d.jti });
        portal_app::auth::LoginSource { address: self.address.as_deref(), device }
    }
}

impl FromRequestParts<AppState> for LoginOrigin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let now = state.app.now_epoch();
        let device = |aud| {
            let token = cookie_value(&parts.headers, cookie_name(aud))?;
            let claims: DeviceClaims = state.sessions.verify_as(AUD, &token)?;
            (claims.exp > now).then_some(claims)
        };
        Ok(LoginOrigin {
            address: client::source_address(parts),
            member_device: device(Audience::Member),
            staff_device: device(Audience::Staff),
        })
    }
}

/// The cookie that marks this browser as known for `account` after a successful
/// login: the same device id if it already was, a new one otherwise.
pub fn remember(
    state: &AppState,
    aud: Audience,
    account: &str,
    origin: &LoginOrigin,
) -> (axum::http::HeaderName, HeaderValue) {
    let id = match origin.device(aud) {
        Some(d) if d.sub == account => d.jti.clone(),
        _ => uuid::Uuid::new_v4().simple().to_string(),
    };
    let claims = DeviceClaims {
        sub: account.to_owned(),
        aud: AUD.to_owned(),
        iss: state.sessions.issuer().to_owned(),
        exp: state.app.now_epoch() + KNOWN_FOR_SECS,
        jti: id,
    };
    let token = state.sessions.sign(&claims);
    let secure = if state.web.secure_cookies { "; Secure" } else { "" };
    // Sent only to the API (the login routes read it), never readable by scripts.
    let v =
        format!("{}={token}; Path=/api; HttpOnly; SameSite=Strict; Max-Age={KNOWN_FOR_SECS}{secure}", cookie_name(aud));
    (SET_COOKIE, HeaderValue::from_str(&v).expect("token is header-safe"))
}
