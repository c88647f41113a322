//! Least privilege, checked both ways: every function's IAM statements in
//! infra/template.yaml name exactly the actions its code makes — no fewer (it would fail
//! in production), no more (a stolen function could do what it never needs).
//!
//! What the code makes is recorded, not declared: the store and file ports are wrapped
//! by recorders that note each call under the function whose router (or handler loop)
//! made it, while a tour drives every route (and the outbox sender and mail-events
//! loops) through its successful paths. Port calls map to IAM actions as the adapters
//! send them (`shared/aws`): a lone write is a single-item call, several are one
//! TransactWriteItems whose items each need their own action. Secrets are read from
//! each function's `main.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use portal_domain::files::{FileKey, FilesError, ProofFiles, StoredFile, UploadTicket};
use portal_domain::table::{IndexQuery, Item, Key, StoreError, Table, Update, Write};
use serde_json::{Value, json};
use serde_yaml::Value as Yaml;

use crate::common::{self, Backend, DEMO_PASSWORD, FilesAt, TestApp, Wrap};
use crate::{http_credits, http_payments};

tokio::task_local! {
    /// The function the current request (or loop) runs in.
    static FUNCTION: &'static str;
}

type Grants = BTreeMap<String, BTreeSet<(String, String)>>; // function → {(action, resource)}

static SEEN: Mutex<Option<Grants>> = Mutex::new(None);

fn note(action: &str, resource: &str) {
    if let Ok(f) = FUNCTION.try_with(|f| *f) {
        let mut seen = SEEN.lock().unwrap();
        seen.get_or_insert_with(Grants::new).entry(f.to_owned()).or_default().insert((action.into(), resource.into()));
    }
}

struct RecordingTable(Arc<dyn Table>);

#[async_trait]
impl Table for RecordingTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        note("dynamodb:GetItem", "table");
        self.0.get(key).await
    }

    async fn query(&self, pk: &str, sk_prefix: &str) -> Result<Vec<Item>, StoreError> {
        note("dynamodb:Query", "table");
        self.0.query(pk, sk_prefix).await
    }

    async fn query_gsi1(&self, q: &IndexQuery) -> Result<Vec<Item>, StoreError> {
        note("dynamodb:Query", "gsi1");
        self.0.query_gsi1(q).await
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        for w in &writes {
            note(
                match w {
                    Write::Put { .. } => "dynamodb:PutItem",
                    Write::Update { .. } => "dynamodb:UpdateItem",
                    Write::Delete { .. } => "dynamodb:DeleteItem",
                    Write::Check { .. } => "dynamodb:ConditionCheckItem",
                },
                "table",
            );
        }
        self.0.transact(writes).await
    }

    async fn update_returning(&self, key: &Key, update: Update) -> Result<Item, StoreError> {
        note("dynamodb:UpdateItem", "table");
        self.0.update_returning(key, update).await
    }
}

/// S3 actions as the adapter (`shared/aws/src/s3.rs`) calls them: a presigned PUT with
/// its tag, HeadObject and GetObject (both `s3:GetObject`), the tag moved on attach.
struct RecordingFiles(Arc<dyn ProofFiles>);

/// The bucket prefix a key lives under (the template grants per prefix).
fn prefix(key: &FileKey) -> &'static str {
    if key.as_str().starts_with("imports/") { "imports" } else { "proofs" }
}

#[async_trait]
impl ProofFiles for RecordingFiles {
    async fn upload_ticket(
        &self,
        key: &FileKey,
        content_type: &str,
        size: u64,
        now: DateTime<Utc>,
        valid_for: std::time::Duration,
    ) -> Result<UploadTicket, FilesError> {
        note("s3:PutObject", prefix(key));
        note("s3:PutObjectTagging", prefix(key));
        self.0.upload_ticket(key, content_type, size, now, valid_for).await
    }

    async fn head(&self, key: &FileKey) -> Result<Option<StoredFile>, FilesError> {
        note("s3:GetObject", prefix(key));
        self.0.head(key).await
    }

    async fn first_bytes(&self, key: &FileKey, n: usize) -> Result<Vec<u8>, FilesError> {
        note("s3:GetObject", prefix(key));
        self.0.first_bytes(key, n).await
    }

