//! A hello-world `lambda_http` function: the baseline the start-up benchmark compares
//! the portal's functions against (scripts/bench).

use lambda_http::{Body, Error, Request, Response, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::run(service_fn(|_: Request| async { Ok::<_, Error>(Response::new(Body::from("hello"))) })).await
}
