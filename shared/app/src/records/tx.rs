//! Transactions whose steps have names: a use case learns *which* of its conditions
//! failed (e.g. `SubmitConflict::AlreadySubmitted`), not a position in a list.

use portal_domain::table::{StoreError, Table, Write};

/// Writes applied all or none, each conditional write named by the refusal its failure
/// means.
#[must_use]
pub struct Tx<C> {
    writes: Vec<Write>,
    refusals: Vec<Option<C>>,
}

#[derive(Debug, thiserror::Error)]
pub enum TxError<C: std::fmt::Debug> {
    /// The named condition did not hold; nothing was written.
    #[error("refused: {0:?}")]
    Refused(C),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The refusal of a transaction without named steps: there is none.
#[derive(Clone, Copy, Debug)]
pub enum NoRefusal {}

impl Tx<NoRefusal> {
    /// A transaction of writes that are not expected to be refused.
    pub fn plain() -> Self {
        Tx::new()
    }

    /// Applies every write or none.
    pub async fn apply(self, table: &dyn Table) -> Result<(), StoreError> {
        self.run(table).await.map_err(|e| match e {
            TxError::Store(e) => e,
            TxError::Refused(never) => match never {},
        })
    }
}

impl<C: Copy + std::fmt::Debug> Default for Tx<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: Copy + std::fmt::Debug> Tx<C> {
    pub fn new() -> Self {
        Tx { writes: Vec::new(), refusals: Vec::new() }
    }

    /// A write whose condition failing means `refusal`.
    pub fn step(mut self, write: Write, refusal: C) -> Self {
        self.writes.push(write);
        self.refusals.push(Some(refusal));
        self
    }

    /// A write whose condition cannot fail in practice (no condition, or a fresh
    /// random key); if it does fail, that is a store error, not a refusal.
    pub fn write(mut self, write: Write) -> Self {
        self.writes.push(write);
        self.refusals.push(None);
        self
    }

    /// Several such writes.
    pub fn write_all(self, writes: impl IntoIterator<Item = Write>) -> Self {
        writes.into_iter().fold(self, Self::write)
    }

    pub fn writes(&self) -> &[Write] {
        &self.writes
    }

    /// Applies every write or none.
    pub async fn run(self, table: &dyn Table) -> Result<(), TxError<C>> {
        match table.transact(self.writes).await {
            Ok(()) => Ok(()),
            Err(StoreError::ConditionFailed { index }) => match self.refusals.get(index).copied().flatten() {
                Some(refusal) => Err(TxError::Refused(refusal)),
                None => Err(TxError::Store(StoreError::ConditionFailed { index })),
            },
            Err(e) => Err(TxError::Store(e)),
        }
    }
}
