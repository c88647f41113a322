//! Bounded retries with jittered backoff around any store. A transaction that lost to a
//! concurrent one, or a throttled request, wrote nothing and may simply be sent again;
//! after a few tries the use case answers 409 / 503 instead of failing. A write whose
//! outcome is unknown (timeout) is never resent blindly — only reads are.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use portal_domain::table::{IndexQuery, Item, Key, StoreError, Table, Update, Write};

/// Tries per call, the first included.
pub const ATTEMPTS: u32 = 4;
const BASE_MS: u64 = 20;
const CAP_MS: u64 = 400;

pub struct Retrying {
    inner: Arc<dyn Table>,
}

impl Retrying {
    pub fn new(inner: Arc<dyn Table>) -> Self {
        Retrying { inner }
    }
}

/// "Full jitter": a random pause up to an exponentially growing bound, so racing
/// requests spread out instead of colliding again in step.
fn pause(attempt: u32) -> Duration {
    let bound = (BASE_MS << attempt.min(8)).min(CAP_MS);
    Duration::from_millis(fastrand::u64(1..=bound))
}

async fn retry<T, F, Fut>(retryable: fn(&StoreError) -> bool, mut call: F) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let mut attempt = 0;
    loop {
        match call().await {
            Err(e) if retryable(&e) && attempt + 1 < ATTEMPTS => {
                tracing::debug!(error = %e, attempt, "store call retried");
                tokio::time::sleep(pause(attempt)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

fn read_retryable(e: &StoreError) -> bool {
    e.is_retryable() || matches!(e, StoreError::Unavailable(_))
}

#[async_trait]
impl Table for Retrying {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        retry(read_retryable, || self.inner.get(key)).await
    }

    async fn query(&self, pk: &str, sk_prefix: &str) -> Result<Vec<Item>, StoreError> {
        retry(read_retryable, || self.inner.query(pk, sk_prefix)).await
    }

    async fn query_gsi1(&self, q: &IndexQuery) -> Result<Vec<Item>, StoreError> {
        retry(read_retryable, || self.inner.query_gsi1(q)).await
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        retry(StoreError::is_retryable, || self.inner.transact(writes.clone())).await
    }

    async fn update_returning(&self, key: &Key, update: Update) -> Result<Item, StoreError> {
        retry(StoreError::is_retryable, || self.inner.update_returning(key, update.clone())).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_grow_but_stay_bounded() {
        for attempt in 0..20 {
            let p = pause(attempt).as_millis() as u64;
            assert!((1..=CAP_MS).contains(&p), "{attempt}: {p}");
            assert!(p <= BASE_MS << attempt.min(8));
        }
    }
}
