//! Logging in and out, for members and staff, and changing a password.

use portal_domain::{FieldErrors, MemberNo, NewPassword, PasswordAttempt, PersonName, StaffId, StaffRole};

use crate::records::{
    self, Changes, Credentials, MemberAuthRecord, MemberRecord, StaffAccount, StaffRecord, Tx, TxError, decode_opt,
};
use crate::throttle::{Source, Throttle};
use crate::{App, AuthError, Fault, mails, outbox, password_hash};

#[derive(Clone, Debug)]
pub struct MemberLogin {
    pub member_no: MemberNo,
    pub name: PersonName,
    pub session_version: i64,
}

#[derive(Clone, Debug)]
pub struct StaffLogin {
    pub staff_id: StaffId,
    pub name: String,
    pub role: StaffRole,
    pub session_version: i64,
    /// Whether the account has an authenticator enrolled (else the first login enrols).
    pub enrolled: bool,
}

/// Why a write on an account's sessions was refused.
#[derive(Clone, Copy, Debug)]
enum SessionConflict {
    /// The session version moved since the caller's token was issued.
    Ended,
}

fn parse_login<T>(
    id: Result<T, portal_domain::FieldError>,
    raw_password: &str,
) -> Result<(T, PasswordAttempt), AuthError> {
    let mut errs = FieldErrors::new();
    let id = errs.take(id);
    let pw = errs.take(PasswordAttempt::parse(raw_password));
    match (id, pw) {
        (Some(id), Some(pw)) => Ok((id, pw)),
        _ => Err(errs.into()),
    }
}

/// Where a login comes from: the source address when known, and the known-device
/// cookie's claim when the request carried a valid one (which account it was issued
/// for, and the device's id).
#[derive(Clone, Copy, Debug, Default)]
pub struct LoginSource<'a> {
    pub address: Option<&'a str>,
    pub device: Option<KnownDevice<'a>>,
}

#[derive(Clone, Copy, Debug)]
pub struct KnownDevice<'a> {
    pub account: &'a str,
    pub id: &'a str,
}

/// The account name a member's device cookie is issued for.
pub fn member_device_account(member_no: &str) -> String {
    format!("MEMBER#{member_no}")
}

/// The account name a staff device cookie is issued for.
pub fn staff_device_account(staff_id: &str) -> String {
    format!("STAFF#{staff_id}")
}

impl LoginSource<'_> {
    /// The throttle's view: the device counts only if its cookie names this account.
    pub(crate) fn source(&self, account: &str) -> Source {
        let device = self.device.filter(|d| d.account == account).map(|d| d.id);
        Source::new(self.address, device)
    }
}

/// Checks a password against a stored account, or against a dummy hash when there is
/// none, so both cases take the same time and give the same answer. Returns the
/// account only when the password is right.
async fn verify_or_fail<A>(
    throttle: &Throttle<'_>,
    pw: PasswordAttempt,
    account: Option<A>,
    hash_of: impl Fn(&A) -> String,
) -> Result<A, AuthError> {
    let hash = account.as_ref().map(&hash_of).unwrap_or_else(|| password_hash::dummy_hash().to_owned());
    let ok = password_hash::verify(pw.expose().to_owned(), hash).await?;
    match account {
        Some(a) if ok => Ok(a),
        _ => {
            throttle.record_failure().await?;
            Err(AuthError::LoginFailed)
        }
    }
}

pub async fn login_member(
    app: &App,
    raw_no: &str,
    raw_password: &str,
    from: &LoginSource<'_>,
) -> Result<MemberLogin, AuthError> {
    let (no, pw) = parse_login(MemberNo::parse(raw_no), raw_password)?;
    let account = no.to_string();
    let throttle = Throttle::new(app, "MEMBER", &account, from.source(&member_device_account(&account)));
    let (auth_key, profile_key) = (MemberAuthRecord::key(no), MemberRecord::key(no));
    let (allowed, auth, profile) =
        tokio::join!(throttle.check(), app.table.get(&auth_key), app.table.get(&profile_key));
    allowed?;
    let creds = decode_opt::<MemberAuthRecord>(auth.map_err(Fault::from)?)?;
    let member = decode_opt::<MemberRecord>(profile.map_err(Fault::from)?)?;
    let account = creds.zip(member);
    let (creds, member) = verify_or_fail(&throttle, pw, account, |(c, _)| c.password_hash.clone()).await?;
    Ok(MemberLogin { member_no: no, name: member.name, session_version: creds.session_version })
}

pub async fn login_staff(
    app: &App,
    raw_id: &str,
    raw_password: &str,
    from: &LoginSource<'_>,
) -> Result<StaffLogin, AuthError> {
    let (id, pw) = parse_login(StaffId::parse(raw_id), raw_password)?;
    let throttle = Throttle::new(app, "STAFF", id.as_str(), from.source(&staff_device_account(id.as_str())));
    let key = StaffRecord::key(&id);
    let (allowed, account) = tokio::join!(throttle.check(), app.table.get(&key));
    allowed?;
    // A stopped account (利用停止) is answered exactly like an unknown id.
    let account = decode_opt::<StaffRecord>(account.map_err(Fault::from)?)?.filter(|a| !a.disabled);
    let a = verify_or_fail(&throttle, pw, account, |a| a.credentials.password_hash.clone()).await?;
    Ok(StaffLogin::of(a))
}

