//! 職員アカウントの管理: administrators list accounts, create one (its initial password
//! shown once, the new staff member enrols a second factor at the first login), change
//! a role or stop an account (its sessions end at once); reviewers can do none of it,
//! nobody changes their own account, and every change is in the account's trail.

use serde_json::{Value, json};

use crate::common::{DEMO_PASSWORD, audit_actions, spawn_app};

fn ids(list: &Value) -> Vec<(String, String, bool)> {
    list["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (a["staff_id"].as_str().unwrap().to_owned(), a["role"].as_str().unwrap().to_owned(), a["disabled"] == true)
        })
        .collect()
}

#[tokio::test]
async fn an_administrator_creates_an_account_changes_its_role_and_stops_it() {
    let app = spawn_app().await;
    let admin = app.login_staff("admin01").await;
    let list: Value = admin.get("/api/staff/accounts").await.json().await.unwrap();
    assert_eq!(
        ids(&list),
        [("admin01".into(), "administrator".into(), false), ("staff01".into(), "reviewer".into(), false)]
    );

    // Bad input: every field named, nothing created.
    let bad = admin.post("/api/staff/accounts", json!({ "staff_id": "x", "name": "", "role": "boss" })).await;
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.unwrap();
    let mut fields: Vec<&str> =
        body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    fields.sort();
    assert_eq!(fields, ["name", "role", "staff_id"]);

    let res =
        admin.post("/api/staff/accounts", json!({ "staff_id": "Staff02", "name": "高橋 三郎", "role": "reviewer" }));
    let res = res.await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["account"]["staff_id"], "staff02", "ids are kept in lower case");
    let password = created["initial_password"].as_str().unwrap().to_owned();
    assert_eq!(password.chars().count(), 20);
    let again = admin.post("/api/staff/accounts", json!({ "staff_id": "staff02", "name": "別人", "role": "reviewer" }));
    assert_eq!(again.await.json::<Value>().await.unwrap()["code"], "staff_id_taken");

    // The new account logs in with the initial password and enrols its authenticator.
    let two = app.login_staff_with("staff02", &password).await;
    let me: Value = two.get("/api/staff/session").await.json().await.unwrap();
    assert_eq!(me["role"], "reviewer");
    assert_eq!(two.get("/api/staff/accounts").await.status(), 403, "a reviewer manages no accounts");
    let promote = json!({ "role": "administrator", "disabled": false });
    assert_eq!(two.put("/api/staff/accounts/staff01", promote.clone()).await.status(), 403);

    // Promoted: the running session has the new role at once (the role is read per request).
    let res = admin.put("/api/staff/accounts/staff02", promote).await;
    assert_eq!(res.status(), 200);
    assert_eq!(two.get("/api/staff/accounts").await.status(), 200);

    // Nobody changes their own account (no administrator locks the office out).
    let own = two.put("/api/staff/accounts/staff02", json!({ "role": "reviewer", "disabled": false })).await;
    assert_eq!(own.json::<Value>().await.unwrap()["code"], "own_account");

    // Stopped: the session ends, the password no longer opens anything.
    let stop = admin.put("/api/staff/accounts/staff02", json!({ "role": "administrator", "disabled": true })).await;
    assert_eq!(stop.status(), 200);
    assert_eq!(two.get("/api/staff/session").await.status(), 401);
    let b = app.browser();
    let login = b.post("/api/staff/login", json!({ "staff_id": "staff02", "password": password })).await;
    assert_eq!(login.status(), 401, "a stopped account is answered like an unknown one");
    let list: Value = admin.get("/api/staff/accounts").await.json().await.unwrap();
    assert!(ids(&list).contains(&("staff02".into(), "administrator".into(), true)));

    // Started again: logs in (with its recovery codes, as the enrolled factor stays).
    let start = admin.put("/api/staff/accounts/staff02", json!({ "role": "reviewer", "disabled": false })).await;
    assert_eq!(start.status(), 200);
    let two = app.login_staff_with("staff02", &password).await;
    assert_eq!(two.get("/api/staff/session").await.json::<Value>().await.unwrap()["role"], "reviewer");

    // Unknown accounts are not found; the trail has every change with who and what.
    let missing = admin.put("/api/staff/accounts/nobody", json!({ "role": "reviewer", "disabled": false })).await;
    assert_eq!(missing.status(), 404);
    let trail: Value = admin.get("/api/staff/accounts/staff02/audit").await.json().await.unwrap();
    let actions = audit_actions(&trail);
    assert_eq!(
        actions,
        [
            ("staff.create", "admin01"),
            ("staff.role", "admin01"),
            ("staff.disable", "admin01"),
            ("staff.role", "admin01"),
            ("staff.enable", "admin01"),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_administrators_changing_one_account_at_once_make_one_change() {
    let app = spawn_app().await;
    let admin = app.login_staff("admin01").await;
    let racers: Vec<_> = ["administrator", "reviewer"]
        .into_iter()
        .cycle()
        .take(8)
        .enumerate()
        .map(|(i, role)| {
            let (http, url) = (admin.http.clone(), admin.url.clone());
            tokio::spawn(async move {
                let body = json!({ "role": if i % 2 == 0 { "administrator" } else { role }, "disabled": i % 2 == 1 });
                let res = http
                    .put(format!("{url}/api/staff/accounts/staff01"))
                    .header("Origin", &url)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                res.status().as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for r in racers {
        statuses.push(r.await.unwrap());
    }
    assert!(statuses.iter().all(|s| [200, 409].contains(s)), "{statuses:?}");
    // The list and the account agree whatever won: the trail has one entry per change made.
    let list: Value = admin.get("/api/staff/accounts").await.json().await.unwrap();
    let staff01 = list["accounts"].as_array().unwrap().iter().find(|a| a["staff_id"] == "staff01").unwrap().clone();
    let b = app.browser();
    let login = b.post("/api/staff/login", json!({ "staff_id": "staff01", "password": DEMO_PASSWORD })).await;
    assert_eq!(login.status() == 200, staff01["disabled"] == false, "the account follows the list");
}
