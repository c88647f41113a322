//! The audit trail (監査記録): one item per staff action or state change on a
//! member's records, written in the same transaction as the change it records and on
//! the condition that it is new. Nothing updates or deletes one: no use case can (there
//! is no `Field` to name, no route to call). Kept in its own partition per member
//! (`AUDIT#MEMBER#<no>`) so the member's own page never reads it.

use chrono::{DateTime, Utc};
use portal_domain::table::Key;
use serde::{Deserialize, Serialize};

use super::Record;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// Who: a staff id (`staff01`) or `member`/`provider`/`system`.
    pub actor_id: String,
    pub actor_name: String,
    /// What, as a stable code (`credit.approve`) and as staff read it.
    pub action: String,
    pub action_label: String,
    /// Which record: 管理No, 請求番号, 申請番号.
    pub record: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Why (a rejection reason, a note).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

pub struct AuditRecord;

impl Record for AuditRecord {
    type Value = AuditEntry;
    const TYPE: &'static str = "audit";
}

impl AuditRecord {
    /// Sorted by time (then a random id, so two at the same instant both land).
    pub fn key(partition: &str, at: DateTime<Utc>, id: &str) -> Key {
        Key::new(partition, format!("{}#{id}", at.format("%Y%m%dT%H%M%S%.6fZ")))
    }
}
