//! Lambda function `receipts`: 「領収書」 as PDF. The font comes from the function's
//! layer (`PORTAL_RECEIPT_FONT`, default /opt/fonts/ipaexg.ttf). Only wiring here.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portal_web::telemetry::init();
    let aws = portal_aws::Aws::from_env()?; // clients built once per cold start
    let font = std::env::var("PORTAL_RECEIPT_FONT").unwrap_or_else(|_| "/opt/fonts/ipaexg.ttf".into());
    let receipts = std::sync::Arc::new(portal_receipt::PdfReceipts::from_file(font.as_ref())?);
    let state = portal_web::state(aws.table(), &aws.base_url, &aws.session_secret().await?)?.with_receipts(receipts);
    portal_web::serve_group(portal_web::receipts_routes::router, state).await
}
