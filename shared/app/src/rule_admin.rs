//! 更新条件の改定 (administrators): the rule in force, every earlier version, and a new
//! version. A revision writes the rule in force, its version record and the audit
//! entry in one transaction, conditional on the version the administrator saw; a
//! renewal submitted after it is checked against it (and records its version), one
//! submitted before keeps the version it was checked against.

use portal_domain::renewal_rule_form::RuleForm;
use portal_domain::{FieldError, FieldErrors, RenewalRule};
use serde::Deserialize;

use crate::audit::{self, Actor};
use crate::records::{self, RenewalRuleRecord, RuleVersion, RuleVersionRecord, Tx, TxError, When, decode};
use crate::{App, Fault, keys};

#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("入力内容に誤りがあります。各項目をご確認ください。")]
    Invalid(FieldErrors),
    #[error("更新条件は他の管理者によって改定されています。画面を再読み込みしてからもう一度お試しください。")]
    Stale,
    #[error(transparent)]
    Fault(#[from] Fault),
}

pub struct RuleHistory {
    pub current: RenewalRule,
    /// Oldest first; the built-in default stands for version 1 until one is stored.
    pub versions: Vec<RuleVersion>,
}

/// Two reads at once: the rule in force and the versions.
pub async fn history(app: &App) -> Result<RuleHistory, Fault> {
    let (current, items) =
        tokio::join!(crate::applications::renewal_rule(app), app.table.query("RULE", keys::RULE_VERSION_PREFIX));
    let current = current?;
    let mut versions: Vec<RuleVersion> = items?.iter().map(decode::<RuleVersionRecord>).collect::<Result<_, _>>()?;
    if versions.first().is_none_or(|v| v.rule.version != 1) {
        // Version 1 was never kept as a version (a rule stored before versions existed,
        // or the default): while it is in force it is the current rule itself.
        let first = if current.version == 1 { current.clone() } else { RenewalRule::default() };
        versions.insert(0, RuleVersion { rule: first, by_id: None, by_name: None, reason: None });
    }
    Ok(RuleHistory { current, versions })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RevisionForm {
    /// The version the administrator saw.
    #[serde(deserialize_with = "portal_domain::field_error::whole_number::deserialize")]
    pub version: u32,
    pub rule: RuleForm,
    /// 改定理由 (kept in the history and the audit trail).
    pub reason: String,
}

fn reason(raw: &str) -> Result<String, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError::new("reason", "改定理由を入力してください。"));
    }
    if s.chars().count() > 200 {
        return Err(FieldError::new("reason", "改定理由は200文字以内で入力してください。"));
    }
    Ok(s.to_owned())
}

pub async fn revise(app: &App, who: &Actor, form: &RevisionForm) -> Result<RenewalRule, RuleError> {
    let parsed = form.rule.parse();
    let why = reason(&form.reason);
    let (mut rule, why) = match (parsed, why) {
        (Ok(r), Ok(w)) => (r, w),
        (parsed, why) => {
            let mut errs = parsed.err().unwrap_or_default();
            if let Err(e) = why {
                errs.push(e);
            }
            return Err(RuleError::Invalid(errs));
        }
    };
    let seen = form.version;
    // A version no rule ever had is a screen that is not current.
    rule.version = seen.checked_add(1).ok_or(RuleError::Stale)?;
    rule.revised_at = Some(app.clock.now());
    let version = RuleVersion {
        rule: rule.clone(),
        by_id: Some(who.id.clone()),
        by_name: Some(who.name.clone()),
        reason: Some(why.clone()),
    };
    let (before, after) = (format!("第{seen}版"), format!("第{}版", rule.version));
    let change = audit::Change {
        action: "rule.revise",
        label: "更新条件の改定",
        record: after.clone(),
        before: Some(&before),
        after: Some(&after),
        reason: Some(&why),
    };
    let mut tx = Tx::new()
        .step(
            records::put(
                records::item::<RenewalRuleRecord>(RenewalRuleRecord::key(), &rule),
                RenewalRuleRecord::still(seen),
            ),
            (),
        )
        .step(
            records::put(
                records::item::<RuleVersionRecord>(RenewalRuleRecord::version_key(rule.version), &version),
                When::new_item(),
            ),
            (),
        )
        .write(audit::on_renewal_rule(app, who, &change));
    if seen == 1 {
        // Version 1 kept as it was (a rule stored before versions existed has no
        // version record); the transaction's first condition makes sure it is the one
        // being replaced.
        let first = crate::applications::renewal_rule(app).await?;
        let kept = RuleVersion { rule: first, by_id: None, by_name: None, reason: None };
        tx = tx.write(records::put(
            records::item::<RuleVersionRecord>(RenewalRuleRecord::version_key(1), &kept),
            When::always(),
        ));
    }
    match tx.run(app.table.as_ref()).await {
        Ok(()) => Ok(rule),
        Err(TxError::Refused(())) => Err(RuleError::Stale),
        Err(TxError::Store(e)) => Err(Fault::from(e).into()),
    }
}
