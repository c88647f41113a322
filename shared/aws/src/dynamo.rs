//! The store port on one DynamoDB table (`pk`/`sk`, GSI `gsi1` on `gsi1pk`/`gsi1sk`,
//! TTL on `ttl`). Reads are strongly consistent (except the GSI, which cannot be); a
//! single write is one conditional Put/Update/Delete, several are one
//! TransactWriteItems — all or nothing, conditions checked atomically.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, Delete, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, Put, ReturnValue, ScalarAttributeType, TransactWriteItem, Update as DynUpdate,
};
use portal_domain::table::{Cond, IndexQuery, Item, Key, StoreError, Table, Update, Write, validate_transaction};
use portal_domain::{Clock, SystemClock};
use std::sync::Arc;

use crate::attrs::{self, GSI1PK, GSI1SK, PK, SK, TTL};
use crate::lazy::LazyClient;

pub const GSI1: &str = "gsi1";

#[derive(Clone)]
pub struct DynamoTable {
    client: LazyClient<Client>,
    table: String,
    /// Decides which items have expired (TTL deletion itself is lazy).
    clock: Arc<dyn Clock>,
}

/// Service error codes that mean "nothing was written, slow down and try again".
const THROTTLING: [&str; 4] =
    ["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded", "ThrottlingError"];

/// A failed call as the port's error: conflicts and throttling are told apart (the
/// caller retries those), everything else keeps the SDK error as its cause.
fn classify<E, R>(err: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let code = err.as_service_error().and_then(|e| e.code()).map(str::to_owned);
    match code.as_deref() {
        Some("ConditionalCheckFailedException") => StoreError::ConditionFailed { index: 0 },
        Some("TransactionConflictException") => StoreError::Conflict,
        Some(c) if THROTTLING.contains(&c) => StoreError::Throttled,
        _ => StoreError::unavailable(err),
    }
}

fn invalid<E: std::fmt::Display>(e: E) -> StoreError {
    StoreError::Invalid(e.to_string())
}

/// TTL deletion is lazy (up to days late): reads hide expired items themselves.
fn visible(item: &Item, now: i64) -> bool {
    item.expires_at.is_none_or(|t| t > now)
}

/// Placeholders for one expression: `#n0` names, `:v0` values.
#[derive(Default)]
struct Expr {
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Expr {
    fn name(&mut self, attr: &str) -> String {
        if let Some((k, _)) = self.names.iter().find(|(_, v)| *v == attr) {
            return k.clone();
        }
        let k = format!("#n{}", self.names.len());
        self.names.insert(k.clone(), attr.to_owned());
        k
    }

    fn value(&mut self, v: AttributeValue) -> String {
        let k = format!(":v{}", self.values.len());
        self.values.insert(k.clone(), v);
        k
    }

    fn cond(&mut self, c: &Cond) -> Option<String> {
        Some(match c {
            Cond::Always => return None,
            Cond::NotExists => format!("attribute_not_exists({})", self.name(PK)),
            Cond::Exists => format!("attribute_exists({})", self.name(PK)),
            Cond::AttrAbsent(a) => format!("attribute_not_exists({})", self.name(a)),
            Cond::Eq(a, v) => format!("{} = {}", self.name(a), self.value(attrs::to_av(v))),
            Cond::Lt(a, b) => format!("{} < {}", self.name(a), self.value(AttributeValue::N(b.to_string()))),
            Cond::Gt(a, b) => format!("{} > {}", self.name(a), self.value(AttributeValue::N(b.to_string()))),
            Cond::And(cs) | Cond::Or(cs) => {
                let op = if matches!(c, Cond::And(_)) { " AND " } else { " OR " };
                let parts: Vec<String> = cs.iter().filter_map(|c| self.cond(c)).map(|s| format!("({s})")).collect();
                if parts.is_empty() {
                    return None;
                }
                parts.join(op)
            }
        })
    }

    fn update(&mut self, u: &Update) -> String {
        let mut set = Vec::new();
        let mut add = Vec::new();
        let mut remove: Vec<String> = u.remove.iter().map(|a| self.name(a)).collect();
        for (k, v) in &u.set {
            set.push(format!("{} = {}", self.name(k), self.value(attrs::to_av(v))));
        }
        for (k, by) in &u.add {
            add.push(format!("{} {}", self.name(k), self.value(AttributeValue::N(by.to_string()))));
        }
        for (k, vs) in &u.append {
            let (name, empty) = (self.name(k), self.value(AttributeValue::L(Vec::new())));
            let values = self.value(AttributeValue::L(vs.iter().map(attrs::to_av).collect()));
            set.push(format!("{name} = list_append(if_not_exists({name}, {empty}), {values})"));
        }
        match &u.gsi1 {
            Some(Some(g)) => {
                set.push(format!("{} = {}", self.name(GSI1PK), self.value(AttributeValue::S(g.pk.clone()))));
                set.push(format!("{} = {}", self.name(GSI1SK), self.value(AttributeValue::S(g.sk.clone()))));
            }
            Some(None) => remove.extend([self.name(GSI1PK), self.name(GSI1SK)]),
            None => {}
        }
        match u.expires_at {
            Some(Some(t)) => set.push(format!("{} = {}", self.name(TTL), self.value(AttributeValue::N(t.to_string())))),
            Some(None) => remove.push(self.name(TTL)),
            None => {}
        }
        let mut clauses = Vec::new();
        if !set.is_empty() {
            clauses.push(format!("SET {}", set.join(", ")));
        }
        if !add.is_empty() {
            clauses.push(format!("ADD {}", add.join(", ")));
        }
        if !remove.is_empty() {
            clauses.push(format!("REMOVE {}", remove.join(", ")));
        }
        clauses.join(" ")
    }

    fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    fn values(&self) -> Option<HashMap<String, AttributeValue>> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }
}

