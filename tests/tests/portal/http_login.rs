//! Logging in and out, throttling, sessions and their expiry, over real HTTP.

use crate::common;

use crate::common::{DEMO_PASSWORD, cookie, spawn_app};
use serde_json::{Value, json};

#[tokio::test]
async fn a_member_logs_in_with_a_session_cookie_and_is_sent_home() {
    let app = spawn_app().await;
    let res = app.browser().post("/api/auth/login", json!({ "member_no": "100001", "password": DEMO_PASSWORD })).await;
    assert_eq!(res.status(), 200);
    let set = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(set.starts_with("portal_session="), "{set}");
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=1800"] {
        assert!(set.contains(attr), "cookie lacks {attr}: {set}");
    }
    assert!(!set.contains("Secure"), "plain-http localhost cannot keep a Secure cookie");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body, json!({ "member_no": "100001", "name": "循環 太郎", "redirect": "/home.html" }));
}

#[tokio::test]
async fn a_full_width_member_number_logs_in() {
    let app = spawn_app().await;
    let b = app.login("１００００１", DEMO_PASSWORD).await;
    let me: Value = b.get("/api/auth/session").await.json().await.unwrap();
    assert_eq!(me["member_no"], "100001");
}

#[tokio::test]
async fn unknown_member_and_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    let b = app.browser();
    let wrong = b.post("/api/auth/login", json!({ "member_no": "100001", "password": "not-the-password" })).await;
    let unknown = b.post("/api/auth/login", json!({ "member_no": "199999", "password": "not-the-password" })).await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    assert!(wrong.headers().get("set-cookie").is_none());
    let (w, u) = (wrong.text().await.unwrap(), unknown.text().await.unwrap());
    assert_eq!(w, u, "the body must not tell which was wrong");
    assert!(w.contains("会員番号またはパスワードが正しくありません。"));
}

#[tokio::test]
async fn malformed_input_is_a_400_with_every_field_error() {
    let app = spawn_app().await;
    let b = app.browser();
    let res = b.post("/api/auth/login", json!({ "member_no": "", "password": "" })).await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "invalid_input");
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["member_no", "password"]);
    let res = b.post("/api/auth/login", json!({ "member_no": "200001", "password": "x" })).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["fields"][0]["message"], "会員番号は1から始まる6桁の半角数字で入力してください。");
    let res = app
        .raw()
        .post(format!("{}/api/auth/login", app.url))
        .header("Origin", &app.url)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "invalid_json");
}

#[tokio::test]
async fn ten_failures_throttle_the_account_until_the_window_passes() {
    let app = spawn_app().await;
    let b = app.browser();
    for _ in 0..10 {
        let res = b.post("/api/auth/login", json!({ "member_no": "100003", "password": "guess-guess" })).await;
        assert_eq!(res.status(), 401);
    }
    // Even the right password is refused now, without being checked.
    let res = b.post("/api/auth/login", json!({ "member_no": "100003", "password": DEMO_PASSWORD })).await;
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "too_many_attempts");
    // Another member is not affected.
    app.login("100001", DEMO_PASSWORD).await;
    // Nobody is locked out for good: the window ends.
    app.clock.advance(15 * 60);
    app.login("100003", DEMO_PASSWORD).await;
}

#[tokio::test]
async fn failures_from_one_address_throttle_it_across_accounts() {
    let app = spawn_app().await;
    let b = app.browser();
    for i in 0..30 {
        let no = format!("1{:05}", 10_000 + i); // 30 different (unknown) accounts
        let res = b.post("/api/auth/login", json!({ "member_no": no, "password": "guess-guess" })).await;
        assert_eq!(res.status(), 401);
    }
    let res = b.post("/api/auth/login", json!({ "member_no": "100001", "password": DEMO_PASSWORD })).await;
    assert_eq!(res.status(), 429);
}

#[tokio::test]
async fn a_deep_link_returns_the_member_to_the_linked_screen_but_never_off_site() {
    let app = spawn_app().await;
    let b = app.browser();
    let login = |next: &str| json!({ "member_no": "100001", "password": DEMO_PASSWORD, "next": next });
    let res: Value =
        b.post("/api/auth/login", login("/member-profile.html?member_no=100001")).await.json().await.unwrap();
    assert_eq!(res["redirect"], "/member-profile.html?member_no=100001");
    for evil in ["https://evil.example/", "//evil.example/", "/\\evil.example"] {
        let res: Value = b.post("/api/auth/login", login(evil)).await.json().await.unwrap();
        assert_eq!(res["redirect"], "/home.html", "{evil}");
    }
}

