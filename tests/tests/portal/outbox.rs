//! The mail outbox: mails written with their cause are delivered, retried with backoff
//! when the mail service fails, parked (never lost) when it keeps failing, and marked
//! sent exactly once even with several senders. Also SES on the emulator.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::common::TestClock;
use async_trait::async_trait;
use portal_app::{App, AppConfig, outbox};
use portal_domain::mail::{MailError, Mailer};
use portal_domain::table::Table;
use portal_domain::{Email, Mail};

/// A mail service that fails the first `failures` sends, then records what it gets.
#[derive(Default)]
struct FlakyMailer {
    failures: AtomicUsize,
    sent: Mutex<Vec<Mail>>,
    permanent: bool,
}

#[async_trait]
impl Mailer for FlakyMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        if self.failures.load(Ordering::SeqCst) > 0 {
            self.failures.fetch_sub(1, Ordering::SeqCst);
            return Err(if self.permanent {
                MailError::Permanent("rejected".into())
            } else {
                MailError::Transient("throttled".into())
            });
        }
        tokio::task::yield_now().await;
        self.sent.lock().unwrap().push(mail.clone());
        Ok(())
    }
}

fn app_on(table: Arc<dyn Table>) -> (App, Arc<TestClock>) {
    let clock = Arc::new(TestClock::default());
    (App::new(table, clock.clone(), AppConfig::new("http://127.0.0.1:3000")), clock)
}

fn mail(n: usize) -> Mail {
    Mail { to: Email::parse("m100001@example.jp").unwrap(), subject: format!("件名{n}"), body: "本文".into() }
}

async fn enqueue(app: &App, n: usize) {
    for i in 0..n {
        app.table.transact(vec![outbox::enqueue(app, &mail(i))]).await.unwrap();
    }
}

async fn retries_with_backoff_then_delivers(table: Arc<dyn Table>) {
    let (app, clock) = app_on(table);
    enqueue(&app, 1).await;
    let mailer = FlakyMailer { failures: AtomicUsize::new(2), ..Default::default() };
    assert_eq!(
        outbox::deliver_due(&app, &mailer, 10).await.unwrap(),
        outbox::Delivery { sent: 0, retried: 1, failed: 0 }
    );
    // Not due again until the backoff has passed.
    assert_eq!(outbox::deliver_due(&app, &mailer, 10).await.unwrap(), outbox::Delivery::default());
    clock.advance(outbox::backoff_secs(1));
    assert_eq!(outbox::deliver_due(&app, &mailer, 10).await.unwrap().retried, 1);
    clock.advance(outbox::backoff_secs(2));
    assert_eq!(outbox::deliver_due(&app, &mailer, 10).await.unwrap().sent, 1);
    clock.advance(3600);
    assert_eq!(outbox::deliver_due(&app, &mailer, 10).await.unwrap(), outbox::Delivery::default(), "sent once only");
    assert_eq!(mailer.sent.lock().unwrap().len(), 1);
}

async fn a_rejected_mail_is_parked_not_lost(table: Arc<dyn Table>) {
    let (app, _) = app_on(table.clone());
    enqueue(&app, 1).await;
    let mailer = FlakyMailer { failures: AtomicUsize::new(1), permanent: true, ..Default::default() };
    assert_eq!(outbox::deliver_due(&app, &mailer, 10).await.unwrap().failed, 1);
    let parked = table.query_gsi1(&portal_domain::table::IndexQuery::new("OUTBOX#FAILED", 10)).await.unwrap();
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].str("status"), Some("failed"));
    assert_eq!(parked[0].str("subject"), Some("件名0"), "the mail itself is kept");
}

