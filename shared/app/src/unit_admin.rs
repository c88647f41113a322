//! 所定単位表の管理 (administrators): add a unit code, edit one, retire one (an end
//! date). A code is never deleted: credits keep pointing at it, and retiring only stops
//! new credits after its end. Each edit is conditional on the version read, and leaves
//! an audit entry with before and after.

use portal_domain::unit_table::UnitForm;
use portal_domain::{FieldError, FieldErrors, UnitCode, UnitEntry};

use crate::records::{self, Tx, TxError, UnitRecord, When, decode_opt};
use crate::{App, Fault, audit};

#[derive(Debug, thiserror::Error)]
pub enum UnitAdminError {
    #[error("入力内容に誤りがあります。各項目をご確認ください。")]
    Invalid(FieldErrors),
    #[error("この単位コードは所定単位表にありません。")]
    NotFound,
    #[error("この単位コードはすでに登録されています。")]
    Exists,
    #[error("この単位コードは他の操作で更新されています。画面を再読み込みしてからもう一度お試しください。")]
    Stale,
    #[error(transparent)]
    Fault(#[from] Fault),
}

fn summary(u: &UnitEntry) -> String {
    let to = u.valid_to.map(|d| d.to_string()).unwrap_or_default();
    format!("{}（{}・{}単位・{}〜{}）", u.name, u.category_label, u.units, u.valid_from, to)
}

async fn run(app: &App, tx: Tx<()>, refused: UnitAdminError) -> Result<(), UnitAdminError> {
    match tx.run(app.table.as_ref()).await {
        Ok(()) => Ok(()),
        Err(TxError::Refused(())) => Err(refused),
        Err(TxError::Store(e)) => Err(Fault::from(e).into()),
    }
}

/// A new unit code.
pub async fn add(app: &App, who: &audit::Actor, form: &UnitForm) -> Result<UnitEntry, UnitAdminError> {
    let new = form.parse().map_err(UnitAdminError::Invalid)?;
    let put = records::put(records::item::<UnitRecord>(UnitRecord::key(&new.code), &new), When::new_item());
    let after = summary(&new);
    let change = audit::Change {
        action: "unit.add",
        label: "単位コードの追加",
        record: new.code.to_string(),
        before: None,
        after: Some(&after),
        reason: None,
    };
    run(app, Tx::new().step(put, ()).write(audit::on_unit_table(app, who, &change)), UnitAdminError::Exists).await?;
    Ok(new)
}

/// An edit of an existing code (its code itself cannot change), from `version`.
pub async fn edit(
    app: &App,
    who: &audit::Actor,
    raw_code: &str,
    version: i64,
    form: &UnitForm,
) -> Result<UnitEntry, UnitAdminError> {
    let code = UnitCode::parse(raw_code).map_err(|_| UnitAdminError::NotFound)?;
    let mut new = form.parse().map_err(UnitAdminError::Invalid)?;
    if new.code != code {
        let e = FieldError::new("code", "単位コード自体は変更できません。新しいコードとして追加してください。");
        return Err(UnitAdminError::Invalid(e.into()));
    }
    let old = decode_opt::<UnitRecord>(app.table.get(&UnitRecord::key(&code)).await.map_err(Fault::from)?)
        .map_err(Fault::from)?
        .ok_or(UnitAdminError::NotFound)?;
    if old.version != version {
        return Err(UnitAdminError::Stale);
    }
    new.version = old.version + 1;
    // Items written before versions existed have none: version 0.
    let seen = if version == 0 {
        UnitRecord::VERSION.absent().or(UnitRecord::VERSION.is(&0))
    } else {
        UnitRecord::VERSION.is(&version)
    };
    let put = records::put(records::item::<UnitRecord>(UnitRecord::key(&code), &new), seen);
    let (before, after) = (summary(&old), summary(&new));
    let retiring = old.valid_to.is_none() && new.valid_to.is_some();
    let change = audit::Change {
        action: if retiring { "unit.retire" } else { "unit.edit" },
        label: if retiring { "単位コードの廃止" } else { "単位コードの変更" },
        record: code.to_string(),
        before: Some(&before),
        after: Some(&after),
        reason: None,
    };
    run(app, Tx::new().step(put, ()).write(audit::on_unit_table(app, who, &change)), UnitAdminError::Stale).await?;
    Ok(new)
}
