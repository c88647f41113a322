//! Password reset by mail. The token is 256 bits from the OS's CSPRNG, stored only as
//! its SHA-256, valid for 30 minutes and usable once (a conditional delete decides the
//! race). It carries the password version it was issued under, so any password change
//! since — another reset, a change, a staff action — makes it useless. The answer to a
//! request is the same whether or not the member exists.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use portal_domain::{FieldErrors, MemberNo, NewPassword};
use sha2::{Digest, Sha256};

use crate::records::{
    self, Attempt, MemberAuthRecord, MemberRecord, ResetToken, ResetTokenRecord, Tx, TxError, When, decode_opt,
};
use crate::throttle;
use crate::{App, ResetError, auth, mails, outbox, password_hash};

pub const VALID_MINUTES: i64 = 30;
/// Reset mails per member per 15 minutes; more requests are answered alike but send
/// nothing, so the form cannot be used to flood a member's mailbox.
pub const REQUESTS_PER_WINDOW: usize = 3;

pub const REQUEST_ACCEPTED: &str = "ご登録のメールアドレスにパスワード再設定のご案内をお送りしました。メールが届かない場合は、会員番号をご確認のうえ、しばらくしてから再度お試しください。";

/// Why a reset confirmation was refused (all are answered "invalid link").
#[derive(Clone, Copy, Debug)]
enum ConfirmConflict {
    /// Used already, or expired between the read and the write.
    TokenGone,
    /// The password changed since the token was issued.
    PasswordChanged,
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Sends a reset link to the member's registered address, if there is such a member.
pub async fn request_reset(app: &App, raw_no: &str) -> Result<(), ResetError> {
    let no = MemberNo::parse(raw_no).map_err(FieldErrors::from)?;
    let now = app.now_epoch();
    let scope = format!("RESET#MEMBER#{no}");
    let (profile_key, auth_key) = (MemberRecord::key(no), MemberAuthRecord::key(no));
    let (profile, creds, sent) =
        tokio::join!(app.table.get(&profile_key), app.table.get(&auth_key), throttle::recent(app, &scope, now));
    let (Some(member), Some(creds)) = (decode_opt::<MemberRecord>(profile?)?, decode_opt::<MemberAuthRecord>(creds?)?)
    else {
        return Ok(());
    };
    if throttle::wait_secs(sent?.iter().map(|a| a.t), REQUESTS_PER_WINDOW, now).is_some() {
        tracing::info!("password reset requests over the limit; nothing sent");
        return Ok(());
    }
    let token = new_token();
    let valid_until = now + VALID_MINUTES * 60;
    let stored = ResetToken { member_no: no, valid_until, password_version: creds.password_version };
    let item = records::item::<ResetTokenRecord>(ResetTokenRecord::key(&token_hash(&token)), &stored)
        .expiring_at(valid_until + 3600);
    Tx::plain()
        .write(records::put(item, When::new_item()))
        .write(throttle::record(&scope, &Attempt { t: now, a: None, d: None }))
        .write(outbox::enqueue(
            app,
            &mails::password_reset(&app.config, &member.email, &member.name, &token, VALID_MINUTES),
        ))
        .apply(app.table.as_ref())
        .await?;
    Ok(())
}

/// Sets a new password with a mailed token. Ends every session of the member (and
/// every other reset link), clears the login throttle, and tells the member by mail.
pub async fn confirm_reset(app: &App, raw_token: &str, raw_password: &str) -> Result<(), ResetError> {
    let token = raw_token.trim();
    if token.len() != 43 || !token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(ResetError::InvalidToken);
    }
    let key = ResetTokenRecord::key(&token_hash(token));
    let now = app.now_epoch();
    let stored = decode_opt::<ResetTokenRecord>(app.table.get(&key).await?)?.ok_or(ResetError::InvalidToken)?;
    if stored.valid_until <= now {
        return Err(ResetError::InvalidToken);
    }
    let no = stored.member_no;
    let member =
        decode_opt::<MemberRecord>(app.table.get(&MemberRecord::key(no)).await?)?.ok_or(ResetError::InvalidToken)?;
    let context = [no.to_string(), member.name.as_str().to_owned(), member.email.as_str().to_owned()];
    let context: Vec<&str> = context.iter().map(String::as_str).collect();
    let password = NewPassword::parse(raw_password, &context).map_err(FieldErrors::from)?;
    let new_hash = password_hash::hash(password.expose().to_owned()).await?;
    let tx = Tx::new()
        // Whoever deletes the token first wins; a second use is refused here.
        .step(records::delete(key, ResetTokenRecord::VALID_UNTIL.above(now)), ConfirmConflict::TokenGone)
        .step(
            records::update(
                MemberAuthRecord::key(no),
                auth::new_password(&new_hash),
                MemberAuthRecord::PASSWORD_VERSION.is(&stored.password_version),
            ),
            ConfirmConflict::PasswordChanged,
        )
        .write_all(throttle::clear_account(app, "MEMBER", &no.to_string()))
        .write(outbox::enqueue(app, &mails::password_changed(&app.config, &member.email, &member.name)));
    match tx.run(app.table.as_ref()).await {
        Ok(()) => Ok(()),
        Err(TxError::Refused(why)) => {
            tracing::info!(reason = ?why, "password reset link refused");
            Err(ResetError::InvalidToken)
        }
        Err(TxError::Store(e)) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_url_safe_and_distinct() {
        let a = new_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_token());
        assert_eq!(token_hash("abc").len(), 64);
    }
}
