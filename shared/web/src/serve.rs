//! One router, two hosts: under the Lambda runtime (`AWS_LAMBDA_RUNTIME_API` is set, as
//! on AWS and under `cargo lambda watch`) it is served by `lambda_http`; otherwise on a
//! loopback socket for debugging one function alone.

use std::net::SocketAddr;

use axum::Router;

pub async fn serve(router: Router) -> Result<(), lambda_http::Error> {
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        return lambda_http::run(router).await;
    }
    let addr = std::env::var("PORTAL_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    use axum::serve::ListenerExt;
    let listener = tokio::net::TcpListener::bind(&addr).await?.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tracing::info!(%addr, "serving without the Lambda runtime");
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await?;
    Ok(())
}
