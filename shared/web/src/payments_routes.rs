//! Route group `payment-notify` (function `payment-notify`, behind a Lambda function
//! URL): the provider's 結果通知. The answer is the provider's protocol: `0` once the
//! notification is durably recorded and acted on, `1` for anything the portal cannot
//! accept (the provider then resends, about hourly, five times).

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use portal_app::payments::{self, Notified};

use crate::auth_routes::SourceAddress;
use crate::routes::{Access, Route};
use crate::{AppState, routes};

pub const NOTIFY_PATH: &str = "/api/payments/notify";

pub fn routes() -> Vec<Route> {
    vec![Route::post(NOTIFY_PATH, Access::Provider, notify)]
}

pub fn router(state: AppState) -> Router {
    routes::router("payment-notify", routes(), state)
}

fn answer(code: &'static str) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=us-ascii")], code).into_response()
}

/// Whether `ip` is in one of the configured sources (`a.b.c.d` or `a.b.c.d/n`).
pub fn allowed(sources: &[String], ip: Option<&str>) -> bool {
    if sources.is_empty() {
        return true;
    }
    let Some(ip) = ip.and_then(|i| i.parse::<std::net::Ipv4Addr>().ok()) else { return false };
    sources.iter().any(|s| {
        let (net, bits) = s.split_once('/').unwrap_or((s, "32"));
        match (net.parse::<std::net::Ipv4Addr>(), bits.parse::<u32>()) {
            (Ok(net), Ok(bits)) if bits <= 32 => {
                let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
                u32::from(ip) & mask == u32::from(net) & mask
            }
            _ => false,
        }
    })
}

async fn notify(State(s): State<AppState>, SourceAddress(addr): SourceAddress, body: Bytes) -> Response {
    if !allowed(&s.provider_sources, addr.as_deref()) {
        tracing::warn!("payment notification from an address outside the allow-list");
        crate::metrics::emit("NotificationRejected", 1.0, "Count", &[]);
        return answer("1");
    }
    let Ok(provider) = s.payments() else { return answer("1") };
    match payments::receive_notification(&s.app, provider, &body, addr.as_deref()).await {
        Ok(Notified::Accepted(_)) => answer("0"),
        Ok(Notified::Rejected(_)) => {
            crate::metrics::emit("NotificationRejected", 1.0, "Count", &[]);
            answer("1")
        }
        Err(e) => {
            crate::metrics::emit("NotificationRejected", 1.0, "Count", &[]);
            tracing::error!(error = %e, cause = ?e, "payment notification not recorded; the provider will resend");
            answer("1")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_match_addresses_and_networks() {
        let s = vec!["210.197.108.0/24".to_owned(), "203.0.113.9".to_owned()];
        assert!(allowed(&s, Some("210.197.108.77")));
        assert!(allowed(&s, Some("203.0.113.9")));
        assert!(!allowed(&s, Some("203.0.113.10")));
        assert!(!allowed(&s, None));
        assert!(allowed(&[], None), "no list: the checks in code decide");
    }
}
