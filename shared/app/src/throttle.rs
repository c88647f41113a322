//! Login throttling over a sliding 15-minute window (policy and reasons: docs/rules.md
//! «ログインの試行制限»). Failed attempts are kept with their time, so a limit holds over
//! any 15 minutes and `Retry-After` says when one more attempt is allowed.
//!
//! Three scopes keep guessing expensive without letting one person lock others out:
//! - account + source address: one source guessing one account (5);
//! - account, any source: many sources guessing one account (20);
//! - source address, any account: credential stuffing from one source (50).
//!
//! A browser that has logged in to the account before (a known device, by a signed
//! cookie) is judged only by its own failures (10): a hospital's shared address or an
//! attacker's guesses at a member's number never lock the member out of their own PC.
//! A password reset through the registered mail clears the account's window.

use portal_domain::table::{Key, Write};
use sha2::{Digest, Sha256};

use crate::records::{self, Attempt, Changes, ThrottleRecord, When, decode};
use crate::{App, AuthError, Fault};

pub const WINDOW_SECS: i64 = 15 * 60;
pub const ACCOUNT_ADDRESS_LIMIT: usize = 5;
pub const ACCOUNT_LIMIT: usize = 20;
pub const ADDRESS_LIMIT: usize = 50;
pub const DEVICE_LIMIT: usize = 10;

/// The storage bucket of an instant; a window spans at most two.
pub fn bucket_of(epoch: i64) -> i64 {
    epoch.div_euclid(WINDOW_SECS)
}

/// Seconds until one more attempt is allowed when `times` (any order) already hold
/// `limit` attempts within the window ending at `now`; `None` when one is allowed now.
pub fn wait_secs(times: impl IntoIterator<Item = i64>, limit: usize, now: i64) -> Option<u64> {
    let mut live: Vec<i64> = times.into_iter().filter(|t| *t > now - WINDOW_SECS && *t <= now).collect();
    if live.len() < limit {
        return None;
    }
    live.sort_unstable();
    // Once this one leaves the window, one fewer than `limit` remain.
    let pivot = live[live.len() - limit];
    Some((pivot + WINDOW_SECS - now).max(1) as u64)
}

/// The attempts of a scope within the window ending at `now`, from one Query.
pub async fn recent(app: &App, scope: &str, now: i64) -> Result<Vec<Attempt>, Fault> {
    let (pk, prefix) = ThrottleRecord::buckets_of(scope);
    let mut out = Vec::new();
    for item in app.table.query(&pk, prefix).await? {
        out.extend(decode::<ThrottleRecord>(&item)?.attempts.into_iter().filter(|a| a.t > now - WINDOW_SECS));
    }
    Ok(out)
}

/// The write that counts one attempt in a scope; it expires once it can no longer
/// fall in any window.
pub fn record(scope: &str, attempt: &Attempt) -> Write {
    let bucket = bucket_of(attempt.t);
    let changes = Changes::<ThrottleRecord>::new()
        .append(ThrottleRecord::ATTEMPTS, attempt)
        .expires_at(Some((bucket + 2) * WINDOW_SECS));
    records::update(ThrottleRecord::key(scope, bucket), changes, When::always())
}

/// The writes that empty a scope's window (the buckets it can span at `now`).
pub fn clear(scope: &str, now: i64) -> [Write; 2] {
    let b = bucket_of(now);
    let del = |bucket| records::delete::<ThrottleRecord>(ThrottleRecord::key(scope, bucket), When::always());
    [del(b), del(b - 1)]
}

pub fn account_scope(kind: &str, account: &str) -> String {
    format!("LOGIN#{kind}#{account}")
}

/// A source address as stored: a short hash, enough to tell sources apart for 30
/// minutes, not to read back.
pub fn address_tag(address: &str) -> String {
    Sha256::digest(address.as_bytes())[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Who is trying: the caller's source address when known, and the known-device id
/// when the request carried a valid device cookie for this very account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Source {
    pub address: Option<String>,
    pub device: Option<String>,
}

impl Source {
    pub fn new(address: Option<&str>, device: Option<&str>) -> Self {
        Source { address: address.map(address_tag), device: device.map(str::to_owned) }
    }
}

/// The rule itself, on what the windows hold: seconds to wait, or `None` to go on.
pub fn refusal(account: &[Attempt], address: &[Attempt], who: &Source, now: i64) -> Option<u64> {
    let times = |it: &mut dyn Iterator<Item = &Attempt>| it.map(|a| a.t).collect::<Vec<_>>();
    if let Some(d) = &who.device {
        return wait_secs(times(&mut account.iter().filter(|a| a.d.as_ref() == Some(d))), DEVICE_LIMIT, now);
    }
    let mut waits = vec![wait_secs(times(&mut account.iter()), ACCOUNT_LIMIT, now)];
    if let Some(addr) = &who.address {
        let same = times(&mut account.iter().filter(|a| a.a.as_ref() == Some(addr)));
        waits.push(wait_secs(same, ACCOUNT_ADDRESS_LIMIT, now));
        waits.push(wait_secs(times(&mut address.iter()), ADDRESS_LIMIT, now));
    }
    waits.into_iter().flatten().max()
}

/// One login attempt's throttle: reads its windows, refuses, records a failure.
pub struct Throttle<'a> {
    app: &'a App,
    account: String,
    who: Source,
}

impl<'a> Throttle<'a> {
    /// `account` is the typed id (counted whether or not it exists, which reveals
    /// nothing).
    pub fn new(app: &'a App, kind: &str, account: &str, who: Source) -> Self {
        Throttle { app, account: account_scope(kind, account), who }
    }

