//! Sessions: a short-lived JWT (HS256 pinned; exp, iss, aud and sub required) in an
//! HttpOnly, SameSite=Strict cookie. Members and staff have their own audience and
//! cookie, so one kind's token never opens the other's routes. Each token carries the
//! account's session version; logout, a password change or a reset moves the version
//! and so ends every older session.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use portal_app::auth;
use portal_domain::{MemberNo, StaffId, StaffRole};
use serde::{Deserialize, Serialize};

use crate::{ApiError, AppState};

/// Idle lifetime: a session unused for this long is over.
pub const IDLE_SECS: i64 = 30 * 60;
/// However active, a session ends this long after login.
pub const ABSOLUTE_SECS: i64 = 12 * 60 * 60;
/// A token older than this is re-issued on the next successful request (sliding).
pub const REFRESH_AFTER_SECS: i64 = 5 * 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Member,
    Staff,
}

impl Audience {
    pub fn aud(self) -> &'static str {
        match self {
            Audience::Member => "portal-member",
            Audience::Staff => "portal-staff",
        }
    }

    pub fn cookie(self) -> &'static str {
        match self {
            Audience::Member => "portal_session",
            Audience::Staff => "portal_staff_session",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub aud: String,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    /// When the member logged in (for the absolute lifetime).
    pub auth_time: i64,
    /// The account's session version at login.
    pub ver: i64,
}

pub struct SessionKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
}

impl SessionKeys {
    /// `secret` must hold at least 32 bytes of entropy.
    pub fn new(secret: &[u8], issuer: &str) -> Result<Self, String> {
        if secret.len() < 32 {
            return Err("the session secret must be at least 32 bytes".into());
        }
        Ok(SessionKeys {
            encoding: EncodingKey::from_secret(secret).map_err(|e| e.to_string())?,
            decoding: DecodingKey::from_secret(secret).map_err(|e| e.to_string())?,
            issuer: issuer.to_owned(),
        })
    }

    pub fn issue(&self, aud: Audience, sub: &str, ver: i64, auth_time: i64, now: i64) -> String {
        let claims = Claims {
            sub: sub.to_owned(),
            aud: aud.aud().to_owned(),
            iss: self.issuer.clone(),
            iat: now,
            exp: (now + IDLE_SECS).min(auth_time + ABSOLUTE_SECS),
            auth_time,
            ver,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 encoding cannot fail")
    }

    /// Signs other claims with the same key (the known-device cookie).
    pub(crate) fn sign<T: Serialize>(&self, claims: &T) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .expect("HS256 encoding cannot fail")
    }

    /// Verifies a token signed by [`Self::sign`] for audience `aud` (expiry checked
    /// by the caller against the portal's clock).
    pub(crate) fn verify_as<T: serde::de::DeserializeOwned>(&self, aud: &str, token: &str) -> Option<T> {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_audience(&[aud]);
        v.set_issuer(&[self.issuer.as_str()]);
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        v.validate_exp = false;
        jsonwebtoken::decode::<T>(token, &self.decoding, &v).ok().map(|d| d.claims)
    }

    pub(crate) fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The claims of a valid, unexpired token for `aud`; `None` for anything else
    /// (tampered, other algorithm, `alg: none`, wrong audience or issuer, expired).
    pub fn verify(&self, aud: Audience, token: &str, now: i64) -> Option<Claims> {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_audience(&[aud.aud()]);
        v.set_issuer(&[self.issuer.as_str()]);
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Expiry is checked below against the portal's clock (so tests can move time).
        v.validate_exp = false;
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &v).ok()?.claims;
        (claims.exp > now && claims.auth_time + ABSOLUTE_SECS > now).then_some(claims)
    }
}

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

pub fn set_cookie(state: &AppState, aud: Audience, token: &str) -> (axum::http::HeaderName, HeaderValue) {
    let secure = if state.web.secure_cookies { "; Secure" } else { "" };
    let v = format!("{}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={IDLE_SECS}{secure}", aud.cookie());
    (SET_COOKIE, HeaderValue::from_str(&v).expect("token is header-safe"))
}

pub fn clear_cookie(state: &AppState, aud: Audience) -> (axum::http::HeaderName, HeaderValue) {
    let secure = if state.web.secure_cookies { "; Secure" } else { "" };
    let v = format!("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}", aud.cookie());
    (SET_COOKIE, HeaderValue::from_str(&v).expect("static header"))
}

