//! Use cases of the member portal, written once over the domain's ports. The HTTP
//! layer calls these; adapters (DynamoDB/SQLite, SES/mailbox) are passed in.

pub mod applications;
pub mod auth;
pub mod billing;
pub mod error;
pub mod keys;
pub mod mails;
pub mod outbox;
pub mod password_hash;
pub mod profile;
pub mod records;
pub mod reset;
pub mod seed;
pub mod throttle;

use std::sync::Arc;

use portal_domain::Clock;
use portal_domain::table::Table;

pub use error::AppError;

/// Settings that use cases need and that differ per deployment.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// Base of every link in a mail, e.g. `https://portal.example.jp` — configured,
    /// never taken from a request's Host header.
    pub base_url: String,
}

impl AppConfig {
    pub fn link(&self, path_and_query: &str) -> String {
        format!("{}{}", self.base_url.trim_end_matches('/'), path_and_query)
    }
}

/// The ports and settings one running portal works with.
#[derive(Clone)]
pub struct App {
    pub table: Arc<dyn Table>,
    pub clock: Arc<dyn Clock>,
    pub config: AppConfig,
}

impl App {
    pub fn new(table: Arc<dyn Table>, clock: Arc<dyn Clock>, config: AppConfig) -> Self {
        App { table, clock, config }
    }

    pub fn now_epoch(&self) -> i64 {
        self.clock.now().timestamp()
    }
}
