//! The AWS emulator the test command starts (moto's server, or LocalStack where it can
//! run): its endpoint comes from `PORTAL_TEST_AWS_ENDPOINT`. No silent skipping — a run
//! without the emulator fails and says how to start one.
#![allow(dead_code)]

use aws_config::BehaviorVersion;
use aws_sdk_dynamodb::config::{Credentials, Region};

pub fn endpoint() -> String {
    std::env::var("PORTAL_TEST_AWS_ENDPOINT").expect(
        "PORTAL_TEST_AWS_ENDPOINT is not set: run the whole suite with `scripts/test`, which starts the AWS emulator",
    )
}

pub async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint())
        .region(Region::new("ap-northeast-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "emulator"))
        .load()
        .await
}

/// A fresh table with the production schema, named uniquely for one test.
pub async fn fresh_table() -> portal_aws::DynamoTable {
    let client = aws_sdk_dynamodb::Client::new(&sdk_config().await);
    let name = format!("portal-test-{}", uuid::Uuid::new_v4().simple());
    portal_aws::DynamoTable::create(&client, &name).await.expect("create table in the emulator");
    portal_aws::DynamoTable::new(client, &name)
}

/// LocalStack's S3 endpoint (real signature checks), from `PORTAL_TEST_S3_ENDPOINT`.
pub fn s3_endpoint() -> String {
    std::env::var("PORTAL_TEST_S3_ENDPOINT").expect(
        "PORTAL_TEST_S3_ENDPOINT is not set: run the whole suite with `scripts/test`, which starts LocalStack for S3",
    )
}

/// A fresh bucket on LocalStack, named uniquely for one test.
pub async fn fresh_bucket() -> portal_aws::S3Files {
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(s3_endpoint())
        .region(Region::new("ap-northeast-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "emulator"))
        .load()
        .await;
    let client = portal_aws::S3Files::client(&sdk);
    let name = format!("proofs-{}", uuid::Uuid::new_v4().simple());
    let location = aws_sdk_s3::types::CreateBucketConfiguration::builder()
        .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::ApNortheast1)
        .build();
    client.create_bucket().bucket(&name).create_bucket_configuration(location).send().await.expect("create bucket");
    portal_aws::S3Files::new(client, &name)
}
