//! A mail to one registered address, in Japanese. Links inside are built by the caller
//! from the configured base URL, never from a request's Host header.

use serde::{Deserialize, Serialize};

use crate::Email;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    pub to: Email,
    pub subject: String,
    pub body: String,
}

/// Delivers one mail now. Implemented by SES and by the local mailbox; retries are
/// the outbox's job, not the mailer's.
#[async_trait::async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, mail: &Mail) -> Result<(), MailError>;
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// Worth trying again later (throttling, network, service unavailable).
    #[error("mail delivery failed temporarily: {0}")]
    Transient(String),
    /// Will not succeed by retrying (address refused, message rejected).
    #[error("mail delivery failed permanently: {0}")]
    Permanent(String),
}
