//! The HTTP layer: one axum router per route group (one Lambda function each), the
//! session cookie, CSRF and security headers, and errors as JSON. The same routers run
//! under `lambda_http` on AWS and merged into one server in `portal-local`.

pub mod application_list_routes;
pub mod applications_routes;
pub mod attendance_routes;
pub mod auth_routes;
pub mod billing_routes;
pub mod client;
pub mod credits_routes;
pub mod csv_export;
pub mod device;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod invoice_list_routes;
pub mod json;
pub mod layers;
pub mod member_records_routes;
pub mod members_routes;
pub mod metrics;
pub mod next;
pub mod payments_routes;
pub mod receipts_routes;
pub mod routes;
pub mod rule_admin_routes;
pub mod second_factor;
pub mod serve;
pub mod session;
pub mod staff_accounts_routes;
pub mod staff_routes;
pub mod telemetry;
pub mod unit_admin_routes;
pub mod views;

use std::sync::Arc;

use portal_app::App;
use portal_domain::files::ProofFiles;
use portal_domain::payment::Payments;
use portal_domain::receipt::ReceiptRenderer;

pub use error::ApiError;
pub use serve::{serve, serve_group, state, state_without_sessions};
pub use session::SessionKeys;

/// What every handler gets: the use cases' ports, the session keys, and web settings.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub sessions: Arc<SessionKeys>,
    pub web: Arc<WebConfig>,
    /// Proof-file storage, for the groups that handle files (credits, staff).
    pub files: Option<Arc<dyn ProofFiles>>,
    /// The payment provider, for the groups that start checkouts or take its
    /// notifications (billing, payments).
    pub payments: Option<Arc<dyn Payments>>,
    /// Source addresses the provider's notifications may come from (empty: any; the
    /// checks in code hold either way).
    pub provider_sources: Arc<Vec<String>>,
    /// The PDF renderer of 領収書, for the receipts group.
    pub receipts: Option<Arc<dyn ReceiptRenderer>>,
}

#[derive(Clone, Debug)]
pub struct WebConfig {
    /// The one origin allowed to make state-changing requests: the site's own, exactly
    /// as configured (no aliases: `localhost` is not `127.0.0.1`).
    pub origin: String,
    /// `Secure` cookies: on unless the site is plain-http localhost.
    pub secure_cookies: bool,
}

impl WebConfig {
    /// Derives the settings from the configured base URL: its origin is the allowed
    /// one, and cookies are Secure unless it is plain http on a loopback host.
    pub fn for_base_url(base_url: &str) -> Self {
        // The origin is scheme://host[:port]: whatever path the base URL has is not part of it.
        let (scheme, rest) = base_url.split_once("://").unwrap_or(("https", base_url));
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let origin = format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase());
        let loopback = origin.starts_with("http://127.0.0.1") || origin.starts_with("http://localhost");
        WebConfig { origin, secure_cookies: !loopback }
    }
}

impl AppState {
    pub fn new(app: App, sessions: SessionKeys) -> Self {
        let web = WebConfig::for_base_url(&app.config.base_url);
        AppState {
            app,
            sessions: Arc::new(sessions),
            web: Arc::new(web),
            files: None,
            payments: None,
            provider_sources: Arc::new(Vec::new()),
            receipts: None,
        }
    }

    pub fn with_receipts(mut self, receipts: Arc<dyn ReceiptRenderer>) -> Self {
        self.receipts = Some(receipts);
        self
    }

    pub fn receipts(&self) -> Result<&dyn ReceiptRenderer, ApiError> {
        self.receipts
            .as_deref()
            .ok_or_else(|| ApiError::misconfigured("this function has no receipt renderer configured"))
    }

    pub fn with_payments(mut self, payments: Arc<dyn Payments>) -> Self {
        self.payments = Some(payments);
        self
    }

    pub fn with_provider_sources(mut self, sources: Vec<String>) -> Self {
        self.provider_sources = Arc::new(sources);
        self
    }

    /// The payment provider (a group wired without one answers 500, logged).
    pub fn payments(&self) -> Result<&dyn Payments, ApiError> {
        self.payments
            .as_deref()
            .ok_or_else(|| ApiError::misconfigured("this function has no payment provider configured"))
    }

    pub fn with_files(mut self, files: Arc<dyn ProofFiles>) -> Self {
        self.files = Some(files);
        self
    }

    /// The proof-file storage; a group wired without one answers 500 (a deployment
    /// defect, logged), never a silent success.
    pub fn files(&self) -> Result<&dyn ProofFiles, ApiError> {
        self.files
            .as_deref()
            .ok_or_else(|| ApiError::misconfigured("this function has no proof-file storage configured"))
    }
}

pub use routes::all_routes;
