//! Lambda function `outbox-sender`: delivers due mails from the outbox through SES.
//! Triggered by the table's stream when a mail is written and by a schedule (retries
//! with backoff); either way it drains what is due (`outbox::drain`) and publishes how
//! long the oldest waiting mail has been due. Only wiring here.

use std::sync::Arc;

use lambda_runtime::{LambdaEvent, service_fn};
use portal_app::{App, AppConfig, outbox};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    portal_web::telemetry::init();
    let aws = portal_aws::Aws::from_env()?;
    let mailer = aws.mailer()?;
    let app = App::new(aws.table(), Arc::new(portal_domain::SystemClock), AppConfig::new(&aws.base_url));
    lambda_runtime::run(service_fn(|_: LambdaEvent<Value>| async {
        let d = outbox::drain(&app, mailer.as_ref()).await?;
        let age = outbox::oldest_due_age(&app).await?;
        portal_web::metrics::emit("OutboxOldestDueAgeSeconds", age as f64, "Seconds", &[]);
        tracing::info!(sent = d.sent, retried = d.retried, failed = d.failed, "outbox drained");
        Ok::<_, lambda_runtime::Error>(serde_json::json!({ "sent": d.sent, "retried": d.retried, "failed": d.failed }))
    }))
    .await
}
