//! 更新条件の改定: administrators revise the rule into a new version with a reason;
//! reviewers read it; the member's checklist names the version it used, a renewal
//! submitted after the revision is checked against it and records its version, and a
//! revision made from a stale screen is refused.

use serde_json::{Value, json};

use crate::common::{DEMO_PASSWORD, renewal_form, spawn_app};

fn revision(version: u32, required: &str) -> Value {
    json!({
        "version": version,
        "reason": "理事会決定（必要単位数の見直し）",
        "rule": {
            "required_units": required, "self_report_cap": "18", "renewal_fee": "12000",
            "categories": { "jcs_meeting": { "minimum": "2", "cap": "" }, "paper": { "minimum": "", "cap": "" } },
        },
    })
}

#[tokio::test]
async fn a_revision_is_a_new_version_that_later_submissions_use_and_name() {
    let app = spawn_app().await;
    let reviewer = app.login_staff("staff01").await;
    let admin = app.login_staff("admin01").await;
    let member = app.login("100001", DEMO_PASSWORD).await;

    let page: Value = reviewer.get("/api/staff/rule").await.json().await.unwrap();
    assert_eq!((page["current"]["version"].as_u64(), page["current"]["required_units"].as_u64()), (Some(1), Some(50)));
    assert_eq!(page["versions"].as_array().unwrap().len(), 1);
    let check: Value = member.get("/api/members/100001/eligibility").await.json().await.unwrap();
    assert_eq!(check["rule"]["version"], 1);

    // Reviewers cannot revise; bad input names each field and changes nothing.
    assert_eq!(reviewer.put("/api/staff/rule", revision(1, "45")).await.status(), 403);
    let bad = json!({ "version": 1, "reason": "", "rule": { "required_units": "0", "self_report_cap": "x", "renewal_fee": "",
        "categories": { "paper": { "minimum": "5", "cap": "3" } } } });
    let res = admin.put("/api/staff/rule", bad).await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    let mut fields: Vec<&str> =
        body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    fields.sort();
    assert_eq!(fields, ["categories.paper.cap", "reason", "renewal_fee", "required_units", "self_report_cap"]);
    assert_eq!(reviewer.get("/api/staff/rule").await.json::<Value>().await.unwrap()["current"]["version"], 1);

    // Version 2: 45 units, a 学術集会 minimum, a new fee.
    let res = admin.put("/api/staff/rule", revision(1, "45")).await;
    assert_eq!(res.status(), 200);
    let v2: Value = res.json().await.unwrap();
    assert_eq!((v2["version"].as_u64(), v2["required_units"].as_u64()), (Some(2), Some(45)));
    assert_eq!(v2["categories"].as_array().unwrap().len(), 1, "a category with both blank has no condition");
    // From a screen that still showed version 1: refused, nothing changed.
    let stale = admin.put("/api/staff/rule", revision(1, "40")).await;
    assert_eq!(stale.json::<Value>().await.unwrap()["code"], "stale");

    // The member's checklist now uses version 2; a renewal submitted now records it and its fee.
    let check: Value = member.get("/api/members/100001/eligibility").await.json().await.unwrap();
    assert_eq!((check["rule"]["version"].as_u64(), check["units"]["required"].as_u64()), (Some(2), Some(45)));
    let res = member.post("/api/members/100001/applications", renewal_form()).await;
    let no = res.json::<Value>().await.unwrap()["application_no"].as_str().unwrap().to_owned();
    let res = member.post(&format!("/api/members/100001/applications/{no}/submit"), json!({})).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["application"]["rule_version"], 2);
    assert_eq!(body["invoice"]["amount"], 12000);

    // Version 3 changes nothing for the application submitted under version 2.
    assert_eq!(admin.put("/api/staff/rule", revision(2, "60")).await.status(), 200);
    let a: Value = member.get(&format!("/api/members/100001/applications/{no}")).await.json().await.unwrap();
    assert_eq!(a["rule_version"], 2);

    // The history: every version, who made it and why.
    let page: Value = reviewer.get("/api/staff/rule").await.json().await.unwrap();
    let versions: Vec<(u64, Option<&str>)> = page["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["rule"]["version"].as_u64().unwrap(), v["by_id"].as_str()))
        .collect();
    assert_eq!(versions, [(1, None), (2, Some("admin01")), (3, Some("admin01"))]);
    assert_eq!(page["versions"][2]["reason"], "理事会決定（必要単位数の見直し）");
    assert_eq!(page["current"]["required_units"], 60);
}

#[tokio::test]
async fn a_rule_stored_before_versions_existed_is_version_one_and_can_be_revised() {
    use portal_domain::table::{Cond, Item, Key, Write};
    let app = spawn_app().await;
    // The rule as an earlier release stored it: no `version` attribute, no version record.
    let attrs = json!({ "type": "renewal_rule", "required_units": 40, "self_report_cap": 18, "categories": [], "renewal_fee": 9000 });
    let item = Item::new(Key::new("RULE", "RENEWAL"), attrs.as_object().unwrap().clone());
    app.state.app.table.transact(vec![Write::Put { item, cond: Cond::Always }]).await.unwrap();
    app.state
        .app
        .table
        .transact(vec![Write::Delete { key: Key::new("RULE", "RENEWAL#V000001"), cond: Cond::Always }])
        .await
        .unwrap();
    // A renewal submits against it (version 1), with its fee.
    let member = app.login("100001", DEMO_PASSWORD).await;
    let no = member.post("/api/members/100001/applications", renewal_form()).await.json::<Value>().await.unwrap()
        ["application_no"].as_str().unwrap().to_owned();
    let res = member.post(&format!("/api/members/100001/applications/{no}/submit"), json!({})).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (body["application"]["rule_version"].as_u64(), body["invoice"]["amount"].as_u64()),
        (Some(1), Some(9000))
    );
    // Its history shows it as version 1, and a revision from it keeps it so.
    let admin = app.login_staff("admin01").await;
    let page: Value = admin.get("/api/staff/rule").await.json().await.unwrap();
    assert_eq!(page["versions"][0]["rule"]["required_units"], 40);
    assert_eq!(admin.put("/api/staff/rule", revision(1, "45")).await.status(), 200);
    let page: Value = admin.get("/api/staff/rule").await.json().await.unwrap();
    let kept: Vec<(u64, u64)> = page["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["rule"]["version"].as_u64().unwrap(), v["rule"]["required_units"].as_u64().unwrap()))
        .collect();
    assert_eq!(kept, [(1, 40), (2, 45)]);
}
