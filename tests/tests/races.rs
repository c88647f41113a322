//! Races that a careful portal must win on either store: ten racing submissions of one
//! application, two logouts at once, ten uses of one reset link at once. Run on SQLite
//! (writes serialised by its lock) and on DynamoDB in the emulator (conditional writes
//! and transactions decide).

mod common;

use common::{Backend, Browser, DEMO_PASSWORD, TestApp, spawn_app_on, token_in};
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
    a_reset_link_used_ten_times_at_once_works_once
);