async fn concurrent_senders_send_each_mail_once(table: Arc<dyn Table>) {
    let (app, _) = app_on(table);
    enqueue(&app, 12).await;
    let mailer = Arc::new(FlakyMailer::default());
    let senders: Vec<_> = (0..4)
        .map(|_| {
            let (app, mailer) = (app.clone(), mailer.clone());
            tokio::spawn(async move { outbox::deliver_due(&app, mailer.as_ref(), 100).await.unwrap().sent })
        })
        .collect();
    let mut sent = 0;
    for s in senders {
        sent += s.await.unwrap();
    }
    assert_eq!(sent, 12);
    let mut subjects: Vec<String> = mailer.sent.lock().unwrap().iter().map(|m| m.subject.clone()).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 12, "no mail twice");
}

/// A permanent bounce (through SNS from SES) suppresses the address: its mails are
/// parked with the reason, never sent again; other addresses are unaffected.
async fn a_bounced_address_is_never_mailed_again(table: Arc<dyn Table>) {
    let (app, _) = app_on(table.clone());
    let sns = serde_json::json!({ "Records": [{ "EventSource": "aws:sns", "Sns": { "Message":
        r#"{"eventType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"NoEmail","bouncedRecipients":[{"emailAddress":"M100001@example.jp"}]}}"# } }] });
    assert_eq!(portal_app::mail_events::record_sns(&app, &sns).await.unwrap(), 1);
    enqueue(&app, 1).await;
    let other =
        Mail { to: Email::parse("m100002@example.jp").unwrap(), subject: "届く".into(), body: "本文".into() };
    app.table.transact(vec![outbox::enqueue(&app, &other)]).await.unwrap();
    let mailer = FlakyMailer::default();
    let d = outbox::deliver_due(&app, &mailer, 10).await.unwrap();
    assert_eq!((d.sent, d.failed), (1, 1));
    assert_eq!(mailer.sent.lock().unwrap()[0].to.as_str(), "m100002@example.jp");
    let parked = table.query_gsi1(&portal_domain::table::IndexQuery::new("OUTBOX#FAILED", 10)).await.unwrap();
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].str("status"), Some("suppressed"));
    assert!(parked[0].str("last_error").unwrap().contains("bounce"), "staff see why");
}

macro_rules! outbox_tests {
    ($adapter:ident, $make:expr) => {
        mod $adapter {
            use super::*;
            #[tokio::test]
            async fn retries_with_backoff_then_delivers() {
                super::retries_with_backoff_then_delivers($make).await
            }
            #[tokio::test]
            async fn a_rejected_mail_is_parked_not_lost() {
                super::a_rejected_mail_is_parked_not_lost($make).await
            }
            #[tokio::test]
            async fn a_bounced_address_is_never_mailed_again() {
                super::a_bounced_address_is_never_mailed_again($make).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn concurrent_senders_send_each_mail_once() {
                super::concurrent_senders_send_each_mail_once($make).await
            }
        }
    };
}

outbox_tests!(sqlite, Arc::new(portal_store_sqlite::SqliteTable::in_memory()));
outbox_tests!(dynamodb, Arc::new(common::emulator::fresh_table().await));

/// The SES adapter delivers a Japanese mail through the emulator's SES v2 API.
#[tokio::test]
async fn ses_sends_japanese_mail_through_the_emulator() {
    let sdk = common::emulator::sdk_config().await;
    let ses = aws_sdk_sesv2::Client::new(&sdk);
    let from = "no-reply@portal.example.jp";
    ses.create_email_identity().email_identity(from).send().await.unwrap();
    let mailer = portal_aws::SesMailer::new(ses, from, None);
    let subject = format!("【日本循環器学会】テスト {}", uuid::Uuid::new_v4().simple());
    let m = Mail {
        to: Email::parse("m100001@example.jp").unwrap(),
        subject: subject.clone(),
        body: "循環 太郎 様\n本文です。".into(),
    };
    mailer.send(&m).await.unwrap();
    let data: serde_json::Value = reqwest::get(format!("{}/moto-api/data.json", common::emulator::endpoint()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(data.to_string().contains(&subject), "the emulator received the mail");
}
