//! 所定単位表の管理: administrators add, edit and retire unit codes (never delete), each
//! conditional on the version read and recorded with before and after; reviewers read.

use serde_json::{Value, json};

use crate::common::spawn_app;
use crate::http_attendance;

fn unit(code: &str, units: i64, valid_to: &str) -> Value {
    json!({
        "code": code, "name": "地方会 Web参加", "reading": "チホウカイ ウェブサンカ", "category": "regional_meeting",
        "units": units, "activity": "meeting", "self_reportable": false, "valid_from": "2026-04-01", "valid_to": valid_to,
    })
}

#[tokio::test]
async fn administrators_add_edit_and_retire_unit_codes() {
    let app = spawn_app().await;
    let admin = app.login_staff("admin01").await;
    let reviewer = app.login_staff("staff01").await;
    assert_eq!(reviewer.post("/api/staff/units", unit("RM-WEB", 3, "")).await.status(), 403, "administrators only");
    let res = admin.post("/api/staff/units", unit("RM-WEB", 3, "")).await;
    assert_eq!(res.status(), 201);
    let added: Value = res.json().await.unwrap();
    assert_eq!((added["reading"].as_str(), added["version"].as_i64()), (Some("ちほうかいうぇぶさんか"), Some(0)));
    let res = admin.post("/api/staff/units", unit("RM-WEB", 3, "")).await;
    assert_eq!(res.status(), 409);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "unit_exists");
    // Every problem of a form at once.
    let bad = json!({ "code": "x y", "name": "", "reading": "", "category": "?", "units": 0, "activity": "?", "valid_from": "", "valid_to": "" });
    let res = admin.post("/api/staff/units", bad).await;
    assert_eq!(res.status(), 400);
    let fields: Vec<String> = res.json::<Value>().await.unwrap()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["code", "name", "reading", "category", "units", "activity", "valid_from"]);

    // Edited from the version read; a second edit from the same version is refused.
    let res = admin.put("/api/staff/units/RM-WEB", json!({ "version": 0, "unit": unit("RM-WEB", 4, "") })).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["version"], 1);
    let stale = admin.put("/api/staff/units/RM-WEB", json!({ "version": 0, "unit": unit("RM-WEB", 5, "") })).await;
    assert_eq!(stale.status(), 409);
    let renamed = admin.put("/api/staff/units/RM-WEB", json!({ "version": 1, "unit": unit("RM-NEW", 4, "") })).await;
    assert_eq!(renamed.status(), 400, "a code never changes");
    // An existing sample code too (written before versions existed).
    let sample = json!({ "version": 0, "unit": {
        "code": "RM-ATT", "name": "地方会 参加", "reading": "ちほうかい さんか", "category": "regional_meeting",
        "units": 5, "activity": "meeting", "self_reportable": true, "valid_from": "2000-01-01", "valid_to": "2026-06-30",
    }});
    assert_eq!(admin.put("/api/staff/units/RM-ATT", sample).await.status(), 200);

    // Retired: an attendance after its end is refused; one before is fine.
    let csv =
        "会員番号,氏名,単位コード,日付\r\n100001,循環 太郎,RM-ATT,2026-07-01\r\n100001,循環 太郎,RM-ATT,2026-06-01\r\n";
    let key = http_attendance::upload(&admin, csv.as_bytes()).await;
    let (_, p) = http_attendance::preview(&admin, &key, "auto").await;
    assert_eq!((p["counts"]["ready"].as_u64(), p["counts"]["refused"].as_u64()), (Some(1), Some(1)));
    assert!(p["refused"][0]["problems"][0].as_str().unwrap().contains("有効ではありません"));

    // The table (retired codes included) and its history, for reviewers too.
    let t: Value = reviewer.get("/api/staff/units").await.json().await.unwrap();
    let rm = t["units"].as_array().unwrap().iter().find(|u| u["code"] == "RM-ATT").unwrap().clone();
    assert_eq!(rm["valid_to"], "2026-06-30");
    let actions: Vec<&str> = t["history"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["unit.add", "unit.edit", "unit.retire"]);
    assert!(t["history"][1]["before"].as_str().unwrap().contains("3単位"));
    assert!(t["history"][1]["after"].as_str().unwrap().contains("4単位"));
    // No route deletes a code.
    let del = admin
        .http
        .delete(format!("{}/api/staff/units/RM-WEB", app.url))
        .header("Origin", &app.url)
        .header("X-Requested-With", "portal-fetch")
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 405);
}