    fn address_scope(&self) -> Option<String> {
        // A known device's failures are its own business, not its network's.
        match (&self.who.address, &self.who.device) {
            (Some(a), None) => Some(format!("LOGIN#ADDR#{a}")),
            _ => None,
        }
    }

    /// Refuses when a limit is reached. The windows are read concurrently: one round
    /// trip of latency.
    pub async fn check(&self) -> Result<(), AuthError> {
        let now = self.app.now_epoch();
        let address_scope = self.address_scope();
        let (account, address) = tokio::join!(recent(self.app, &self.account, now), async {
            match &address_scope {
                Some(s) => recent(self.app, s, now).await,
                None => Ok(Vec::new()),
            }
        });
        match refusal(&account?, &address?, &self.who, now) {
            Some(retry_after_secs) => Err(AuthError::TooManyAttempts { retry_after_secs }),
            None => Ok(()),
        }
    }

    /// Counts one failure in the account's window and the address's, in one
    /// transaction; appends, so racing failures are all counted.
    pub async fn record_failure(&self) -> Result<(), Fault> {
        let t = self.app.now_epoch();
        let mut writes =
            vec![record(&self.account, &Attempt { t, a: self.who.address.clone(), d: self.who.device.clone() })];
        if let Some(s) = self.address_scope() {
            writes.push(record(&s, &Attempt { t, a: None, d: None }));
        }
        self.app.table.transact(writes).await?;
        Ok(())
    }
}

/// Empties an account's window (after a password reset through the registered mail).
pub fn clear_account(app: &App, kind: &str, account: &str) -> [Write; 2] {
    clear(&account_scope(kind, account), app.now_epoch())
}

/// The key of a scope's current bucket (for tests that look at the store).
pub fn current_key(scope: &str, now: i64) -> Key {
    ThrottleRecord::key(scope, bucket_of(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(t: i64) -> Attempt {
        Attempt { t, a: None, d: None }
    }

    #[test]
    fn retry_after_names_the_moment_the_oldest_counted_attempt_leaves() {
        let times = [100, 200, 300, 400, 500];
        assert_eq!(wait_secs(times, 5, 600), Some((100 + WINDOW_SECS - 600) as u64));
        assert_eq!(wait_secs(times, 5, 100 + WINDOW_SECS), None);
        assert_eq!(wait_secs(times, 6, 600), None);
    }

    #[test]
    fn a_bucket_boundary_does_not_reset_the_count() {
        // Five failures just before a boundary still count just after it.
        let boundary = 10 * WINDOW_SECS;
        let times: Vec<i64> = (1..=5).map(|i| boundary - i).collect();
        assert!(wait_secs(times, 5, boundary + 60).is_some());
    }

    #[test]
    fn a_known_device_is_judged_by_its_own_failures_only() {
        let now = 10_000;
        let me = Source { address: Some("aa".into()), device: Some("dev1".into()) };
        let others: Vec<Attempt> = (0..30).map(|i| Attempt { t: now - i, a: Some("aa".into()), d: None }).collect();
        let busy_address: Vec<Attempt> = (0..100).map(|i| at(now - i)).collect();
        assert_eq!(refusal(&others, &busy_address, &me, now), None);
        let mine: Vec<Attempt> = (0..10).map(|i| Attempt { t: now - i, a: None, d: Some("dev1".into()) }).collect();
        assert!(refusal(&mine, &[], &me, now).is_some());
    }

    #[test]
    fn one_source_guessing_one_account_leaves_other_sources_alone() {
        let now = 10_000;
        let guesses: Vec<Attempt> = (0..5).map(|i| Attempt { t: now - i, a: Some("evil".into()), d: None }).collect();
        let evil = Source { address: Some("evil".into()), device: None };
        let home = Source { address: Some("home".into()), device: None };
        assert!(refusal(&guesses, &[], &evil, now).is_some());
        assert_eq!(refusal(&guesses, &[], &home, now), None);
    }

    proptest! {
        /// Whatever the timing, a source that stops when refused never gets more than
        /// the limit of failures into any 15 minutes.
        #[test]
        fn no_window_holds_more_failures_than_the_limit(gaps in proptest::collection::vec(0i64..400, 1..200)) {
            let mut now = 1_000_000;
            let mut counted: Vec<i64> = Vec::new();
            for gap in gaps {
                now += gap;
                if wait_secs(counted.iter().copied(), ACCOUNT_ADDRESS_LIMIT, now).is_none() {
                    counted.push(now);
                }
            }
            for (i, start) in counted.iter().enumerate() {
                let within = counted[i..].iter().filter(|t| **t < start + WINDOW_SECS).count();
                prop_assert!(within <= ACCOUNT_ADDRESS_LIMIT, "{within} failures within 15 minutes of {start}");
            }
        }

        /// The wait it names is exact: one second earlier is still refused, then allowed.
        #[test]
        fn the_wait_is_exact(times in proptest::collection::vec(0i64..WINDOW_SECS, 5..20)) {
            let now = WINDOW_SECS;
            let base: Vec<i64> = times.iter().map(|t| t + 1).collect();
            if let Some(w) = wait_secs(base.iter().copied(), 5, now) {
                let w = w as i64;
                prop_assert!(w == 1 || wait_secs(base.iter().copied(), 5, now + w - 1).is_some());
                prop_assert!(wait_secs(base.iter().copied(), 5, now + w).is_none());
            }
        }
    }
}
