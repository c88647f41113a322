//! Bounces and complaints from the mail service (SES, through SNS): an address that
//! bounced permanently or complained is recorded as suppressed, and the outbox never
//! mails it again (the mail is parked with the reason, for staff to see).

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::records::{self, Suppression, SuppressionRecord, Tx, When};
use crate::{App, Fault};

/// One SES event as SNS delivers it (the `Message` of an SNS record).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesEvent {
    /// Configuration-set events say `eventType`, identity notifications `notificationType`.
    #[serde(default, alias = "notificationType")]
    event_type: String,
    #[serde(default)]
    bounce: Option<Bounce>,
    #[serde(default)]
    complaint: Option<Complaint>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bounce {
    #[serde(default)]
    bounce_type: String,
    #[serde(default)]
    bounce_sub_type: String,
    #[serde(default)]
    bounced_recipients: Vec<Recipient>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Complaint {
    #[serde(default)]
    complaint_feedback_type: Option<String>,
    #[serde(default)]
    complained_recipients: Vec<Recipient>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recipient {
    email_address: String,
}

/// The suppressions an SES event calls for: permanent bounces and complaints. A
/// transient bounce (full mailbox) is left to the outbox's retries.
pub fn suppressions(message: &str, at: DateTime<Utc>) -> Result<Vec<Suppression>, serde_json::Error> {
    let e: SesEvent = serde_json::from_str(message)?;
    let mut out = Vec::new();
    match (e.event_type.as_str(), e.bounce, e.complaint) {
        ("Bounce", Some(b), _) if b.bounce_type == "Permanent" => {
            for r in b.bounced_recipients {
                out.push(Suppression {
                    address: r.email_address.trim().to_lowercase(),
                    reason: "bounce".into(),
                    detail: format!("{} / {}", b.bounce_type, b.bounce_sub_type),
                    at,
                });
            }
        }
        ("Complaint", _, Some(c)) => {
            for r in c.complained_recipients {
                out.push(Suppression {
                    address: r.email_address.trim().to_lowercase(),
                    reason: "complaint".into(),
                    detail: c.complaint_feedback_type.clone().unwrap_or_else(|| "complaint".into()),
                    at,
                });
            }
        }
        _ => {}
    }
    out.retain(|s| s.address.contains('@') && s.address.len() <= 254);
    Ok(out)
}

/// Records the suppressions of one SES event (idempotent: the same event twice
/// writes the same items). Returns how many addresses were suppressed.
pub async fn record(app: &App, message: &str) -> Result<usize, Fault> {
    let list = match suppressions(message, app.clock.now()) {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(error = %e, "mail event not understood; ignored");
            return Ok(0);
        }
    };
    for s in &list {
        let item = records::item::<SuppressionRecord>(SuppressionRecord::key(&s.address), s);
        Tx::plain().write(records::put(item, When::always())).apply(app.table.as_ref()).await?;
        tracing::info!(reason = %s.reason, "address suppressed");
    }
    Ok(list.len())
}

/// An SNS delivery to Lambda: each record's `Sns.Message` is one SES event.
pub async fn record_sns(app: &App, event: &serde_json::Value) -> Result<usize, Fault> {
    let mut n = 0;
    for r in event["Records"].as_array().map(Vec::as_slice).unwrap_or_default() {
        if let Some(message) = r["Sns"]["Message"].as_str() {
            n += record(app, message).await?;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permanent_bounces_and_complaints_suppress_transient_bounces_do_not() {
        let at = Utc::now();
        let bounce = r#"{"eventType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"M100003@Example.jp"}]},"mail":{}}"#;
        let s = suppressions(bounce, at).unwrap();
        assert_eq!((s[0].address.as_str(), s[0].reason.as_str()), ("m100003@example.jp", "bounce"));
        let soft = r#"{"notificationType":"Bounce","bounce":{"bounceType":"Transient","bounceSubType":"MailboxFull","bouncedRecipients":[{"emailAddress":"a@example.jp"}]}}"#;
        assert!(suppressions(soft, at).unwrap().is_empty());
        let complaint = r#"{"eventType":"Complaint","complaint":{"complaintFeedbackType":"abuse","complainedRecipients":[{"emailAddress":"b@example.jp"}]}}"#;
        assert_eq!(suppressions(complaint, at).unwrap()[0].detail, "abuse");
        assert!(suppressions("not json", at).is_err());
        assert!(suppressions(r#"{"eventType":"Delivery"}"#, at).unwrap().is_empty());
    }
}
