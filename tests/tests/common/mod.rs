//! `spawn_app`: the real portal router on a random loopback port with a private
//! in-memory store, a movable clock and a store-call counter; plus an HTTP client that
//! behaves like the site's own pages (same Origin, JSON bodies, cookies).
#![allow(dead_code)]

pub mod emulator;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use portal_app::outbox;
use portal_domain::Clock;
use portal_domain::table::{Item, Key, StoreError, Table, Write};
use portal_store_sqlite::{Mailbox, SentMail, SqliteTable};
use portal_web::AppState;
use serde_json::Value;

pub const DEMO_PASSWORD: &str = portal_app::seed::DEMO_PASSWORD;

/// The system clock moved by an offset the test controls.
#[derive(Default)]
pub struct TestClock {
    offset_secs: AtomicI64,
}

impl TestClock {
    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::seconds(self.offset_secs.load(Ordering::SeqCst))
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
    async fn query_gsi1(&self, pk: &str, sk_prefix: &str, limit: usize) -> Result<Vec<Item>, StoreError> {
        self.tick();
        self.inner.query_gsi1(pk, sk_prefix, limit).await
    }
    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        self.tick();
        self.inner.transact(writes).await
    }
    async fn increment(&self, key: &Key, attr: &str, by: i64, expires_at: Option<i64>) -> Result<i64, StoreError> {
        self.tick();
        self.inner.increment(key, attr, by, expires_at).await
    }
}

pub struct TestApp {
    pub url: String,
    pub addr: SocketAddr,
    pub clock: Arc<TestClock>,
    pub store: Arc<CountingTable>,
    pub mailbox: Mailbox,
    pub state: AppState,
}

pub const SECRET: &[u8] = b"test-session-secret-0123456789abcdef-0123456789";

pub async fn spawn_app() -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let url = format!("http://{addr}");
    let sqlite = SqliteTable::in_memory();
    let mailbox = Mailbox::new(&sqlite);
    let store = Arc::new(CountingTable::new(Arc::new(sqlite)));
    let clock = Arc::new(TestClock::default());
    let state = portal_local::state(store.clone(), clock.clone(), &url, SECRET).unwrap();
    portal_app::seed::demo(&state.app).await.unwrap();
    let router = portal_local::router(state.clone(), mailbox.clone());
    tokio::spawn(async move {
        portal_local::serve(listener, router, std::future::pending()).await.unwrap();
    });
    store.take();
    TestApp { url, addr, clock, store, mailbox, state }
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

    pub async fn login_staff(&self, staff_id: &str) -> Browser {
        let b = self.browser();
        let res =
            b.post("/api/staff/login", serde_json::json!({ "staff_id": staff_id, "password": DEMO_PASSWORD })).await;
        assert_eq!(res.status(), 200);
        b
    }

    /// Runs the outbox sender once, then returns the mails to `to`, newest first.
    pub async fn mails_to(&self, to: &str) -> Vec<SentMail> {
        outbox::deliver_due(&self.state.app, &self.mailbox, 100).await.unwrap();
        self.mailbox.all().await.unwrap().into_iter().filter(|m| m.to == to).collect()
    }
}

pub struct Browser {
    pub http: reqwest::Client,
    pub url: String,
}

impl Browser {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(format!("{}{path}", self.url)).send().await.unwrap()
    }

    /// A DELETE as the site's api.js sends it: no body, the custom header instead.
    pub async fn delete(&self, path: &str) -> reqwest::Response {
        self.http
            .delete(format!("{}{path}", self.url))
            .header("Origin", &self.url)
            .header("X-Requested-With", "portal-fetch")
            .send()
            .await
            .unwrap()
    }

    pub async fn put(&self, path: &str, body: Value) -> reqwest::Response {
        self.http.put(format!("{}{path}", self.url)).header("Origin", &self.url).json(&body).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.http.post(format!("{}{path}", self.url)).header("Origin", &self.url).json(&body).send().await.unwrap()
    }
}

/// The value of a response's `Set-Cookie` for `name` (e.g. the session token).
pub fn cookie(res: &reqwest::Response, name: &str) -> Option<String> {
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
