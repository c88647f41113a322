//! Fault injection: the store loses transaction races, throttles, or times out — before
//! or after applying a write. Every state-changing action then answers clearly (409 or
//! 503 with Retry-After, never 500), leaves nothing half-applied, and succeeds when the
//! member tries again; a single lost race is absorbed by the bounded retry.

use crate::common;

use crate::common::{Browser, Call, DEMO_PASSWORD, Injected, TestApp, spawn_app, token_in};
use portal_app::retrying::ATTEMPTS;
use serde_json::{Value, json};

fn renewal() -> Value {
    json!({
        "kind": "renewal", "base_qualification": "pediatrics", "base_cert_no": "1234",
        "base_cert_fiscal_year": "2020", "base_period_start": "2020-04-01", "base_period_end": "2025-03-31",
    })
}

async fn draft(b: &Browser) -> String {
    let res = b.post("/api/members/100001/applications", renewal()).await;
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["application_no"].as_str().unwrap().to_owned()
}

async fn applications(b: &Browser) -> Vec<Value> {
    let p: Value = b.get("/api/members/100001/profile").await.json().await.unwrap();
    p["applications"].as_array().unwrap().clone()
}

async fn renewal_fees(b: &Browser) -> usize {
    let list: Value = b.get("/api/members/100001/invoices").await.json().await.unwrap();
    list["invoices"].as_array().unwrap().iter().filter(|i| i["fee_type"]["code"] == "renewal_fee").count()
}

async fn assert_refused(res: common::TestResponse, status: u16, code: &str) {
    assert_eq!(res.status(), status);
    if status == 503 {
        assert_eq!(res.headers()["retry-after"], "2");
    }
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], code);
    assert!(!body["message"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn one_lost_race_is_retried_and_the_submission_goes_through() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = draft(&b).await;
    app.faults.fail_next(Call::Transact, Injected::Conflict, 1);
    let res = b.post(&format!("/api/members/100001/applications/{no}/submit"), json!({})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.faults.pending(), 0);
    assert_eq!(renewal_fees(&b).await, 1);
    assert_eq!(app.mails_to("m100001@example.jp").await.len(), 1);
}

#[tokio::test]
async fn a_submission_that_keeps_losing_races_is_a_409_and_changes_nothing() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = draft(&b).await;
    let path = format!("/api/members/100001/applications/{no}/submit");
    app.faults.fail_next(Call::Transact, Injected::Conflict, ATTEMPTS as usize);
    assert_refused(b.post(&path, json!({})).await, 409, "conflict").await;
    assert_eq!(applications(&b).await[0]["status"], "draft");
    assert_eq!(renewal_fees(&b).await, 0);
    assert!(app.mails_to("m100001@example.jp").await.is_empty());
    // The member presses the button again.
    assert_eq!(b.post(&path, json!({})).await.status(), 200);
    assert_eq!(renewal_fees(&b).await, 1);
}

#[tokio::test]
async fn throttling_and_timeouts_are_503_with_retry_after_and_change_nothing() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = draft(&b).await;
    let path = format!("/api/members/100001/applications/{no}/submit");
    app.faults.fail_next(Call::Transact, Injected::Throttled, ATTEMPTS as usize);
    assert_refused(b.post(&path, json!({})).await, 503, "unavailable").await;
    // A timed-out write is not resent blindly (it may have been applied).
    app.faults.fail_next(Call::Transact, Injected::Timeout, 1);
    assert_refused(b.post(&path, json!({})).await, 503, "unavailable").await;
    assert_eq!(app.faults.pending(), 0);
    assert_eq!(renewal_fees(&b).await, 0);
    // Reads are retried: one slow read is absorbed, a store that stays away is a 503.
    app.faults.fail_next(Call::Read, Injected::Timeout, 1);
    assert_eq!(b.get("/api/members/100001/profile").await.status(), 200);
    app.faults.fail_next(Call::Read, Injected::Throttled, ATTEMPTS as usize);
    assert_refused(b.get("/api/members/100001/profile").await, 503, "unavailable").await;
    assert_eq!(b.post(&path, json!({})).await.status(), 200);
}

#[tokio::test]
async fn a_submission_whose_answer_was_lost_is_not_applied_twice() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = draft(&b).await;
    let path = format!("/api/members/100001/applications/{no}/submit");
    app.faults.fail_next(Call::Transact, Injected::LostReply, 1);
    assert_refused(b.post(&path, json!({})).await, 503, "unavailable").await;
    let again: Value = b.post(&path, json!({})).await.json().await.unwrap();
    assert_eq!(again["already_submitted"], true, "the first attempt did land; the retry says so");
    assert_eq!(renewal_fees(&b).await, 1);
    assert_eq!(app.mails_to("m100001@example.jp").await.len(), 1);
}

/// Each state-changing action, when every try loses a race: a 409, then success.
async fn conflict_then_success(app: &TestApp, what: &str, act: impl AsyncFn() -> common::TestResponse, ok: u16) {
    app.faults.fail_next(Call::Transact, Injected::Conflict, ATTEMPTS as usize);
    let res = act().await;
    assert_eq!(res.status(), 409, "{what} under conflicts");
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "conflict", "{what}");
    app.faults.clear();
    assert_eq!(act().await.status(), ok, "{what} retried");
}

#[tokio::test]
async fn every_state_change_answers_a_lost_race_with_409_and_works_on_retry() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    conflict_then_success(&app, "STEP① 保存", || b.post("/api/members/100001/applications", renewal()), 201).await;
    let no = applications(&b).await[0]["application_no"].as_str().unwrap().to_owned();
    let one = format!("/api/members/100001/applications/{no}");
    conflict_then_success(&app, "編集", || b.put(&one, renewal()), 200).await;
    conflict_then_success(&app, "削除", || b.delete(&one), 204).await;
    assert!(applications(&b).await.is_empty(), "deleted once, marker too");
    draft(&b).await;
    let change = json!({ "current_password": DEMO_PASSWORD, "new_password": "kodou-no-hibiki-2026-aki" });
    conflict_then_success(&app, "パスワード変更", || b.post("/api/auth/password", change.clone()), 200).await;
    conflict_then_success(&app, "ログアウト", || b.post("/api/auth/logout", json!({})), 204).await;

    let anon = app.browser();
    conflict_then_success(
        &app,
        "再設定メール",
        || anon.post("/api/auth/password-reset", json!({ "member_no": "100002" })),
        202,
    )
    .await;
    let mails = app.mails_to("m100002@example.jp").await;
    assert_eq!(mails.len(), 1, "the refused request sent nothing");
    let confirm = json!({ "token": token_in(&mails[0]), "password": "sinzou-no-kodou-2026-yoru" });
    conflict_then_success(&app, "再設定", || anon.post("/api/auth/password-reset/confirm", confirm.clone()), 200).await;
    let wrong = json!({ "member_no": "100003", "password": "not-the-password" });
    conflict_then_success(&app, "ログイン失敗の記録", || anon.post("/api/auth/login", wrong.clone()), 401).await;
}
