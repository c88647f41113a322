//! Structured JSON logs. Spans carry the request id; nothing logs passwords, tokens,
//! mail bodies or member numbers.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// `RUST_LOG` as a list of `level` or `target=level` (e.g. `warn,portal_app=debug`).
/// A `Targets` filter rather than `EnvFilter`: no regular expressions compiled on every
/// cold start, and none linked into the functions (docs/performance.md).
pub fn init() {
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| v.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO));
    let fmt = tracing_subscriber::fmt::layer().json().with_current_span(true).with_span_list(false).without_time(); // CloudWatch stamps each line; locally the order is enough
    let _ = tracing_subscriber::registry().with(fmt).with(filter).try_init();
}