    async fn attach(&self, key: &FileKey) -> Result<(), FilesError> {
        note("s3:PutObjectTagging", prefix(key));
        self.0.attach(key).await
    }

    async fn delete(&self, key: &FileKey) -> Result<(), FilesError> {
        note("s3:DeleteObject", prefix(key));
        self.0.delete(key).await
    }

    async fn download_link(
        &self,
        key: &FileKey,
        file_name: &str,
        now: DateTime<Utc>,
        valid_for: std::time::Duration,
    ) -> Result<String, FilesError> {
        note("s3:GetObject", prefix(key));
        self.0.download_link(key, file_name, now, valid_for).await
    }
}

struct RecordingMailer(portal_store_sqlite::Mailbox);

#[async_trait]
impl portal_domain::mail::Mailer for RecordingMailer {
    async fn send(&self, mail: &portal_domain::Mail) -> Result<(), portal_domain::mail::MailError> {
        note("ses:SendEmail", "ses");
        self.0.send(mail).await
    }
}

fn in_function(name: &'static str, r: axum::Router) -> axum::Router {
    r.layer(axum::middleware::from_fn(move |req: axum::extract::Request, next: axum::middleware::Next| {
        FUNCTION.scope(name, next.run(req))
    }))
}

async fn ok(res: common::TestResponse, what: &str) -> Value {
    let status = res.status();
    assert!(status.is_success() || status.is_redirection(), "{what}: {status}");
    res.json().await.unwrap_or(Value::Null)
}

