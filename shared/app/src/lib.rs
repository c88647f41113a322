//! Use cases of the member portal, written once over the domain's ports. The HTTP
//! layer calls these; adapters (DynamoDB/SQLite, SES/mailbox) are passed in.

pub mod application_list;
pub mod applications;
pub mod attendance;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod credits;
pub mod directory;
pub mod error;
pub mod invoice_list;
pub mod keys;
pub mod mail_events;
pub mod mails;
pub mod member_records;
pub mod outbox;
pub mod password_hash;
pub mod payments;
pub mod profile;
pub mod records;
pub mod reminders;
pub mod reset;
pub mod retrying;
pub mod rule_admin;
pub mod season_counts;
pub mod second_factor;
pub mod seed;
pub mod staff_accounts;
pub mod throttle;
pub mod unit_admin;

use std::sync::Arc;

use portal_domain::Clock;
use portal_domain::table::Table;

pub use error::{AccessError, ApplicationError, AuthError, CreditError, Fault, PaymentError, ResetError, SeedError};

use records::{Changes, SequenceRecord, decode};

/// Settings that use cases need and that differ per deployment.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// Base of every link in a mail, e.g. `https://portal.example.jp` — configured,
    /// never taken from a request's Host header.
    pub base_url: String,
    /// Who issues receipts (領収書).
    pub issuer: portal_domain::receipt::Issuer,
}

impl AppConfig {
    /// The settings for `base_url`, the issuer from the environment: `PORTAL_SOCIETY_NAME`,
    /// `PORTAL_SOCIETY_ADDRESS`, `PORTAL_INVOICE_REGISTRATION_NO` (`T` + 13 digits, when
    /// the society is registered), `PORTAL_RENEWAL_FEE_TAX_PERCENT` and
    /// `PORTAL_ANNUAL_DUES_TAX_PERCENT` (unset: 不課税).
    pub fn new(base_url: &str) -> Self {
        let var = |k: &str| std::env::var(k).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let percent = |k: &str| var(k).and_then(|v| v.parse().ok());
        AppConfig {
            base_url: base_url.to_owned(),
            issuer: portal_domain::receipt::Issuer {
                name: var("PORTAL_SOCIETY_NAME").unwrap_or_else(|| "一般社団法人 日本循環器学会".into()),
                address: var("PORTAL_SOCIETY_ADDRESS").unwrap_or_else(|| "（所在地は事務局が設定）".into()),
                registration_no: var("PORTAL_INVOICE_REGISTRATION_NO")
                    .filter(|n| portal_domain::receipt::Issuer::valid_registration_no(n)),
                renewal_fee_tax: percent("PORTAL_RENEWAL_FEE_TAX_PERCENT"),
                annual_dues_tax: percent("PORTAL_ANNUAL_DUES_TAX_PERCENT"),
            },
        }
    }

    pub fn link(&self, path_and_query: &str) -> String {
        format!("{}{}", self.base_url.trim_end_matches('/'), path_and_query)
    }
}

/// The ports and settings one running portal works with.
#[derive(Clone)]
pub struct App {
    pub table: Arc<dyn Table>,
    pub clock: Arc<dyn Clock>,
    pub config: AppConfig,
}

impl App {
    /// The store is wrapped in bounded retries (see [`retrying`]), so every use case
    /// rides out a lost transaction race or a moment of throttling.
    pub fn new(table: Arc<dyn Table>, clock: Arc<dyn Clock>, config: AppConfig) -> Self {
        App { table: Arc::new(retrying::Retrying::new(table)), clock, config }
    }

    pub fn now_epoch(&self) -> i64 {
        self.clock.now().timestamp()
    }

    /// The next number of sequence `name` (1, 2, …), never handed out twice.
    pub async fn next_in_sequence(&self, name: &str) -> Result<i64, Fault> {
        self.reserve_in_sequence(name, 1).await
    }

    /// Reserves `n` numbers of sequence `name` at once; returns the last of them.
    pub async fn reserve_in_sequence(&self, name: &str, n: i64) -> Result<i64, Fault> {
        let changes = Changes::<SequenceRecord>::new().add(SequenceRecord::NEXT, n);
        let item = self.table.update_returning(&SequenceRecord::key(name), changes.into_update()).await?;
        Ok(decode::<SequenceRecord>(&item)?.next)
    }
}
