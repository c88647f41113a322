//! The mail outbox: one item per mail, written in the transaction of its cause, and
//! placed in GSI1 by when it is due (pending) or when it was given up (failed).

use portal_domain::table::Key;
use serde::{Deserialize, Serialize};

use super::{Field, Record};
use crate::keys;

/// Where a mail is in its delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailState {
    /// Waiting to be sent (again).
    Pending,
    /// Delivered to the mail service.
    Sent,
    /// Given up after repeated or permanent failures; kept for an operator.
    Failed,
    /// Not sent: the address bounced permanently or complained before (kept, with why).
    Suppressed,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OutboxMail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub status: MailState,
    pub attempts: i64,
    pub created_at: i64,
    /// The sender that claimed the mail, and until when. Absent (not null) when
    /// unclaimed: the claim's condition is "no lease, or an expired one".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_until: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<i64>,
}

pub struct OutboxRecord;

impl Record for OutboxRecord {
    type Value = OutboxMail;
    const TYPE: &'static str = "mail";
}

impl OutboxRecord {
    pub const STATE: Field<Self, MailState> = Field::new("status");
    pub const ATTEMPTS: Field<Self, i64> = Field::new("attempts");
    pub const LEASE: Field<Self, Option<String>> = Field::new("lease");
    pub const LEASE_UNTIL: Field<Self, Option<i64>> = Field::new("lease_until");
    pub const LAST_ERROR: Field<Self, Option<String>> = Field::new("last_error");
    pub const SENT_AT: Field<Self, Option<i64>> = Field::new("sent_at");

    pub fn key(id: &str) -> Key {
        keys::outbox_mail(id)
    }
}

/// An address the portal no longer mails: it bounced permanently, or its owner
/// marked a mail as spam. Staff see why; mails to it are parked, never sent.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Suppression {
    pub address: String,
    /// `bounce` or `complaint`.
    pub reason: String,
    /// The mail service's own words (bounce type and subtype, complaint type).
    pub detail: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

pub struct SuppressionRecord;

impl Record for SuppressionRecord {
    type Value = Suppression;
    const TYPE: &'static str = "mail_suppression";
}

impl SuppressionRecord {
    pub fn key(address: &str) -> Key {
        keys::suppression(address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::declared_in_sample;

    #[test]
    fn declared_fields_are_attributes() {
        let m = OutboxMail {
            to: "a@example.jp".into(),
            subject: "s".into(),
            body: "b".into(),
            status: MailState::Pending,
            attempts: 0,
            created_at: 0,
            lease: Some("l".into()),
            lease_until: Some(1),
            last_error: Some("e".into()),
            sent_at: Some(1),
        };
        let fields = [
            OutboxRecord::STATE.name(),
            OutboxRecord::ATTEMPTS.name(),
            OutboxRecord::LEASE.name(),
            OutboxRecord::LEASE_UNTIL.name(),
            OutboxRecord::LAST_ERROR.name(),
            OutboxRecord::SENT_AT.name(),
        ];
        declared_in_sample::<OutboxRecord>(&m, &fields).unwrap();
    }
}
