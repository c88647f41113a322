//! Password reset by mail and password change, over real HTTP.

use crate::common::{DEMO_PASSWORD, cookie, spawn_app, token_in};
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "sinzou-no-kodou-2026-yoru";

#[tokio::test]
async fn a_reset_mail_goes_to_the_registered_address_and_its_link_sets_a_new_password() {
    let app = spawn_app().await;
    let b = app.browser();
    let res = b.post("/api/auth/password-reset", json!({ "member_no": "100002" })).await;
    assert_eq!(res.status(), 202);
    let mails = app.mails_to("m100002@example.jp").await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.subject, "【日本循環器学会】パスワード再設定のご案内");
    assert!(
        mail.body.contains(&format!("{}/reset-password.html#token=", app.url)),
        "link from the configured base URL"
    );
    let other = app.login("100002", DEMO_PASSWORD).await; // a session that must end

    let res =
        b.post("/api/auth/password-reset/confirm", json!({ "token": token_in(mail), "password": NEW_PASSWORD })).await;
    assert_eq!(res.status(), 200);
    assert_eq!(other.get("/api/auth/session").await.status(), 401, "reset ends older sessions");
    let old = b.post("/api/auth/login", json!({ "member_no": "100002", "password": DEMO_PASSWORD })).await;
    assert_eq!(old.status(), 401);
    app.login("100002", NEW_PASSWORD).await;
    let mails = app.mails_to("m100002@example.jp").await;
    assert_eq!(mails[0].subject, "【日本循環器学会】パスワード変更のお知らせ");
}

#[tokio::test]
async fn the_answer_is_the_same_whether_or_not_the_member_exists() {
    let app = spawn_app().await;
    let b = app.browser();
    let known = b.post("/api/auth/password-reset", json!({ "member_no": "100001" })).await;
    let unknown = b.post("/api/auth/password-reset", json!({ "member_no": "188888" })).await;
    assert_eq!((known.status(), unknown.status()), (reqwest::StatusCode::ACCEPTED, reqwest::StatusCode::ACCEPTED));
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    assert_eq!(app.mails_to("m188888@example.jp").await.len(), 0);
    assert_eq!(app.mails_to("m100001@example.jp").await.len(), 1);
}

