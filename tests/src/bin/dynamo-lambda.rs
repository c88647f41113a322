//! The smallest useful DynamoDB function: a client built from the environment, one
//! `GetItem` per request. The start-up benchmark (scripts/bench) holds the portal's
//! functions to it for a request with one store call: an application that starts as fast
//! as this one pays nothing for being an application.

use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_dynamodb::types::AttributeValue;
use lambda_http::{Body, Error, Request, Response, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut conf = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(std::env::var("AWS_REGION")?))
        .credentials_provider(EnvironmentVariableCredentialsProvider::new());
    if let Ok(url) = std::env::var("AWS_ENDPOINT_URL") {
        conf = conf.endpoint_url(url);
    }
    let client = aws_sdk_dynamodb::Client::from_conf(conf.build());
    let table = std::env::var("PORTAL_TABLE")?;
    let (client, table) = (&client, table.as_str());
    lambda_http::run(service_fn(move |_: Request| async move {
        let got = client
            .get_item()
            .table_name(table)
            .key("pk", AttributeValue::S("BENCH".into()))
            .key("sk", AttributeValue::S("BENCH".into()))
            .send()
            .await?;
        Ok::<_, Error>(Response::new(Body::from(if got.item.is_some() { "found" } else { "none" })))
    }))
    .await
}
