//! 事務局ログインの二要素認証: enrolment at the first login, codes accepted once,
//! recovery codes, throttling, the pending step's expiry, and an administrator's reset.

use serde_json::{Value, json};

use crate::common::{Browser, DEMO_PASSWORD, TestApp, spawn_app};

async fn password_step(_app: &TestApp, b: &Browser, staff_id: &str) -> Value {
    let res = b.post("/api/staff/login", json!({ "staff_id": staff_id, "password": DEMO_PASSWORD })).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn code(b: &Browser, code: &str) -> (u16, Value) {
    let res = b.post("/api/staff/login/second-factor", json!({ "code": code })).await;
    (res.status().as_u16(), res.json().await.unwrap_or_default())
}

/// Moves the app's clock to the start of the next 30-second step (so a test's codes
/// never straddle a step boundary by accident).
fn next_step(app: &TestApp) {
    let now = app.clock.now_secs();
    app.clock.advance(30 - now % 30);
}

#[tokio::test]
async fn the_first_login_enrols_and_hands_out_recovery_codes_once() {
    let app = spawn_app().await;
    let b = app.browser();
    let step = password_step(&app, &b, "staff01").await;
    assert_eq!(step["second_factor"], "enrol");
    let secret = step["enrolment"]["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 32, "160 bits in base32");
    let uri = step["enrolment"]["otpauth_uri"].as_str().unwrap();
    assert!(uri.contains(&format!("secret={secret}")) && uri.contains("staff01"), "{uri}");
    assert!(step["enrolment"]["qr"]["path"].as_str().unwrap().starts_with("M4 4h1v1h-1z"));
    // The password alone opens nothing.
    assert_eq!(b.get("/api/staff/session").await.status(), 401);
    assert_eq!(b.get("/api/staff/credits/pending").await.status(), 401);

    let (status, body) = code(&b, "000000").await;
    assert_eq!((status, body["code"].as_str()), (401, Some("second_factor_failed")));
    let (status, body) = code(&b, &app.totp_code(&secret)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["staff_id"], "staff01");
    let codes = body["recovery_codes"].as_array().unwrap();
    assert_eq!(codes.len(), 10);
    assert_eq!(b.get("/api/staff/session").await.status(), 200);

    // The next login asks for the code only: the key is not shown again.
    next_step(&app);
    let other = app.browser();
    let step = password_step(&app, &other, "staff01").await;
    assert_eq!(step, json!({ "second_factor": "code" }));
    let (status, body) = code(&other, &app.totp_code(&secret)).await;
    assert_eq!(status, 200);
    assert_eq!(body["recovery_codes"], json!([]), "recovery codes are shown at enrolment only");
}

#[tokio::test]
async fn a_code_is_accepted_once_even_within_its_thirty_seconds() {
    let app = spawn_app().await;
    let first = app.login_staff("staff01").await;
    let secret = app.staff_keys.lock().unwrap()["staff01"].secret.clone();
    next_step(&app);
    let used = app.totp_code(&secret);
    let b = app.browser();
    password_step(&app, &b, "staff01").await;
    assert_eq!(code(&b, &used).await.0, 200);
    // Someone who saw the code over the shoulder, within the same step.
    let thief = app.browser();
    password_step(&app, &thief, "staff01").await;
    let (status, body) = code(&thief, &used).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("code_already_used")));
    assert_eq!(thief.get("/api/staff/session").await.status(), 401);
    // An older code (the step before, still inside the skew window) is no better.
    let (status, _) = code(&thief, &app.totp_code_at(&secret, -30)).await;
    assert_eq!(status, 401);
    // The next step's code works.
    app.clock.advance(30);
    assert_eq!(code(&thief, &app.totp_code(&secret)).await.0, 200);
    assert_eq!(first.get("/api/staff/session").await.status(), 200, "other sessions go on");
}

#[tokio::test]
async fn two_browsers_racing_with_one_code_get_one_session() {
    let app = spawn_app().await;
    app.login_staff("staff01").await;
    let secret = app.staff_keys.lock().unwrap()["staff01"].secret.clone();
    next_step(&app);
    let (a, b) = (app.browser(), app.browser());
    password_step(&app, &a, "staff01").await;
    password_step(&app, &b, "staff01").await;
    let c = app.totp_code(&secret);
    let (ra, rb) = tokio::join!(code(&a, &c), code(&b, &c));
    let mut statuses = [ra.0, rb.0];
    statuses.sort();
    assert_eq!(statuses, [200, 401]);
}

