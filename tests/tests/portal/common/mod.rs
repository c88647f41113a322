//! `spawn_app`: the real portal router on a random loopback port with a private store
//! (in-memory SQLite, or a fresh table on the AWS emulator), a movable clock, a
//! store-call counter and a fault injector; plus an HTTP client that behaves like the
//! site's own pages (same Origin, JSON bodies, cookies) and checks every API answer
//! against the OpenAPI document.
#![allow(dead_code)]

pub mod emulator;
pub mod faults;
pub mod openapi;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use portal_app::outbox;
use portal_domain::Clock;
use portal_domain::table::{IndexQuery, Item, Key, StoreError, Table, Update, Write};
use portal_store_sqlite::{Mailbox, SentMail, SqliteTable};
use portal_web::AppState;
use serde::de::DeserializeOwned;
use serde_json::Value;

#[allow(unused_imports)]
pub use faults::{Call, Faults, FaultyTable, Injected};

pub const DEMO_PASSWORD: &str = portal_app::seed::DEMO_PASSWORD;

/// The system clock moved by an offset the test controls.
#[derive(Default)]
pub struct TestClock {
    offset_secs: AtomicI64,
    /// When set, time stands still here (plus the offset) until the test advances it.
    frozen: std::sync::Mutex<Option<DateTime<Utc>>>,
}

impl TestClock {
    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::SeqCst);
    }

    pub fn now_secs(&self) -> i64 {
        self.now().timestamp()
    }

    /// Stops the clock, for tests that check durations to the second.
    pub fn freeze(&self) {
        *self.frozen.lock().unwrap() = Some(Utc::now());
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        let base = self.frozen.lock().unwrap().unwrap_or_else(Utc::now);
        base + chrono::Duration::seconds(self.offset_secs.load(Ordering::SeqCst))
    }
}

/// Counts every call to the store port: the round trips a user action costs.
pub struct CountingTable {
    inner: Arc<dyn Table>,
    calls: AtomicUsize,
}

impl CountingTable {
    pub fn new(inner: Arc<dyn Table>) -> Self {
        CountingTable { inner, calls: AtomicUsize::new(0) }
    }

    pub fn take(&self) -> usize {
        self.calls.swap(0, Ordering::SeqCst)
    }

    fn tick(&self) {
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
}

#[async_trait]
impl Table for CountingTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.tick();
        self.inner.get(key).await
    }
    async fn query(&self, pk: &str, sk_prefix: &str) -> Result<Vec<Item>, StoreError> {
        self.tick();
        self.inner.query(pk, sk_prefix).await
    }
    async fn query_gsi1(&self, q: &IndexQuery) -> Result<Vec<Item>, StoreError> {
        self.tick();
        self.inner.query_gsi1(q).await
    }
    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        self.tick();
        self.inner.transact(writes).await
    }
    async fn update_returning(&self, key: &Key, update: Update) -> Result<Item, StoreError> {
        self.tick();
        self.inner.update_returning(key, update).await
    }
}

/// Which store the app under test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    /// A fresh table on the AWS emulator the test command starts.
    Dynamo,
}

/// The simulated provider, with switches that make it unreachable on purpose.
pub struct TestProvider {
    pub sim: portal_store_sqlite::SimulatedProvider,
    pub fail_start: std::sync::atomic::AtomicBool,
    pub fail_trade: std::sync::atomic::AtomicBool,
}

#[async_trait]
impl portal_domain::payment::Payments for TestProvider {
    fn shop_id(&self) -> &str {
        self.sim.shop_id()
    }

    async fn start_checkout(
        &self,
        req: &portal_domain::payment::CheckoutRequest,
    ) -> Result<String, portal_domain::payment::PaymentsError> {
        if self.fail_start.load(Ordering::SeqCst) {
            return Err(portal_domain::payment::PaymentsError::unavailable("switched off by the test"));
        }
        self.sim.start_checkout(req).await
    }

    async fn trade(
        &self,
        order: &portal_domain::OrderId,
        pay_type: portal_domain::PayType,
    ) -> Result<Option<portal_domain::payment::Trade>, portal_domain::payment::PaymentsError> {
        if self.fail_trade.load(Ordering::SeqCst) {
            return Err(portal_domain::payment::PaymentsError::unavailable("switched off by the test"));
        }
        self.sim.trade(order, pay_type).await
    }
}

pub struct TestApp {
    pub provider: Arc<TestProvider>,
    pub url: String,
    pub addr: SocketAddr,
    pub clock: Arc<TestClock>,
    pub store: Arc<CountingTable>,
    pub faults: Arc<Faults>,
    pub mailbox: Mailbox,
    pub state: AppState,
    /// Each staff account's enrolled authenticator key and unused recovery codes, as
    /// [`TestApp::login_staff`] enrolled them.
    pub staff_keys: std::sync::Mutex<std::collections::HashMap<String, StaffKey>>,
}

#[derive(Clone, Debug)]
pub struct StaffKey {
    pub secret: String,
    pub recovery_codes: Vec<String>,
}

pub const SECRET: &[u8] = b"test-session-secret-0123456789abcdef-0123456789";

