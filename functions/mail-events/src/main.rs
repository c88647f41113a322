//! Lambda function `mail-events`: SES bounce and complaint events (through SNS) become
//! suppressions, which the outbox sender honours. Only wiring here.

use std::sync::Arc;

use lambda_runtime::{LambdaEvent, service_fn};
use portal_app::{App, AppConfig, mail_events};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    portal_web::telemetry::init();
    let aws = portal_aws::Aws::from_env()?;
    let app = App::new(aws.table(), Arc::new(portal_domain::SystemClock), AppConfig::new(&aws.base_url));
    let app = &app;
    lambda_runtime::run(service_fn(move |e: LambdaEvent<Value>| async move {
        let n = mail_events::record_sns(app, &e.payload).await?;
        Ok::<_, lambda_runtime::Error>(serde_json::json!({ "suppressed": n }))
    }))
    .await
}