#[tokio::test]
async fn mail_links_ignore_the_host_header() {
    let app = spawn_app().await;
    let res = app
        .raw()
        .post(format!("{}/api/auth/password-reset", app.url))
        .header("Host", "evil.example")
        .header("Origin", &app.url)
        .json(&json!({ "member_no": "100001" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let mail = &app.mails_to("m100001@example.jp").await[0];
    assert!(!mail.body.contains("evil.example"));
}

#[tokio::test]
async fn a_reset_token_works_once() {
    let app = spawn_app().await;
    let b = app.browser();
    b.post("/api/auth/password-reset", json!({ "member_no": "100003" })).await;
    let token = token_in(&app.mails_to("m100003@example.jp").await[0]);
    let first = b.post("/api/auth/password-reset/confirm", json!({ "token": token, "password": NEW_PASSWORD })).await;
    assert_eq!(first.status(), 200);
    let again = b
        .post("/api/auth/password-reset/confirm", json!({ "token": token, "password": "another-long-passphrase-77" }))
        .await;
    assert_eq!(again.status(), 400);
    assert_eq!(again.json::<Value>().await.unwrap()["code"], "invalid_token");
    app.login("100003", NEW_PASSWORD).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reset_token_works_once_even_when_two_requests_race() {
    let app = spawn_app().await;
    let b = app.browser();
    b.post("/api/auth/password-reset", json!({ "member_no": "100003" })).await;
    let token = token_in(&app.mails_to("m100003@example.jp").await[0]);
    let racers = ["racing-password-number-one", "racing-password-number-two"].map(|pw| {
        let (b, token) = (app.browser(), token.clone());
        tokio::spawn(async move {
            b.post("/api/auth/password-reset/confirm", json!({ "token": token, "password": pw })).await.status()
        })
    });
    let mut ok = 0;
    for r in racers {
        if r.await.unwrap() == 200 {
            ok += 1;
        }
    }
    assert_eq!(ok, 1);
}

#[tokio::test]
async fn a_reset_token_expires_after_30_minutes() {
    let app = spawn_app().await;
    let b = app.browser();
    b.post("/api/auth/password-reset", json!({ "member_no": "100004" })).await;
    let token = token_in(&app.mails_to("m100004@example.jp").await[0]);
    app.clock.advance(30 * 60 + 1);
    let res = b.post("/api/auth/password-reset/confirm", json!({ "token": token, "password": NEW_PASSWORD })).await;
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "invalid_token");
    app.login("100004", DEMO_PASSWORD).await;
}

#[tokio::test]
async fn a_weak_new_password_is_refused_and_the_token_stays_usable() {
    let app = spawn_app().await;
    let b = app.browser();
    b.post("/api/auth/password-reset", json!({ "member_no": "100005" })).await;
    let token = token_in(&app.mails_to("m100005@example.jp").await[0]);
    for weak in ["short", "password1234"] {
        let res = b.post("/api/auth/password-reset/confirm", json!({ "token": token, "password": weak })).await;
        assert_eq!(res.status(), 400);
        assert_eq!(res.json::<Value>().await.unwrap()["fields"][0]["field"], "password");
    }
    let res = b.post("/api/auth/password-reset/confirm", json!({ "token": token, "password": NEW_PASSWORD })).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_reset_clears_the_login_throttle() {
    let app = spawn_app().await;
    let b = app.browser();
    for _ in 0..10 {
        b.post("/api/auth/login", json!({ "member_no": "100005", "password": "guess-guess" })).await;
    }
    let res = b.post("/api/auth/login", json!({ "member_no": "100005", "password": DEMO_PASSWORD })).await;
    assert_eq!(res.status(), 429);
    b.post("/api/auth/password-reset", json!({ "member_no": "100005" })).await;
    let token = token_in(&app.mails_to("m100005@example.jp").await[0]);
    b.post("/api/auth/password-reset/confirm", json!({ "token": token, "password": NEW_PASSWORD })).await;
    app.login("100005", NEW_PASSWORD).await;
}

#[tokio::test]
async fn the_reset_page_leaks_no_referrer() {
    let app = spawn_app().await;
    let res = app.browser().get("/reset-password.html?token=abc").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session_and_keeps_this_one() {
    let app = spawn_app().await;
    let here = app.browser();
    let res = here.post("/api/auth/login", json!({ "member_no": "100001", "password": DEMO_PASSWORD })).await;
    let _ = cookie(&res, "portal_session").unwrap();
    let elsewhere = app.login("100001", DEMO_PASSWORD).await;
    let wrong =
        here.post("/api/auth/password", json!({ "current_password": "nope-nope", "new_password": NEW_PASSWORD })).await;
    assert_eq!(wrong.status(), 400);
    assert_eq!(wrong.json::<Value>().await.unwrap()["code"], "wrong_current_password");
    let res = here
        .post("/api/auth/password", json!({ "current_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD }))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(here.get("/api/auth/session").await.status(), 200);
    assert_eq!(elsewhere.get("/api/auth/session").await.status(), 401);
    assert_eq!(app.mails_to("m100001@example.jp").await[0].subject, "【日本循環器学会】パスワード変更のお知らせ");
}

#[tokio::test]
async fn every_outstanding_reset_link_dies_when_the_password_changes() {
    let app = spawn_app().await;
    let b = app.browser();
    for _ in 0..3 {
        assert_eq!(b.post("/api/auth/password-reset", json!({ "member_no": "100004" })).await.status(), 202);
    }
    let resets: Vec<String> = app
        .mails_to("m100004@example.jp")
        .await
        .iter()
        .filter(|m| m.subject.contains("再設定"))
        .map(token_in)
        .collect();
    assert_eq!(resets.len(), 3);
    let confirm = |token: &str, password: &str| {
        b.post("/api/auth/password-reset/confirm", json!({ "token": token, "password": password }))
    };
    assert_eq!(confirm(&resets[0], NEW_PASSWORD).await.status(), 200);
    // The other two links were issued for the old password: they are dead now…
    let res = confirm(&resets[1], "another-new-password-2026").await;
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "invalid_token");
    // …and stay dead after a password change by the member, too.
    let me = app.login("100004", NEW_PASSWORD).await;
    let change = json!({ "current_password": NEW_PASSWORD, "new_password": "third-password-of-2026" });
    assert_eq!(me.post("/api/auth/password", change).await.status(), 200);
    assert_eq!(confirm(&resets[2], "fourth-password-2026-x").await.status(), 400);
    app.login("100004", "third-password-of-2026").await;
}
