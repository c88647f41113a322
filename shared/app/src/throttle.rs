//! Login throttling: failures are counted per account and per source address in fixed
//! 15-minute windows. A throttled account is refused before its password is checked.
//! Nobody is locked out for good: a window ends by itself, and a password reset through
//! the registered mail clears the account's count at once.

use portal_domain::table::{Key, Write};

use crate::records::{self, Changes, ThrottleRecord, When, decode_opt};
use crate::{App, AuthError, Fault};

pub const WINDOW_SECS: i64 = 15 * 60;
/// Failures per account per window before logins are refused.
pub const ACCOUNT_LIMIT: i64 = 10;
/// Failures per source address per window (higher: a hospital shares one address).
pub const ADDRESS_LIMIT: i64 = 30;

pub struct Throttle<'a> {
    app: &'a App,
    account: String,
    address: Option<String>,
}

pub fn window_of(epoch: i64) -> i64 {
    epoch.div_euclid(WINDOW_SECS)
}

pub fn account_scope(kind: &str, account: &str) -> String {
    format!("LOGIN#{kind}#{account}")
}

/// The count of one scope's current window (0 when nothing was counted).
pub async fn count(app: &App, key: &Key) -> Result<i64, Fault> {
    Ok(decode_opt::<ThrottleRecord>(app.table.get(key).await?)?.map_or(0, |c| c.count))
}

/// The write that adds one to a scope's window counter, expiring with the next window.
pub fn bump(app: &App, key: Key) -> Write {
    let expires = (window_of(app.now_epoch()) + 2) * WINDOW_SECS;
    let changes = Changes::<ThrottleRecord>::new().add(ThrottleRecord::COUNT, 1).expires_at(Some(expires));
    records::update(key, changes, When::always())
}

impl<'a> Throttle<'a> {
    /// `account` is the typed id (counted whether or not it exists, which reveals
    /// nothing); `address` the caller's source address when known.
    pub fn new(app: &'a App, kind: &str, account: &str, address: Option<&str>) -> Self {
        Throttle { app, account: account_scope(kind, account), address: address.map(|a| format!("LOGIN#ADDR#{a}")) }
    }

    fn key(&self, scope: &str) -> Key {
        ThrottleRecord::key(scope, window_of(self.app.now_epoch()))
    }

    async fn failures(&self, scope: Option<&str>) -> Result<i64, Fault> {
        match scope {
            Some(s) => count(self.app, &self.key(s)).await,
            None => Ok(0),
        }
    }

    /// Refuses when the account or the address is over its limit in this window. Both
    /// counters are read concurrently: one round trip of latency.
    pub async fn check(&self) -> Result<(), AuthError> {
        let (account, address) =
            tokio::join!(self.failures(Some(&self.account)), self.failures(self.address.as_deref()));
        if account? >= ACCOUNT_LIMIT || address? >= ADDRESS_LIMIT {
            let now = self.app.now_epoch();
            let retry_after_secs = (WINDOW_SECS - now.rem_euclid(WINDOW_SECS)) as u64;
            return Err(AuthError::TooManyAttempts { retry_after_secs });
        }
        Ok(())
    }

    /// Counts one failure for the account and the address, in one transaction.
    pub async fn record_failure(&self) -> Result<(), Fault> {
        let writes: Vec<Write> =
            std::iter::once(&self.account).chain(self.address.as_ref()).map(|s| bump(self.app, self.key(s))).collect();
        self.app.table.transact(writes).await?;
        Ok(())
    }
}

/// Clears an account's failure count of the current window (after a password reset).
pub fn clear_account(app: &App, kind: &str, account: &str) -> Write {
    let key = ThrottleRecord::key(&account_scope(kind, account), window_of(app.now_epoch()));
    records::delete::<ThrottleRecord>(key, When::always())
}