/// Where proof files go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilesAt {
    /// The embedded adapter: a folder behind the local portal's signed `/_files` routes.
    Local,
    /// A fresh bucket on LocalStack's S3 (real signature checks), which the test
    /// command starts.
    S3,
}

/// The portal on the embedded store and file folder — or, when the test command runs
/// the HTTP suite in emulator mode (`PORTAL_TEST_MODE=emulated`), on a fresh DynamoDB
/// table of the AWS emulator and a fresh bucket of LocalStack's S3.
pub async fn spawn_app() -> TestApp {
    if std::env::var("PORTAL_TEST_MODE").is_ok_and(|m| m == "emulated") {
        spawn(Backend::Dynamo, FilesAt::S3).await
    } else {
        spawn(Backend::Sqlite, FilesAt::Local).await
    }
}

pub async fn spawn_app_on(backend: Backend) -> TestApp {
    spawn(backend, FilesAt::Local).await
}

pub async fn spawn(backend: Backend, files_at: FilesAt) -> TestApp {
    spawn_with(backend, files_at, Wrap::default()).await
}

/// Ways to look inside the app under test: its store and file ports wrapped, and each
/// route group's router too (named as its function).
#[derive(Default)]
pub struct Wrap {
    pub table: Option<WrapPort<dyn Table>>,
    pub files: Option<WrapPort<dyn portal_domain::files::ProofFiles>>,
    pub group: Option<fn(&'static str, axum::Router) -> axum::Router>,
}

/// A function that puts a port inside another (a recorder, say).
pub type WrapPort<P> = Box<dyn FnOnce(Arc<P>) -> Arc<P> + Send>;

pub async fn spawn_with(backend: Backend, files_at: FilesAt, wrap: Wrap) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let url = format!("http://{addr}");
    let clock = Arc::new(TestClock::default());
    // The mailbox lives in SQLite whichever store the portal uses (as in portal-local).
    let sqlite = SqliteTable::in_memory().with_clock(clock.clone());
    let mailbox = Mailbox::new(&sqlite);
    let sim = portal_store_sqlite::SimulatedProvider::new(&sqlite, &url);
    let provider =
        Arc::new(TestProvider { sim: sim.clone(), fail_start: Default::default(), fail_trade: Default::default() });
    let backing: Arc<dyn Table> = match backend {
        Backend::Sqlite => Arc::new(sqlite),
        Backend::Dynamo => Arc::new(emulator::fresh_table().await.with_clock(clock.clone())),
    };
    let faults = Arc::new(Faults::default());
    let store = Arc::new(CountingTable::new(Arc::new(FaultyTable::new(backing, faults.clone()))));
    let files_dir = std::env::temp_dir().join(format!("portal-test-files-{}", uuid::Uuid::new_v4().simple()));
    let local = portal_local::local_files(&files_dir, SECRET, &url);
    let (files, local): (Arc<dyn portal_domain::files::ProofFiles>, _) = match files_at {
        FilesAt::Local => (Arc::new(local.clone()), Some(local)),
        FilesAt::S3 => (Arc::new(emulator::fresh_bucket().await), None),
    };
    let table: Arc<dyn Table> = match wrap.table {
        Some(w) => w(store.clone()),
        None => store.clone(),
    };
    let files = match wrap.files {
        Some(w) => w(files),
        None => files,
    };
    let state = portal_local::state(table, clock.clone(), files, provider.clone(), &url, SECRET).unwrap();
    portal_app::seed::demo(&state.app).await.unwrap();
    let group = wrap.group.unwrap_or(|_, r| r);
    let router = portal_local::router_with(state.clone(), mailbox.clone(), local, Some(sim), group);
    tokio::spawn(async move {
        portal_local::serve(listener, router, std::future::pending()).await.unwrap();
    });
    store.take();
    TestApp { provider, url, addr, clock, store, faults, mailbox, state, staff_keys: Default::default() }
}