impl StaffLogin {
    pub(crate) fn of(a: StaffAccount) -> Self {
        StaffLogin {
            enrolled: a.second_factor.totp_secret.is_some(),
            staff_id: a.staff_id,
            name: a.name,
            role: a.role,
            session_version: a.credentials.session_version,
        }
    }
}

pub async fn staff_account(app: &App, id: &StaffId) -> Result<Option<StaffAccount>, Fault> {
    Ok(decode_opt::<StaffRecord>(app.table.get(&StaffRecord::key(id)).await?)?)
}

/// Ends every session of a member: the version moves on, but only from the value the
/// caller's token carries. Ending an already ended session is not an error.
pub async fn logout_member(app: &App, no: MemberNo, version: i64) -> Result<(), Fault> {
    let write = records::update(
        MemberAuthRecord::key(no),
        Changes::new().add(MemberAuthRecord::SESSION_VERSION, 1),
        MemberAuthRecord::SESSION_VERSION.is(&version),
    );
    ended_ok(Tx::new().step(write, SessionConflict::Ended).run(app.table.as_ref()).await)
}

/// Ends every session of a staff account (as [`logout_member`]).
pub async fn logout_staff(app: &App, id: &StaffId, version: i64) -> Result<(), Fault> {
    let write = records::update(
        StaffRecord::key(id),
        Changes::new().add(StaffRecord::SESSION_VERSION, 1),
        StaffRecord::SESSION_VERSION.is(&version),
    );
    ended_ok(Tx::new().step(write, SessionConflict::Ended).run(app.table.as_ref()).await)
}

fn ended_ok(r: Result<(), TxError<SessionConflict>>) -> Result<(), Fault> {
    match r {
        Ok(()) | Err(TxError::Refused(SessionConflict::Ended)) => Ok(()),
        Err(TxError::Store(e)) => Err(e.into()),
    }
}

/// Changes a logged-in member's password: ends every other session (and every
/// outstanding reset link) and tells the member by mail. Returns the new session
/// version for the caller's fresh session.
pub async fn change_member_password(
    app: &App,
    no: MemberNo,
    session_version: i64,
    raw_current: &str,
    raw_new: &str,
) -> Result<i64, AuthError> {
    let (auth_key, profile_key) = (MemberAuthRecord::key(no), MemberRecord::key(no));
    let (auth, profile) = tokio::join!(app.table.get(&auth_key), app.table.get(&profile_key));
    let creds: Credentials = decode_opt::<MemberAuthRecord>(auth?)?.ok_or(AuthError::SessionEnded)?;
    let member = decode_opt::<MemberRecord>(profile?)?.ok_or(AuthError::SessionEnded)?;
    if creds.session_version != session_version {
        return Err(AuthError::SessionEnded);
    }
    let mut errs = FieldErrors::new();
    let current = errs.take(PasswordAttempt::parse(raw_current).map_err(|e| e.for_field("current_password")));
    let context = [no.to_string(), member.name.as_str().to_owned(), member.email.as_str().to_owned()];
    let context: Vec<&str> = context.iter().map(String::as_str).collect();
    let new = errs.take(NewPassword::parse(raw_new, &context).map_err(|e| e.for_field("new_password")));
    let (Some(current), Some(new)) = (current, new) else { return Err(errs.into()) };
    let throttle = Throttle::new(app, "MEMBER", &no.to_string(), Source::default());
    throttle.check().await?;
    if !password_hash::verify(current.expose().to_owned(), creds.password_hash).await? {
        throttle.record_failure().await?;
        return Err(AuthError::WrongCurrentPassword);
    }
    let new_hash = password_hash::hash(new.expose().to_owned()).await?;
    let tx = Tx::new()
        .step(
            records::update(auth_key, new_password(&new_hash), MemberAuthRecord::SESSION_VERSION.is(&session_version)),
            SessionConflict::Ended,
        )
        .write(outbox::enqueue(app, &mails::password_changed(&app.config, &member.email, &member.name)));
    match tx.run(app.table.as_ref()).await {
        Ok(()) => Ok(session_version + 1),
        Err(TxError::Refused(SessionConflict::Ended)) => Err(AuthError::SessionEnded),
        Err(TxError::Store(e)) => Err(e.into()),
    }
}

/// A new password hash: every session and every reset link issued before ends.
pub fn new_password(hash: &str) -> Changes<MemberAuthRecord> {
    Changes::new()
        .set(MemberAuthRecord::PASSWORD_HASH, &hash.to_owned())
        .add(MemberAuthRecord::SESSION_VERSION, 1)
        .add(MemberAuthRecord::PASSWORD_VERSION, 1)
}
