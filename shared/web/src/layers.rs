//! Cross-cutting HTTP concerns, applied the same way to every route group: request id
//! and tracing, CSRF refusal, sliding session refresh, security headers, body limit.

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::ApiError;
use crate::AppState;
use crate::error::plain;
use crate::session::{self, Audience, REFRESH_AFTER_SECS};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Longest request target answered (CloudFront's own limit): longer is a JSON 414.
pub const MAX_URI_BYTES: usize = 8192;
/// Largest request body of the API.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The request headers the API reads (besides cookies): a proxy in front of it must
/// forward these (the deployment's CloudFront origin request policy does; a test checks).
pub const API_READS_HEADERS: &[&str] = &["origin", "sec-fetch-site", "content-type", "cloudfront-viewer-address"];

/// Wraps a route group's router with every layer an API route needs.
pub fn api(router: Router<AppState>, state: AppState) -> Router {
    let trace = TraceLayer::new_for_http().make_span_with(|req: &Request| {
        // The route pattern, not the path: paths carry member numbers.
        let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_default();
        let id =
            req.extensions().get::<RequestId>().and_then(|r| r.header_value().to_str().ok()).unwrap_or("-").to_owned();
        tracing::info_span!("request", method = %req.method(), route = %route, request_id = %id)
    });
    let router = router
        .route_layer(trace)
        .layer(middleware::from_fn_with_state(state.clone(), refresh_session))
        .layer(middleware::from_fn_with_state(state.clone(), csrf_guard))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(middleware::from_fn(json_errors))
        // API answers are never cached, unless a route says otherwise (the public unit table).
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state);
    with_security_headers(router)
}

/// The answer to an `/api` path no route has: the JSON 404, with the API's layers. The
/// local portal mounts it; deployed, the API's catch-all route goes to one function.
pub fn unknown_api_routes(state: AppState) -> Router {
    let r = Router::new()
        .route("/api/{*rest}", axum::routing::any(|| async { ApiError::for_status(StatusCode::NOT_FOUND) }));
    api(r, state)
}

/// Every error of the API is the documented JSON `Error`, whoever produced it: the
/// router (404, 405 with its `Allow`), the body limit (413), path parsing (400) — which
/// answer in plain text or not at all — and a request target over [`MAX_URI_BYTES`] (414).
async fn json_errors(req: Request, next: Next) -> Response {
    if req.uri().path_and_query().map_or(0, |p| p.as_str().len()) > MAX_URI_BYTES {
        return ApiError::for_status(StatusCode::URI_TOO_LONG).into_response();
    }
    let res = next.run(req).await;
    let status = res.status();
    let json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let mut fresh = ApiError::for_status(status).into_response();
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = res.headers().get(&name) {
            fresh.headers_mut().insert(name, v.clone());
        }
    }
    fresh
}

/// The layers of the provider's notification route: request id and tracing, a small
/// body limit, no caching — but no session and no CSRF check (the provider posts a form
/// from its servers; the handler authenticates what it says).
pub fn webhook(router: Router<AppState>, state: AppState) -> Router {
    let router = router
        .route_layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req
                .extensions()
                .get::<RequestId>()
                .and_then(|r| r.header_value().to_str().ok())
                .unwrap_or("-")
                .to_owned();
            tracing::info_span!("notification", method = %req.method(), request_id = %id)
        }))
        .layer(RequestBodyLimitLayer::new(16 * 1024))
        .layer(middleware::from_fn(json_errors))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state);
    with_security_headers(router)
}

