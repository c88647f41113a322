//! Typed records over the generic [`Table`] port. Each stored record type declares in
//! one place its key (built by `keys.rs`), its `type` tag, and the typed [`Field`]s that
//! conditions and updates name. Use cases build writes only from these — never from
//! attribute-name or status strings — so a typo does not compile, and a condition on a
//! value of the wrong type does not either.
//!
//! The `type` tag is written on every put and update and read back on every decode: an
//! item that is not what its key promised is an error naming the key, never a default.

mod application;
mod audit;
mod counter;
mod counts;
mod credit;
mod directory;
mod invoice;
mod member;
mod outbox;
mod partition;
mod reset;
mod staff_listing;
mod system;
mod throttle;
mod tx;

use std::marker::PhantomData;

use portal_domain::table::{Cond, Item, Key, Update, Write};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub use application::{ApplicationRecord, OpenApplication, OpenApplicationRecord, SubmittedMarker, SubmittedRecord};
pub use audit::{AuditEntry, AuditRecord};
pub use counter::{Sequence, SequenceRecord};
pub use counts::{Tally, TallyRecord};
pub use credit::{
    AttendanceMark, AttendanceMarkRecord, CreditRecord, SelfReportTotal, SelfReportTotalRecord, UnitRecord,
};
pub use directory::{DirectoryEntry, DirectoryRecord};
pub use invoice::{InvoiceRecord, NotificationLog, NotificationLogRecord, PaymentAttemptRecord};
pub use member::{
    Credentials, MemberAuthRecord, MemberRecord, RecoveryCodeEntry, RecoveryCodeRecord, SecondFactor, StaffAccount,
    StaffRecord,
};
pub use outbox::{MailState, OutboxMail, OutboxRecord, Suppression, SuppressionRecord};
pub use partition::MemberPartition;
pub use reset::{ResetToken, ResetTokenRecord};
pub use staff_listing::{StaffListing, StaffListingRecord};
pub use system::{
    ReminderMark, ReminderMarkRecord, ReminderRun, ReminderRunRecord, RenewalRuleRecord, RuleVersion,
    RuleVersionRecord, SeedMarker, SeedMarkerRecord,
};
pub use throttle::{Attempt, Attempts, ThrottleRecord};
pub use tx::{NoRefusal, Tx, TxError};

/// The attribute holding every item's record type.
pub const TYPE_ATTR: &str = "type";

/// A kind of stored record: what it holds and the tag that says so.
pub trait Record: 'static {
    /// The value stored (a domain type, or a storage-only struct).
    type Value: Serialize + DeserializeOwned;
    /// The `type` tag of its items.
    const TYPE: &'static str;
}

/// An attribute of record `R` holding a `T`: the only way a use case names one.
pub struct Field<R, T> {
    name: &'static str,
    _of: PhantomData<fn() -> (R, T)>,
}

impl<R, T> Clone for Field<R, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R, T> Copy for Field<R, T> {}

fn json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("record values serialize to JSON")
}

impl<R: Record, T: Serialize> Field<R, T> {
    pub const fn new(name: &'static str) -> Self {
        Field { name, _of: PhantomData }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The attribute equals `v`.
    pub fn is(self, v: &T) -> When<R> {
        When::of(Cond::Eq(self.name.to_owned(), json(v)))
    }

    /// The attribute is not set.
    pub fn absent(self) -> When<R> {
        When::of(Cond::AttrAbsent(self.name.to_owned()))
    }
}

/// Integer attributes, which updates can add to.
pub trait Integer {}
impl Integer for i64 {}
impl Integer for u32 {}

/// Attributes that compare against integer bounds computed by the caller (the store
/// does no arithmetic in conditions). A missing attribute compares false.
pub trait Ordered {}
impl Ordered for i64 {}
impl Ordered for u32 {}
impl Ordered for Option<i64> {}

impl<R: Record, T: Ordered> Field<R, T> {
    pub fn below(self, bound: i64) -> When<R> {
        When::of(Cond::Lt(self.name.to_owned(), bound))
    }

    pub fn above(self, bound: i64) -> When<R> {
        When::of(Cond::Gt(self.name.to_owned(), bound))
    }
}

/// A condition on an item of record `R`.
pub struct When<R> {
    cond: Cond,
    _of: PhantomData<fn() -> R>,
}

impl<R: Record> When<R> {
    fn of(cond: Cond) -> Self {
        When { cond, _of: PhantomData }
    }

    /// No condition: the write applies whatever is stored.
    pub fn always() -> Self {
        Self::of(Cond::Always)
    }

    /// There is no such item yet.
    pub fn new_item() -> Self {
        Self::of(Cond::NotExists)
    }

    /// The item exists.
    pub fn exists() -> Self {
        Self::of(Cond::Exists)
    }

    pub fn and(self, other: When<R>) -> Self {
        Self::of(Cond::And(vec![self.cond, other.cond]))
    }

    pub fn or(self, other: When<R>) -> Self {
        Self::of(Cond::Or(vec![self.cond, other.cond]))
    }

    pub fn into_cond(self) -> Cond {
        self.cond
    }
}

/// Changes to one item of record `R`. Every update also writes the `type` tag, so an
/// item created by an update (a counter) is tagged like any other.
pub struct Changes<R> {
    update: Update,
    _of: PhantomData<fn() -> R>,
}

impl<R: Record> Default for Changes<R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R: Record> Changes<R> {
    pub fn new() -> Self {
        Changes { update: Update::default().set(TYPE_ATTR, R::TYPE), _of: PhantomData }
    }

