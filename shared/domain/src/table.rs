//! The store port: one table of items addressed by partition and sort key, with one
//! secondary index, conditional writes and all-or-nothing transactions — the shape of
//! a DynamoDB single-table design, which the embedded SQLite adapter reproduces.
//!
//! Invariants (a token used once, an application moving forward only, a cap on units)
//! are expressed as [`Cond`]itions on writes, never as read-then-write in callers.

use serde_json::{Map, Value};

/// Primary key of an item.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Key { pk: pk.into(), sk: sk.into() }
    }
}

/// One stored item: its key, an optional place in the secondary index (GSI1), an
/// optional expiry (epoch seconds; expired items are invisible and later purged), and
/// its attributes.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub key: Key,
    pub gsi1: Option<Key>,
    pub expires_at: Option<i64>,
    pub attrs: Map<String, Value>,
}

impl Item {
    pub fn new(key: Key, attrs: Map<String, Value>) -> Self {
        Item { key, gsi1: None, expires_at: None, attrs }
    }

    pub fn with_gsi1(mut self, gsi1: Key) -> Self {
        self.gsi1 = Some(gsi1);
        self
    }

    pub fn expiring_at(mut self, epoch_seconds: i64) -> Self {
        self.expires_at = Some(epoch_seconds);
        self
    }

    pub fn str(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).and_then(Value::as_str)
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.attrs.get(name).and_then(Value::as_i64)
    }
}

/// A condition on the item a write addresses, evaluated atomically with the write.
/// Comparisons are against bounds computed by the caller (DynamoDB conditions allow no
/// arithmetic). A comparison on a missing attribute is false, as in DynamoDB.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    Always,
    /// The item does not exist.
    NotExists,
    /// The item exists.
    Exists,
    /// The attribute is absent (the item may or may not exist).
    AttrAbsent(String),
    Eq(String, Value),
    /// The integer attribute is < bound.
    Lt(String, i64),
    /// The integer attribute is > bound.
    Gt(String, i64),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

impl Cond {
    pub fn eq(attr: &str, v: impl Into<Value>) -> Cond {
        Cond::Eq(attr.to_owned(), v.into())
    }

    /// Evaluates the condition against the item as it is now (`None`: no such item).
    pub fn holds(&self, current: Option<&Item>) -> bool {
        let attr = |name: &str| current.and_then(|i| i.attrs.get(name));
        match self {
            Cond::Always => true,
            Cond::NotExists => current.is_none(),
            Cond::Exists => current.is_some(),
            Cond::AttrAbsent(a) => attr(a).is_none(),
            Cond::Eq(a, v) => attr(a) == Some(v),
            Cond::Lt(a, b) => attr(a).and_then(Value::as_i64).is_some_and(|x| x < *b),
            Cond::Gt(a, b) => attr(a).and_then(Value::as_i64).is_some_and(|x| x > *b),
            Cond::And(cs) => cs.iter().all(|c| c.holds(current)),
            Cond::Or(cs) => cs.iter().any(|c| c.holds(current)),
        }
    }
}

/// Changes to one existing (or, without a condition, new) item.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Update {
    pub set: Map<String, Value>,
    /// Integer attributes to add to (a missing attribute counts as 0).
    pub add: Vec<(String, i64)>,
    pub remove: Vec<String>,
    /// Values to append to list attributes (a missing attribute counts as empty):
    /// concurrent appends all land, none is lost.
    pub append: Vec<(String, Vec<Value>)>,
    /// `Some(Some(k))` moves the item in GSI1, `Some(None)` takes it out.
    pub gsi1: Option<Option<Key>>,
    /// `Some(Some(t))` sets the expiry, `Some(None)` clears it.
    pub expires_at: Option<Option<i64>>,
}

impl Update {
    pub fn set(mut self, attr: &str, v: impl Into<Value>) -> Self {
        self.set.insert(attr.to_owned(), v.into());
        self
    }

