//! The caller's source address: from API Gateway's request context on Lambda, from the
//! socket locally. Forwarded-for headers are not trusted (anyone can send them).

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use lambda_http::request::RequestContext;

pub fn source_address(parts: &Parts) -> Option<String> {
    if let Some(RequestContext::ApiGatewayV2(cx)) = parts.extensions.get::<RequestContext>() {
        return cx.http.source_ip.clone();
    }
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(a)| a.ip().to_string())
}