    pub fn set<T: Serialize>(mut self, f: Field<R, T>, v: &T) -> Self {
        self.update = self.update.set(f.name, json(v));
        self
    }

    pub fn add<T: Integer>(mut self, f: Field<R, T>, by: i64) -> Self {
        self.update = self.update.add(f.name, by);
        self
    }

    /// Appends `v` to a list field; concurrent appends all land.
    pub fn append<T: Serialize>(mut self, f: Field<R, Vec<T>>, v: &T) -> Self {
        self.update = self.update.append(f.name, vec![json(v)]);
        self
    }

    pub fn remove<T>(mut self, f: Field<R, T>) -> Self {
        self.update = self.update.remove(f.name);
        self
    }

    /// Moves the item in GSI1 (`None` takes it out).
    pub fn gsi1(mut self, k: Option<Key>) -> Self {
        self.update = self.update.gsi1(k);
        self
    }

    pub fn expires_at(mut self, t: Option<i64>) -> Self {
        self.update = self.update.expires_at(t);
        self
    }

    pub fn into_update(self) -> Update {
        self.update
    }
}

/// A record value as the item that will be put, with its place in GSI1 and its expiry
/// if any.
pub struct Stored<R> {
    item: Item,
    _of: PhantomData<fn() -> R>,
}

impl<R: Record> Stored<R> {
    pub fn with_gsi1(mut self, k: Key) -> Self {
        self.item = self.item.with_gsi1(k);
        self
    }

    pub fn expiring_at(mut self, epoch_seconds: i64) -> Self {
        self.item = self.item.expiring_at(epoch_seconds);
        self
    }
}

/// The item of record value `v` under `key`, tagged with the record's type.
pub fn item<R: Record>(key: Key, v: &R::Value) -> Stored<R> {
    let mut attrs = match json(v) {
        Value::Object(m) => m,
        other => {
            let mut m = Map::new();
            m.insert("value".into(), other);
            m
        }
    };
    attrs.insert(TYPE_ATTR.into(), R::TYPE.into());
    Stored { item: Item::new(key, attrs), _of: PhantomData }
}

pub fn put<R: Record>(stored: Stored<R>, when: When<R>) -> Write {
    Write::Put { item: stored.item, cond: when.cond }
}

pub fn update<R: Record>(key: Key, changes: Changes<R>, when: When<R>) -> Write {
    Write::Update { key, update: changes.update, cond: when.cond }
}

pub fn delete<R: Record>(key: Key, when: When<R>) -> Write {
    Write::Delete { key, cond: when.cond }
}

pub fn check<R: Record>(key: Key, when: When<R>) -> Write {
    Write::Check { key, cond: when.cond }
}

/// An item that is not the record its key promised.
#[derive(Debug, thiserror::Error)]
#[error("item {pk}/{sk} is not a readable {expected} record")]
pub struct RecordError {
    pub pk: String,
    pub sk: String,
    pub expected: &'static str,
    #[source]
    pub cause: RecordFault,
}

#[derive(Debug, thiserror::Error)]
pub enum RecordFault {
    #[error("its type tag is {0:?}")]
    WrongType(Option<String>),
    #[error("its attributes do not match the record")]
    Shape(#[source] serde_json::Error),
}

impl RecordError {
    fn new(item: &Item, expected: &'static str, cause: RecordFault) -> Self {
        RecordError { pk: item.key.pk.clone(), sk: item.key.sk.clone(), expected, cause }
    }
}

/// The `type` tag of an item, if it has one.
pub fn type_of(item: &Item) -> Option<&str> {
    item.attrs.get(TYPE_ATTR).and_then(Value::as_str)
}

/// Reads an item as record `R`, checking its `type` tag first.
pub fn decode<R: Record>(item: &Item) -> Result<R::Value, RecordError> {
    if type_of(item) != Some(R::TYPE) {
        let found = type_of(item).map(str::to_owned);
        return Err(RecordError::new(item, R::TYPE, RecordFault::WrongType(found)));
    }
    let mut attrs = item.attrs.clone();
    attrs.remove(TYPE_ATTR);
    serde_json::from_value(Value::Object(attrs)).map_err(|e| RecordError::new(item, R::TYPE, RecordFault::Shape(e)))
}

/// An optional item read as record `R`.
pub fn decode_opt<R: Record>(item: Option<Item>) -> Result<Option<R::Value>, RecordError> {
    item.as_ref().map(decode::<R>).transpose()
}

/// Every field a record declares, for the test that each one is really an attribute of
/// the record (a misspelt name would make its conditions silently false).
#[cfg(test)]
pub(crate) fn declared_in_sample<R: Record>(sample: &R::Value, fields: &[&'static str]) -> Result<(), String> {
    let attrs = match json(sample) {
        Value::Object(m) => m,
        _ => return Err(format!("{} does not serialize to an object", R::TYPE)),
    };
    match fields.iter().find(|f| !attrs.contains_key(**f)) {
        Some(f) => Err(format!("{}: field {f} is not an attribute of the record", R::TYPE)),
        None => Ok(()),
    }
}