impl DynamoTable {
    pub fn new(client: Client, table: &str) -> Self {
        DynamoTable { client: LazyClient::ready(client), table: table.to_owned(), clock: Arc::new(SystemClock) }
    }

    /// The table `table`, its client built by `make` on the first call (`lazy.rs`).
    pub fn lazy(make: impl Fn() -> Client + Send + Sync + 'static, table: &str) -> Self {
        DynamoTable { client: LazyClient::new(make), table: table.to_owned(), clock: Arc::new(SystemClock) }
    }

    /// The same table, deciding expiry by `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    fn now(&self) -> i64 {
        self.clock.now().timestamp()
    }

    /// Creates the table as the SAM template does (for emulators and tests).
    pub async fn create(client: &Client, table: &str) -> Result<(), StoreError> {
        let attr =
            |n: &str| AttributeDefinition::builder().attribute_name(n).attribute_type(ScalarAttributeType::S).build();
        let key = |n: &str, t| KeySchemaElement::builder().attribute_name(n).key_type(t).build();
        let gsi = GlobalSecondaryIndex::builder()
            .index_name(GSI1)
            .key_schema(key(GSI1PK, KeyType::Hash).map_err(invalid)?)
            .key_schema(key(GSI1SK, KeyType::Range).map_err(invalid)?)
            .projection(Projection::builder().projection_type(ProjectionType::All).build())
            .build()
            .map_err(invalid)?;
        client
            .create_table()
            .table_name(table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr(PK).map_err(invalid)?)
            .attribute_definitions(attr(SK).map_err(invalid)?)
            .attribute_definitions(attr(GSI1PK).map_err(invalid)?)
            .attribute_definitions(attr(GSI1SK).map_err(invalid)?)
            .key_schema(key(PK, KeyType::Hash).map_err(invalid)?)
            .key_schema(key(SK, KeyType::Range).map_err(invalid)?)
            .global_secondary_indexes(gsi)
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }

    /// Creates the table unless it exists (local emulators only; on AWS the SAM
    /// template owns the table).
    pub async fn create_if_missing(client: &Client, table: &str) -> Result<(), StoreError> {
        match client.describe_table().table_name(table).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => {
                Self::create(client, table).await
            }
            Err(e) => Err(classify(e)),
        }
    }

    fn transact_item(&self, w: &Write) -> Result<TransactWriteItem, StoreError> {
        let mut e = Expr::default();
        let cond = e.cond(w.cond());
        let b = TransactWriteItem::builder();
        let built = match w {
            Write::Put { item, .. } => b.put(
                Put::builder()
                    .table_name(&self.table)
                    .set_item(Some(attrs::item_to_map(item)))
                    .set_condition_expression(cond)
                    .set_expression_attribute_names(e.names())
                    .set_expression_attribute_values(e.values())
                    .build()
                    .map_err(invalid)?,
            ),
            Write::Update { key, update, .. } => {
                let expr = e.update(update);
                b.update(
                    DynUpdate::builder()
                        .table_name(&self.table)
                        .set_key(Some(attrs::key_map(key)))
                        .update_expression(expr)
                        .set_condition_expression(cond)
                        .set_expression_attribute_names(e.names())
                        .set_expression_attribute_values(e.values())
                        .build()
                        .map_err(invalid)?,
                )
            }
            Write::Delete { key, .. } => b.delete(
                Delete::builder()
                    .table_name(&self.table)
                    .set_key(Some(attrs::key_map(key)))
                    .set_condition_expression(cond)
                    .set_expression_attribute_names(e.names())
                    .set_expression_attribute_values(e.values())
                    .build()
                    .map_err(invalid)?,
            ),
            Write::Check { key, .. } => b.condition_check(
                ConditionCheck::builder()
                    .table_name(&self.table)
                    .set_key(Some(attrs::key_map(key)))
                    .condition_expression(
                        cond.unwrap_or_else(|| "attribute_exists(#n0) OR attribute_not_exists(#n0)".into()),
                    )
                    .set_expression_attribute_names(
                        e.names().or_else(|| Some(HashMap::from([("#n0".into(), PK.into())]))),
                    )
                    .set_expression_attribute_values(e.values())
                    .build()
                    .map_err(invalid)?,
            ),
        };
        Ok(built.build())
    }

    /// One write alone, without a transaction (half the cost on DynamoDB). The request
    /// is the same one `transact_item` builds, sent as the matching single operation.
    async fn single(&self, w: &Write) -> Result<(), StoreError> {
        let op = self.transact_item(w)?;
        if let Some(p) = op.put {
            self.client
                .get()
                .put_item()
                .table_name(p.table_name)
                .set_item(Some(p.item))
                .set_condition_expression(p.condition_expression)
                .set_expression_attribute_names(p.expression_attribute_names)
                .set_expression_attribute_values(p.expression_attribute_values)
                .send()
                .await
                .map(drop)
                .map_err(classify)
        } else if let Some(u) = op.update {
            self.client
                .get()
                .update_item()
                .table_name(u.table_name)
                .set_key(Some(u.key))
                .update_expression(u.update_expression)
                .set_condition_expression(u.condition_expression)
                .set_expression_attribute_names(u.expression_attribute_names)
                .set_expression_attribute_values(u.expression_attribute_values)
                .send()
                .await
                .map(drop)
                .map_err(classify)
        } else if let Some(d) = op.delete {
            self.client
                .get()
                .delete_item()
                .table_name(d.table_name)
                .set_key(Some(d.key))
                .set_condition_expression(d.condition_expression)
                .set_expression_attribute_names(d.expression_attribute_names)
                .set_expression_attribute_values(d.expression_attribute_values)
                .send()
                .await
                .map(drop)
                .map_err(classify)
        } else {
            // A lone condition check has no single-item operation.
            self.transaction(std::slice::from_ref(w)).await
        }
    }

    async fn transaction(&self, writes: &[Write]) -> Result<(), StoreError> {
        let items = writes.iter().map(|w| self.transact_item(w)).collect::<Result<Vec<_>, _>>()?;
        match self.client.get().transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(()),
            Err(err) => Err(transaction_error(err)),
        }
    }
}

