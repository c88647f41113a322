//! The mail outbox. A mail is written in the same transaction as the change that
//! causes it, so it is never lost; a sender delivers due mails, retrying with backoff,
//! and marks each one sent exactly once (conditional writes on a lease).

use portal_domain::mail::{MailError, Mailer};
use portal_domain::table::{IndexQuery, Item, Write};
use portal_domain::{Email, Mail};

use crate::records::{
    self, Changes, MailState, OutboxMail, OutboxRecord, SuppressionRecord, Tx, TxError, When, decode, decode_opt,
};
use crate::{App, Fault, keys};

/// After this many failed attempts a mail is parked as failed for an operator.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a sender owns a mail it is delivering.
pub const LEASE_SECS: i64 = 120;
/// Mails claimed per page of a drain.
pub const PAGE: usize = 25;

/// The write that puts `mail` in the outbox, due now. Add it to the transaction of the
/// change that causes the mail.
pub fn enqueue(app: &App, mail: &Mail) -> Write {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let now = app.now_epoch();
    let stored = OutboxMail {
        to: mail.to.as_str().to_owned(),
        subject: mail.subject.clone(),
        body: mail.body.clone(),
        status: MailState::Pending,
        attempts: 0,
        created_at: now,
        lease: None,
        lease_until: None,
        last_error: None,
        sent_at: None,
    };
    let item =
        records::item::<OutboxRecord>(OutboxRecord::key(&id), &stored).with_gsi1(keys::outbox_pending_gsi(now, &id));
    records::put(item, When::new_item())
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

impl Delivery {
    fn total(&self) -> usize {
        self.sent + self.retried + self.failed
    }
}

#[derive(Clone, Copy, Debug)]
enum LeaseConflict {
    /// Another sender claimed the mail (or it is no longer pending).
    Taken,
    /// Our lease ran out while sending and another sender now owns the mail.
    Lost,
}

fn due_at(item: &Item) -> i64 {
    item.gsi1.as_ref().and_then(|g| g.sk.split('#').next()?.parse().ok()).unwrap_or(i64::MAX)
}

/// Delivers up to `limit` mails that are due. Safe to run in several places at once:
/// a mail is claimed with a conditional write before it is sent.
pub async fn deliver_due(app: &App, mailer: &dyn Mailer, limit: usize) -> Result<Delivery, Fault> {
    let now = app.now_epoch();
    let mut report = Delivery::default();
    for item in app.table.query_gsi1(&IndexQuery::new(keys::OUTBOX_PENDING, limit)).await? {
        if due_at(&item) > now {
            break; // ordered by due time: the rest are not due either
        }
        let id = item.key.pk.trim_start_matches("OUTBOX#").to_owned();
        let mail = match decode::<OutboxRecord>(&item) {
            Ok(m) => m,
            Err(e) => {
                // An unreadable mail must not block the queue: park it for an operator.
                tracing::error!(error = %e, "unreadable outbox item; parked as failed");
                let park = Changes::<OutboxRecord>::new().gsi1(Some(keys::outbox_failed_gsi(now, &id)));
                Tx::plain()
                    .write(records::update(item.key.clone(), park, When::exists()))
                    .apply(app.table.as_ref())
                    .await?;
                report.failed += 1;
                continue;
            }
        };
        let lease = uuid::Uuid::new_v4().simple().to_string();
        let claim = records::update(
            item.key.clone(),
            Changes::new()
                .set(OutboxRecord::LEASE, &Some(lease.clone()))
                .set(OutboxRecord::LEASE_UNTIL, &Some(now + LEASE_SECS))
                .add(OutboxRecord::ATTEMPTS, 1),
            OutboxRecord::STATE
                .is(&MailState::Pending)
                .and(OutboxRecord::LEASE_UNTIL.absent().or(OutboxRecord::LEASE_UNTIL.below(now))),
        );
        match Tx::new().step(claim, LeaseConflict::Taken).run(app.table.as_ref()).await {
            Ok(()) => {}
            Err(TxError::Refused(_)) => continue, // another sender has it
            Err(TxError::Store(e)) => return Err(e.into()),
        }
        let attempts = mail.attempts + 1;
        let suppressed = decode_opt::<SuppressionRecord>(app.table.get(&SuppressionRecord::key(&mail.to)).await?)?;
        let result = match (&suppressed, Email::parse(&mail.to)) {
            (Some(_), _) => Ok(()),
            (None, Ok(to)) => mailer.send(&Mail { to, subject: mail.subject, body: mail.body }).await,
            (None, Err(_)) => Err(MailError::Permanent("the stored address does not parse".into())),
        };
        let outcome = match result {
            Ok(()) if suppressed.is_some() => {
                let s = suppressed.expect("matched");
                tracing::warn!(mail_id = %id, reason = %s.reason, "mail not sent: the address is suppressed");
                report.failed += 1;
                Changes::new()
                    .set(OutboxRecord::STATE, &MailState::Suppressed)
                    .set(OutboxRecord::LAST_ERROR, &Some(format!("suppressed: {} ({})", s.reason, s.detail)))
                    .gsi1(Some(keys::outbox_failed_gsi(now, &id)))
            }
            Ok(()) => {
                report.sent += 1;
                Changes::new()
                    .set(OutboxRecord::STATE, &MailState::Sent)
                    .set(OutboxRecord::SENT_AT, &Some(now))
                    .gsi1(None)
            }
            Err(e) if matches!(e, MailError::Transient(_)) && attempts < MAX_ATTEMPTS => {
                tracing::warn!(mail_id = %id, attempts, error = %e, "mail delivery failed; will retry");
                report.retried += 1;
                let next = now + backoff_secs(attempts);
                Changes::new()
                    .set(OutboxRecord::LAST_ERROR, &Some(e.to_string()))
                    .gsi1(Some(keys::outbox_pending_gsi(next, &id)))
            }
            Err(e) => {
                tracing::error!(mail_id = %id, attempts, error = %e, "mail delivery failed; parked for an operator");
                report.failed += 1;
                Changes::new()
                    .set(OutboxRecord::STATE, &MailState::Failed)
                    .set(OutboxRecord::LAST_ERROR, &Some(e.to_string()))
                    .gsi1(Some(keys::outbox_failed_gsi(now, &id)))
            }
        };
        let finish = records::update(
            item.key.clone(),
            outcome.remove(OutboxRecord::LEASE).remove(OutboxRecord::LEASE_UNTIL),
            OutboxRecord::LEASE.is(&Some(lease)),
        );
        match Tx::new().step(finish, LeaseConflict::Lost).run(app.table.as_ref()).await {
            Ok(()) => {}
            // A send slower than LEASE_SECS: the sender that now holds the mail records
            // its outcome.
            Err(TxError::Refused(_)) => {
                tracing::warn!(mail_id = %id, "outbox lease lost while sending; left to the sender that holds it");
            }
            Err(TxError::Store(e)) => return Err(e.into()),
        }
    }
    Ok(report)
}

/// How long the oldest mail still waiting has been due (0 when none is overdue); the
/// sender publishes it so an alarm fires when delivery stalls.
pub async fn oldest_due_age(app: &App) -> Result<i64, Fault> {
    let first = app.table.query_gsi1(&IndexQuery::new(keys::OUTBOX_PENDING, 1)).await?;
    Ok(first.first().map_or(0, |i| (app.now_epoch() - due_at(i)).max(0)))
}

/// Delivers pages of due mails until none is left (the sender function's whole run).
pub async fn drain(app: &App, mailer: &dyn Mailer) -> Result<Delivery, Fault> {
    let mut total = Delivery::default();
    loop {
        let d = deliver_due(app, mailer, PAGE).await?;
        if d.total() == 0 {
            return Ok(total);
        }
        total.sent += d.sent;
        total.retried += d.retried;
        total.failed += d.failed;
    }
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
