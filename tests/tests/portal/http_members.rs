//! 会員情報照会 and the boundaries between members and staff, over real HTTP.

use crate::common;

use crate::common::{DEMO_PASSWORD, spawn_app};
use serde_json::{Value, json};

#[tokio::test]
async fn the_member_page_shows_the_registered_information_in_one_store_call() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    app.store.take();
    let res = b.get("/api/members/100001/profile").await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.store.take(), 1, "the member page is one Query");
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["name"], "循環 太郎");
    assert_eq!(p["email"], "m100001@example.jp");
    assert_eq!(p["mailing_address"]["postal_code"], "100-0011");
    assert_eq!(p["collection_method"], json!({ "code": "bank_debit", "label": "口座振替" }));
    let cert = &p["certification"];
    assert_eq!(cert["cert_no"], "20101");
    let end = cert["period"]["end"].as_str().unwrap();
    assert!(end.ends_with("-03-31"), "認定期間 ends with the fiscal year: {end}");
    assert_eq!(p["applications"], json!([]));
    let credits = p["credits"].as_array().unwrap();
    assert_eq!(credits.len(), 9, "the demo credits of 100001");
    assert_eq!(credits.iter().map(|c| c["units"].as_u64().unwrap()).sum::<u64>(), 52);
    assert!(credits.iter().all(|c| c["status_label"] == "承認済"));
    assert!(p.get("password_hash").is_none() && !p.to_string().contains("argon2"));
}

#[tokio::test]
async fn a_member_cannot_read_another_members_page() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    for other in ["100002", "199999", "abc", "１００００２"] {
        let res = b.get(&format!("/api/members/{other}/profile")).await;
        assert_eq!(res.status(), 404, "{other}");
        assert_eq!(res.json::<Value>().await.unwrap()["code"], "not_found");
    }
}

#[tokio::test]
async fn logged_out_callers_get_401_everywhere() {
    let app = spawn_app().await;
    let b = app.browser();
    assert_eq!(b.get("/api/members/100001/profile").await.status(), 401);
    assert_eq!(b.get("/api/auth/session").await.status(), 401);
    assert_eq!(b.get("/api/staff/session").await.status(), 401);
    let res = b.post("/api/auth/password", json!({ "current_password": DEMO_PASSWORD, "new_password": "x" })).await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn member_tokens_never_open_staff_routes_and_vice_versa() {
    let app = spawn_app().await;
    let member = app.login("100001", DEMO_PASSWORD).await;
    assert_eq!(member.get("/api/staff/session").await.status(), 401);
    let staff = app.login_staff("staff01").await;
    let me: Value = staff.get("/api/staff/session").await.json().await.unwrap();
    assert_eq!(me, json!({ "staff_id": "staff01", "name": "佐藤 一郎", "role": "reviewer", "role_label": "審査担当" }));
    assert_eq!(staff.get("/api/members/100001/profile").await.status(), 401);
    assert_eq!(staff.get("/api/auth/session").await.status(), 401);
    // A member token presented under the staff cookie name is still a member token.
    let res = member.post("/api/auth/login", json!({ "member_no": "100001", "password": DEMO_PASSWORD })).await;
    let token = common::cookie(&res, "portal_session").unwrap();
    let forged = app
        .raw()
        .get(format!("{}/api/staff/session", app.url))
        .header("Cookie", format!("portal_staff_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
}

#[tokio::test]
async fn staff_login_failures_and_logout() {
    let app = spawn_app().await;
    let b = app.browser();
    let res = b.post("/api/staff/login", json!({ "staff_id": "staff01", "password": "wrong-wrong" })).await;
    assert_eq!(res.status(), 401);
    let res = b.post("/api/staff/login", json!({ "staff_id": "100001", "password": DEMO_PASSWORD })).await;
    assert_eq!(res.status(), 401, "a member cannot log in as staff");
    let admin = app.login_staff("admin01").await;
    assert_eq!(admin.get("/api/staff/session").await.json::<Value>().await.unwrap()["role"], "administrator");
    assert_eq!(admin.post("/api/staff/logout", json!({})).await.status(), 204);
    assert_eq!(admin.get("/api/staff/session").await.status(), 401);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/", "/index.html", "/api/auth/session", "/admin/"] {
        let res = app.browser().get(path).await;
        let h = res.headers();
        assert!(h["content-security-policy"].to_str().unwrap().contains("default-src 'self'"), "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
    }
}
