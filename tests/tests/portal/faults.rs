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

/// The members whose records the scenarios change, logged in.
struct People<'a> {
    members: [(&'static str, &'a Browser); 2],
    staff: &'a Browser,
}

/// Everything the members and staff can see of them, and the mail sent so far.
async fn snapshot(app: &TestApp, people: &People<'_>) -> Value {
    let mut profiles = Vec::new();
    let mut invoices = Vec::new();
    for (no, b) in people.members {
        profiles.push(b.get(&format!("/api/members/{no}/profile")).await.json::<Value>().await.unwrap());
        invoices.push(b.get(&format!("/api/members/{no}/invoices")).await.json::<Value>().await.unwrap());
    }
    let pending: Value = people.staff.get("/api/staff/credits/pending").await.json().await.unwrap();
    let mails = app.mailbox.all().await.unwrap().len();
    json!({ "profiles": profiles, "invoices": invoices, "pending": pending, "mails": mails })
}

/// One state-changing action under faults: with the store away it is a 503 with
/// `Retry-After`, when every try loses a race (if it writes in a transaction) a 409;
/// either way nothing visible changed, and the same request then succeeds.
async fn under_faults(
    app: &TestApp,
    people: &People<'_>,
    what: &str,
    act: impl AsyncFn() -> common::TestResponse,
    ok: u16,
) {
    let before = snapshot(app, people).await;
    for call in [Call::Read, Call::Transact, Call::Update] {
        app.faults.fail_next(call, Injected::Throttled, 50);
    }
    let res = act().await;
    app.faults.clear();
    assert_refused(res, 503, "unavailable").await;
    assert_eq!(snapshot(app, people).await, before, "{what}: the outage changed something");
    app.faults.fail_next(Call::Transact, Injected::Conflict, ATTEMPTS as usize);
    let res = act().await;
    let raced = app.faults.pending() == 0; // it wrote, and lost every race
    app.faults.clear();
    if raced {
        assert_refused(res, 409, "conflict").await;
        let after = snapshot(app, people).await;
        assert_eq!(after["profiles"], before["profiles"], "{what}: half-applied");
        assert_eq!(after["invoices"], before["invoices"], "{what}: half-applied");
        assert_eq!(after["mails"], before["mails"], "{what}: a mail went out");
        let res = act().await;
        assert_eq!(res.status(), ok, "{what} retried");
    } else {
        let status = res.status();
        assert_eq!(status, ok, "{what} (no transaction to lose): {}", res.text().await.unwrap());
    }
}

/// The state-changing routes `every_state_change_answers_a_lost_race_with_409_and_works_on_retry`
/// and `credits_payments_and_staff_actions_are_clear_under_faults` drive, and the
/// notification's own test (http_payments.rs): the route table must not have more.
const COVERED: &[&str] = &[
    "POST /api/members/{member_no}/applications",
    "PUT /api/members/{member_no}/applications/{application_no}",
    "DELETE /api/members/{member_no}/applications/{application_no}",
    "POST /api/members/{member_no}/applications/{application_no}/submit",
    "POST /api/auth/login",
    "POST /api/auth/logout",
    "POST /api/auth/password-reset",
    "POST /api/auth/password-reset/confirm",
    "POST /api/auth/password",
    "POST /api/members/{member_no}/credits",
    "PUT /api/members/{member_no}/credits/{credit_no}",
    "POST /api/members/{member_no}/credits/{credit_no}/uploads",
    "POST /api/members/{member_no}/credits/{credit_no}/proofs",
    "POST /api/members/{member_no}/credits/{credit_no}/request-approval",
    "POST /api/members/{member_no}/credits/{credit_no}/withdraw",
    "POST /api/staff/login",
    "POST /api/staff/login/second-factor",
    "POST /api/staff/logout",
    "POST /api/staff/accounts/{staff_id}/second-factor/reset",
    "POST /api/staff/attendance/uploads",
    "POST /api/staff/attendance/preview",
    "POST /api/staff/attendance/import",
    "PUT /api/staff/members/{member_no}/contact",
    "PUT /api/staff/members/{member_no}/collection-method",
    "POST /api/staff/members/{member_no}/invoices/{invoice_no}/dues-payment",
    // A batch run keeps what it did before a failure (each member's mail and mark land
    // together); http_reminders.rs `a_failing_store_mid_run_loses_nothing_and_repeats_nothing`.
    "POST /api/staff/reminders/run",
    "POST /api/staff/units",
    "PUT /api/staff/units/{code}",
    "POST /api/staff/accounts",
    "PUT /api/staff/accounts/{staff_id}",
    "PUT /api/staff/rule",
    "POST /api/staff/members/{member_no}/credits/{credit_no}/decision",
    "POST /api/members/{member_no}/invoices/{invoice_no}/postal-slip",
    "POST /api/staff/members/{member_no}/invoices/{invoice_no}/postal-slip/cancel",
    "POST /api/staff/members/{member_no}/invoices/{invoice_no}/slip-payment",
    "POST /api/members/{member_no}/invoices/{invoice_no}/checkout",
    // http_payments.rs `a_provider_or_store_outage_loses_nothing_and_the_resend_succeeds`
    "POST /api/payments/notify",
];

