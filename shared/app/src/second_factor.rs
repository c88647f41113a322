//! 事務局ログインの二段階目: after the password, a TOTP code (or a recovery code).
//! The first login of an account enrols an authenticator: a key is kept as pending,
//! shown once, and becomes the account's key with its first right code, which also
//! hands out the recovery codes. A code's time step is accepted once (a conditional
//! write on the last accepted step), so a replayed code is refused even within its
//! 30 seconds. Wrong codes count against the same throttle as wrong passwords.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use portal_domain::second_factor::{OtpCode, RECOVERY_CODES, RecoveryCode, TotpSecret};
use portal_domain::{FieldErrors, StaffId};
use sha2::{Digest, Sha256};

use crate::auth::{LoginSource, StaffLogin, staff_device_account};
use crate::records::{
    self, Changes, RecoveryCodeEntry, RecoveryCodeRecord, StaffAccount, StaffRecord, Tx, TxError, When, decode_opt,
};
use crate::throttle::Throttle;
use crate::{App, AuthError, Fault};

/// What the second step asks for.
#[derive(Debug)]
pub enum Challenge {
    /// First login: enrol this key (shown as QR code and text), then type its code.
    Enrol(TotpSecret),
    /// The code of the enrolled authenticator (or a recovery code).
    Code,
}

