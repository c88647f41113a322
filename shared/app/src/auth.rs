//! Logging in and out, for members and staff, and changing a password.

use portal_domain::table::{Cond, Update, Write};
use portal_domain::{FieldErrors, MemberNo, NewPassword, PasswordAttempt, PersonName, StaffId, StaffRole};

use crate::records::{self, Credentials};
use crate::throttle::Throttle;
use crate::{App, AppError, keys, mails, outbox, password_hash};

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
}

fn parse_login<T>(
    id: Result<T, portal_domain::FieldError>,
    raw_password: &str,
) -> Result<(T, PasswordAttempt), AppError> {
    let mut errs = FieldErrors::new();
    let id = errs.take(id);
    let pw = errs.take(PasswordAttempt::parse(raw_password));
    match (id, pw) {
        (Some(id), Some(pw)) => Ok((id, pw)),
        _ => Err(errs.into()),
    }
}

/// Checks a password against a stored hash, or against a dummy hash when there is no
/// account, so both cases take the same time and give the same answer.
async fn verify_or_fail(throttle: &Throttle<'_>, pw: PasswordAttempt, hash: Option<String>) -> Result<(), AppError> {
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| password_hash::dummy_hash().to_owned());
    let ok = password_hash::verify(pw.expose().to_owned(), hash).await?;
    if ok && known {
        Ok(())
    } else {
        throttle.record_failure().await?;
        Err(AppError::LoginFailed)
    }
}

pub async fn login_member(
    app: &App,
    raw_no: &str,
    raw_password: &str,
    address: Option<&str>,
) -> Result<MemberLogin, AppError> {
    let (no, pw) = parse_login(MemberNo::parse(raw_no), raw_password)?;
    let throttle = Throttle::new(app, "MEMBER", &no.to_string(), address);
    let (auth_key, profile_key) = (keys::member_auth(no), keys::member_profile(no));
    let (allowed, auth, profile) =
        tokio::join!(throttle.check(), app.table.get(&auth_key), app.table.get(&profile_key));
    allowed?;
    let creds = auth?.map(|i| records::credentials_from_item(&i)).transpose()?;
    let member = profile?.map(|i| records::member_from_item(&i)).transpose()?;
    let hash = creds.as_ref().filter(|_| member.is_some()).map(|c| c.password_hash.clone());
    verify_or_fail(&throttle, pw, hash).await?;
    let (creds, member) = (creds.expect("verified"), member.expect("verified"));
    Ok(MemberLogin { member_no: no, name: member.name, session_version: creds.session_version })
}

pub async fn login_staff(
    app: &App,
    raw_id: &str,
    raw_password: &str,
    address: Option<&str>,
) -> Result<StaffLogin, AppError> {
    let (id, pw) = parse_login(StaffId::parse(raw_id), raw_password)?;
    let throttle = Throttle::new(app, "STAFF", id.as_str(), address);
    let key = keys::staff_auth(&id);
    let (allowed, account) = tokio::join!(throttle.check(), app.table.get(&key));
    allowed?;
    let account = account?.map(|i| records::staff_from_item(&i)).transpose()?;
    verify_or_fail(&throttle, pw, account.as_ref().map(|a| a.credentials.password_hash.clone())).await?;
    let a = account.expect("verified");
    Ok(StaffLogin { staff_id: a.staff_id, name: a.name, role: a.role, session_version: a.credentials.session_version })
}

pub async fn staff_account(app: &App, id: &StaffId) -> Result<Option<records::StaffAccount>, AppError> {
    app.table.get(&keys::staff_auth(id)).await?.map(|i| records::staff_from_item(&i)).transpose()
}

/// Ends every session of the account that `version` belongs to. Ending an already
/// ended session is not an error.
pub async fn logout(app: &App, key: portal_domain::table::Key, version: i64) -> Result<(), AppError> {
    match app.table.transact(vec![records::bump_session_version(key, version)]).await {
        Ok(()) | Err(portal_domain::table::StoreError::ConditionFailed { .. }) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Changes a logged-in member's password: ends every other session and tells the
/// member by mail. Returns the new session version for the caller's fresh session.
pub async fn change_member_password(
    app: &App,
    no: MemberNo,
    session_version: i64,
    raw_current: &str,
    raw_new: &str,
) -> Result<i64, AppError> {
    let (auth_key, profile_key) = (keys::member_auth(no), keys::member_profile(no));
    let (auth, profile) = tokio::join!(app.table.get(&auth_key), app.table.get(&profile_key));
    let creds: Credentials = records::credentials_from_item(&auth?.ok_or(AppError::Unauthenticated)?)?;
    let member = records::member_from_item(&profile?.ok_or(AppError::Unauthenticated)?)?;
    if creds.session_version != session_version {
        return Err(AppError::Unauthenticated);
    }
    let mut errs = FieldErrors::new();
    let current = errs.take(PasswordAttempt::parse(raw_current).map_err(|e| e.for_field("current_password")));
    let context = [no.to_string(), member.name.as_str().to_owned(), member.email.as_str().to_owned()];
    let context: Vec<&str> = context.iter().map(String::as_str).collect();
    let new = errs.take(NewPassword::parse(raw_new, &context).map_err(|e| e.for_field("new_password")));
    let (Some(current), Some(new)) = (current, new) else { return Err(errs.into()) };
    let throttle = Throttle::new(app, "MEMBER", &no.to_string(), None);
    throttle.check().await?;
    if !password_hash::verify(current.expose().to_owned(), creds.password_hash).await? {
        throttle.record_failure().await?;
        return Err(AppError::WrongCurrentPassword);
    }
    let new_hash = password_hash::hash(new.expose().to_owned()).await?;
    let writes = vec![
        Write::Update {
            key: keys::member_auth(no),
            update: Update::default().set("password_hash", new_hash).add("session_version", 1),
            cond: Cond::eq("session_version", session_version),
        },
        outbox::enqueue(app, &mails::password_changed(&app.config, &member.email, &member.name)),
    ];
    match app.table.transact(writes).await {
        Ok(()) => Ok(session_version + 1),
        Err(portal_domain::table::StoreError::ConditionFailed { .. }) => Err(AppError::Unauthenticated),
        Err(e) => Err(e.into()),
    }
}
