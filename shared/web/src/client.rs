//! The caller's source address: from API Gateway's request context on Lambda, from the
//! socket locally. Forwarded-for headers are not trusted (anyone can send them). Behind
//! CloudFront, API Gateway sees CloudFront's address; the viewer's comes in
//! `CloudFront-Viewer-Address`, which is read only when `PORTAL_BEHIND_CLOUDFRONT=1` says
//! the API is deployed so (docs/deploy.md).

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use lambda_http::request::RequestContext;

fn behind_cloudfront() -> bool {
    static FLAG: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FLAG.get_or_init(|| std::env::var("PORTAL_BEHIND_CLOUDFRONT").is_ok_and(|v| v == "1"))
}

/// `CloudFront-Viewer-Address: 198.51.100.10:46532` (or `[2001:db8::1]:46532`) → the address.
pub fn viewer_address(header: &str) -> Option<String> {
    let (addr, port) = header.trim().rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    let addr = addr.trim_start_matches('[').trim_end_matches(']');
    addr.parse::<std::net::IpAddr>().ok().map(|a| a.to_string())
}

pub fn source_address(parts: &Parts) -> Option<String> {
    if behind_cloudfront()
        && let Some(v) = parts.headers.get("cloudfront-viewer-address").and_then(|v| v.to_str().ok())
    {
        return viewer_address(v);
    }
    if let Some(RequestContext::ApiGatewayV2(cx)) = parts.extensions.get::<RequestContext>() {
        return cx.http.source_ip.clone();
    }
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(a)| a.ip().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewer_addresses_are_read_with_their_port_dropped() {
        assert_eq!(viewer_address("198.51.100.10:46532").as_deref(), Some("198.51.100.10"));
        assert_eq!(viewer_address("[2001:db8::1]:443").as_deref(), Some("2001:db8::1"));
        assert_eq!(viewer_address("nonsense"), None);
        assert_eq!(viewer_address("1.2.3.4:notaport"), None);
    }
}