impl TestApp {
    /// A browser-like client: keeps cookies, sends the site's Origin.
    pub fn browser(&self) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            url: self.url.clone(),
        }
    }

    /// A client that keeps no cookies: each request carries exactly what the test says.
    pub fn raw(&self) -> reqwest::Client {
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    pub async fn login(&self, member_no: &str, password: &str) -> Browser {
        let b = self.browser();
        let res = b.post("/api/auth/login", serde_json::json!({ "member_no": member_no, "password": password })).await;
        assert_eq!(res.status(), 200, "login of {member_no} failed");
        b
    }

    /// Logs staff in with password and second factor: the first login of an account
    /// enrols its authenticator (the key is kept); later ones type a recovery code, so
    /// no test waits for the next 30-second step.
    pub async fn login_staff(&self, staff_id: &str) -> Browser {
        self.login_staff_with(staff_id, DEMO_PASSWORD).await
    }

    /// Password, then the second factor (enrolling at the first login).
    pub async fn login_staff_with(&self, staff_id: &str, password: &str) -> Browser {
        let b = self.browser();
        let res = b.post("/api/staff/login", serde_json::json!({ "staff_id": staff_id, "password": password })).await;
        assert_eq!(res.status(), 200);
        let step: Value = res.json().await.unwrap();
        let answer = if step["second_factor"] == "enrol" {
            let secret = step["enrolment"]["secret"].as_str().unwrap().to_owned();
            serde_json::json!({ "code": self.totp_code(&secret) })
        } else {
            let code = self.staff_keys.lock().unwrap().get_mut(staff_id).and_then(|k| k.recovery_codes.pop());
            serde_json::json!({ "recovery_code": code.expect("a recovery code left") })
        };
        let res = b.post("/api/staff/login/second-factor", answer).await;
        assert_eq!(res.status(), 200);
        let done: Value = res.json().await.unwrap();
        if step["second_factor"] == "enrol" {
            let codes = done["recovery_codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned());
            let key = StaffKey {
                secret: step["enrolment"]["secret"].as_str().unwrap().to_owned(),
                recovery_codes: codes.collect(),
            };
            self.staff_keys.lock().unwrap().insert(staff_id.to_owned(), key);
        }
        b
    }

    /// The code an authenticator with `secret` shows now (by the app's clock).
    pub fn totp_code(&self, secret: &str) -> String {
        self.totp_code_at(secret, 0)
    }

    /// The code it showed (or will show) `offset_secs` from now.
    pub fn totp_code_at(&self, secret: &str, offset_secs: i64) -> String {
        let key = portal_domain::second_factor::TotpSecret::from_base32(secret).unwrap();
        key.code_at((self.clock.now().timestamp() + offset_secs) as u64)
    }

    /// Runs the outbox sender once, then returns the mails to `to`, newest first.
    pub async fn mails_to(&self, to: &str) -> Vec<SentMail> {
        outbox::deliver_due(&self.state.app, &self.mailbox, 100).await.unwrap();
        self.mailbox.all().await.unwrap().into_iter().filter(|m| m.to == to).collect()
    }
}

/// An answer as a test sees it, already checked against the OpenAPI document.
pub struct TestResponse {
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl TestResponse {
    async fn read(method: &str, path: &str, res: reqwest::Response) -> Self {
        let (status, headers) = (res.status(), res.headers().clone());
        let body = res.bytes().await.unwrap().to_vec();
        let ct = headers.get("content-type").and_then(|v| v.to_str().ok());
        let path_only = path.split('?').next().unwrap_or(path);
        openapi::check(method, path_only, status.as_u16(), ct, &body);
        TestResponse { status, headers, body }
    }

    pub fn status(&self) -> reqwest::StatusCode {
        self.status
    }

    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }

    pub async fn json<T: DeserializeOwned>(self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    pub async fn text(self) -> Result<String, std::string::FromUtf8Error> {
        String::from_utf8(self.body)
    }
}

pub struct Browser {
    pub http: reqwest::Client,
    pub url: String,
}

impl Browser {
    pub async fn get(&self, path: &str) -> TestResponse {
        TestResponse::read("GET", path, self.http.get(format!("{}{path}", self.url)).send().await.unwrap()).await
    }

    /// A DELETE as the site's http.js sends it: no body, the custom header instead.
    pub async fn delete(&self, path: &str) -> TestResponse {
        let res = self
            .http
            .delete(format!("{}{path}", self.url))
            .header("Origin", &self.url)
            .header("X-Requested-With", "portal-fetch")
            .send()
            .await
            .unwrap();
        TestResponse::read("DELETE", path, res).await
    }

    pub async fn put(&self, path: &str, body: Value) -> TestResponse {
        let res =
            self.http.put(format!("{}{path}", self.url)).header("Origin", &self.url).json(&body).send().await.unwrap();
        TestResponse::read("PUT", path, res).await
    }

    pub async fn post(&self, path: &str, body: Value) -> TestResponse {
        let res =
            self.http.post(format!("{}{path}", self.url)).header("Origin", &self.url).json(&body).send().await.unwrap();
        TestResponse::read("POST", path, res).await
    }
}

/// The value of a response's `Set-Cookie` for `name` (e.g. the session token).
pub fn cookie(res: &TestResponse, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap()[name.len() + 1..].to_owned())
}

/// The reset token in the newest reset mail to `to`.
pub fn token_in(mail: &SentMail) -> String {
    let start = mail.body.find("token=").expect("reset link") + "token=".len();
    mail.body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

/// An audit trail's entries (`GET …/audit`) as (action, actor id), oldest first as listed.
pub fn audit_actions(trail: &serde_json::Value) -> Vec<(&str, &str)> {
    trail["entries"]
        .as_array()
        .expect("an audit trail")
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["actor_id"].as_str().unwrap()))
        .collect()
}

/// STEP① of a renewal (更新申請) as the manual's sample member fills it in.
pub fn renewal_form() -> serde_json::Value {
    serde_json::json!({
        "kind": "renewal",
        "base_qualification": "internal_medicine_new",
        "base_cert_no": "11-12345678",
        "base_cert_fiscal_year": "2021",
        "base_period_start": "2021-04-01",
        "base_period_end": "2026-03-31",
    })
}
