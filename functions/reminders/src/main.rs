//! Lambda function `reminders`: the daily run of 更新申請のご案内 (EventBridge
//! schedule). The mails go to the outbox, which the outbox sender delivers. Only wiring.

use std::sync::Arc;

use lambda_runtime::{LambdaEvent, service_fn};
use portal_app::{App, AppConfig, reminders};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    portal_web::telemetry::init();
    let aws = portal_aws::Aws::from_env()?;
    let app = App::new(aws.table(), Arc::new(portal_domain::SystemClock), AppConfig::new(&aws.base_url));
    lambda_runtime::run(service_fn(|_: LambdaEvent<Value>| async {
        let run = reminders::run(&app, "schedule").await?;
        Ok::<_, lambda_runtime::Error>(
            serde_json::json!({ "members": run.members, "sent": run.sent, "already": run.already }),
        )
    }))
    .await
}