impl DynamoTable {
    /// Items of one partition of the table (`index` None, strongly consistent) or of
    /// GSI1 (eventually consistent, as GSIs are): sort keys starting with `prefix`
    /// (and after `after`), following pages up to `limit` items.
    async fn query_pages(
        &self,
        index: Option<&str>,
        pk: &str,
        prefix: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Item>, StoreError> {
        let (pk_attr, sk_attr) = if index.is_some() { (GSI1PK, GSI1SK) } else { (PK, SK) };
        let sk_of =
            |i: &Item| if index.is_some() { i.gsi1.as_ref().map(|g| g.sk.clone()) } else { Some(i.key.sk.clone()) };
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let mut e = Expr::default();
            let mut kc = format!("{} = {}", e.name(pk_attr), e.value(AttributeValue::S(pk.to_owned())));
            // A key condition holds one sort-key comparison: after a cursor it is `>`,
            // and the prefix is then checked here (keys come in order, so the first
            // key past the prefix ends the range).
            match after {
                Some(a) => {
                    let (name, value) = (e.name(sk_attr), e.value(AttributeValue::S(a.to_owned())));
                    kc = format!("{kc} AND {name} > {value}");
                }
                None if !prefix.is_empty() => {
                    let (name, value) = (e.name(sk_attr), e.value(AttributeValue::S(prefix.to_owned())));
                    kc = format!("{kc} AND begins_with({name}, {value})");
                }
                None => {}
            }
            let page = self
                .client
                .get()
                .query()
                .table_name(&self.table)
                .set_index_name(index.map(str::to_owned))
                .key_condition_expression(kc)
                .set_expression_attribute_names(e.names())
                .set_expression_attribute_values(e.values())
                .set_consistent_read(index.is_none().then_some(true))
                .limit((limit - out.len()).min(1000) as i32)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(classify)?;
            let now = self.now();
            let mut past_range = false;
            for item in page.items().iter().map(attrs::map_to_item) {
                let sk = sk_of(&item).unwrap_or_default();
                if !sk.starts_with(prefix) {
                    past_range |= sk.as_str() > prefix;
                    continue;
                }
                if visible(&item, now) {
                    out.push(item);
                }
            }
            start = page.last_evaluated_key;
            if start.is_none() || past_range || out.len() >= limit {
                out.truncate(limit);
                return Ok(out);
            }
        }
    }
}

