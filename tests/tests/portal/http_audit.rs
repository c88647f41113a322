//! The audit trail (監査記録): every staff action on a member's records and on staff
//! accounts is recorded with who, when, what, before, after and why — in the same
//! transaction as the action — and can be read but never changed.

use serde_json::{Value, json};

use portal_domain::Clock;

use crate::common::{DEMO_PASSWORD, spawn_app};
use crate::http_attendance;

#[tokio::test]
async fn staff_actions_land_in_the_trail_and_nobody_can_change_it() {
    let app = spawn_app().await;
    let staff = app.login_staff("staff01").await;
    let admin = app.login_staff("admin01").await;
    let csv = "会員番号,氏名,単位コード,日付,学術集会名\r\n100004,不整 三郎,RM-ATT,2026-06-07,第250回地方会\r\n";
    let key = http_attendance::upload(&staff, csv.as_bytes()).await;
    assert_eq!(http_attendance::import_all(&staff, &key, 10).await, 1);
    let trail: Value = staff.get("/api/staff/members/100004/audit").await.json().await.unwrap();
    let entries = trail["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(e["action"], "credit.import");
    assert_eq!((e["actor_id"].as_str(), e["actor_name"].as_str()), (Some("staff01"), Some("佐藤 一郎")));
    assert_eq!((e["after"].as_str(), e["reason"].as_str()), (Some("承認済"), Some("第250回地方会")));
    let at: chrono::DateTime<chrono::Utc> = e["at"].as_str().unwrap().parse().unwrap();
    assert!((app.clock.now() - at).num_seconds().abs() < 60, "when: {at}");
    // Filtered by record; another member's trail is its own.
    let record = e["record"].as_str().unwrap();
    let one: Value = staff.get(&format!("/api/staff/members/100004/audit?record={record}")).await.json().await.unwrap();
    assert_eq!(one["entries"].as_array().unwrap().len(), 1);
    let none: Value = staff.get("/api/staff/members/100004/audit?record=C-999999").await.json().await.unwrap();
    assert_eq!(none["entries"], json!([]));
    let other: Value = staff.get("/api/staff/members/100005/audit").await.json().await.unwrap();
    assert_eq!(other["entries"], json!([]));

    // A second-factor reset is on the account's trail, which only administrators read.
    assert_eq!(admin.post("/api/staff/accounts/staff01/second-factor/reset", json!({})).await.status(), 204);
    let t: Value = admin.get("/api/staff/accounts/staff01/audit").await.json().await.unwrap();
    assert_eq!(
        (t["entries"][0]["action"].as_str(), t["entries"][0]["actor_id"].as_str()),
        (Some("staff.second_factor_reset"), Some("admin01"))
    );
    let reviewer = app.login_staff("staff01").await;
    assert_eq!(reviewer.get("/api/staff/accounts/staff01/audit").await.status(), 403);

    // Read only: no method changes it; members never see it.
    for method in [reqwest::Method::PUT, reqwest::Method::DELETE, reqwest::Method::PATCH, reqwest::Method::POST] {
        let res = reviewer
            .http
            .request(method.clone(), format!("{}/api/staff/members/100004/audit", app.url))
            .header("Origin", &app.url)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 405, "{method}");
    }
    let member = app.login("100004", DEMO_PASSWORD).await;
    assert_eq!(member.get("/api/staff/members/100004/audit").await.status(), 401);
    let after: Value = reviewer.get("/api/staff/members/100004/audit").await.json().await.unwrap();
    assert_eq!(after["entries"].as_array().unwrap().len(), 1);
}
