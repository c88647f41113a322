//! The smallest useful DynamoDB function: a client built from the environment, one
//! `GetItem` per request — or, with `DYNAMO_LAMBDA_CALL=query`, the same Query the
//! portal's session check makes (on the emulator a Query costs more than a GetItem, so
//! the like-for-like reference is this one). The start-up benchmark (scripts/bench) holds
//! the portal's functions to it for a request with one store call: an application that
//! starts as fast as this one pays nothing for being an application.

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
    let query = std::env::var("DYNAMO_LAMBDA_CALL").is_ok_and(|v| v == "query");
    let (client, table) = (&client, table.as_str());
    lambda_http::run(service_fn(move |_: Request| async move {
        let found = if query {
            let page = client
                .query()
                .table_name(table)
                .key_condition_expression("#n0 = :v0")
                .expression_attribute_names("#n0", "pk")
                .expression_attribute_values(":v0", AttributeValue::S("MEMBER#100001".into()))
                .consistent_read(true)
                .limit(100)
                .send()
                .await?;
            !page.items().is_empty()
        } else {
            let got = client
                .get_item()
                .table_name(table)
                .key("pk", AttributeValue::S("BENCH".into()))
                .key("sk", AttributeValue::S("BENCH".into()))
                .send()
                .await?;
            got.item.is_some()
        };
        Ok::<_, Error>(Response::new(Body::from(if found { "found" } else { "none" })))
    }))
    .await
}