    pub fn add(mut self, attr: &str, by: i64) -> Self {
        self.add.push((attr.to_owned(), by));
        self
    }

    pub fn remove(mut self, attr: &str) -> Self {
        self.remove.push(attr.to_owned());
        self
    }

    pub fn append(mut self, attr: &str, values: Vec<Value>) -> Self {
        self.append.push((attr.to_owned(), values));
        self
    }

    pub fn gsi1(mut self, k: Option<Key>) -> Self {
        self.gsi1 = Some(k);
        self
    }

    pub fn expires_at(mut self, t: Option<i64>) -> Self {
        self.expires_at = Some(t);
        self
    }

    /// Applies the update to a copy of `current` (or a fresh item with `key`).
    pub fn apply(&self, key: &Key, current: Option<&Item>) -> Item {
        let mut item = current.cloned().unwrap_or_else(|| Item::new(key.clone(), Map::new()));
        for (k, v) in &self.set {
            item.attrs.insert(k.clone(), v.clone());
        }
        for (k, by) in &self.add {
            let now = item.attrs.get(k).and_then(Value::as_i64).unwrap_or(0);
            item.attrs.insert(k.clone(), Value::from(now + by));
        }
        for k in &self.remove {
            item.attrs.remove(k);
        }
        for (k, vs) in &self.append {
            let mut list = match item.attrs.remove(k) {
                Some(Value::Array(l)) => l,
                _ => Vec::new(),
            };
            list.extend(vs.iter().cloned());
            item.attrs.insert(k.clone(), Value::Array(list));
        }
        if let Some(g) = &self.gsi1 {
            item.gsi1 = g.clone();
        }
        if let Some(t) = self.expires_at {
            item.expires_at = t;
        }
        item
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Write {
    Put {
        item: Item,
        cond: Cond,
    },
    Update {
        key: Key,
        update: Update,
        cond: Cond,
    },
    Delete {
        key: Key,
        cond: Cond,
    },
    /// Only checks a condition on another item (e.g. "the member still exists").
    Check {
        key: Key,
        cond: Cond,
    },
}

impl Write {
    pub fn key(&self) -> &Key {
        match self {
            Write::Put { item, .. } => &item.key,
            Write::Update { key, .. } | Write::Delete { key, .. } | Write::Check { key, .. } => key,
        }
    }

    pub fn cond(&self) -> &Cond {
        match self {
            Write::Put { cond, .. }
            | Write::Update { cond, .. }
            | Write::Delete { cond, .. }
            | Write::Check { cond, .. } => cond,
        }
    }
}

/// A page of one GSI1 partition: sort keys starting with `prefix`, strictly after
/// `after` (the last sort key of the previous page) when given, at most `limit`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexQuery {
    pub pk: String,
    pub prefix: String,
    pub after: Option<String>,
    pub limit: usize,
}

impl IndexQuery {
    pub fn new(pk: impl Into<String>, limit: usize) -> Self {
        IndexQuery { pk: pk.into(), prefix: String::new(), after: None, limit }
    }

    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    pub fn after(mut self, after: Option<String>) -> Self {
        self.after = after;
        self
    }

    /// Whether a GSI1 sort key belongs to this page's range (ignoring the limit).
    pub fn admits(&self, sk: &str) -> bool {
        sk.starts_with(&self.prefix) && self.after.as_deref().is_none_or(|a| sk > a)
    }
}

/// The most writes one transaction may hold (DynamoDB's limit).
pub const MAX_TRANSACTION_WRITES: usize = 100;

/// The cause behind an unavailable store, kept for the log (never shown to users).
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The condition of the write at `index` did not hold; nothing was written.
    #[error("condition of write {index} failed")]
    ConditionFailed { index: usize },
    /// Another transaction touched the same items at the same moment; nothing was
    /// written and the caller may retry.
    #[error("transaction conflict")]
    Conflict,
    /// The store refused the request for now (throughput exceeded); nothing was
    /// written and the caller may retry after a pause.
    #[error("store throttled the request")]
    Throttled,
    /// The request itself is invalid (two writes on one item, too many writes…).
    #[error("invalid store request: {0}")]
    Invalid(String),
    /// The store could not be reached or failed; a write may or may not have been
    /// applied, so only reads are retried blindly.
    #[error("store unavailable")]
    Unavailable(#[source] Cause),
}

impl StoreError {
    pub fn unavailable(cause: impl Into<Cause>) -> Self {
        StoreError::Unavailable(cause.into())
    }

