//! Writing and reading the audit trail (監査記録): who did what to which record, when,
//! from what to what, and why. Each entry is one more write in the transaction of the
//! change it records, so a change and its entry land together or not at all.

use chrono::{DateTime, Utc};
use portal_domain::table::Write;
use portal_domain::{MemberNo, StaffId};

use crate::records::{self, AuditEntry, AuditRecord, When, decode};
use crate::{App, Fault, keys};

/// Who acted.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: String,
    pub name: String,
}

impl Actor {
    pub fn staff(id: &StaffId, name: &str) -> Self {
        Actor { id: id.to_string(), name: name.to_owned() }
    }

    /// A member acting on their own records.
    pub fn member(m: &portal_domain::Member) -> Self {
        Actor { id: m.member_no.to_string(), name: m.name.as_str().to_owned() }
    }

    /// The payment provider, by its confirmed notification.
    pub fn provider() -> Self {
        Actor { id: "provider".into(), name: "決済サービス".into() }
    }
}

/// One change to record.
#[derive(Clone, Debug)]
pub struct Change<'a> {
    pub action: &'static str,
    pub label: &'static str,
    pub record: String,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
    pub reason: Option<&'a str>,
}

fn entry(at: DateTime<Utc>, who: &Actor, c: &Change<'_>) -> AuditEntry {
    AuditEntry {
        at,
        actor_id: who.id.clone(),
        actor_name: who.name.clone(),
        action: c.action.to_owned(),
        action_label: c.label.to_owned(),
        record: c.record.clone(),
        before: c.before.map(str::to_owned),
        after: c.after.map(str::to_owned),
        reason: c.reason.filter(|r| !r.trim().is_empty()).map(str::to_owned),
    }
}

fn write(partition: String, at: DateTime<Utc>, who: &Actor, c: &Change<'_>) -> Write {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let key = AuditRecord::key(&partition, at, &id[..12]);
    records::put(records::item::<AuditRecord>(key, &entry(at, who, c)), When::new_item())
}

/// The entry of a change to one of a member's records (add it to the change's Tx).
pub fn on_member(app: &App, member: MemberNo, who: &Actor, c: &Change<'_>) -> Write {
    write(keys::member_audit_pk(member), app.clock.now(), who, c)
}

/// The entry of a change to a staff account.
pub fn on_staff(app: &App, account: &StaffId, who: &Actor, c: &Change<'_>) -> Write {
    write(keys::staff_audit_pk(account), app.clock.now(), who, c)
}

/// The entry of a change to the 所定単位表.
pub fn on_unit_table(app: &App, who: &Actor, c: &Change<'_>) -> Write {
    write(UNITS_PK.to_owned(), app.clock.now(), who, c)
}

const UNITS_PK: &str = "AUDIT#UNITS";
const RULE_PK: &str = "AUDIT#RULE";

/// The entry of a revision of the 更新条件.
pub fn on_renewal_rule(app: &App, who: &Actor, c: &Change<'_>) -> Write {
    write(RULE_PK.to_owned(), app.clock.now(), who, c)
}

/// The 所定単位表's trail, oldest first.
pub async fn of_unit_table(app: &App) -> Result<Vec<AuditEntry>, Fault> {
    let items = app.table.query(UNITS_PK, "").await?;
    Ok(items.iter().map(decode::<AuditRecord>).collect::<Result<_, _>>()?)
}

/// A member's trail, oldest first; with `record`, only that record's entries. (One
/// Query; a trail of a few hundred entries a member is small.)
pub async fn of_member(app: &App, member: MemberNo, record: Option<&str>) -> Result<Vec<AuditEntry>, Fault> {
    let items = app.table.query(&keys::member_audit_pk(member), "").await?;
    let all: Vec<AuditEntry> = items.iter().map(decode::<AuditRecord>).collect::<Result<_, _>>()?;
    Ok(all.into_iter().filter(|e| record.is_none_or(|r| e.record == r)).collect())
}

/// A staff account's trail, oldest first.
pub async fn of_staff(app: &App, account: &StaffId) -> Result<Vec<AuditEntry>, Fault> {
    let items = app.table.query(&keys::staff_audit_pk(account), "").await?;
    Ok(items.iter().map(decode::<AuditRecord>).collect::<Result<_, _>>()?)
}
