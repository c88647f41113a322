//! Lambda function `billing`: the /api billing route group on DynamoDB. Only wiring here.

use std::sync::Arc;

use portal_web::{AppState, SessionKeys, billing_routes};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portal_web::telemetry::init();
    let aws = portal_aws::Aws::from_env().await?; // clients built once per cold start
    let secret = aws.session_secret().await?;
    let app = portal_app::App::new(
        aws.table(),
        Arc::new(portal_domain::SystemClock),
        portal_app::AppConfig { base_url: aws.base_url.clone() },
    );
    let keys = SessionKeys::new(&secret, &aws.base_url)?;
    portal_web::serve(billing_routes::router(AppState::new(app, keys))).await
}