#[tokio::test]
async fn a_recovery_code_works_once_and_typing_is_forgiven() {
    let app = spawn_app().await;
    app.login_staff("staff01").await;
    let recovery = app.staff_keys.lock().unwrap()["staff01"].recovery_codes[0].clone();
    let b = app.browser();
    password_step(&app, &b, "staff01").await;
    let typed = recovery.to_lowercase().replace('-', " ");
    let res = b.post("/api/staff/login/second-factor", json!({ "recovery_code": typed })).await;
    assert_eq!(res.status(), 200);
    let again = app.browser();
    password_step(&app, &again, "staff01").await;
    let res = again.post("/api/staff/login/second-factor", json!({ "recovery_code": recovery })).await;
    assert_eq!(res.status(), 401);
    let res = again.post("/api/staff/login/second-factor", json!({ "recovery_code": "short" })).await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "recovery_code");
}

#[tokio::test]
async fn malformed_codes_are_field_errors_and_change_nothing() {
    let app = spawn_app().await;
    let b = app.browser();
    password_step(&app, &b, "staff01").await;
    for bad in ["", "12345", "abcdef", "1234567"] {
        let res = b.post("/api/staff/login/second-factor", json!({ "code": bad })).await;
        assert_eq!(res.status(), 400, "{bad:?}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["fields"][0]["field"], "code");
        assert!(body["fields"][0]["message"].as_str().unwrap().contains("6桁"));
    }
}

#[tokio::test]
async fn wrong_codes_are_throttled_like_passwords() {
    let app = spawn_app().await;
    app.login_staff("staff01").await;
    let secret = app.staff_keys.lock().unwrap()["staff01"].secret.clone();
    let attacker = app.browser();
    password_step(&app, &attacker, "staff01").await;
    let mut statuses = Vec::new();
    for i in 0..12 {
        statuses.push(code(&attacker, &format!("{:06}", 100_000 + i)).await.0);
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    // Throttled means throttled: even the right code waits.
    next_step(&app);
    assert_eq!(code(&attacker, &app.totp_code(&secret)).await.0, 429);
}

#[tokio::test]
async fn the_second_step_expires_and_cannot_be_skipped() {
    let app = spawn_app().await;
    app.login_staff("staff01").await;
    let secret = app.staff_keys.lock().unwrap()["staff01"].secret.clone();
    // No password step at all.
    let stranger = app.browser();
    let (status, body) = code(&stranger, &app.totp_code(&secret)).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("login_expired")));
    // A password step older than five minutes.
    let b = app.browser();
    password_step(&app, &b, "staff01").await;
    app.clock.advance(5 * 60 + 1);
    let (status, body) = code(&b, &app.totp_code(&secret)).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("login_expired")));
    assert!(body["message"].as_str().unwrap().contains("もう一度ログイン"));
}

#[tokio::test]
async fn an_administrator_resets_a_lost_authenticator() {
    let app = spawn_app().await;
    let reviewer = app.login_staff("staff01").await;
    let admin = app.login_staff("admin01").await;
    // A reviewer cannot.
    let res = reviewer.post("/api/staff/accounts/admin01/second-factor/reset", json!({})).await;
    assert_eq!(res.status(), 403);
    let old = app.staff_keys.lock().unwrap()["staff01"].clone();
    let res = admin.post("/api/staff/accounts/staff01/second-factor/reset", json!({})).await;
    assert_eq!(res.status(), 204);
    assert_eq!(reviewer.get("/api/staff/session").await.status(), 401, "the reviewer's sessions ended");
    let res = admin.post("/api/staff/accounts/nobody99/second-factor/reset", json!({})).await;
    assert_eq!(res.status(), 404);
    // The old key and recovery codes are dead; the next login enrols a new key.
    let b = app.browser();
    let step = password_step(&app, &b, "staff01").await;
    assert_eq!(step["second_factor"], "enrol");
    assert_ne!(step["enrolment"]["secret"], old.secret.as_str());
    let res = b.post("/api/staff/login/second-factor", json!({ "recovery_code": old.recovery_codes[0] })).await;
    assert_eq!(res.status(), 401);
    next_step(&app);
    assert_eq!(code(&b, &app.totp_code(&old.secret)).await.0, 401);
    let new = step["enrolment"]["secret"].as_str().unwrap();
    assert_eq!(code(&b, &app.totp_code(new)).await.0, 200);
}

#[tokio::test]
async fn a_member_session_cannot_reach_the_second_step_or_the_reset() {
    let app = spawn_app().await;
    let member = app.login("100001", DEMO_PASSWORD).await;
    assert_eq!(code(&member, "123456").await.0, 401);
    let res = member.post("/api/staff/accounts/staff01/second-factor/reset", json!({})).await;
    assert_eq!(res.status(), 401);
}