fn claims_from(parts: &Parts, state: &AppState, aud: Audience) -> Result<Claims, ApiError> {
    let token = cookie_value(&parts.headers, aud.cookie()).ok_or_else(ApiError::unauthenticated)?;
    state.sessions.verify(aud, &token, state.app.now_epoch()).ok_or_else(ApiError::unauthenticated)
}

/// A member's verified token, not yet checked against the session version. Every
/// member use case reads the member's partition (or writes on a condition) first and
/// checks the version there, in the same store call — so a member request costs no
/// separate session read. Tests prove an ended session can neither read nor change.
#[derive(Clone, Debug)]
pub struct MemberClaims {
    pub member_no: MemberNo,
    pub claims: Claims,
}

impl MemberClaims {
    /// The claims of the request's valid member token (no store call).
    pub fn verify(parts: &Parts, state: &AppState) -> Result<Self, ApiError> {
        let claims = claims_from(parts, state, Audience::Member)?;
        let member_no = MemberNo::parse(&claims.sub).map_err(|_| ApiError::unauthenticated())?;
        Ok(MemberClaims { member_no, claims })
    }
}

impl FromRequestParts<AppState> for MemberClaims {
    type Rejection = ApiError;

    /// Verified once by the route's access guard, which leaves the claims here.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match parts.extensions.get::<MemberClaims>() {
            Some(c) => Ok(c.clone()),
            None => Self::verify(parts, state),
        }
    }
}

/// A logged-in staff member whose session is current (one read of the account).
#[derive(Clone, Debug)]
pub struct StaffSession {
    pub staff_id: StaffId,
    pub name: String,
    pub role: StaffRole,
    pub claims: Claims,
}

impl StaffSession {
    /// The staff member as the audit trail names them.
    pub fn actor(&self) -> portal_app::audit::Actor {
        portal_app::audit::Actor::staff(&self.staff_id, &self.name)
    }

    pub async fn load(parts: &Parts, state: &AppState) -> Result<Self, ApiError> {
        let claims = claims_from(parts, state, Audience::Staff)?;
        let id = StaffId::parse(&claims.sub).map_err(|_| ApiError::unauthenticated())?;
        match auth::staff_account(&state.app, &id).await? {
            Some(a) if !a.disabled && a.credentials.session_version == claims.ver => {
                Ok(StaffSession { staff_id: a.staff_id, name: a.name, role: a.role, claims })
            }
            _ => Err(ApiError::unauthenticated()),
        }
    }
}

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match parts.extensions.get::<StaffSession>() {
            Some(s) => Ok(s.clone()),
            None => Self::load(parts, state).await,
        }
    }
}

/// `Option<…Session>`: no session is `None`; a store failure is still an error.
fn optional<T>(r: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_unauthenticated() => Ok(None),
        Err(e) => Err(e),
    }
}

impl OptionalFromRequestParts<AppState> for MemberClaims {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, ApiError> {
        optional(<Self as FromRequestParts<AppState>>::from_request_parts(parts, state).await)
    }
}

impl OptionalFromRequestParts<AppState> for StaffSession {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, ApiError> {
        optional(<Self as FromRequestParts<AppState>>::from_request_parts(parts, state).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> SessionKeys {
        SessionKeys::new(&[7u8; 32], "https://portal.test").unwrap()
    }

    #[test]
    fn tokens_are_bound_to_audience_issuer_and_time() {
        let k = keys();
        let t = k.issue(Audience::Member, "100001", 3, 1000, 1000);
        assert_eq!(k.verify(Audience::Member, &t, 1001).unwrap().ver, 3);
        assert!(k.verify(Audience::Staff, &t, 1001).is_none(), "member token is not a staff token");
        assert!(k.verify(Audience::Member, &t, 1000 + IDLE_SECS).is_none(), "expired when idle");
        let other = SessionKeys::new(&[7u8; 32], "https://elsewhere.test").unwrap();
        assert!(other.verify(Audience::Member, &t, 1001).is_none(), "wrong issuer");
        let late = k.issue(Audience::Member, "100001", 3, 1000, 1000 + ABSOLUTE_SECS - 10);
        assert!(k.verify(Audience::Member, &late, 1000 + ABSOLUTE_SECS).is_none(), "absolute lifetime");
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(SessionKeys::new(b"short", "x").is_err());
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, HeaderValue::from_static("a=1; portal_session=tok; b=2"));
        assert_eq!(cookie_value(&h, "portal_session").as_deref(), Some("tok"));
        assert_eq!(cookie_value(&h, "portal_staff_session"), None);
    }
}