fn transaction_error(err: SdkError<TransactWriteItemsError>) -> StoreError {
    match err.into_service_error() {
        TransactWriteItemsError::TransactionCanceledException(e) => {
            let reasons = e.cancellation_reasons();
            if let Some(index) = reasons.iter().position(|r| r.code() == Some("ConditionalCheckFailed")) {
                StoreError::ConditionFailed { index }
            } else if reasons.iter().any(|r| r.code() == Some("TransactionConflict")) {
                StoreError::Conflict
            } else if reasons.iter().any(|r| r.code().is_some_and(|c| THROTTLING.contains(&c))) {
                StoreError::Throttled
            } else {
                StoreError::unavailable(format!("transaction cancelled: {reasons:?}"))
            }
        }
        TransactWriteItemsError::TransactionInProgressException(_) => StoreError::Conflict,
        other => match other.code() {
            Some(c) if THROTTLING.contains(&c) => StoreError::Throttled,
            _ => StoreError::unavailable(other),
        },
    }
}

#[async_trait]
impl Table for DynamoTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get()
            .get_item()
            .table_name(&self.table)
            .set_key(Some(attrs::key_map(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(classify)?;
        Ok(out.item.as_ref().map(attrs::map_to_item).filter(|i| visible(i, self.now())))
    }

    async fn query(&self, pk: &str, sk_prefix: &str) -> Result<Vec<Item>, StoreError> {
        self.query_pages(None, pk, sk_prefix, None, usize::MAX).await
    }

    async fn query_gsi1(&self, q: &IndexQuery) -> Result<Vec<Item>, StoreError> {
        self.query_pages(Some(GSI1), &q.pk, &q.prefix, q.after.as_deref(), q.limit).await
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        validate_transaction(&writes)?;
        if writes.len() == 1 { self.single(&writes[0]).await } else { self.transaction(&writes).await }
    }

    async fn update_returning(&self, key: &Key, update: Update) -> Result<Item, StoreError> {
        let mut e = Expr::default();
        let expr = e.update(&update);
        let out = self
            .client
            .get()
            .update_item()
            .table_name(&self.table)
            .set_key(Some(attrs::key_map(key)))
            .update_expression(expr)
            .set_expression_attribute_names(e.names())
            .set_expression_attribute_values(e.values())
            .return_values(ReturnValue::AllNew)
            .send()
            .await
            .map_err(classify)?;
        out.attributes()
            .map(attrs::map_to_item)
            .ok_or_else(|| StoreError::unavailable("UpdateItem answered without the item"))
    }
}