/// The site's Content-Security-Policy. Proof files go from the browser straight to the
/// bucket, so its origin (when not the site's own) is the one other place a page may
/// connect to. The deployment's CloudFront policy carries the same text.
pub fn content_security_policy(upload_origin: Option<&str>) -> String {
    let connect = match upload_origin {
        Some(o) => format!("connect-src 'self' {o}; "),
        None => String::new(),
    };
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; {connect}object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// Headers for every response, pages and API alike.
pub fn with_security_headers(router: Router) -> Router {
    with_security_headers_for(router, None)
}

/// The same headers, allowing pages to upload to `upload_origin`.
pub fn with_security_headers_for(router: Router, upload_origin: Option<&str>) -> Router {
    let csp = HeaderValue::from_str(&content_security_policy(upload_origin)).expect("a header-safe policy");
    let header = |name, value| SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value));
    router
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, csp))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // No page's address (a reset token, a member number) leaks to another site.
        .layer(header(header::REFERRER_POLICY, "no-referrer"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
}

fn changes_state(m: &Method) -> bool {
    matches!(*m, Method::POST | Method::PUT | Method::PATCH | Method::DELETE)
}

/// Why a state-changing request was refused before its handler.
#[derive(Debug, PartialEq, Eq)]
pub enum CsrfRefusal {
    /// `Origin` missing or not the site's own.
    Origin,
    /// The browser says the request comes from another site (Fetch Metadata).
    CrossSite,
    /// A body that is not JSON (a cross-site form can send only form or text bodies).
    NotJson,
}

/// The rule, on the request's headers. State changes must come from the site itself:
/// its exact `Origin`; when the browser sends `Sec-Fetch-Site`, `same-origin`; and a
/// body, if any, declared as JSON. Safe methods pass.
pub fn csrf_refusal(method: &Method, h: &axum::http::HeaderMap, origin: &str) -> Option<CsrfRefusal> {
    if !changes_state(method) {
        // Safe methods, and those no route has (TRACE…), which the router answers 405.
        return None;
    }
    if h.get(header::ORIGIN).and_then(|o| o.to_str().ok()) != Some(origin) {
        return Some(CsrfRefusal::Origin);
    }
    if h.get("sec-fetch-site").is_some_and(|v| v.as_bytes() != b"same-origin") {
        return Some(CsrfRefusal::CrossSite);
    }
    let content_type = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let json = content_type.is_some_and(|v| {
        let essence = v.split(';').next().unwrap_or_default().trim();
        essence.eq_ignore_ascii_case("application/json")
    });
    let has_body = h.get(header::CONTENT_LENGTH).is_some_and(|l| l.as_bytes() != b"0")
        || h.contains_key(header::TRANSFER_ENCODING);
    if !json && (content_type.is_some() || has_body) {
        return Some(CsrfRefusal::NotJson);
    }
    None
}

async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let refusal = csrf_refusal(req.method(), req.headers(), &state.web.origin);
    match refusal {
        None => next.run(req).await,
        Some(CsrfRefusal::NotJson) => ApiError::unsupported_media_type().into_response(),
        Some(why) => {
            tracing::info!(reason = ?why, "state change from elsewhere refused");
            plain(
                StatusCode::FORBIDDEN,
                "forbidden_origin",
                "このページからの操作は受け付けられません。ポータルサイトを開き直してから操作してください。",
            )
        }
    }
}

/// Sliding idle timeout: a successful request with a session token older than a few
/// minutes gets a fresh one, so an active session lasts and an idle one ends.
async fn refresh_session(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let tokens: Vec<(Audience, String)> = [Audience::Member, Audience::Staff]
        .into_iter()
        .filter_map(|a| session::cookie_value(req.headers(), a.cookie()).map(|t| (a, t)))
        .collect();
    let mut res = next.run(req).await;
    if !res.status().is_success() || res.headers().contains_key(header::SET_COOKIE) {
        return res;
    }
    let now = state.app.now_epoch();
    for (aud, token) in tokens {
        if let Some(c) = state.sessions.verify(aud, &token, now).filter(|c| now - c.iat >= REFRESH_AFTER_SECS) {
            let fresh = state.sessions.issue(aud, &c.sub, c.ver, c.auth_time, now);
            let (name, value) = session::set_cookie(&state, aud, &fresh);
            res.headers_mut().append(name, value);
        }
    }
    res
}
