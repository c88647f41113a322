//! Lambda function `billing`: the /api billing route group (会費請求/入金状況, checkout,
//! postal slip) on DynamoDB, with the payment provider. Only wiring here.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portal_web::telemetry::init();
    let aws = portal_aws::Aws::from_env()?; // clients built once per cold start
    let state = portal_web::state(aws.table(), &aws.base_url, &aws.session_secret().await?)?;
    portal_web::serve_group(portal_web::billing_routes::router, state.with_payments(aws.payments().await?)).await
}