#[test]
fn every_state_changing_route_has_a_fault_scenario() {
    for r in portal_web::all_routes() {
        if r.method != "GET" {
            let route = format!("{} {}", r.method, r.path);
            assert!(COVERED.contains(&route.as_str()), "{route} has no fault scenario");
        }
    }
}

#[tokio::test]
async fn credits_payments_and_staff_actions_are_clear_under_faults() {
    use crate::http_credits::{PDF, complete};
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let staff = app.login_staff("staff01").await;
    let dues = app.login("100002", DEMO_PASSWORD).await;
    let people = People { members: [("100001", &b), ("100002", &dues)], staff: &staff };
    let credits = "/api/members/100001/credits";
    let report = json!({ "unit_code": "REL-AM", "title": "第123回日本内科学会講演会", "earned_on": "2025-04-20" });
    under_faults(&app, &people, "自己申告 保存", || b.post(credits, report.clone()), 201).await;
    let profile: Value = b.get("/api/members/100001/profile").await.json().await.unwrap();
    let no = profile["credits"].as_array().unwrap().iter().find(|c| c["source"] == "self_report").unwrap()["credit_no"]
        .as_str()
        .unwrap()
        .to_owned();
    let one = format!("{credits}/{no}");
    under_faults(&app, &people, "自己申告 編集", || b.put(&one, report.clone()), 200).await;
    let ticket =
        json!({ "kind": "name_card", "file_name": "名刺.pdf", "content_type": "application/pdf", "size": PDF.len() });
    let uploads = format!("{one}/uploads");
    under_faults(&app, &people, "アップロード準備", || b.post(&uploads, ticket.clone()), 201).await;
    let (put, key) = crate::http_credits::upload(&b, "100001", &no, "application/pdf", PDF).await;
    assert_eq!(put, 200);
    let proof = json!({ "key": key, "kind": "name_card", "file_name": "名刺.pdf", "content_type": "application/pdf" });
    let proofs = format!("{one}/proofs");
    under_faults(&app, &people, "アップロード完了", || b.post(&proofs, proof.clone()), 200).await;
    let request = json!({ "comment": "" });
    let req_path = format!("{one}/request-approval");
    under_faults(&app, &people, "承認申請", || b.post(&req_path, request.clone()), 200).await;
    let withdraw = format!("{one}/withdraw");
    under_faults(&app, &people, "取り下げ", || b.post(&withdraw, request.clone()), 200).await;

    // A second report, pending, for the staff decision.
    let second = crate::http_credits::draft(&b, "100001").await;
    let (_, key) = crate::http_credits::upload(&b, "100001", &second, "application/pdf", PDF).await;
    complete(&b, "100001", &second, &key, "application/pdf").await;
    b.post(&format!("{credits}/{second}/request-approval"), request.clone()).await;
    let version = |c: Value| c["version"].as_i64().unwrap();
    let c: Value = b.get(&format!("{credits}/{second}")).await.json().await.unwrap();
    let decide = json!({ "decision": "approve", "reason": "", "version": version(c) });
    let path = format!("/api/staff/members/100001/credits/{second}/decision");
    under_faults(&app, &people, "承認", || staff.post(&path, decide.clone()), 200).await;

    // Payments. 100002's unpaid 年会費: the postal slip, switched back by staff, then a
    // checkout (the provider is called after the write). 100001's 専門医更新料 (STEP④):
    // a postal slip paid, as staff record it.
    let invoices: Value = dues.get("/api/members/100002/invoices").await.json().await.unwrap();
    let open = invoices["invoices"].as_array().unwrap().iter().find(|i| i["payment"]["state"] == "open");
    let member_inv =
        format!("/api/members/100002/invoices/{}", open.expect("an open 年会費")["invoice_no"].as_str().unwrap());
    let staff_inv = member_inv.replace("/api/members/", "/api/staff/members/");
    let slip = format!("{member_inv}/postal-slip");
    under_faults(&app, &people, "払込票", || dues.post(&slip, json!({})), 200).await;
    let cancel = format!("{staff_inv}/postal-slip/cancel");
    under_faults(&app, &people, "払込票の取消", || staff.post(&cancel, json!({})), 200).await;
    let checkout = format!("{member_inv}/checkout");
    under_faults(&app, &people, "決済開始", || dues.post(&checkout, json!({})), 201).await;

    let a = b.post("/api/members/100001/applications", renewal()).await.json::<Value>().await.unwrap();
    let an = a["application_no"].as_str().unwrap();
    let s: Value =
        b.post(&format!("/api/members/100001/applications/{an}/submit"), json!({})).await.json().await.unwrap();
    let fee = s["invoice"]["invoice_no"].as_str().unwrap_or_else(|| panic!("STEP④ refused in the fixture: {s}"));
    assert_eq!(b.post(&format!("/api/members/100001/invoices/{fee}/postal-slip"), json!({})).await.status(), 200);
    let paid_on = json!({ "paid_on": app.state.app.clock.today().to_string() });
    let slip_paid = format!("/api/staff/members/100001/invoices/{fee}/slip-payment");
    under_faults(&app, &people, "払込票の入金", || staff.post(&slip_paid, paid_on.clone()), 200).await;

    // 参加記録の取込: the ticket, the preview and a batch of 「取込」.
    let ticket = || staff.post("/api/staff/attendance/uploads", json!({ "size": 10 }));
    under_faults(&app, &people, "取込ファイルのアップロード先", ticket, 201).await;
    let csv = "会員番号,氏名,単位コード,日付\r\n100001,循環 太郎,RM-ATT,2026-06-01\r\n";
    let key = crate::http_attendance::upload(&staff, csv.as_bytes()).await;
    let file = json!({ "key": key, "encoding": "auto", "from": 0, "count": 100 });
    let preview = || staff.post("/api/staff/attendance/preview", file.clone());
    under_faults(&app, &people, "取込の確認", preview, 200).await;
    let import = || staff.post("/api/staff/attendance/import", file.clone());
    under_faults(&app, &people, "取込", import, 200).await;

    // Staff log in and out.
    let anon = app.browser();
    let login = json!({ "staff_id": "staff01", "password": DEMO_PASSWORD });
    under_faults(&app, &people, "事務局ログイン", || anon.post("/api/staff/login", login.clone()), 200).await;
    let code = app.staff_keys.lock().unwrap().get_mut("staff01").unwrap().recovery_codes.pop().unwrap();
    let second = json!({ "recovery_code": code });
    let second_step = || anon.post("/api/staff/login/second-factor", second.clone());
    under_faults(&app, &people, "事務局ログイン（確認コード）", second_step, 200).await;
    under_faults(&app, &people, "事務局ログアウト", || anon.post("/api/staff/logout", json!({})), 204).await;
    let admin = app.login_staff("admin01").await;
    let reset = || admin.post("/api/staff/accounts/staff01/second-factor/reset", json!({}));
    under_faults(&app, &people, "二要素認証のリセット", reset, 204).await;
}