    /// Nothing was written and the same request may succeed if sent again.
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Conflict | StoreError::Throttled)
    }
}

/// Checks what both adapters refuse before touching anything.
pub fn validate_transaction(writes: &[Write]) -> Result<(), StoreError> {
    if writes.is_empty() || writes.len() > MAX_TRANSACTION_WRITES {
        return Err(StoreError::Invalid(format!("a transaction holds 1..={MAX_TRANSACTION_WRITES} writes")));
    }
    let mut seen = std::collections::HashSet::new();
    for w in writes {
        if !seen.insert(w.key()) {
            return Err(StoreError::Invalid("two writes in one transaction address the same item".into()));
        }
    }
    Ok(())
}

#[async_trait::async_trait]
pub trait Table: Send + Sync + 'static {
    /// One item by key; an expired item reads as absent.
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError>;

    /// Every unexpired item of a partition whose sort key starts with `sk_prefix`, in
    /// sort-key order. This is one round trip however many items come back.
    async fn query(&self, pk: &str, sk_prefix: &str) -> Result<Vec<Item>, StoreError>;

    /// Items of one GSI1 partition (see [`IndexQuery`]), in GSI1 sort-key order. The
    /// index is eventually consistent. One call however many pages the store needs.
    async fn query_gsi1(&self, q: &IndexQuery) -> Result<Vec<Item>, StoreError>;

    /// Applies every write or none. Each write's condition is checked against the
    /// items as they are at that moment.
    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError>;

    /// Applies an unconditional update (creating the item if needed) and returns the
    /// item as it is afterwards; for counters and sequences.
    async fn update_returning(&self, key: &Key, update: Update) -> Result<Item, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(attrs: Value) -> Item {
        Item::new(Key::new("P", "S"), attrs.as_object().unwrap().clone())
    }

    #[test]
    fn conditions_follow_dynamodb_semantics() {
        let it = item(json!({"status": "pending", "n": 5}));
        assert!(Cond::NotExists.holds(None));
        assert!(!Cond::NotExists.holds(Some(&it)));
        assert!(Cond::eq("status", "pending").holds(Some(&it)));
        assert!(!Cond::eq("status", "pending").holds(None));
        assert!(Cond::Lt("n".into(), 6).holds(Some(&it)));
        assert!(!Cond::Lt("n".into(), 5).holds(Some(&it)));
        assert!(!Cond::Lt("missing".into(), 100).holds(Some(&it)));
        assert!(Cond::AttrAbsent("missing".into()).holds(Some(&it)));
        assert!(Cond::Or(vec![Cond::NotExists, Cond::Gt("n".into(), 4)]).holds(Some(&it)));
    }

    #[test]
    fn updates_add_to_missing_attributes_from_zero() {
        let k = Key::new("P", "S");
        let it = Update::default().add("count", 2).set("a", "b").apply(&k, None);
        assert_eq!(it.int("count"), Some(2));
        let it = Update::default().add("count", 3).remove("a").apply(&k, Some(&it));
        assert_eq!(it.int("count"), Some(5));
        assert_eq!(it.str("a"), None);
    }

    #[test]
    fn a_transaction_may_not_touch_one_item_twice() {
        let k = Key::new("P", "S");
        let w = || Write::Check { key: k.clone(), cond: Cond::Always };
        assert!(validate_transaction(&[w()]).is_ok());
        assert!(validate_transaction(&[w(), w()]).is_err());
        assert!(validate_transaction(&[]).is_err());
    }
}