#[tokio::test]
async fn logout_ends_the_session_even_for_a_copied_cookie() {
    let app = spawn_app().await;
    let b = app.browser();
    let res = b.post("/api/auth/login", json!({ "member_no": "100001", "password": DEMO_PASSWORD })).await;
    let token = cookie(&res, "portal_session").unwrap();
    assert_eq!(b.post("/api/auth/logout", json!({})).await.status(), 204);
    assert_eq!(b.get("/api/auth/session").await.status(), 401);
    let replay = app
        .raw()
        .get(format!("{}/api/auth/session", app.url))
        .header("Cookie", format!("portal_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 401, "a token captured before logout is dead");
}

#[tokio::test]
async fn an_idle_session_expires_and_an_active_one_is_extended() {
    let app = spawn_app().await;
    let active = app.login("100001", DEMO_PASSWORD).await;
    let idle = app.login("100002", DEMO_PASSWORD).await;
    app.clock.advance(20 * 60);
    assert_eq!(active.get("/api/auth/session").await.status(), 200); // refreshes the cookie
    app.clock.advance(20 * 60);
    assert_eq!(active.get("/api/auth/session").await.status(), 200, "active 40 min after login");
    assert_eq!(idle.get("/api/auth/session").await.status(), 401, "idle for 40 min");
}

#[tokio::test]
async fn tampered_unsigned_foreign_and_expired_tokens_are_refused() {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    let app = spawn_app().await;
    let res = app.browser().post("/api/auth/login", json!({ "member_no": "100001", "password": DEMO_PASSWORD })).await;
    let good = cookie(&res, "portal_session").unwrap();
    let parts: Vec<&str> = good.split('.').collect();
    let mut claims: Value = serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap();
    claims["sub"] = json!("100002");
    let tampered = format!("{}.{}.{}", parts[0], B64.encode(claims.to_string()), parts[2]);
    let none_header = B64.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let alg_none = format!("{none_header}.{}.", parts[1]);
    let sign = |aud: &str, exp_offset: i64| {
        let now = chrono::Utc::now().timestamp();
        let c = json!({ "sub": "100001", "aud": aud, "iss": app.url, "iat": now, "exp": now + exp_offset, "auth_time": now, "ver": 1 });
        jsonwebtoken_encode(&c)
    };
    let wrong_aud = sign("portal-staff", 600);
    let expired = sign("portal-member", -1);
    let valid_forged_with_right_key = sign("portal-member", 600);
    let ask = |t: String| {
        let c = app.raw();
        let url = format!("{}/api/auth/session", app.url);
        async move { c.get(url).header("Cookie", format!("portal_session={t}")).send().await.unwrap().status() }
    };
    assert_eq!(ask(good).await, 200);
    assert_eq!(ask(valid_forged_with_right_key).await, 200, "control: the signer below is right");
    for (what, t) in [("tampered", tampered), ("alg none", alg_none), ("wrong aud", wrong_aud), ("expired", expired)] {
        assert_eq!(ask(t).await, 401, "{what}");
    }
}

/// Signs chosen claims with the portal's key (HS256), to forge exactly one flaw.
fn jsonwebtoken_encode(claims: &Value) -> String {
    let key = jsonwebtoken::EncodingKey::from_secret(common::SECRET).unwrap();
    jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256), claims, &key).unwrap()
}

#[tokio::test]
async fn state_changing_requests_from_other_sites_are_refused() {
    let app = spawn_app().await;
    let c = app.raw();
    let url = format!("{}/api/auth/login", app.url);
    let body = json!({ "member_no": "100001", "password": DEMO_PASSWORD }).to_string();
    let no_origin = c.post(&url).header("Content-Type", "application/json").body(body.clone()).send().await.unwrap();
    let evil = c
        .post(&url)
        .header("Origin", "https://evil.example")
        .header("Content-Type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    let form = c
        .post(&url)
        .header("Origin", &app.url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("member_no=100001")
        .send()
        .await
        .unwrap();
    for res in [no_origin, evil, form] {
        assert_eq!(res.status(), 403);
        assert_eq!(res.json::<Value>().await.unwrap()["code"], "forbidden_origin");
    }
}
