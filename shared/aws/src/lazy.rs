//! SDK clients built on first use.
//!
//! Constructing an SDK client loads and parses the platform's trust roots (the SDK does
//! it at construction on purpose, so the first request does not). A cold start whose
//! first request needs no AWS call — a 401, a validation error, a 404 — should not pay
//! for that, and one that does pays it once either way (docs/performance.md).

use std::sync::{Arc, OnceLock};

/// Clones share one client (built once).
#[derive(Clone)]
pub(crate) struct LazyClient<C> {
    cell: Arc<OnceLock<C>>,
    make: Arc<dyn Fn() -> C + Send + Sync>,
}

impl<C: Clone + Send + Sync + 'static> LazyClient<C> {
    /// A client that `make` builds when it is first needed.
    pub(crate) fn new(make: impl Fn() -> C + Send + Sync + 'static) -> Self {
        LazyClient { cell: Arc::new(OnceLock::new()), make: Arc::new(make) }
    }

    /// An already built client (tests, emulator runs).
    pub(crate) fn ready(client: C) -> Self {
        Self::new(move || client.clone())
    }

    pub(crate) fn get(&self) -> &C {
        self.cell.get_or_init(|| (self.make)())
    }
}
