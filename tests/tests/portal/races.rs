//! Races that a careful portal must win on either store: ten racing submissions of one
//! application, two logouts at once, ten uses of one reset link at once. Run on SQLite
//! (writes serialised by its lock) and on DynamoDB in the emulator (conditional writes
//! and transactions decide).

use crate::common::{Backend, Browser, DEMO_PASSWORD, TestApp, spawn_app_on, token_in};
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "kodou-no-hibiki-2026-aki";

fn renewal() -> Value {
    json!({
        "kind": "renewal", "base_qualification": "internal_medicine_new", "base_cert_no": "11-12345678",
        "base_cert_fiscal_year": "2021", "base_period_start": "2021-04-01", "base_period_end": "2026-03-31",
    })
}

/// Sends the same request from `n` tasks at once; returns each (status, body).
async fn race(b: &Browser, n: usize, path: &str, body: Value) -> Vec<(u16, Value)> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (http, url, path, body) = (b.http.clone(), b.url.clone(), path.to_owned(), body.clone());
            tokio::spawn(async move {
                let res = http.post(format!("{url}{path}")).header("Origin", &url).json(&body).send().await.unwrap();
                (res.status().as_u16(), res.json::<Value>().await.unwrap_or(Value::Null))
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

async fn renewal_fees(b: &Browser) -> usize {
    let list: Value = b.get("/api/members/100001/invoices").await.json().await.unwrap();
    list["invoices"].as_array().unwrap().iter().filter(|i| i["fee_type"]["code"] == "renewal_fee").count()
}

async fn racing_submissions_make_one_invoice_and_one_mail(app: TestApp) {
    let b = app.login("100001", DEMO_PASSWORD).await;
    let created: Value = b.post("/api/members/100001/applications", renewal()).await.json().await.unwrap();
    let no = created["application_no"].as_str().unwrap();
    let answers = race(&b, 10, &format!("/api/members/100001/applications/{no}/submit"), json!({})).await;
    assert!(answers.iter().all(|(s, _)| *s == 200), "{answers:?}");
    assert_eq!(answers.iter().filter(|(_, b)| b["already_submitted"] == false).count(), 1);
    let invoices: std::collections::BTreeSet<_> =
        answers.iter().map(|(_, b)| b["invoice"]["invoice_no"].to_string()).collect();
    assert_eq!(invoices.len(), 1, "every answer names the same invoice");
    assert_eq!(renewal_fees(&b).await, 1);
    assert_eq!(app.mails_to("m100001@example.jp").await.len(), 1);
}

async fn two_logouts_at_once_end_the_sessions_once(app: TestApp) {
    let b = app.login("100002", DEMO_PASSWORD).await;
    let answers = race(&b, 2, "/api/auth/logout", json!({})).await;
    assert!(answers.iter().all(|(s, _)| *s == 204), "{answers:?}");
    assert_eq!(b.get("/api/auth/session").await.status(), 401);
    let m = portal_domain::MemberNo::parse("100002").unwrap();
    let auth = app.state.app.table.get(&portal_app::keys::member_auth(m)).await.unwrap().unwrap();
    assert_eq!(auth.int("session_version"), Some(2), "one of the two moved the version, once");
    app.login("100002", DEMO_PASSWORD).await;
}

async fn a_reset_link_used_ten_times_at_once_works_once(app: TestApp) {
    let b = app.browser();
    b.post("/api/auth/password-reset", json!({ "member_no": "100003" })).await;
    let token = token_in(&app.mails_to("m100003@example.jp").await[0]);
    let answers =
        race(&b, 10, "/api/auth/password-reset/confirm", json!({ "token": token, "password": NEW_PASSWORD })).await;
    assert_eq!(answers.iter().filter(|(s, _)| *s == 200).count(), 1, "{answers:?}");
    assert!(answers.iter().filter(|(s, _)| *s != 200).all(|(s, b)| *s == 400 && b["code"] == "invalid_token"));
    app.login("100003", NEW_PASSWORD).await;
    let changed = app.mails_to("m100003@example.jp").await;
    assert_eq!(changed.iter().filter(|m| m.subject.contains("パスワード変更")).count(), 1, "one change, one mail");
}

/// Drafts with a proof each, written straight to the store (the race is in the
/// request, not in the set-up): units cycle through 3, 5 and 2.
async fn drafts_with_proof(app: &TestApp, member: &str, n: usize) -> Vec<String> {
    use portal_app::records::{self, CreditRecord, When};
    use portal_domain::{Credit, CreditNo, MemberNo, SelfReportForm};
    let m = MemberNo::parse(member).unwrap();
    let table = portal_domain::unit_table::sample_table();
    let period = portal_app::seed::demo_period(app.state.app.clock.today());
    let mut nos = Vec::new();
    for i in 0..n {
        let (code, journal) = [("REL-AM", ""), ("PAPER-1ST", "循環器誌 1(1)"), ("PAPER-CO", "循環器誌 1(2)")][i % 3];
        let form = SelfReportForm {
            unit_code: code.into(),
            title: format!("第{i}回"),
            journal: journal.into(),
            earned_on: "2025-05-01".into(),
        };
        let report = form.parse(&table, &period, app.state.app.clock.today()).unwrap();
        let mut c = Credit::self_report(CreditNo::new(800_000 + i as i64), &report);
        c.proofs.push(portal_domain::Proof {
            id: format!("{i:016x}"),
            kind: portal_domain::ProofKind::NameCard,
            file_name: "card.pdf".into(),
            file_type: portal_domain::FileType::Pdf,
            size: 100,
            uploaded_at: chrono::Utc::now(),
        });
        let item = records::item::<CreditRecord>(CreditRecord::key(m, &c.credit_no), &c);
        app.state.app.table.transact(vec![records::put(item, When::new_item())]).await.unwrap();
        nos.push(c.credit_no.to_string());
    }
    nos
}

async fn fifty_racing_approval_requests_never_pass_the_cap(app: TestApp) {
    let b = app.login("100003", DEMO_PASSWORD).await;
    let nos = drafts_with_proof(&app, "100003", 50).await;
    let tasks: Vec<_> = nos
        .iter()
        .map(|no| {
            let (http, url, no) = (b.http.clone(), b.url.clone(), no.clone());
            tokio::spawn(async move {
                let res = http
                    .post(format!("{url}/api/members/100003/credits/{no}/request-approval"))
                    .header("Origin", &url)
                    .json(&json!({}))
                    .send()
                    .await
                    .unwrap();
                (res.status().as_u16(), res.json::<Value>().await.unwrap())
            })
        })
        .collect();
    let mut accepted = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            200 => accepted += body["units"].as_u64().unwrap(),
            409 => assert!(["self_report_over_cap", "conflict"].contains(&body["code"].as_str().unwrap()), "{body}"),
            other => panic!("{other}: {body}"),
        }
    }
    assert!(accepted <= 18, "accepted {accepted} units");
    assert!(accepted >= 16, "the cap was nearly filled ({accepted})");
    let a: Value = b.get("/api/members/100003/credits/allowance").await.json().await.unwrap();
    assert_eq!(a["reported"].as_u64(), Some(accepted), "the stored total is the accepted total");
    let p: Value = b.get("/api/members/100003/profile").await.json().await.unwrap();
    let pending: u64 = p["credits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "pending")
        .map(|c| c["units"].as_u64().unwrap())
        .sum();
    assert_eq!(pending, accepted, "exactly the accepted ones are pending");
}

async fn two_staff_deciding_at_once_make_one_decision(app: TestApp) {
    let b = app.login("100003", DEMO_PASSWORD).await;
    let no = drafts_with_proof(&app, "100003", 1).await.remove(0);
    let c: Value =
        b.post(&format!("/api/members/100003/credits/{no}/request-approval"), json!({})).await.json().await.unwrap();
    let (one, two) = (app.login_staff("staff01").await, app.login_staff("admin01").await);
    let path = format!("/api/staff/members/100003/credits/{no}/decision");
    let approve = json!({ "decision": "approve", "reason": "", "version": c["version"] });
    let reject = json!({ "decision": "reject", "reason": "証明書類が不足しています", "version": c["version"] });
    let (a, r) = tokio::join!(race(&one, 1, &path, approve), race(&two, 1, &path, reject));
    let answers = [a[0].clone(), r[0].clone()];
    assert_eq!(answers.iter().filter(|(s, _)| *s == 200).count(), 1, "{answers:?}");
    let (_, loser) = answers.iter().find(|(s, _)| *s != 200).unwrap();
    assert_eq!(loser["code"], "already_decided");
    let c: Value = b.get(&format!("/api/members/100003/credits/{no}")).await.json().await.unwrap();
    let decisions = c["history"].as_array().unwrap().iter().filter(|h| h["by_staff"] == true).count();
    assert_eq!(decisions, 1, "one decision in 承認履歴");
    let mails = app.mails_to("m100003@example.jp").await.len();
    assert_eq!(mails, (c["status"] == "rejected") as usize, "a rejection mail only if the rejection won");
}

macro_rules! on_both_stores {
    ($($test:ident),*) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    super::$test(super::spawn_app_on(super::Backend::Sqlite).await).await;
                }
            )*
        }
        mod dynamodb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    super::$test(super::spawn_app_on(super::Backend::Dynamo).await).await;
                }
            )*
        }
    };
}

on_both_stores!(
    racing_submissions_make_one_invoice_and_one_mail,
    two_logouts_at_once_end_the_sessions_once,
    a_reset_link_used_ten_times_at_once_works_once,
    fifty_racing_approval_requests_never_pass_the_cap,
    two_staff_deciding_at_once_make_one_decision
);
