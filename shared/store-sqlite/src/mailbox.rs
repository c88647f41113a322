//! The local mailbox: the embedded `Mailer`. Every mail the portal "sends" is kept in
//! the same SQLite file and shown at `/_dev/mail`.

use async_trait::async_trait;
use portal_domain::Mail;
use portal_domain::mail::{MailError, Mailer};
use rusqlite::params;
use serde::Serialize;

use crate::SqliteTable;

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SentMail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// RFC 3339, UTC.
    pub sent_at: String,
}

#[derive(Clone)]
pub struct Mailbox {
    table: SqliteTable,
}

impl Mailbox {
    pub fn new(table: &SqliteTable) -> Self {
        Mailbox { table: table.clone() }
    }

    /// Every mail sent, newest first.
    pub async fn all(&self) -> Result<Vec<SentMail>, MailError> {
        let conn = self.table.connection();
        tokio::task::spawn_blocking(move || {
            let c = conn.lock().map_err(|_| MailError::Transient("mailbox lock poisoned".into()))?;
            let mut stmt = c
                .prepare_cached("SELECT to_addr, subject, body, sent_at FROM dev_mailbox ORDER BY id DESC")
                .map_err(|e| MailError::Transient(e.to_string()))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(SentMail { to: r.get(0)?, subject: r.get(1)?, body: r.get(2)?, sent_at: r.get(3)? })
                })
                .map_err(|e| MailError::Transient(e.to_string()))?;
            rows.collect::<Result<Vec<_>, _>>().map_err(|e| MailError::Transient(e.to_string()))
        })
        .await
        .map_err(|e| MailError::Transient(e.to_string()))?
    }
}

#[async_trait]
impl Mailer for Mailbox {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let conn = self.table.connection();
        let mail = mail.clone();
        let sent_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        tokio::task::spawn_blocking(move || {
            let c = conn.lock().map_err(|_| MailError::Transient("mailbox lock poisoned".into()))?;
            c.execute(
                "INSERT INTO dev_mailbox (to_addr, subject, body, sent_at) VALUES (?1, ?2, ?3, ?4)",
                params![mail.to.as_str(), mail.subject, mail.body, sent_at],
            )
            .map_err(|e| MailError::Transient(e.to_string()))?;
            Ok(())
        })
        .await
        .map_err(|e| MailError::Transient(e.to_string()))?
    }
}
