//! Lambda function `payment-notify`, behind a function URL: the payment provider's
//! result notifications (checked in code: no session, no CSRF). Only wiring here.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portal_web::telemetry::init();
    let aws = portal_aws::Aws::from_env()?; // clients built once per cold start
    let state = portal_web::state_without_sessions(aws.table(), &aws.base_url)?
        .with_payments(aws.payments().await?)
        .with_provider_sources(aws.provider_sources());
    portal_web::serve_group(portal_web::payments_routes::router, state).await
}
