//! How domain records are laid out as table items. Attributes are plain JSON values so
//! both adapters (and a person reading the DynamoDB console) see the same shape.

use portal_domain::table::{Cond, Key};
use portal_domain::table::{Item, Write};
use portal_domain::{Member, MemberNo, StaffId, StaffRole};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{AppError, keys};

fn to_attrs<T: Serialize>(v: &T) -> Map<String, Value> {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => m,
        _ => unreachable!("records serialize to JSON objects"),
    }
}

fn from_item<T: for<'de> Deserialize<'de>>(item: &Item) -> Result<T, AppError> {
    serde_json::from_value(Value::Object(item.attrs.clone()))
        .map_err(|e| AppError::Internal(format!("corrupt item {}/{}: {e}", item.key.pk, item.key.sk)))
}

pub fn member_item(m: &Member) -> Item {
    let mut attrs = to_attrs(m);
    attrs.insert("type".into(), "member".into());
    Item::new(keys::member_profile(m.member_no), attrs)
}

pub fn member_from_item(item: &Item) -> Result<Member, AppError> {
    from_item(item)
}

/// The login secret of a member or staff account, kept apart from the profile so that
/// reading a profile never carries the hash further than the use case.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Credentials {
    pub password_hash: String,
    /// Bumped on logout, password change and reset; sessions carry the value they were
    /// issued with and die when it moves.
    pub session_version: i64,
}

pub fn member_auth_item(m: MemberNo, c: &Credentials) -> Item {
    let mut attrs = to_attrs(c);
    attrs.insert("type".into(), "member_auth".into());
    Item::new(keys::member_auth(m), attrs)
}

pub fn credentials_from_item(item: &Item) -> Result<Credentials, AppError> {
    from_item(item)
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StaffAccount {
    pub staff_id: StaffId,
    pub name: String,
    pub role: StaffRole,
    #[serde(flatten)]
    pub credentials: Credentials,
}

pub fn staff_item(s: &StaffAccount) -> Item {
    let mut attrs = to_attrs(s);
    attrs.insert("type".into(), "staff".into());
    Item::new(keys::staff_auth(&s.staff_id), attrs)
}

pub fn staff_from_item(item: &Item) -> Result<StaffAccount, AppError> {
    from_item(item)
}

/// A write that ends every session of an account: `session_version` moves on, but
/// only from the value the caller saw (so two changes cannot both think they won).
pub fn bump_session_version(key: Key, seen: i64) -> Write {
    Write::Update {
        key,
        update: portal_domain::table::Update::default().add("session_version", 1),
        cond: Cond::eq("session_version", seen),
    }
}
