//! Structured JSON logs. Spans carry the request id; nothing logs passwords, tokens,
//! mail bodies or member numbers.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_span_list(false)
        .without_time() // CloudWatch stamps each line; locally the order is enough
        .try_init();
}
