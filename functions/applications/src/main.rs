//! Lambda function `applications`: the /api applications route group on DynamoDB. Only wiring here.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portal_web::telemetry::init();
    let aws = portal_aws::Aws::from_env()?; // clients built once per cold start
    let state = portal_web::state(aws.table(), &aws.base_url, &aws.session_secret().await?)?;
    portal_web::serve_group(portal_web::applications_routes::router, state).await
}
