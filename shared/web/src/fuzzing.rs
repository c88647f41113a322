//! Entry points for the fuzz targets (tests/fuzz): every parser of outside input the
//! HTTP layer has, driven with arbitrary bytes. None may panic; each must answer.

use chrono::NaiveDate;
use portal_app::applications::ApplicationForm;
use portal_app::credits::{ProofRequest, UploadRequest};
use portal_domain::unit_table::sample_table;
use portal_domain::{CertPeriod, SelfReportForm};

use crate::json::parse_body;
use crate::{auth_routes, credits_routes, staff_routes};

/// Every route's JSON body, then (for the forms) the domain validation that follows.
pub fn bodies(data: &[u8]) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).expect("a date");
    let _ = parse_body::<auth_routes::LoginBody>(data);
    let _ = parse_body::<auth_routes::ResetRequestBody>(data);
    let _ = parse_body::<auth_routes::ResetConfirmBody>(data);
    let _ = parse_body::<auth_routes::ChangePasswordBody>(data);
    let _ = parse_body::<staff_routes::LoginBody>(data);
    let _ = parse_body::<staff_routes::DecisionBody>(data);
    let _ = parse_body::<staff_routes::SlipPaymentBody>(data);
    let _ = parse_body::<credits_routes::CommentBody>(data);
    let _ = parse_body::<UploadRequest>(data);
    let _ = parse_body::<ProofRequest>(data);
    if let Ok(form) = parse_body::<ApplicationForm>(data) {
        let _ = portal_domain::ApplicationKind::parse(&form.kind);
        let _ = form.renewal().parse(today);
        let _ = form.decline().parse();
    }
    if let Ok(form) = parse_body::<SelfReportForm>(data) {
        let period = CertPeriod::new(
            NaiveDate::from_ymd_opt(2021, 4, 1).expect("a date"),
            NaiveDate::from_ymd_opt(2026, 3, 31).expect("a date"),
        )
        .expect("a period");
        let _ = form.parse(&sample_table(), &period, today);
    }
}

/// A request's cookies and session tokens: the cookie header is split, each token
/// verified as a member, staff and device token.
pub fn session_cookie(data: &[u8]) {
    use axum::http::{HeaderMap, HeaderValue, header::COOKIE};
    let Ok(value) = HeaderValue::from_bytes(data) else { return };
    let mut headers = HeaderMap::new();
    headers.insert(COOKIE, value);
    let keys = crate::session::SessionKeys::new(&[7u8; 32], "http://127.0.0.1:3000").expect("keys");
    for name in ["portal_session", "portal_staff_session", "portal_device"] {
        if let Some(token) = crate::session::cookie_value(&headers, name) {
            let _ = keys.verify(crate::session::Audience::Member, &token, 1_800_000_000);
            let _ = keys.verify(crate::session::Audience::Staff, &token, 1_800_000_000);
            let _ = keys.verify_as::<crate::device::DeviceClaims>("portal-device", &token);
        }
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = keys.verify(crate::session::Audience::Member, s, 1_800_000_000);
        let _ = crate::client::viewer_address(s);
    }
}
