//! Store round trips per user action, pinned: a change that adds a call to a screen
//! shows up here. (Calls made concurrently still count one each.)

use crate::common::{DEMO_PASSWORD, spawn_app, token_in};
use serde_json::json;

#[tokio::test]
async fn store_calls_per_user_action() {
    let app = spawn_app().await;
    let b = app.browser();
    let login = json!({ "member_no": "100001", "password": DEMO_PASSWORD });
    assert_eq!(b.post("/api/auth/login", login).await.status(), 200);
    // Throttle counters (account, address) + credentials + profile, read concurrently.
    assert_eq!(app.store.take(), 4, "login");
    b.get("/api/auth/session").await;
    assert_eq!(app.store.take(), 1, "session (home header)");
    b.get("/api/members/100001/profile").await;
    assert_eq!(app.store.take(), 1, "会員情報照会");
    b.post("/api/auth/logout", json!({})).await;
    assert_eq!(app.store.take(), 1, "logout: one conditional version bump");

    b.post("/api/auth/password-reset", json!({ "member_no": "100002" })).await;
    assert_eq!(
        app.store.take(),
        4,
        "reset request: profile, credentials, request counter (concurrent) + one transaction"
    );
    let token = token_in(&app.mails_to("m100002@example.jp").await[0]);
    app.store.take();
    let confirm = json!({ "token": token, "password": "sinzou-no-kodou-2026-yoru" });
    assert_eq!(b.post("/api/auth/password-reset/confirm", confirm).await.status(), 200);
    assert_eq!(app.store.take(), 3, "reset confirm: token + profile, then one transaction");
    let failed = json!({ "member_no": "100003", "password": "wrong-password" });
    b.post("/api/auth/login", failed).await;
    assert_eq!(app.store.take(), 5, "failed login: 4 reads + both failure counters in one transaction");

    let b = app.login("100001", DEMO_PASSWORD).await;
    app.store.take();
    let renewal = json!({
        "kind": "renewal", "base_qualification": "pediatrics", "base_cert_no": "1234",
        "base_cert_fiscal_year": "2020", "base_period_start": "2020-04-01", "base_period_end": "2025-03-31",
    });
    let created: serde_json::Value = b.post("/api/members/100001/applications", renewal).await.json().await.unwrap();
    assert_eq!(app.store.take(), 3, "STEP① 保存: partition (with the session check) + 申請番号 + one transaction");
    b.get("/api/members/100001/eligibility").await;
    assert_eq!(app.store.take(), 2, "checklist: partition + rule, concurrently");
    let no = created["application_no"].as_str().unwrap();
    b.post(&format!("/api/members/100001/applications/{no}/submit"), json!({})).await;
    assert_eq!(app.store.take(), 4, "STEP④: partition + rule (concurrent) + 管理NO + one transaction");
    b.get("/api/members/100001/invoices").await;
    assert_eq!(app.store.take(), 1, "会費請求/入金状況");
}

#[tokio::test]
async fn store_calls_of_the_staff_console() {
    let app = spawn_app().await;
    let staff = app.login_staff("staff01").await; // enrols
    app.store.take();
    let b = app.browser();
    let res = b.post("/api/staff/login", json!({ "staff_id": "staff01", "password": DEMO_PASSWORD })).await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.store.take(), 3, "password step: throttle counters + account (concurrent), no write when enrolled");
    let code = app.staff_keys.lock().unwrap()["staff01"].recovery_codes[0].clone();
    let res = b.post("/api/staff/login/second-factor", json!({ "recovery_code": code })).await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.store.take(), 4, "second step: throttle counters + account, then one conditional write");
    staff.get("/api/staff/members?q=じゅんかん").await;
    assert_eq!(app.store.take(), 4, "会員検索 by name: session + one prefix Query per kind (name, kana, mail)");
    staff.get("/api/staff/members/100001").await;
    assert_eq!(app.store.take(), 3, "会員の詳細: session + partition + audit trail (concurrent)");
    let fy = portal_domain::FiscalYear::containing(app.state.app.clock.today()).year();
    staff.get(&format!("/api/staff/invoices?fiscal_year={fy}")).await;
    assert_eq!(app.store.take(), 2, "請求の一覧, one page: session + one index Query");
    staff.get(&format!("/api/staff/applications?fiscal_year={fy}")).await;
    assert_eq!(app.store.take(), 2, "申請の一覧, one page: session + one index Query");
    staff.get("/api/staff/home").await;
    let months = portal_app::season_counts::window_months(app.state.app.clock.today()).len();
    assert_eq!(
        app.store.take(),
        3 + months,
        "事務局ホーム: session + season + queue + one Query per month of the chart (concurrent)"
    );
    staff.get("/api/staff/rule").await;
    assert_eq!(app.store.take(), 3, "更新条件: session + rule + versions (concurrent)");
    let admin = app.login_staff("admin01").await;
    app.store.take();
    admin.get("/api/staff/accounts").await;
    assert_eq!(app.store.take(), 2, "職員アカウントの一覧: session + one Query");
}
