//! 職員アカウントの管理 (administrators): the list, a new account with an initial
//! password shown once, and changes of role or 利用停止. Every change writes the
//! account, its list entry and the audit entry in one transaction, conditional on what
//! the administrator saw; nobody changes their own account here (an administrator
//! cannot lock the office out by demoting or stopping themselves).

use argon2::password_hash::rand_core::{OsRng, RngCore};
use portal_domain::{FieldErrors, StaffId, StaffRole, staff_name};
use serde::Deserialize;

use crate::audit::{self, Actor};
use crate::records::{
    self, Changes, Credentials, StaffAccount, StaffListing, StaffListingRecord, StaffRecord, Tx, TxError, When, decode,
    decode_opt,
};
use crate::{App, Fault, keys, password_hash};

#[derive(Debug, thiserror::Error)]
pub enum StaffAccountError {
    #[error("入力内容に誤りがあります。各項目をご確認ください。")]
    Invalid(FieldErrors),
    #[error("この職員IDは既に使われています。別の職員IDを入力してください。")]
    Exists,
    #[error("ご自分のアカウントの権限・利用停止はここでは変更できません。他の管理者に依頼してください。")]
    OwnAccount,
    #[error("お探しの職員アカウントは見つかりませんでした。")]
    NotFound,
    #[error("この職員アカウントは他の操作で更新されています。画面を再読み込みしてからもう一度お試しください。")]
    Stale,
    #[error(transparent)]
    Fault(#[from] Fault),
}

/// Every account, by staff id (one Query).
pub async fn list(app: &App) -> Result<Vec<StaffListing>, Fault> {
    let items = app.table.query(keys::STAFF_LIST_PK, "").await?;
    Ok(items.iter().map(decode::<StaffListingRecord>).collect::<Result<_, _>>()?)
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewAccountForm {
    pub staff_id: String,
    pub name: String,
    pub role: String,
}

/// Alphabet of initial passwords: no 0/O, 1/l/I look-alikes (read aloud or copied by hand).
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/// 20 characters from 56: about 116 bits, shown once to the administrator.
fn initial_password() -> String {
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    // 256 is not a multiple of 56; the bias (< 1 bit in total) does not matter at this length.
    bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect()
}

pub struct Created {
    pub listing: StaffListing,
    /// Shown once; only its hash is stored.
    pub initial_password: String,
}

pub async fn create(app: &App, who: &Actor, form: &NewAccountForm) -> Result<Created, StaffAccountError> {
    let mut errs = FieldErrors::new();
    let id = StaffId::parse(&form.staff_id).map_err(|e| errs.push(e)).ok();
    let name = staff_name(&form.name).map_err(|e| errs.push(e)).ok();
    let role = StaffRole::parse(&form.role).map_err(|e| errs.push(e)).ok();
    let (Some(staff_id), Some(name), Some(role)) = (id, name, role) else {
        return Err(StaffAccountError::Invalid(errs));
    };
    let password = initial_password();
    let hash = password_hash::hash(password.clone()).await.map_err(Fault::from)?;
    let account = StaffAccount {
        staff_id: staff_id.clone(),
        name,
        role,
        disabled: false,
        credentials: Credentials { password_hash: hash, session_version: 1, password_version: 0 },
        second_factor: Default::default(),
    };
    let listing = StaffListing::of(&account, app.clock.now());
    let change = audit::Change {
        action: "staff.create",
        label: "職員アカウントの作成",
        record: staff_id.to_string(),
        before: None,
        after: Some(role.label()),
        reason: None,
    };
    let tx = Tx::new()
        .step(records::put(records::item::<StaffRecord>(StaffRecord::key(&staff_id), &account), When::new_item()), ())
        .step(records::put(StaffListingRecord::stored(&listing), When::new_item()), ())
        .write(audit::on_staff(app, &staff_id, who, &change));
    match tx.run(app.table.as_ref()).await {
        Ok(()) => Ok(Created { listing, initial_password: password }),
        Err(TxError::Refused(())) => Err(StaffAccountError::Exists),
        Err(TxError::Store(e)) => Err(Fault::from(e).into()),
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChangeForm {
    pub role: String,
    /// `true` stops the account (利用停止), `false` lets it log in again.
    pub disabled: bool,
}

fn status_label(disabled: bool) -> &'static str {
    if disabled { "利用停止" } else { "利用中" }
}

/// A new role and/or 利用停止. Stopping ends the account's sessions at once.
pub async fn change(
    app: &App,
    who: &Actor,
    me: &StaffId,
    raw_target: &str,
    form: &ChangeForm,
) -> Result<StaffListing, StaffAccountError> {
    let target = StaffId::parse(raw_target).map_err(|_| StaffAccountError::NotFound)?;
    let role = StaffRole::parse(&form.role).map_err(|e| StaffAccountError::Invalid(e.into()))?;
    if &target == me {
        return Err(StaffAccountError::OwnAccount);
    }
    let item = app.table.get(&StaffListingRecord::key(&target)).await.map_err(Fault::from)?;
    let old = decode_opt::<StaffListingRecord>(item).map_err(Fault::from)?.ok_or(StaffAccountError::NotFound)?;
    if old.role == role && old.disabled == form.disabled {
        return Ok(old);
    }
    let new = StaffListing { role, disabled: form.disabled, ..old.clone() };
    let mut account = Changes::new().set(StaffRecord::ROLE, &role).set(StaffRecord::DISABLED, &form.disabled);
    if form.disabled && !old.disabled {
        account = account.add(StaffRecord::SESSION_VERSION, 1);
    }
    let listing = Changes::new().set(StaffListingRecord::ROLE, &role).set(StaffListingRecord::DISABLED, &form.disabled);
    // Conditional on what the list said: two administrators at once cannot both win.
    let seen = StaffListingRecord::ROLE.is(&old.role).and(StaffListingRecord::DISABLED.is(&old.disabled));
    let mut tx = Tx::new()
        .step(records::update(StaffListingRecord::key(&target), listing, seen), ())
        .step(records::update(StaffRecord::key(&target), account, When::exists()), ());
    if old.role != role {
        let change = audit::Change {
            action: "staff.role",
            label: "職員アカウントの権限の変更",
            record: target.to_string(),
            before: Some(old.role.label()),
            after: Some(role.label()),
            reason: None,
        };
        tx = tx.write(audit::on_staff(app, &target, who, &change));
    }
    if old.disabled != form.disabled {
        let change = audit::Change {
            action: if form.disabled { "staff.disable" } else { "staff.enable" },
            label: if form.disabled {
                "職員アカウントの利用停止"
            } else {
                "職員アカウントの利用再開"
            },
            record: target.to_string(),
            before: Some(status_label(old.disabled)),
            after: Some(status_label(form.disabled)),
            reason: None,
        };
        tx = tx.write(audit::on_staff(app, &target, who, &change));
    }
    match tx.run(app.table.as_ref()).await {
        Ok(()) => Ok(new),
        Err(TxError::Refused(())) => Err(StaffAccountError::Stale),
        Err(TxError::Store(e)) => Err(Fault::from(e).into()),
    }
}
