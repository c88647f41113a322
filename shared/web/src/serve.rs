//! A route-group function serves its router through `lambda_http`, on AWS and locally
//! under `cargo lambda watch` (docs/lambda-watch.md). There is no second, socket-serving
//! host in the function binaries: it was code on every cold start's page-in path that
//! AWS never runs (portal-local serves all groups on one socket instead).

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

/// The state of a function that serves no sessions (the provider's notifications): its
/// session key is random and never leaves the process, so the function needs no read
/// access to the portal's session secret and a leak there cannot mint a session.
pub fn state_without_sessions(table: Arc<dyn Table>, base_url: &str) -> Result<AppState, lambda_http::Error> {
    let key: Vec<u8> = [uuid::Uuid::new_v4(), uuid::Uuid::new_v4()].iter().flat_map(|u| *u.as_bytes()).collect();
    state(table, base_url, &key)
}

/// Everything a route-group function does after building its state: serve the group.
pub async fn serve_group(group: fn(AppState) -> Router, state: AppState) -> Result<(), lambda_http::Error> {
    serve(group(state)).await
}

pub async fn serve(router: Router) -> Result<(), lambda_http::Error> {
    lambda_http::run(router).await
}
