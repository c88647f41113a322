//! Lambda function `outbox-sender`: delivers due mails from the outbox through SES.
//! Triggered by the table's stream when a mail is written and by a schedule (retries
//! with backoff); either way it drains what is due, claiming each mail first, so two
//! overlapping invocations never send one mail twice.

use std::sync::Arc;

use lambda_runtime::{LambdaEvent, service_fn};
use portal_app::{App, AppConfig, outbox};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    portal_web::telemetry::init();
    let aws = portal_aws::Aws::from_env().await?;
    let mailer = aws.mailer()?;
    let app = App::new(aws.table(), Arc::new(portal_domain::SystemClock), AppConfig { base_url: aws.base_url.clone() });
    lambda_runtime::run(service_fn(|_: LambdaEvent<Value>| {
        let (app, mailer) = (app.clone(), mailer.clone());
        async move {
            let mut total = outbox::Delivery::default();
            // Drain in pages until nothing due is left (bounded by the function timeout).
            loop {
                let d = outbox::deliver_due(&app, mailer.as_ref(), 25).await?;
                let done = d.sent + d.retried + d.failed == 0;
                total.sent += d.sent;
                total.retried += d.retried;
                total.failed += d.failed;
                if done {
                    break;
                }
            }
            tracing::info!(sent = total.sent, retried = total.retried, failed = total.failed, "outbox drained");
            Ok::<_, lambda_runtime::Error>(
                json!({ "sent": total.sent, "retried": total.retried, "failed": total.failed }),
            )
        }
    }))
    .await
}
