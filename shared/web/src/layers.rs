//! Cross-cutting HTTP concerns, applied the same way to every route group: request id
//! and tracing, CSRF refusal, sliding session refresh, security headers, body limit.

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::error::plain;
use crate::session::{self, Audience, REFRESH_AFTER_SECS};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// The custom header the site's fetch calls send; a cross-site form cannot set it.
pub const CSRF_HEADER: HeaderName = HeaderName::from_static("x-requested-with");

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
        .layer(RequestBodyLimitLayer::new(64 * 1024))
        // API answers are never cached, unless a route says otherwise (the public unit table).
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state);
    with_security_headers(router)
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

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// State-changing requests must come from the site itself: a matching `Origin`, and
/// either a JSON body or the custom header (neither can be sent by a cross-site form).
async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !is_safe(req.method()) {
        let h = req.headers();
        let origin_ok = h
            .get(header::ORIGIN)
            .and_then(|o| o.to_str().ok())
            .is_some_and(|o| state.web.allowed_origins.iter().any(|a| a == o));
        let json = h
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !origin_ok || !(json || h.contains_key(CSRF_HEADER)) {
            return plain(
                StatusCode::FORBIDDEN,
                "forbidden_origin",
                "このページからの操作は受け付けられません。ポータルサイトを開き直してから操作してください。",
            );
        }
    }
    next.run(req).await
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
