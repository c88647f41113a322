//! The half-finished staff login between the password and the second factor: a
//! short-lived signed cookie (its own audience, sent only to the login routes) naming
//! the account and the session version the password step saw. It opens nothing: the
//! staff session is issued only when the code is right. Also the enrolment QR code,
//! drawn by the page as one SVG path (no image, no third-party request).

use axum::extract::FromRequestParts;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue};
use portal_domain::StaffId;
use serde::{Deserialize, Serialize};

use crate::session::cookie_value;
use crate::{ApiError, AppState};

/// Time to open the authenticator and type the code.
pub const PENDING_SECS: i64 = 5 * 60;
const AUD: &str = "portal-staff-mfa";
const COOKIE: &str = "portal_staff_mfa";
const COOKIE_PATH: &str = "/api/staff/login";

#[derive(Clone, Debug, Serialize, Deserialize)]
struct PendingClaims {
    sub: String,
    aud: String,
    iss: String,
    exp: i64,
    ver: i64,
}

/// A password step that succeeded less than [`PENDING_SECS`] ago.
pub struct PendingLogin {
    pub staff_id: StaffId,
    pub session_version: i64,
}

impl FromRequestParts<AppState> for PendingLogin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let expired = || {
            ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "login_expired",
                "ログインの有効時間が過ぎました。職員IDとパスワードからもう一度ログインしてください。",
            )
        };
        let token = cookie_value(&parts.headers, COOKIE).ok_or_else(expired)?;
        let claims: PendingClaims = state.sessions.verify_as(AUD, &token).ok_or_else(expired)?;
        if claims.exp <= state.app.now_epoch() {
            return Err(expired());
        }
        let staff_id = StaffId::parse(&claims.sub).map_err(|_| expired())?;
        Ok(PendingLogin { staff_id, session_version: claims.ver })
    }
}

pub fn set_pending(state: &AppState, id: &StaffId, session_version: i64) -> (HeaderName, HeaderValue) {
    let claims = PendingClaims {
        sub: id.as_str().to_owned(),
        aud: AUD.to_owned(),
        iss: state.sessions.issuer().to_owned(),
        exp: state.app.now_epoch() + PENDING_SECS,
        ver: session_version,
    };
    cookie(state, &state.sessions.sign(&claims), PENDING_SECS)
}

pub fn clear_pending(state: &AppState) -> (HeaderName, HeaderValue) {
    cookie(state, "", 0)
}

fn cookie(state: &AppState, value: &str, max_age: i64) -> (HeaderName, HeaderValue) {
    let secure = if state.web.secure_cookies { "; Secure" } else { "" };
    let v = format!("{COOKIE}={value}; Path={COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}");
    (SET_COOKIE, HeaderValue::from_str(&v).expect("token is header-safe"))
}

/// A QR code as the page draws it: `size` modules square (quiet zone included) and
/// an SVG path of unit squares, one `M x y h1 v1 h-1 z` per dark module.
#[derive(Debug, Serialize)]
pub struct QrPath {
    pub size: usize,
    pub path: String,
}

/// Modules of margin around the code, as the QR standard asks for.
const QUIET: usize = 4;

pub fn qr_path(text: &str) -> Result<QrPath, qrcode::types::QrError> {
    use std::fmt::Write;
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M)?;
    let width = code.width();
    let mut path = String::new();
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (x, y) = (i % width + QUIET, i / width + QUIET);
            let _ = write!(path, "M{x} {y}h1v1h-1z");
        }
    }
    Ok(QrPath { size: width + 2 * QUIET, path })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_path_draws_the_finder_patterns_inside_the_quiet_zone() {
        let qr = qr_path("otpauth://totp/x:y?secret=AAAA").unwrap();
        assert!(qr.size >= 21 + 2 * QUIET);
        // The top-left finder pattern's corner module is dark.
        assert!(qr.path.starts_with(&format!("M{QUIET} {QUIET}h1v1h-1z")), "{}", &qr.path[..40]);
    }
}