/// What staff typed at the second step.
#[derive(Clone, Copy, Debug)]
pub enum Answer<'a> {
    Code(&'a str),
    Recovery(&'a str),
}

/// A finished login: the session to issue, and on enrolment the recovery codes to
/// show (once; only their hashes are kept).
#[derive(Debug)]
pub struct Completed {
    pub login: StaffLogin,
    pub recovery_codes: Vec<RecoveryCode>,
}

/// Called after a right password: an enrolled account is asked for its code; one
/// without gets a fresh key, kept as pending until its first right code.
pub async fn challenge(app: &App, login: &StaffLogin) -> Result<Challenge, AuthError> {
    if login.enrolled {
        return Ok(Challenge::Code);
    }
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    let secret = TotpSecret::from_bytes(bytes);
    let write = records::update(
        StaffRecord::key(&login.staff_id),
        Changes::new().set(StaffRecord::TOTP_PENDING, &secret),
        StaffRecord::TOTP_SECRET.absent().and(StaffRecord::SESSION_VERSION.is(&login.session_version)),
    );
    match Tx::new().step(write, ()).run(app.table.as_ref()).await {
        Ok(()) => Ok(Challenge::Enrol(secret)),
        // Enrolled (or reset) meanwhile by another login of the same account.
        Err(TxError::Refused(())) => Err(AuthError::SessionEnded),
        Err(TxError::Store(e)) => Err(Fault::from(e).into()),
    }
}

/// Checks the second step of a login whose password step issued `session_version`.
pub async fn complete(
    app: &App,
    id: &StaffId,
    session_version: i64,
    answer: Answer<'_>,
    from: &LoginSource<'_>,
) -> Result<Completed, AuthError> {
    let parsed = match answer {
        Answer::Code(raw) => OtpCode::parse(raw).map(Parsed::Code),
        Answer::Recovery(raw) => RecoveryCode::parse(raw).map(Parsed::Recovery),
    }
    .map_err(|e| AuthError::Invalid(FieldErrors::from(e)))?;
    let throttle = Throttle::new(app, "STAFF", id.as_str(), from.source(&staff_device_account(id.as_str())));
    let key = StaffRecord::key(id);
    let (allowed, account) = tokio::join!(throttle.check(), app.table.get(&key));
    allowed?;
    let account = decode_opt::<StaffRecord>(account.map_err(Fault::from)?)?
        .filter(|a| a.credentials.session_version == session_version)
        .ok_or(AuthError::SessionEnded)?;
    let now = u64::try_from(app.now_epoch()).unwrap_or_default();
    let f = &account.second_factor;
    let recovery_codes = match (&f.totp_secret, &f.totp_pending, parsed) {
        (Some(secret), _, Parsed::Code(code)) => {
            let step = secret.step_of(&code, now);
            let Some(step) = step else { return failed(&throttle).await };
            accept_step(app, id, step).await?;
            Vec::new()
        }
        (Some(_), _, Parsed::Recovery(code)) => {
            use_recovery_code(app, &throttle, &account, &code, now).await?;
            Vec::new()
        }
        (None, Some(pending), Parsed::Code(code)) => {
            let step = pending.step_of(&code, now);
            let Some(step) = step else { return failed(&throttle).await };
            enrol(app, &account, pending, step).await?
        }
        // Nothing enrolled yet: recovery codes do not exist before the first code.
        (None, Some(_), Parsed::Recovery(_)) => return failed(&throttle).await,
        // Reset by an administrator meanwhile: the login starts again.
        (None, None, _) => return Err(AuthError::SessionEnded),
    };
    tracing::info!(staff_id = %id, enrolled = !recovery_codes.is_empty(), "second factor accepted");
    Ok(Completed { login: StaffLogin::of(account), recovery_codes })
}

enum Parsed {
    Code(OtpCode),
    Recovery(RecoveryCode),
}

async fn failed<T>(throttle: &Throttle<'_>) -> Result<T, AuthError> {
    throttle.record_failure().await?;
    Err(AuthError::SecondFactorFailed)
}

/// The step moves forward only: a code of a step at or before the last accepted one
/// is a replay.
async fn accept_step(app: &App, id: &StaffId, step: u64) -> Result<(), AuthError> {
    let step = i64::try_from(step).map_err(|_| AuthError::SecondFactorFailed)?;
    let write = records::update(
        StaffRecord::key(id),
        Changes::new().set(StaffRecord::TOTP_LAST_STEP, &step),
        StaffRecord::TOTP_LAST_STEP.below(step),
    );
    match Tx::new().step(write, ()).run(app.table.as_ref()).await {
        Ok(()) => Ok(()),
        Err(TxError::Refused(())) => Err(AuthError::CodeAlreadyUsed),
        Err(TxError::Store(e)) => Err(Fault::from(e).into()),
    }
}

async fn use_recovery_code(
    app: &App,
    throttle: &Throttle<'_>,
    account: &StaffAccount,
    code: &RecoveryCode,
    now: u64,
) -> Result<(), AuthError> {
    let generation = account.second_factor.totp_generation;
    let key = RecoveryCodeRecord::key(&account.staff_id, generation, &hash(code));
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    let write = records::update(
        key,
        Changes::new().set(RecoveryCodeRecord::USED_AT, &now),
        When::exists().and(RecoveryCodeRecord::USED_AT.absent()),
    );
    match Tx::new().step(write, ()).run(app.table.as_ref()).await {
        Ok(()) => Ok(()),
        // Unknown, used, or of an enrolment since reset: the same answer.
        Err(TxError::Refused(())) => failed(throttle).await,
        Err(TxError::Store(e)) => Err(Fault::from(e).into()),
    }
}

/// The pending key becomes the account's, with its first accepted step and a fresh
/// set of recovery codes, in one transaction.
async fn enrol(
    app: &App,
    account: &StaffAccount,
    pending: &TotpSecret,
    step: u64,
) -> Result<Vec<RecoveryCode>, AuthError> {
    let step = i64::try_from(step).map_err(|_| AuthError::SecondFactorFailed)?;
    let codes: Vec<RecoveryCode> = (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            OsRng.fill_bytes(&mut bytes);
            RecoveryCode::from_random(bytes)
        })
        .collect();
    let id = &account.staff_id;
    let generation = account.second_factor.totp_generation;
    let promote = records::update(
        StaffRecord::key(id),
        Changes::new()
            .set(StaffRecord::TOTP_SECRET, pending)
            .set(StaffRecord::TOTP_LAST_STEP, &step)
            .remove(StaffRecord::TOTP_PENDING),
        StaffRecord::TOTP_PENDING.is(pending).and(StaffRecord::TOTP_SECRET.absent()),
    );
    let entries = codes.iter().map(|c| {
        let key = RecoveryCodeRecord::key(id, generation, &hash(c));
        records::put(records::item::<RecoveryCodeRecord>(key, &RecoveryCodeEntry { used_at: None }), When::always())
    });
    match Tx::new().step(promote, ()).write_all(entries).run(app.table.as_ref()).await {
        Ok(()) => Ok(codes),
        // Another login enrolled (or a new key was issued) meanwhile: start again.
        Err(TxError::Refused(())) => Err(AuthError::SessionEnded),
        Err(TxError::Store(e)) => Err(Fault::from(e).into()),
    }
}

fn hash(code: &RecoveryCode) -> String {
    Sha256::digest(code.expose().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// An administrator's reset of another account's second factor: the key and pending
/// key go, old recovery codes retire (the generation moves) and every session ends.
/// The next login enrols again.
pub async fn reset(app: &App, who: &crate::audit::Actor, target: &StaffId) -> Result<bool, Fault> {
    let write = records::update(
        StaffRecord::key(target),
        Changes::new()
            .remove(StaffRecord::TOTP_SECRET)
            .remove(StaffRecord::TOTP_PENDING)
            .add(StaffRecord::TOTP_GENERATION, 1)
            .add(StaffRecord::SESSION_VERSION, 1),
        When::exists(),
    );
    let change = crate::audit::Change {
        action: "staff.second_factor_reset",
        label: "二要素認証のリセット",
        record: target.to_string(),
        before: Some("登録済み"),
        after: Some("未登録（次回ログインで再登録）"),
        reason: None,
    };
    let entry = crate::audit::on_staff(app, target, who, &change);
    match Tx::new().step(write, ()).write(entry).run(app.table.as_ref()).await {
        Ok(()) => Ok(true),
        Err(TxError::Refused(())) => Ok(false),
        Err(TxError::Store(e)) => Err(e.into()),
    }
}
