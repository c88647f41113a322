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

#[tokio::test]
async fn staff_correct_the_contact_and_the_search_follows_the_new_mail() {
    let app = spawn_app().await;
    let staff = app.login_staff("staff01").await;
    let body = serde_json::json!({
        "postal_code": "５３０－０００１", "address": "大阪府大阪市北区梅田1-1-1", "organization": "梅田循環器クリニック",
        "email": "taro.junkan@example.org",
    });
    let res = staff.put("/api/staff/members/100001/contact", body).await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["mailing_address"]["postal_code"], "530-0001");
    assert_eq!(found(&staff, "taro.junkan@").await, ["100001"]);
    assert_eq!(found(&staff, "m100001@").await, Vec::<String>::new(), "the old mail no longer finds the member");
    let member = app.login("100001", DEMO_PASSWORD).await;
    let own: Value = member.get("/api/members/100001/profile").await.json().await.unwrap();
    assert_eq!(own["email"], "taro.junkan@example.org");
    let trail: Value = staff.get("/api/staff/members/100001/audit").await.json().await.unwrap();
    let actions: Vec<&str> =
        trail["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["member.mailing_address", "member.email"]);
    assert_eq!(trail["entries"][1]["before"], "m100001@example.jp");
    // Bad input: every field named, nothing changed.
    let bad = serde_json::json!({ "postal_code": "12", "address": "", "organization": "", "email": "not-a-mail" });
    let res = staff.put("/api/staff/members/100001/contact", bad).await;
    assert_eq!(res.status(), 400);
    let e: Value = res.json().await.unwrap();
    let fields: Vec<&str> = e["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["postal_code", "address", "email"]);
    let again: Value = member.get("/api/members/100001/profile").await.json().await.unwrap();
    assert_eq!(again["mailing_address"]["postal_code"], "530-0001");
}

#[tokio::test]
async fn staff_record_the_collection_method_and_a_dues_payment() {
    let app = spawn_app().await;
    let staff = app.login_staff("staff01").await;
    let res = staff
        .put("/api/staff/members/100002/collection-method", serde_json::json!({ "collection_method": "bank_debit" }))
        .await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["collection_method"]["label"], "口座振替");
    let res = staff
        .put("/api/staff/members/100002/collection-method", serde_json::json!({ "collection_method": "cash" }))
        .await;
    assert_eq!(res.status(), 400);

    let detail: Value = staff.get("/api/staff/members/100002").await.json().await.unwrap();
    let open = detail["invoices"].as_array().unwrap().iter().find(|i| i["payment"]["state"] == "open").unwrap();
    let no = open["invoice_no"].as_str().unwrap();
    let path = format!("/api/staff/members/100002/invoices/{no}/dues-payment");
    let tomorrow = (app.state.app.clock.today() + chrono::Duration::days(1)).to_string();
    assert_eq!(staff.post(&path, serde_json::json!({ "paid_on": tomorrow })).await.status(), 400);
    let today = app.state.app.clock.today().to_string();
    let res = staff.post(&path, serde_json::json!({ "paid_on": today })).await;
    assert_eq!(res.status(), 200);
    let paid: Value = res.json().await.unwrap();
    assert_eq!(paid["status"]["label"], "納入済");
    assert_eq!(staff.post(&path, serde_json::json!({ "paid_on": today })).await.status(), 409, "paid once");
    let mail = &app.mails_to("m100002@example.jp").await[0];
    assert!(mail.subject.contains("入金") || mail.body.contains(no), "{}", mail.subject);
    let trail: Value = staff.get(&format!("/api/staff/members/100002/audit?record={no}")).await.json().await.unwrap();
    assert_eq!(trail["entries"][0]["action"], "invoice.dues_payment");
    assert_eq!(trail["entries"][0]["before"], "期限切れ");
    // Member 100002 can now submit (年会費 paid).
    let member = app.login("100002", DEMO_PASSWORD).await;
    let elig: Value = member.get("/api/members/100002/eligibility").await.json().await.unwrap();
    assert!(!elig.to_string().contains("年会費"), "{elig}");
}
