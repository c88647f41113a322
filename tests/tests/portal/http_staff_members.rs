//! 会員検索 and 会員の詳細 (staff): by number, by the beginning of the name in kanji
//! or kana (any width, spaces ignored), by mail; the member's records as the member sees
//! them, the invoices and the audit trail.

use serde_json::Value;

use crate::common::{DEMO_PASSWORD, spawn_app};

async fn found(b: &crate::common::Browser, q: &str) -> Vec<String> {
    let path = format!("/api/staff/members?q={}", percent(q));
    let res = b.get(&path).await;
    assert_eq!(res.status(), 200, "{q}");
    let v: Value = res.json().await.unwrap();
    v["members"].as_array().unwrap().iter().map(|m| m["member_no"].as_str().unwrap().to_owned()).collect()
}

fn percent(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[tokio::test]
async fn staff_find_members_by_number_name_kana_or_mail() {
    let app = spawn_app().await;
    let staff = app.login_staff("staff01").await;
    assert_eq!(found(&staff, "100003").await, ["100003"]);
    assert_eq!(found(&staff, "１００００３").await, ["100003"], "full-width digits");
    assert_eq!(found(&staff, "100009").await, Vec::<String>::new());
    assert_eq!(found(&staff, "循環").await, ["100001"]);
    assert_eq!(found(&staff, "循環太郎").await, ["100001"], "spaces ignored");
    assert_eq!(found(&staff, "じゅんかん").await, ["100001"], "hiragana");
    assert_eq!(found(&staff, "ｼﾝｿﾞｳ").await, ["100002"], "half-width katakana");
    assert_eq!(found(&staff, "ケッカン　ジロウ").await, ["100003"], "full-width space");
    assert_eq!(found(&staff, "m100004@").await, ["100004"]);
    assert_eq!(found(&staff, "M100005@EXAMPLE").await, ["100005"], "mail case-insensitive");
    assert_eq!(found(&staff, "太郎").await, Vec::<String>::new(), "from the beginning of the name");
    assert_eq!(found(&staff, "").await, Vec::<String>::new());
    let long = "あ".repeat(101);
    assert_eq!(staff.get(&format!("/api/staff/members?q={}", percent(&long))).await.status(), 400);
    // Members never reach it.
    let member = app.login("100001", DEMO_PASSWORD).await;
    assert_eq!(member.get("/api/staff/members?q=100001").await.status(), 401);
}

#[tokio::test]
async fn the_member_view_shows_what_the_member_sees_with_invoices_and_history() {
    let app = spawn_app().await;
    let staff = app.login_staff("staff01").await;
    let res = staff.get("/api/staff/members/100002").await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["profile"]["name"], "心臓 花子");
    assert_eq!(v["name_kana"], "シンゾウ ハナコ");
    let member = app.login("100002", DEMO_PASSWORD).await;
    let own: Value = member.get("/api/members/100002/profile").await.json().await.unwrap();
    assert_eq!(v["profile"], own, "the same records the member sees");
    assert!(v["invoices"].as_array().unwrap().iter().any(|i| i["payment"]["state"] == "open"), "{}", v["invoices"]);
    assert_eq!(v["audit"], serde_json::json!([]));
    assert_eq!(staff.get("/api/staff/members/100009").await.status(), 404);
}
