//! The store port on SQLite. Each transaction runs under `BEGIN IMMEDIATE`, which takes
//! the database's write lock first, so conditions are checked and writes applied with
//! no other writer in between — the same all-or-nothing behaviour as DynamoDB's
//! TransactWriteItems. Like DynamoDB, conditions see items whose TTL has passed but
//! which were not yet purged; reads hide them.

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use portal_domain::table::{IndexQuery, Item, Key, StoreError, Table, Update, Write, validate_transaction};
use portal_domain::{Clock, SystemClock};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde_json::{Map, Value};

#[derive(Clone)]
pub struct SqliteTable {
    conn: Arc<Mutex<Connection>>,
    /// Decides which items have expired (the portal's clock, so tests can move it).
    clock: Arc<dyn Clock>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS items (
    pk TEXT NOT NULL,
    sk TEXT NOT NULL,
    gsi1pk TEXT,
    gsi1sk TEXT,
    expires_at INTEGER,
    attrs TEXT NOT NULL,
    PRIMARY KEY (pk, sk)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS items_gsi1 ON items (gsi1pk, gsi1sk) WHERE gsi1pk IS NOT NULL;
CREATE TABLE IF NOT EXISTS dev_provider (
    order_id TEXT PRIMARY KEY,
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dev_mailbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at TEXT NOT NULL
);
";

fn unavailable(e: rusqlite::Error) -> StoreError {
    // A busy database (another writer held the lock past the timeout) wrote nothing:
    // the caller may retry, as after DynamoDB throttling.
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
        return StoreError::Throttled;
    }
    StoreError::unavailable(e)
}

fn other(e: impl std::fmt::Display) -> StoreError {
    StoreError::unavailable(e.to_string())
}

impl SqliteTable {
    /// Opens (creating if needed) the database file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path).map_err(unavailable)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(unavailable)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(unavailable)?;
        Self::init(conn)
    }

    /// A private database in memory, for tests.
    pub fn in_memory() -> Self {
        Self::init(Connection::open_in_memory().expect("in-memory SQLite")).expect("schema")
    }

    fn init(conn: Connection) -> Result<Self, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(unavailable)?;
        conn.execute_batch(SCHEMA).map_err(unavailable)?;
        Ok(SqliteTable { conn: Arc::new(Mutex::new(conn)), clock: Arc::new(SystemClock) })
    }

    /// The same store, deciding expiry by `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    fn now(&self) -> i64 {
        self.clock.now().timestamp()
    }

    pub(crate) fn connection(&self) -> Arc<Mutex<Connection>> {
        self.conn.clone()
    }

    async fn with_conn<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| other("connection lock poisoned"))?;
            f(&mut guard)
        })
        .await
        .map_err(StoreError::unavailable)?
    }

    /// Deletes items whose expiry has passed (DynamoDB's TTL does this by itself).
    pub async fn purge_expired(&self) -> Result<usize, StoreError> {
        let now = self.now();
        self.with_conn(move |c| {
            c.execute("DELETE FROM items WHERE expires_at IS NOT NULL AND expires_at <= ?1", params![now])
                .map_err(unavailable)
        })
        .await
    }
}

const COLUMNS: &str = "pk, sk, gsi1pk, gsi1sk, expires_at, attrs";

fn row_to_item(row: &rusqlite::Row<'_>) -> rusqlite::Result<Item> {
    let gsi1 = match (row.get::<_, Option<String>>(2)?, row.get::<_, Option<String>>(3)?) {
        (Some(pk), Some(sk)) => Some(Key { pk, sk }),
        _ => None,
    };
    let attrs: String = row.get(5)?;
    let attrs: Map<String, Value> = serde_json::from_str(&attrs).unwrap_or_default();
    Ok(Item { key: Key { pk: row.get(0)?, sk: row.get(1)? }, gsi1, expires_at: row.get(4)?, attrs })
}

fn visible(item: &Item, now: i64) -> bool {
    item.expires_at.is_none_or(|t| t > now)
}

fn load(c: &Connection, key: &Key) -> Result<Option<Item>, StoreError> {
    c.query_row(&format!("SELECT {COLUMNS} FROM items WHERE pk = ?1 AND sk = ?2"), params![key.pk, key.sk], row_to_item)
        .optional()
        .map_err(unavailable)
}

