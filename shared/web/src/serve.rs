//! One router, two hosts: under the Lambda runtime (`AWS_LAMBDA_RUNTIME_API` is set, as
//! on AWS and under `cargo lambda watch`) it is served by `lambda_http`; otherwise on a
//! loopback socket for debugging one function alone.

use std::net::SocketAddr;

use std::sync::Arc;

use axum::Router;
use portal_app::{App, AppConfig};
use portal_domain::table::Table;

use crate::{AppState, SessionKeys};

/// The state of a route-group function on the given store, with the system clock.
pub fn state(table: Arc<dyn Table>, base_url: &str, session_secret: &[u8]) -> Result<AppState, lambda_http::Error> {
    let app = App::new(table, Arc::new(portal_domain::SystemClock), AppConfig::new(base_url));
    Ok(AppState::new(app, SessionKeys::new(session_secret, base_url)?))
}

/// Everything a route-group function does after building its state: serve the group.
pub async fn serve_group(group: fn(AppState) -> Router, state: AppState) -> Result<(), lambda_http::Error> {
    serve(group(state)).await
}

pub async fn serve(router: Router) -> Result<(), lambda_http::Error> {
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        return lambda_http::run(router).await;
    }
    let addr = std::env::var("PORTAL_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    use axum::serve::ListenerExt;
    let listener = tokio::net::TcpListener::bind(&addr).await?.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tracing::info!(%addr, "serving without the Lambda runtime");
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await?;
    Ok(())
}
