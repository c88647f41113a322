//! Password reset by mail. The token is 256 bits from the OS's CSPRNG, stored only as
//! its SHA-256, valid for 30 minutes and usable once (a conditional delete decides the
//! race). The answer to a request is the same whether or not the member exists.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use portal_domain::table::{Cond, Item, StoreError, Update, Write};
use portal_domain::{FieldErrors, MemberNo, NewPassword};
use serde_json::Map;
use sha2::{Digest, Sha256};

use crate::throttle::{self, WINDOW_SECS};
use crate::{App, AppError, keys, mails, outbox, password_hash, records};

pub const VALID_MINUTES: i64 = 30;
/// Reset mails per member per 15 minutes; more requests are answered alike but send
/// nothing, so the form cannot be used to flood a member's mailbox.
pub const REQUESTS_PER_WINDOW: i64 = 3;

pub const REQUEST_ACCEPTED: &str = "ご登録のメールアドレスにパスワード再設定のご案内をお送りしました。メールが届かない場合は、会員番号をご確認のうえ、しばらくしてから再度お試しください。";

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Sends a reset link to the member's registered address, if there is such a member.
pub async fn request_reset(app: &App, raw_no: &str) -> Result<(), AppError> {
    let no = MemberNo::parse(raw_no)?;
    let now = app.now_epoch();
    let counter = keys::throttle(&format!("RESET#MEMBER#{no}"), throttle::window_of(now));
    let profile_key = keys::member_profile(no);
    let (profile, sent) = tokio::join!(app.table.get(&profile_key), app.table.get(&counter));
    let Some(profile) = profile? else { return Ok(()) };
    if sent?.and_then(|i| i.int("requests")).unwrap_or(0) >= REQUESTS_PER_WINDOW {
        tracing::info!("password reset requests over the limit; nothing sent");
        return Ok(());
    }
    let member = records::member_from_item(&profile)?;
    let token = new_token();
    let expires_at = now + VALID_MINUTES * 60;
    let mut attrs = Map::new();
    attrs.insert("type".into(), "reset_token".into());
    attrs.insert("member_no".into(), no.to_string().into());
    attrs.insert("valid_until".into(), expires_at.into());
    let writes = vec![
        Write::Put {
            item: Item::new(keys::reset_token(&token_hash(&token)), attrs).expiring_at(expires_at + 3600),
            cond: Cond::NotExists,
        },
        Write::Update {
            key: counter,
            update: Update::default().add("requests", 1).expires_at(Some(now + 2 * WINDOW_SECS)),
            cond: Cond::Always,
        },
        outbox::enqueue(app, &mails::password_reset(&app.config, &member.email, &member.name, &token, VALID_MINUTES)),
    ];
    app.table.transact(writes).await?;
    Ok(())
}

/// Sets a new password with a mailed token. Ends every session of the member, clears
/// the login throttle, and tells the member by mail.
pub async fn confirm_reset(app: &App, raw_token: &str, raw_password: &str) -> Result<(), AppError> {
    let token = raw_token.trim();
    if token.len() != 43 || !token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(AppError::InvalidToken);
    }
    let key = keys::reset_token(&token_hash(token));
    let now = app.now_epoch();
    let stored = app.table.get(&key).await?.ok_or(AppError::InvalidToken)?;
    if stored.int("valid_until").unwrap_or(0) <= now {
        return Err(AppError::InvalidToken);
    }
    let no = MemberNo::parse(stored.str("member_no").unwrap_or_default())?;
    let profile = app.table.get(&keys::member_profile(no)).await?.ok_or(AppError::InvalidToken)?;
    let member = records::member_from_item(&profile)?;
    let context = [no.to_string(), member.name.as_str().to_owned(), member.email.as_str().to_owned()];
    let context: Vec<&str> = context.iter().map(String::as_str).collect();
    let password = NewPassword::parse(raw_password, &context).map_err(FieldErrors::from)?;
    let new_hash = password_hash::hash(password.expose().to_owned()).await?;
    let writes = vec![
        // Index 0: whoever deletes the token first wins; a second use fails here.
        Write::Delete { key, cond: Cond::Gt("valid_until".into(), now) },
        Write::Update {
            key: keys::member_auth(no),
            update: Update::default().set("password_hash", new_hash).add("session_version", 1),
            cond: Cond::Exists,
        },
        throttle::clear_account(app, "MEMBER", &no.to_string()),
        outbox::enqueue(app, &mails::password_changed(&app.config, &member.email, &member.name)),
    ];
    match app.table.transact(writes).await {
        Ok(()) => Ok(()),
        Err(StoreError::ConditionFailed { .. }) => Err(AppError::InvalidToken),
        Err(e) => Err(e.into()),
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
