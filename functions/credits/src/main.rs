//! Lambda function `credits`: the /api credits route group (単位情報, self-reports,
//! proof files) on DynamoDB and S3. Only wiring here.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portal_web::telemetry::init();
    let aws = portal_aws::Aws::from_env()?; // clients built once per cold start
    let state = portal_web::state(aws.table(), &aws.base_url, &aws.session_secret().await?)?.with_files(aws.files()?);
    portal_web::serve_group(portal_web::credits_routes::router, state).await
}
