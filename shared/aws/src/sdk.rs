//! The SDK configuration of a Lambda function, read from its environment only.
//!
//! `aws_config::load_defaults` walks the whole provider chain on every cold start: profile
//! files, SSO, web identity through STS, ECS and IMDS probes. On Lambda the runtime puts
//! region and credentials in the environment, so reading them there is the same answer
//! for less start-up work and about 0.5 MiB less code (aws-config's chain and the STS
//! client are no longer linked). Retries, timeouts, TLS verification and SigV4 stay the
//! SDK's own; see docs/performance.md.

use std::time::Duration;

use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::identity::IdentityCache;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::SharedCredentialsProvider;
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};

use crate::{ConfigError, env};

/// The connect timeout the SDK's defaults use (`aws_config::timeout`).
const CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);

/// Region (`AWS_REGION`), credentials (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
/// `AWS_SESSION_TOKEN`, read when a request is signed) and an optional endpoint
/// (`AWS_ENDPOINT_URL`, for emulators), with one HTTPS client for every service client
/// so the trust roots are parsed once.
pub fn from_env() -> Result<SdkConfig, ConfigError> {
    let region = env("AWS_REGION").or_else(|_| env("AWS_DEFAULT_REGION"))?;
    let https = aws_smithy_http_client::Builder::new().tls_provider(Provider::Rustls(CryptoMode::AwsLc)).build_https();
    let mut sdk = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region))
        .credentials_provider(SharedCredentialsProvider::new(EnvironmentVariableCredentialsProvider::new()))
        .identity_cache(IdentityCache::lazy().build())
        .retry_config(RetryConfig::standard())
        .timeout_config(TimeoutConfig::builder().connect_timeout(CONNECT_TIMEOUT).build())
        .http_client(https);
    sdk.set_endpoint_url(env("AWS_ENDPOINT_URL").ok());
    Ok(sdk.build())
}

/// `sdk` with the endpoint of one service when `AWS_ENDPOINT_URL_<SERVICE>` names one
/// (the SDK's own convention, e.g. `AWS_ENDPOINT_URL_S3` for LocalStack beside moto).
pub fn for_service(sdk: &SdkConfig, service: &str) -> SdkConfig {
    let var = format!("AWS_ENDPOINT_URL_{service}");
    match std::env::var(&var).ok().filter(|v| !v.is_empty()) {
        Some(url) => sdk.to_builder().endpoint_url(url).build(),
        None => sdk.clone(),
    }
}