/// Every route through its successful paths (and the failures that write), as members
/// and staff use them.
async fn tour(app: &TestApp) {
    let anon = app.browser();
    let b = app.login("100001", DEMO_PASSWORD).await;
    let wrong = json!({ "member_no": "100003", "password": "not-the-password" });
    assert_eq!(anon.post("/api/auth/login", wrong).await.status(), 401);
    ok(b.get("/api/auth/session").await, "session").await;
    ok(b.get("/api/members/100001/profile").await, "profile").await;
    ok(anon.post("/api/auth/password-reset", json!({ "member_no": "100005" })).await, "reset mail").await;
    let token = common::token_in(&app.mails_to("m100005@example.jp").await[0]);
    let confirm = json!({ "token": token, "password": "sinzou-no-kodou-2026-yoru" });
    ok(anon.post("/api/auth/password-reset/confirm", confirm).await, "reset").await;
    let other = app.login("100004", DEMO_PASSWORD).await;
    let change = json!({ "current_password": DEMO_PASSWORD, "new_password": "kodou-no-hibiki-2026-aki" });
    ok(other.post("/api/auth/password", change).await, "password change").await;
    ok(other.post("/api/auth/logout", json!({})).await, "logout").await;

    // STEP①–④ and 辞退.
    let options = ok(b.get("/api/applications/options").await, "options").await;
    let reason = options["decline_reasons"][0]["code"].clone();
    let renewal = json!({
        "kind": "renewal", "base_qualification": "pediatrics", "base_cert_no": "1234",
        "base_cert_fiscal_year": "2020", "base_period_start": "2020-04-01", "base_period_end": "2025-03-31",
    });
    let a = ok(b.post("/api/members/100001/applications", renewal.clone()).await, "create").await;
    let one = format!("/api/members/100001/applications/{}", a["application_no"].as_str().unwrap());
    let mut edit = renewal.clone();
    edit.as_object_mut().unwrap().remove("kind");
    ok(b.put(&one, edit).await, "edit").await;
    ok(b.get(&one).await, "read").await;
    ok(b.get("/api/members/100001/eligibility").await, "eligibility").await;
    let submitted = ok(b.post(&format!("{one}/submit"), json!({})).await, "submit").await;
    let fee = submitted["invoice"]["invoice_no"].as_str().unwrap().to_owned();
    let five = app.login("100005", "sinzou-no-kodou-2026-yoru").await;
    let d = ok(
        five.post("/api/members/100005/applications", json!({ "kind": "decline", "decline_reason": reason })).await,
        "decline",
    )
    .await;
    let decline = format!("/api/members/100005/applications/{}", d["application_no"].as_str().unwrap());
    ok(five.delete(&decline).await, "delete").await;
    ok(b.get("/api/members/100001/invoices").await, "invoices").await;
    ok(b.get(&format!("/api/members/100001/invoices/{fee}")).await, "invoice").await;

    // STEP③: a self-report with its proof, requested, withdrawn, requested again, decided.
    ok(anon.get("/api/units").await, "units").await;
    ok(b.get("/api/members/100001/credits/allowance").await, "allowance").await;
    let credit = http_credits::draft(&b, "100001").await;
    let path = format!("/api/members/100001/credits/{credit}");
    let report = json!({ "unit_code": "REL-AM", "title": "第123回日本内科学会講演会", "earned_on": "2025-04-21" });
    ok(b.put(&path, report).await, "credit edit").await;
    let (_, key) = http_credits::upload(&b, "100001", &credit, "application/pdf", http_credits::PDF).await;
    let c = ok(http_credits::complete(&b, "100001", &credit, &key, "application/pdf").await, "proof").await;
    let proof = c["proofs"][0]["id"].as_str().unwrap().to_owned();
    // A file that lies about its type is deleted.
    let (_, liar) = http_credits::upload(&b, "100001", &credit, "application/pdf", http_credits::PNG).await;
    http_credits::complete(&b, "100001", &credit, &liar, "application/pdf").await;
    let download = b.http.get(format!("{}{path}/proofs/{proof}", app.url)).send().await.unwrap();
    assert!(download.status().is_redirection() || download.status().is_success());
    ok(b.get(&path).await, "credit").await;
    ok(b.post(&format!("{path}/request-approval"), json!({ "comment": "" })).await, "request").await;
    ok(b.post(&format!("{path}/withdraw"), json!({ "comment": "" })).await, "withdraw").await;
    let again = http_credits::draft(&b, "100001").await;
    let (_, key) = http_credits::upload(&b, "100001", &again, "application/pdf", http_credits::PDF).await;
    http_credits::complete(&b, "100001", &again, &key, "application/pdf").await;
    ok(
        b.post(&format!("/api/members/100001/credits/{again}/request-approval"), json!({ "comment": "" })).await,
        "request",
    )
    .await;

    let staff = app.login_staff("staff01").await;
    let wrong = json!({ "staff_id": "staff01", "password": "not-the-password" });
    assert_eq!(anon.post("/api/staff/login", wrong).await.status(), 401);
    ok(staff.get("/api/staff/session").await, "staff session").await;
    let queue = ok(staff.get("/api/staff/credits/pending").await, "queue").await;
    let item = &queue["items"][0];
    let staff_credit = format!("/api/staff/members/100001/credits/{}", item["credit"]["credit_no"].as_str().unwrap());
    let c = ok(staff.get(&staff_credit).await, "staff credit").await;
    let proof = c["proofs"][0]["id"].as_str().unwrap();
    let download = staff.http.get(format!("{}{staff_credit}/proofs/{proof}", app.url)).send().await.unwrap();
    assert!(download.status().is_redirection() || download.status().is_success());
    let reject = json!({ "decision": "reject", "reason": "証明書類が読めません", "version": c["version"] });
    ok(staff.post(&format!("{staff_credit}/decision"), reject).await, "reject").await;

    // An approval too (a second report, the cap's total moves).
    let third = http_credits::draft(&b, "100001").await;
    let (_, key) = http_credits::upload(&b, "100001", &third, "application/pdf", http_credits::PDF).await;
    http_credits::complete(&b, "100001", &third, &key, "application/pdf").await;
    ok(
        b.post(&format!("/api/members/100001/credits/{third}/request-approval"), json!({ "comment": "" })).await,
        "request",
    )
    .await;
    let staff_third = format!("/api/staff/members/100001/credits/{third}");
    let c = ok(staff.get(&staff_third).await, "staff credit").await;
    let approve = json!({ "decision": "approve", "reason": "", "version": c["version"] });
    ok(staff.post(&format!("{staff_third}/decision"), approve).await, "approve").await;

    // Payments. A checkout the provider cannot start (the lock is released); one whose
    // convenience-store number is issued; after its term a card payment; then the old
    // number paid too (a refund case). The receipt, twice (再発行).
    let checkout = format!("/api/members/100001/invoices/{fee}/checkout");
    app.provider.fail_start.store(true, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(b.post(&checkout, json!({})).await.status(), 503);
    app.provider.fail_start.store(false, std::sync::atomic::Ordering::SeqCst);
    let first = ok(b.post(&checkout, json!({})).await, "checkout").await["order_id"].as_str().unwrap().to_owned();
    let a1 = http_payments::provider_says(app, &first, "REQSUCCESS", portal_domain::PayType::Cvs).await;
    assert_eq!(http_payments::notify(app, &http_payments::fields(&first, "REQSUCCESS", "3", 10_000, &a1)).await, "0");
    app.clock.advance(14 * 86_400);
    let b = app.login("100001", DEMO_PASSWORD).await;
    let staff = app.login_staff("staff01").await;
    let second = ok(b.post(&checkout, json!({})).await, "checkout").await["order_id"].as_str().unwrap().to_owned();
    let a2 = http_payments::provider_says(app, &second, "CAPTURE", portal_domain::PayType::Card).await;
    assert_eq!(http_payments::notify(app, &http_payments::fields(&second, "CAPTURE", "0", 10_000, &a2)).await, "0");
    http_payments::provider_says(app, &first, "PAYSUCCESS", portal_domain::PayType::Cvs).await;
    assert_eq!(http_payments::notify(app, &http_payments::fields(&first, "PAYSUCCESS", "3", 10_000, &a1)).await, "0");
    let forged = http_payments::fields(&second, "CAPTURE", "0", 1, "forged");
    assert_eq!(http_payments::notify(app, &forged).await, "1");
    for _ in 0..2 {
        let receipt =
            b.http.get(format!("{}/api/members/100001/invoices/{fee}/receipt", app.url)).send().await.unwrap();
        assert_eq!(receipt.status(), 200);
    }
    let two = app.login("100002", DEMO_PASSWORD).await;
    let list = ok(two.get("/api/members/100002/invoices").await, "invoices").await;
    let open = list["invoices"].as_array().unwrap().iter().find(|i| i["payment"]["state"] == "open").unwrap();
    let inv = open["invoice_no"].as_str().unwrap();
    ok(two.post(&format!("/api/members/100002/invoices/{inv}/postal-slip"), json!({})).await, "slip").await;
    let staff_inv = format!("/api/staff/members/100002/invoices/{inv}");
    ok(staff.get(&staff_inv).await, "staff invoice").await;
    ok(staff.post(&format!("{staff_inv}/postal-slip/cancel"), json!({})).await, "cancel").await;
    ok(two.post(&format!("/api/members/100002/invoices/{inv}/postal-slip"), json!({})).await, "slip").await;
    let paid_on = json!({ "paid_on": app.state.app.clock.today().to_string() });
    ok(staff.post(&format!("{staff_inv}/slip-payment"), paid_on).await, "slip paid").await;
    ok(staff.get("/api/staff/refunds").await, "refunds").await;
    // 参加記録の取込: upload, preview, import.
    let csv = "会員番号,氏名,単位コード,日付\r\n100003,血管 次郎,RM-ATT,2026-06-01\r\n";
    let key = crate::http_attendance::upload(&staff, csv.as_bytes()).await;
    assert_eq!(crate::http_attendance::preview(&staff, &key, "auto").await.0, 200);
    assert_eq!(crate::http_attendance::import_all(&staff, &key, 10).await, 1);
    ok(staff.post("/api/staff/logout", json!({})).await, "staff logout").await;

    // The functions that are loops or schedules, not routes.
    FUNCTION
        .scope("reminders", async {
            portal_app::reminders::run(&app.state.app, "schedule").await.unwrap();
        })
        .await;
    let mailer = RecordingMailer(app.mailbox.clone());
    FUNCTION
        .scope("outbox-sender", async {
            portal_app::outbox::drain(&app.state.app, &mailer).await.unwrap();
            portal_app::outbox::oldest_due_age(&app.state.app).await.unwrap();
        })
        .await;
    let bounce = json!({
        "notificationType": "Bounce",
        "bounce": { "bounceType": "Permanent", "bouncedRecipients": [{ "emailAddress": "m100003@example.jp" }] },
        "mail": { "messageId": "x" },
    });
    FUNCTION
        .scope("mail-events", async {
            portal_app::mail_events::record(&app.state.app, &bounce.to_string()).await.unwrap();
        })
        .await;
}

/// The template's grants: function (binary) → {(action, resource)}.
fn granted() -> Grants {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../infra/template.yaml")).unwrap();
    let t: Yaml = serde_yaml::from_str(&text).unwrap();
    let mut out = Grants::new();
    for (_, res) in t["Resources"].as_mapping().unwrap() {
        if res["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let binary = res["Metadata"]["BuildProperties"]["Binary"].as_str().unwrap().to_owned();
        let grants = out.entry(binary.clone()).or_default();
        for policy in res["Properties"]["Policies"].as_sequence().into_iter().flatten() {
            let statements =
                policy["Statement"].as_sequence().unwrap_or_else(|| panic!("{binary}: only explicit statements"));
            for s in statements {
                assert_eq!(s["Effect"].as_str(), Some("Allow"), "{binary}");
                let resource = resource_kind(&format!("{:?}", s["Resource"]));
                for a in s["Action"].as_sequence().unwrap() {
                    let a = a.as_str().unwrap();
                    assert!(!a.contains('*'), "{binary}: wildcard action {a}");
                    grants.insert((a.to_owned(), resource.clone()));
                }
            }
        }
    }
    out
}

fn resource_kind(debug: &str) -> String {
    let kind = if debug.contains("/index/gsi1") {
        "gsi1"
    } else if debug.contains("PortalTable.Arn") {
        "table"
    } else if debug.contains("ProofBucket.Arn}/proofs/*") {
        "proofs"
    } else if debug.contains("ProofBucket.Arn}/imports/*") {
        "imports"
    } else if debug.contains(":ses:") {
        "ses"
    } else if debug.contains("JwtSecret") {
        "secret:JwtSecret"
    } else if debug.contains("GmoShopPass") {
        "secret:GmoShopPass"
    } else {
        panic!("a resource the test does not know: {debug}")
    };
    kind.to_owned()
}

/// The secrets each function's `main.rs` fetches.
fn secrets_in_code(needed: &mut Grants) {
    let functions = concat!(env!("CARGO_MANIFEST_DIR"), "/../functions");
    for e in std::fs::read_dir(functions).unwrap() {
        let dir = e.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let main = std::fs::read_to_string(dir.join("src/main.rs")).unwrap();
        let get = ("secretsmanager:GetSecretValue".to_owned(), String::new());
        if main.contains("session_secret()") {
            needed.entry(name.clone()).or_default().insert((get.0.clone(), "secret:JwtSecret".into()));
        }
        if main.contains(".payments()") {
            needed.entry(name.clone()).or_default().insert((get.0.clone(), "secret:GmoShopPass".into()));
        }
        needed.entry(name).or_default();
    }
}

#[tokio::test]
async fn every_function_holds_exactly_the_permissions_its_code_uses() {
    let wrap = Wrap {
        table: Some(Box::new(|t| Arc::new(RecordingTable(t)) as Arc<dyn Table>)),
        files: Some(Box::new(|f| Arc::new(RecordingFiles(f)) as Arc<dyn ProofFiles>)),
        group: Some(in_function),
    };
    let app = common::spawn_with(Backend::Sqlite, FilesAt::Local, wrap).await;
    tour(&app).await;
    // Route groups are named as the functions that serve them.
    let mut needed = SEEN.lock().unwrap().take().unwrap_or_default();
    secrets_in_code(&mut needed);
    let granted = granted();
    let functions: BTreeSet<&String> = needed.keys().chain(granted.keys()).collect();
    let mut problems = Vec::new();
    for f in functions {
        let (n, g) = (needed.get(f).cloned().unwrap_or_default(), granted.get(f).cloned().unwrap_or_default());
        for missing in n.difference(&g) {
            problems.push(format!("{f} lacks {missing:?}"));
        }
        for unused in g.difference(&n) {
            problems.push(format!("{f} holds {unused:?} it never uses"));
        }
    }
    assert!(problems.is_empty(), "least privilege:\n  {}", problems.join("\n  "));
}