#[tokio::test]
async fn member_record_corrections_are_clear_under_faults() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let staff = app.login_staff("staff01").await;
    let dues = app.login("100002", DEMO_PASSWORD).await;
    let people = People { members: [("100001", &b), ("100002", &dues)], staff: &staff };
    // 会員情報の訂正 and 年会費の入金.
    let contact = json!({ "postal_code": "100-0011", "address": "東京都千代田区内幸町2-2-2", "organization": "", "email": "m100001@example.jp" });
    let correct = || staff.put("/api/staff/members/100001/contact", contact.clone());
    under_faults(&app, &people, "送付・請求先の訂正", correct, 200).await;
    let method = json!({ "collection_method": "postal_transfer" });
    let set_method = || staff.put("/api/staff/members/100001/collection-method", method.clone());
    under_faults(&app, &people, "会費の納入方法", set_method, 200).await;
    let dues: Value = staff.get("/api/staff/members/100002").await.json().await.unwrap();
    let open = dues["invoices"].as_array().unwrap().iter().find(|i| i["payment"]["state"] == "open").unwrap();
    let dues_paid = format!("/api/staff/members/100002/invoices/{}/dues-payment", open["invoice_no"].as_str().unwrap());
    let paid_on = json!({ "paid_on": app.state.app.clock.today().to_string() });
    let record = || staff.post(&dues_paid, paid_on.clone());
    under_faults(&app, &people, "年会費の入金", record, 200).await;

    // 所定単位表: add, then edit from the version read.
    let admin = app.login_staff("admin01").await;
    let unit = json!({
        "code": "RM-WEB", "name": "地方会 Web参加", "reading": "ちほうかい うぇぶさんか", "category": "regional_meeting",
        "units": 3, "activity": "meeting", "self_reportable": true, "valid_from": "2026-04-01", "valid_to": "",
    });
    under_faults(&app, &people, "単位コードの追加", || admin.post("/api/staff/units", unit.clone()), 201).await;
    let edit = json!({ "version": 0, "unit": unit });
    under_faults(&app, &people, "単位コードの変更", || admin.put("/api/staff/units/RM-WEB", edit.clone()), 200).await;
    let account = json!({ "staff_id": "staff02", "name": "高橋 三郎", "role": "reviewer" });
    let create = || admin.post("/api/staff/accounts", account.clone());
    under_faults(&app, &people, "職員アカウントの作成", create, 201).await;
    let role = json!({ "role": "administrator", "disabled": false });
    let change = || admin.put("/api/staff/accounts/staff02", role.clone());
    under_faults(&app, &people, "職員アカウントの権限の変更", change, 200).await;
    let revision = json!({
        "version": 1,
        "reason": "単位数の見直し",
        "rule": { "required_units": "50", "self_report_cap": "20", "renewal_fee": "10000" },
    });
    under_faults(&app, &people, "更新条件の改定", || admin.put("/api/staff/rule", revision.clone()), 200).await;
}
