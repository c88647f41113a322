//! The mail outbox. A mail is written in the same transaction as the change that
//! causes it, so it is never lost; a sender delivers due mails, retrying with backoff,
//! and marks each one sent exactly once (conditional writes on a lease).

use portal_domain::Mail;
use portal_domain::mail::{MailError, Mailer};
use portal_domain::table::{Cond, Item, Update, Write};
use serde_json::{Map, Value, json};

use crate::{App, AppError, keys};

/// After this many failed attempts a mail is parked as failed for an operator.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a sender owns a mail it is delivering.
pub const LEASE_SECS: i64 = 120;

/// The write that puts `mail` in the outbox, due now. Add it to the transaction of the
/// change that causes the mail.
pub fn enqueue(app: &App, mail: &Mail) -> Write {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let now = app.now_epoch();
    let mut attrs = Map::new();
    attrs.insert("type".into(), "mail".into());
    attrs.insert("to".into(), mail.to.as_str().into());
    attrs.insert("subject".into(), mail.subject.clone().into());
    attrs.insert("body".into(), mail.body.clone().into());
    attrs.insert("status".into(), "pending".into());
    attrs.insert("attempts".into(), 0.into());
    attrs.insert("created_at".into(), now.into());
    let item = Item::new(keys::outbox_mail(&id), attrs).with_gsi1(keys::outbox_pending_gsi(now, &id));
    Write::Put { item, cond: Cond::NotExists }
}

/// Backoff before attempt `n + 1`: 30 s, 1 min, 2 min, … capped at one hour.
pub fn backoff_secs(attempts: i64) -> i64 {
    (30i64 << (attempts - 1).clamp(0, 7)).min(3600)
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

fn mail_of(item: &Item) -> Result<Mail, AppError> {
    serde_json::from_value(json!({
        "to": item.attrs.get("to").cloned().unwrap_or(Value::Null),
        "subject": item.attrs.get("subject").cloned().unwrap_or(Value::Null),
        "body": item.attrs.get("body").cloned().unwrap_or(Value::Null),
    }))
    .map_err(|e| AppError::Internal(format!("corrupt outbox mail {}: {e}", item.key.pk)))
}

/// Delivers up to `limit` mails that are due. Safe to run in several places at once:
/// a mail is claimed with a conditional write before it is sent.
pub async fn deliver_due(app: &App, mailer: &dyn Mailer, limit: usize) -> Result<Delivery, AppError> {
    let now = app.now_epoch();
    let mut report = Delivery::default();
    let due = app.table.query_gsi1(keys::OUTBOX_PENDING, "", limit).await?;
    for item in due {
        let due_at: i64 = item.gsi1.as_ref().and_then(|g| g.sk.split('#').next()?.parse().ok()).unwrap_or(i64::MAX);
        if due_at > now {
            break; // ordered by due time: the rest are not due either
        }
        let lease = uuid::Uuid::new_v4().simple().to_string();
        let claim = Write::Update {
            key: item.key.clone(),
            update: Update::default()
                .set("lease", lease.as_str())
                .set("lease_until", now + LEASE_SECS)
                .add("attempts", 1),
            cond: Cond::And(vec![
                Cond::eq("status", "pending"),
                Cond::Or(vec![Cond::AttrAbsent("lease_until".into()), Cond::Lt("lease_until".into(), now)]),
            ]),
        };
        match app.table.transact(vec![claim]).await {
            Ok(()) => {}
            Err(portal_domain::table::StoreError::ConditionFailed { .. }) => continue, // another sender has it
            Err(e) => return Err(e.into()),
        }
        let attempts = item.int("attempts").unwrap_or(0) + 1;
        let mine = Cond::eq("lease", lease.as_str());
        let id = item.key.pk.trim_start_matches("OUTBOX#").to_owned();
        let result = match mail_of(&item) {
            Ok(mail) => mailer.send(&mail).await,
            Err(e) => Err(MailError::Permanent(e.to_string())),
        };
        let update = match result {
            Ok(()) => {
                report.sent += 1;
                Update::default().set("status", "sent").set("sent_at", now).gsi1(None)
            }
            Err(e) if matches!(e, MailError::Transient(_)) && attempts < MAX_ATTEMPTS => {
                tracing::warn!(mail_id = %id, attempts, error = %e, "mail delivery failed; will retry");
                report.retried += 1;
                let next = now + backoff_secs(attempts);
                Update::default().set("last_error", e.to_string()).gsi1(Some(keys::outbox_pending_gsi(next, &id)))
            }
            Err(e) => {
                tracing::error!(mail_id = %id, attempts, error = %e, "mail delivery failed; parked for an operator");
                report.failed += 1;
                Update::default()
                    .set("status", "failed")
                    .set("last_error", e.to_string())
                    .gsi1(Some(keys::outbox_failed_gsi(now, &id)))
            }
        };
        let finish =
            Write::Update { key: item.key.clone(), update: update.remove("lease").remove("lease_until"), cond: mine };
        match app.table.transact(vec![finish]).await {
            Ok(()) => {}
            // The lease ran out while sending (a send slower than LEASE_SECS) and another
            // sender now owns the mail: its outcome is that sender's to record.
            Err(portal_domain::table::StoreError::ConditionFailed { .. }) => {
                tracing::warn!(mail_id = %id, "outbox lease lost while sending; left to the sender that holds it");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff_secs(1), 30);
        assert_eq!(backoff_secs(2), 60);
        assert_eq!(backoff_secs(3), 120);
        assert_eq!(backoff_secs(20), 3600);
    }
}
