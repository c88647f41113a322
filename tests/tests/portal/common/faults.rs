//! A store that fails chosen calls on purpose — a lost transaction race, throttling, a
//! timeout before or after the write was applied — to prove that every use case then
//! answers clearly (409/503, never 500), leaves nothing half-applied, and works again
//! on retry.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use portal_domain::table::{IndexQuery, Item, Key, StoreError, Table, Update, Write};

/// Which port call a fault hits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    Read,
    Transact,
    Update,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Injected {
    /// Another transaction won the race (nothing written).
    Conflict,
    /// The store is over its throughput (nothing written).
    Throttled,
    /// No answer: nothing written.
    Timeout,
    /// The write was applied but its answer was lost.
    LostReply,
}

impl Injected {
    fn error(self) -> StoreError {
        match self {
            Injected::Conflict => StoreError::Conflict,
            Injected::Throttled => StoreError::Throttled,
            Injected::Timeout | Injected::LostReply => StoreError::unavailable("injected timeout"),
        }
    }
}

#[derive(Default)]
pub struct Faults {
    planned: Mutex<VecDeque<(Call, Injected)>>,
}

impl Faults {
    /// The next `n` calls of kind `call` fail with `what`.
    pub fn fail_next(&self, call: Call, what: Injected, n: usize) {
        let mut p = self.planned.lock().unwrap();
        for _ in 0..n {
            p.push_back((call, what));
        }
    }

    pub fn clear(&self) {
        self.planned.lock().unwrap().clear();
    }

    /// Faults planned and not yet used.
    pub fn pending(&self) -> usize {
        self.planned.lock().unwrap().len()
    }

    fn take(&self, call: Call) -> Option<Injected> {
        let mut p = self.planned.lock().unwrap();
        let i = p.iter().position(|(c, _)| *c == call)?;
        p.remove(i).map(|(_, w)| w)
    }
}

pub struct FaultyTable {
    inner: Arc<dyn Table>,
    pub faults: Arc<Faults>,
}

impl FaultyTable {
    pub fn new(inner: Arc<dyn Table>, faults: Arc<Faults>) -> Self {
        FaultyTable { inner, faults }
    }
}

#[async_trait]
impl Table for FaultyTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        match self.faults.take(Call::Read) {
            Some(f) => Err(f.error()),
            None => self.inner.get(key).await,
        }
    }

    async fn query(&self, pk: &str, sk_prefix: &str) -> Result<Vec<Item>, StoreError> {
        match self.faults.take(Call::Read) {
            Some(f) => Err(f.error()),
            None => self.inner.query(pk, sk_prefix).await,
        }
    }

    async fn query_gsi1(&self, q: &IndexQuery) -> Result<Vec<Item>, StoreError> {
        match self.faults.take(Call::Read) {
            Some(f) => Err(f.error()),
            None => self.inner.query_gsi1(q).await,
        }
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        match self.faults.take(Call::Transact) {
            Some(Injected::LostReply) => {
                self.inner.transact(writes).await?;
                Err(Injected::LostReply.error())
            }
            Some(f) => Err(f.error()),
            None => self.inner.transact(writes).await,
        }
    }

    async fn update_returning(&self, key: &Key, update: Update) -> Result<Item, StoreError> {
        match self.faults.take(Call::Update) {
            Some(Injected::LostReply) => {
                self.inner.update_returning(key, update).await?;
                Err(Injected::LostReply.error())
            }
            Some(f) => Err(f.error()),
            None => self.inner.update_returning(key, update).await,
        }
    }
}
