//! 更新申請のご案内: one mail per threshold (6, 3, 1 months before the 認定期間 ends)
//! to members who have not applied; never two for the same threshold; a failure mid-run
//! loses nothing and a second run repeats nothing.

use portal_domain::Clock;
use serde_json::{Value, json};

use crate::common::{Call, DEMO_PASSWORD, Injected, TestApp, spawn_app};

/// Moves the app's clock to `months` months (and a day) before the demo period's end.
fn months_before_end(app: &TestApp, months: u32) {
    let today = app.clock.now().date_naive();
    let end = portal_domain::FiscalYear::containing(app.state.app.clock.today()).last_day();
    let target = end.checked_sub_months(chrono::Months::new(months)).unwrap() + chrono::Duration::days(1);
    app.clock.advance((target - today).num_seconds() + 3 * 3600);
}

async fn reminder_mails(app: &TestApp, member: &str) -> Vec<String> {
    let to = format!("m{member}@example.jp");
    app.mails_to(&to).await.into_iter().filter(|m| m.subject.contains("更新申請のご案内")).map(|m| m.subject).collect()
}

#[tokio::test]
async fn one_reminder_per_threshold_and_none_after_applying() {
    let app = spawn_app().await;
    // Time moves first: a session does not outlive a jump of months.
    months_before_end(&app, 4);
    let admin = app.login_staff("admin01").await;
    let reviewer = app.login_staff("staff01").await;
    assert_eq!(reviewer.post("/api/staff/reminders/run", json!({})).await.status(), 403, "administrators only");
    let none: Value = reviewer.get("/api/staff/reminders").await.json().await.unwrap();
    assert_eq!(none["last_run"], Value::Null);

    let run: Value = admin.post("/api/staff/reminders/run", json!({})).await.json().await.unwrap();
    assert_eq!((run["members"].as_u64(), run["sent"].as_u64(), run["already"].as_u64()), (Some(5), Some(5), Some(0)));
    let again: Value = admin.post("/api/staff/reminders/run", json!({})).await.json().await.unwrap();
    assert_eq!((again["sent"].as_u64(), again["already"].as_u64()), (Some(0), Some(5)), "a second run sends nothing");
    let subjects = reminder_mails(&app, "100001").await;
    assert_eq!(subjects.len(), 1);
    assert!(subjects[0].contains("約6か月"), "{subjects:?}");
    let last: Value = reviewer.get("/api/staff/reminders").await.json().await.unwrap();
    assert_eq!((last["last_run"]["by"].as_str(), last["last_run"]["sent"].as_u64()), (Some("admin01"), Some(0)));

    // 100005 declines (辞退申請): no more reminders for them.
    let five = app.login("100005", DEMO_PASSWORD).await;
    let options: Value = five.get("/api/applications/options").await.json().await.unwrap();
    let reason = options["decline_reasons"][0]["code"].clone();
    let d: Value = five
        .post("/api/members/100005/applications", json!({ "kind": "decline", "decline_reason": reason }))
        .await
        .json()
        .await
        .unwrap();
    let no = d["application_no"].as_str().unwrap();
    assert_eq!(five.post(&format!("/api/members/100005/applications/{no}/submit"), json!({})).await.status(), 200);

    months_before_end(&app, 2);
    let admin = app.login_staff("admin01").await;
    let run: Value = admin.post("/api/staff/reminders/run", json!({})).await.json().await.unwrap();
    assert_eq!(run["sent"], 4, "the 3-month reminder, not to 100005: {run}");
    assert!(reminder_mails(&app, "100001").await.iter().any(|s| s.contains("約3か月")));
    assert_eq!(reminder_mails(&app, "100005").await.len(), 1, "only the one before declining");
}

#[tokio::test]
async fn a_failing_store_mid_run_loses_nothing_and_repeats_nothing() {
    let app = spawn_app().await;
    months_before_end(&app, 4);
    let admin = app.login_staff("admin01").await;
    // Every transaction of the run loses its race (as many times as the retries allow).
    app.faults.fail_next(Call::Transact, Injected::Conflict, 100);
    let res = admin.post("/api/staff/reminders/run", json!({})).await;
    app.faults.clear();
    assert!([409, 503].contains(&res.status().as_u16()), "{}", res.status());
    // Timeouts and lost answers on some of them: a reply lost after the write counts as
    // done on the next run (its mark is there).
    app.faults.fail_next(Call::Transact, Injected::LostReply, 2);
    let _ = admin.post("/api/staff/reminders/run", json!({})).await;
    app.faults.clear();
    let run: Value = admin.post("/api/staff/reminders/run", json!({})).await.json().await.unwrap();
    assert_eq!(run["sent"].as_u64().unwrap() + run["already"].as_u64().unwrap(), 5);
    for m in ["100001", "100002", "100003", "100004", "100005"] {
        assert_eq!(reminder_mails(&app, m).await.len(), 1, "{m}: one mail, none lost, none twice");
    }
}