fn store(c: &Connection, item: &Item) -> Result<(), StoreError> {
    let attrs = serde_json::to_string(&item.attrs).map_err(other)?;
    c.execute(
        "INSERT OR REPLACE INTO items (pk, sk, gsi1pk, gsi1sk, expires_at, attrs) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            item.key.pk,
            item.key.sk,
            item.gsi1.as_ref().map(|g| &g.pk),
            item.gsi1.as_ref().map(|g| &g.sk),
            item.expires_at,
            attrs
        ],
    )
    .map_err(unavailable)?;
    Ok(())
}

fn delete(c: &Connection, key: &Key) -> Result<(), StoreError> {
    c.execute("DELETE FROM items WHERE pk = ?1 AND sk = ?2", params![key.pk, key.sk]).map_err(unavailable)?;
    Ok(())
}

/// Rows whose `col` starts with `prefix`: a range scan on the index, not a LIKE (which
/// would treat `%` and `_` in keys as wildcards).
fn prefix_bounds(prefix: &str) -> (String, String) {
    (prefix.to_owned(), format!("{prefix}\u{10FFFF}"))
}

#[async_trait]
impl Table for SqliteTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        let (key, now) = (key.clone(), self.now());
        self.with_conn(move |c| Ok(load(c, &key)?.filter(|i| visible(i, now)))).await
    }

    async fn query(&self, pk: &str, sk_prefix: &str) -> Result<Vec<Item>, StoreError> {
        let (pk, (lo, hi), now) = (pk.to_owned(), prefix_bounds(sk_prefix), self.now());
        self.with_conn(move |c| {
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM items WHERE pk = ?1 AND sk >= ?2 AND sk < ?3 ORDER BY sk"
                ))
                .map_err(unavailable)?;
            let rows = stmt.query_map(params![pk, lo, hi], row_to_item).map_err(unavailable)?;
            rows.map(|r| r.map_err(unavailable)).filter(|r| r.as_ref().map_or(true, |i| visible(i, now))).collect()
        })
        .await
    }

    async fn query_gsi1(&self, q: &IndexQuery) -> Result<Vec<Item>, StoreError> {
        let (lo, hi) = prefix_bounds(&q.prefix);
        let (q, now) = (q.clone(), self.now());
        self.with_conn(move |c| {
            // Expired items are skipped after the LIMIT, as DynamoDB applies its limit
            // before filtering: a caller may get fewer than `limit` items.
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM items WHERE gsi1pk = ?1 AND gsi1sk >= ?2 AND gsi1sk < ?3 AND gsi1sk > ?4 ORDER BY gsi1sk LIMIT ?5"
                ))
                .map_err(unavailable)?;
            let after = q.after.unwrap_or_default();
            let rows = stmt.query_map(params![q.pk, lo, hi, after, q.limit as i64], row_to_item).map_err(unavailable)?;
            rows.map(|r| r.map_err(unavailable)).filter(|r| r.as_ref().map_or(true, |i| visible(i, now))).collect()
        })
        .await
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        validate_transaction(&writes)?;
        self.with_conn(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(unavailable)?;
            // Check every condition first, against the items as they are now…
            let mut current = Vec::with_capacity(writes.len());
            for (index, w) in writes.iter().enumerate() {
                let item = load(&tx, w.key())?;
                if !w.cond().holds(item.as_ref()) {
                    return Err(StoreError::ConditionFailed { index }); // dropping tx rolls back
                }
                current.push(item);
            }
            // …then apply them all.
            for (w, item) in writes.iter().zip(current) {
                match w {
                    Write::Put { item: new, .. } => store(&tx, new)?,
                    Write::Update { key, update, .. } => store(&tx, &update.apply(key, item.as_ref()))?,
                    Write::Delete { key, .. } => delete(&tx, key)?,
                    Write::Check { .. } => {}
                }
            }
            tx.commit().map_err(unavailable)
        })
        .await
    }

    async fn update_returning(&self, key: &Key, update: Update) -> Result<Item, StoreError> {
        let key = key.clone();
        self.with_conn(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(unavailable)?;
            let item = update.apply(&key, load(&tx, &key)?.as_ref());
            store(&tx, &item)?;
            tx.commit().map_err(unavailable)?;
            Ok(item)
        })
        .await
    }
}
