//! Login throttling: failures are counted per account and per source address in fixed
//! 15-minute windows. A throttled account is refused before its password is checked.
//! Nobody is locked out for good: a window ends by itself, and a password reset through
//! the registered mail clears the account's count at once.

use portal_domain::table::{Cond, Key, Write};

use crate::{App, AppError, keys};

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

impl<'a> Throttle<'a> {
    /// `account` is the typed id (counted whether or not it exists, which reveals
    /// nothing); `address` the caller's source address when known.
    pub fn new(app: &'a App, kind: &str, account: &str, address: Option<&str>) -> Self {
        Throttle { app, account: account_scope(kind, account), address: address.map(|a| format!("LOGIN#ADDR#{a}")) }
    }

    fn key(&self, scope: &str) -> Key {
        keys::throttle(scope, window_of(self.app.now_epoch()))
    }

    async fn failures(&self, scope: Option<&str>) -> Result<i64, AppError> {
        match scope {
            Some(s) => Ok(self.app.table.get(&self.key(s)).await?.and_then(|i| i.int("failures")).unwrap_or(0)),
            None => Ok(0),
        }
    }

    /// Refuses when the account or the address is over its limit in this window. Both
    /// counters are read concurrently: one round trip of latency.
    pub async fn check(&self) -> Result<(), AppError> {
        let (account, address) =
            tokio::join!(self.failures(Some(&self.account)), self.failures(self.address.as_deref()));
        if account? >= ACCOUNT_LIMIT || address? >= ADDRESS_LIMIT {
            let now = self.app.now_epoch();
            let retry_after_secs = (WINDOW_SECS - now.rem_euclid(WINDOW_SECS)) as u64;
            return Err(AppError::TooManyAttempts { retry_after_secs });
        }
        Ok(())
    }

    pub async fn record_failure(&self) -> Result<(), AppError> {
        let expires = (window_of(self.app.now_epoch()) + 2) * WINDOW_SECS;
        for scope in std::iter::once(&self.account).chain(self.address.as_ref()) {
            self.app.table.increment(&self.key(scope), "failures", 1, Some(expires)).await?;
        }
        Ok(())
    }
}

/// Clears an account's failure count of the current window (after a password reset).
pub fn clear_account(app: &App, kind: &str, account: &str) -> Write {
    Write::Delete { key: keys::throttle(&account_scope(kind, account), window_of(app.now_epoch())), cond: Cond::Always }
}
