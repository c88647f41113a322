//! How domain records are laid out as table items. Attributes are plain JSON values so
//! both adapters (and a person reading the DynamoDB console) see the same shape.

use portal_domain::table::{Cond, Key};
use portal_domain::table::{Item, Write};
use portal_domain::{Member, MemberNo, StaffId, StaffRole};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{AppError, keys};

pub fn to_attrs<T: Serialize>(v: &T) -> Map<String, Value> {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => m,
        _ => unreachable!("records serialize to JSON objects"),
    }
}

pub fn from_item<T: for<'de> Deserialize<'de>>(item: &Item) -> Result<T, AppError> {
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

/// A record stored under `key`, tagged with its `type` for people reading the table.
pub fn record_item<T: Serialize>(key: Key, kind: &str, v: &T) -> Item {
    let mut attrs = to_attrs(v);
    attrs.insert("type".into(), kind.into());
    Item::new(key, attrs)
}

/// Everything of one member's partition (one Query), sorted by what it is.
#[derive(Default)]
pub struct MemberPartition {
    pub member: Option<Member>,
    pub session_version: Option<i64>,
    pub applications: Vec<portal_domain::Application>,
    pub invoices: Vec<portal_domain::Invoice>,
    pub credits: Vec<portal_domain::Credit>,
}

impl MemberPartition {
    pub fn from_items(items: &[Item]) -> Result<Self, AppError> {
        let mut p = MemberPartition::default();
        for item in items {
            let sk = item.key.sk.as_str();
            if sk == keys::PROFILE_SK {
                p.member = Some(member_from_item(item)?);
            } else if sk == keys::AUTH_SK {
                p.session_version = Some(credentials_from_item(item)?.session_version);
            } else if sk.starts_with(keys::APPLICATION_PREFIX) {
                p.applications.push(from_item(item)?);
            } else if sk.starts_with(keys::INVOICE_PREFIX) {
                p.invoices.push(from_item(item)?);
            } else if sk.starts_with(keys::CREDIT_PREFIX) {
                p.credits.push(from_item(item)?);
            }
        }
        Ok(p)
    }

    /// The member, if `session_version` is still current (else the session has ended).
    pub fn checked_member(&self, session_version: i64) -> Result<&Member, AppError> {
        if self.session_version != Some(session_version) {
            return Err(AppError::Unauthenticated);
        }
        self.member.as_ref().ok_or(AppError::NotFound)
    }
}
