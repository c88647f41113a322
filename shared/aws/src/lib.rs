//! AWS adapters: the store port on DynamoDB (single table) and the mailer on SES v2.
//! Endpoints come from the standard configuration (`AWS_ENDPOINT_URL`,
//! `AWS_ENDPOINT_URL_DYNAMODB`, …), so an emulator such as LocalStack or moto works
//! without code changes.

mod attrs;
mod dynamo;
mod lazy;
mod s3;
mod sdk;
mod ses;

use std::sync::Arc;

pub use dynamo::DynamoTable;
pub use s3::S3Files;
pub use ses::SesMailer;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
    #[error("reading the session secret failed: {0}")]
    Secret(String),
}

fn env(name: &'static str) -> Result<String, ConfigError> {
    std::env::var(name).ok().filter(|v| !v.is_empty()).ok_or(ConfigError::Missing(name))
}

/// The table `name` for a local run against an emulator (endpoint from the SDK's usual
/// settings, e.g. `AWS_ENDPOINT_URL`), created if it is missing.
pub async fn emulator_table(name: &str) -> Result<Arc<DynamoTable>, portal_domain::table::StoreError> {
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = aws_sdk_dynamodb::Client::new(&sdk);
    DynamoTable::create_if_missing(&client, name).await?;
    Ok(Arc::new(DynamoTable::new(client, name)))
}

/// The proof-file bucket `name` for a local run against an emulator, created if it is
/// missing.
pub async fn emulator_bucket(name: &str) -> Result<Arc<S3Files>, portal_domain::files::FilesError> {
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = S3Files::client(&sdk);
    if client.head_bucket().bucket(name).send().await.is_err() {
        let region = sdk.region().map(|r| r.to_string()).unwrap_or_else(|| "ap-northeast-1".into());
        let location = aws_sdk_s3::types::CreateBucketConfiguration::builder()
            .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(region.as_str()))
            .build();
        client
            .create_bucket()
            .bucket(name)
            .create_bucket_configuration(location)
            .send()
            .await
            .map_err(portal_domain::files::FilesError::unavailable)?;
    }
    Ok(Arc::new(S3Files::new(client, name)))
}

/// The AWS clients of one function, built once per cold start and reused.
#[derive(Clone)]
pub struct Aws {
    pub sdk: aws_config::SdkConfig,
    pub table_name: String,
    pub base_url: String,
}

impl Aws {
    /// Reads `PORTAL_TABLE` and `PORTAL_BASE_URL`, and the SDK's settings from the
    /// environment the Lambda runtime provides (see `sdk.rs`).
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Aws { sdk: sdk::from_env()?, table_name: env("PORTAL_TABLE")?, base_url: env("PORTAL_BASE_URL")? })
    }

    pub fn table(&self) -> Arc<DynamoTable> {
        let sdk = sdk::for_service(&self.sdk, "DYNAMODB");
        Arc::new(DynamoTable::lazy(move || aws_sdk_dynamodb::Client::new(&sdk), &self.table_name))
    }

    /// Proof files in the bucket `PORTAL_BUCKET`.
    pub fn files(&self) -> Result<Arc<S3Files>, ConfigError> {
        let sdk = sdk::for_service(&self.sdk, "S3");
        Ok(Arc::new(S3Files::lazy(move || S3Files::client(&sdk), &env("PORTAL_BUCKET")?)))
    }

    /// SES, sending from `PORTAL_MAIL_FROM`.
    pub fn mailer(&self) -> Result<Arc<SesMailer>, ConfigError> {
        let set = env("PORTAL_SES_CONFIGURATION_SET").ok();
        let client = aws_sdk_sesv2::Client::new(&sdk::for_service(&self.sdk, "SESV2"));
        Ok(Arc::new(SesMailer::new(client, &env("PORTAL_MAIL_FROM")?, set)))
    }

    /// The session-signing secret: `PORTAL_JWT_SECRET_ARN` (Secrets Manager, as
    /// deployed) or `PORTAL_JWT_SECRET` (local runs against an emulator).
    pub async fn session_secret(&self) -> Result<Vec<u8>, ConfigError> {
        Ok(self.secret("PORTAL_JWT_SECRET_ARN", "PORTAL_JWT_SECRET").await?.into_bytes())
    }

    /// A secret: from Secrets Manager when `<arn_var>` names one (as deployed; fetched
    /// once per cold start, never logged), else the value of `<plain_var>` (emulator
    /// runs).
    pub async fn secret(&self, arn_var: &'static str, plain_var: &'static str) -> Result<String, ConfigError> {
        if let Ok(arn) = env(arn_var) {
            let client = aws_sdk_secretsmanager::Client::new(&sdk::for_service(&self.sdk, "SECRETS_MANAGER"));
            let out = client.get_secret_value().secret_id(arn).send().await.map_err(|e| {
                ConfigError::Secret(format!("{arn_var}: {}", aws_sdk_secretsmanager::error::DisplayErrorContext(e)))
            })?;
            return out
                .secret_string
                .ok_or_else(|| ConfigError::Secret(format!("{arn_var}: the secret has no string")));
        }
        env(plain_var)
    }

    /// The payment provider's shop settings (`PORTAL_GMO_*`), the password from
    /// Secrets Manager.
    pub async fn gmo_config(&self) -> Result<portal_gmo::GmoConfig, ConfigError> {
        Ok(portal_gmo::GmoConfig {
            api_base: env("PORTAL_GMO_API_BASE")?,
            shop_id: env("PORTAL_GMO_SHOP_ID")?,
            shop_pass: self.secret("PORTAL_GMO_SHOP_PASS_ARN", "PORTAL_GMO_SHOP_PASS").await?,
            config_id: env("PORTAL_GMO_CONFIG_ID")?,
        })
    }

    /// The payment provider (GMO Payment Gateway).
    pub async fn payments(&self) -> Result<Arc<portal_gmo::GmoPayments>, ConfigError> {
        let gmo =
            portal_gmo::GmoPayments::new(self.gmo_config().await?).map_err(|e| ConfigError::Secret(e.to_string()))?;
        Ok(Arc::new(gmo))
    }

    /// Source addresses the provider's notifications may come from
    /// (`PORTAL_PROVIDER_SOURCES`, comma-separated addresses or networks; empty: any).
    pub fn provider_sources(&self) -> Vec<String> {
        std::env::var("PORTAL_PROVIDER_SOURCES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }
}
