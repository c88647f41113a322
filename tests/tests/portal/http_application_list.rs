//! 申請の一覧, its CSV export, and the 事務局ホーム's counts: every state change a
//! member or staff makes moves the application in the list and its count, in the same
//! transaction, so the home never disagrees with the list.

use serde_json::{Value, json};

use crate::common::{Browser, DEMO_PASSWORD, TestApp, renewal_form, spawn_app};

async fn draft(b: &Browser, no: &str, body: Value) -> Value {
    let res = b.post(&format!("/api/members/{no}/applications"), body).await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

async fn submit(b: &Browser, no: &str, app_no: &str) -> Value {
    let res = b.post(&format!("/api/members/{no}/applications/{app_no}/submit"), json!({})).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The season of an application: the 年度 its 認定期間 ends in.
fn season_of(a: &Value) -> i32 {
    let end = chrono::NaiveDate::parse_from_str(a["cert_period_end"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    portal_domain::FiscalYear::containing(end).year()
}

async fn counts(staff: &Browser, season: i32) -> Vec<(String, i64)> {
    let home: Value = staff.get(&format!("/api/staff/home?fiscal_year={season}")).await.json().await.unwrap();
    assert_eq!(home["fiscal_year"], season);
    home["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["label"].as_str().unwrap().to_owned(), c["count"].as_i64().unwrap()))
        .collect()
}

fn expect(draft: i64, unpaid: i64, paid: i64, declined: i64, pending: i64) -> Vec<(String, i64)> {
    [
        ("作成中", draft),
        ("申請済", unpaid + paid),
        ("更新料未納", unpaid),
        ("納入済", paid),
        ("辞退", declined),
        ("承認待ち", pending),
    ]
    .into_iter()
    .map(|(l, n)| (l.to_owned(), n))
    .collect()
}

async fn listed(staff: &Browser, season: i32, state: &str) -> Vec<(String, String)> {
    let page: Value =
        staff.get(&format!("/api/staff/applications?fiscal_year={season}&state={state}")).await.json().await.unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["member_no"].as_str().unwrap().to_owned(), i["state_label"].as_str().unwrap().to_owned()))
        .collect()
}

async fn today_on_chart(staff: &Browser, app: &TestApp) -> (i64, i64) {
    let home: Value = staff.get("/api/staff/home").await.json().await.unwrap();
    let days = home["days"].as_array().unwrap();
    assert_eq!(days.len(), 30, "every one of the last 30 days");
    let last = days.last().unwrap();
    assert_eq!(last["day"], app.state.app.clock.today().to_string());
    (last["submissions"].as_i64().unwrap(), last["payments"].as_i64().unwrap())
}

#[tokio::test]
async fn every_state_change_moves_the_application_in_the_list_and_the_home_counts() {
    let app = spawn_app().await;
    let staff = app.login_staff("staff01").await;
    let one = app.login("100001", DEMO_PASSWORD).await;
    let five = app.login("100005", DEMO_PASSWORD).await;

    let renewal_draft = draft(&one, "100001", renewal_form()).await;
    let season = season_of(&renewal_draft);
    assert_eq!(counts(&staff, season).await, expect(1, 0, 0, 0, 0));
    assert_eq!(listed(&staff, season, "draft").await, [("100001".to_owned(), "作成中".to_owned())]);
    assert_eq!(today_on_chart(&staff, &app).await, (0, 0));

    // A decline: drafted, then submitted.
    let decline = draft(&five, "100005", json!({ "kind": "decline", "decline_reason": "retirement" })).await;
    assert_eq!(counts(&staff, season).await, expect(2, 0, 0, 0, 0));
    submit(&five, "100005", decline["application_no"].as_str().unwrap()).await;
    assert_eq!(counts(&staff, season).await, expect(1, 0, 0, 1, 0));
    assert_eq!(listed(&staff, season, "declined").await, [("100005".to_owned(), "辞退".to_owned())]);

    // The renewal submitted: 更新料未納 until its fee is paid (postal slip, recorded by staff).
    let no = renewal_draft["application_no"].as_str().unwrap();
    let submitted = submit(&one, "100001", no).await;
    assert_eq!(counts(&staff, season).await, expect(0, 1, 0, 1, 0));
    assert_eq!(listed(&staff, season, "draft").await, []);
    assert_eq!(listed(&staff, season, "unpaid").await, [("100001".to_owned(), "更新料未納".to_owned())]);
    assert_eq!(today_on_chart(&staff, &app).await, (2, 0));
    let fee = submitted["invoice"]["invoice_no"].as_str().unwrap();
    assert_eq!(one.post(&format!("/api/members/100001/invoices/{fee}/postal-slip"), json!({})).await.status(), 200);
    let today = app.state.app.clock.today().to_string();
    let paid = staff
        .post(&format!("/api/staff/members/100001/invoices/{fee}/slip-payment"), json!({ "paid_on": today }))
        .await;
    assert_eq!(paid.status(), 200);
    assert_eq!(counts(&staff, season).await, expect(0, 0, 1, 1, 0));
    assert_eq!(listed(&staff, season, "paid").await, [("100001".to_owned(), "納入済".to_owned())]);
    assert_eq!(today_on_chart(&staff, &app).await, (2, 1));

    // A self-report waiting for a decision is 承認待ち; a decision takes it out.
    let three = app.login("100003", DEMO_PASSWORD).await;
    let (credit, version) = crate::http_credits::pending_with_proof(&app, &three, "100003").await;
    assert_eq!(counts(&staff, season).await, expect(0, 0, 1, 1, 1));
    // The queue as CSV: the request, with who and what.
    let res = staff.http.get(format!("{}/api/staff/credits/pending/export", app.url)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body = res.bytes().await.unwrap();
    assert!(body.starts_with(b"\xEF\xBB\xBF"));
    let rows = portal_domain::csv::parse(std::str::from_utf8(&body[3..]).unwrap()).unwrap();
    assert_eq!(rows[0][..3], ["会員番号", "氏名", "管理No"]);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[1][0].as_str(), rows[1][1].as_str(), rows[1][2].as_str()),
        ("100003", "血管 次郎", credit.as_str())
    );
    let decide = staff
        .post(
            &format!("/api/staff/members/100003/credits/{credit}/decision"),
            json!({ "decision": "approve", "reason": "", "version": version }),
        )
        .await;
    assert_eq!(decide.status(), 200);
    assert_eq!(counts(&staff, season).await, expect(0, 0, 1, 1, 0));

    // A deleted draft leaves the count.
    let again = draft(&three, "100003", renewal_form()).await;
    assert_eq!(counts(&staff, season).await, expect(1, 0, 1, 1, 0));
    let path = format!("/api/members/100003/applications/{}", again["application_no"].as_str().unwrap());
    assert_eq!(three.delete(&path).await.status(), 204);
    assert_eq!(counts(&staff, season).await, expect(0, 0, 1, 1, 0));
    // Another season has none of these.
    assert_eq!(counts(&staff, season + 1).await, expect(0, 0, 0, 0, 0));

    // Store calls: the home is the session + four Queries at once; a list page one Query.
    app.store.take();
    staff.get("/api/staff/home").await;
    let months = portal_app::season_counts::window_months(app.state.app.clock.today()).len();
    assert_eq!(app.store.take(), 3 + months, "session, season, queue, one per month of the chart");
    staff.get(&format!("/api/staff/applications?fiscal_year={season}")).await;
    assert_eq!(app.store.take(), 2);

    // Bad filters are field errors.
    for q in ["fiscal_year=26", "fiscal_year=2026&state=late", "fiscal_year="] {
        let res = staff.get(&format!("/api/staff/applications?{q}")).await;
        assert_eq!(res.status(), 400, "{q}");
    }
    assert_eq!(staff.get("/api/staff/home?fiscal_year=x").await.status(), 400);
    assert_eq!(staff.get("/api/staff/applications/export?fiscal_year=2026&encoding=latin1").await.status(), 400);

    // The export: every row of the season, UTF-8 with BOM or Shift_JIS.
    let res = staff.http.get(format!("{}/api/staff/applications/export?fiscal_year={season}", app.url)).send().await;
    let res = res.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("applications-"));
    let body = res.bytes().await.unwrap();
    assert!(body.starts_with(b"\xEF\xBB\xBF"));
    let rows = portal_domain::csv::parse(std::str::from_utf8(&body[3..]).unwrap()).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][..4], ["申請番号", "会員番号", "申請種別", "状態"]);
    let by_member: Vec<(&str, &str, &str)> =
        rows[1..].iter().map(|r| (r[1].as_str(), r[2].as_str(), r[3].as_str())).collect();
    assert!(by_member.contains(&("100001", "更新申請", "納入済")), "{by_member:?}");
    assert!(by_member.contains(&("100005", "辞退申請", "辞退")), "{by_member:?}");
    let declined = rows.iter().find(|r| r[1] == "100005").unwrap();
    assert_eq!(declined[8], "定年・引退のため");
    let res = staff
        .http
        .get(format!("{}/api/staff/applications/export?fiscal_year={season}&state=paid&encoding=shift_jis", app.url))
        .send()
        .await
        .unwrap();
    let body = res.bytes().await.unwrap();
    let (text, _) = portal_domain::csv::decode(&body, Some(portal_domain::csv::CsvEncoding::ShiftJis)).unwrap();
    let rows = portal_domain::csv::parse(&text).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][1], "100001");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_submission_racing_itself_is_counted_once() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let a = draft(&b, "100001", renewal_form()).await;
    let no = a["application_no"].as_str().unwrap().to_owned();
    let racers: Vec<_> = (0..8)
        .map(|_| {
            let (http, url, no) = (b.http.clone(), b.url.clone(), no.clone());
            tokio::spawn(async move {
                let res = http
                    .post(format!("{url}/api/members/100001/applications/{no}/submit"))
                    .header("Origin", &url)
                    .json(&json!({}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 200);
            })
        })
        .collect();
    for r in racers {
        r.await.unwrap();
    }
    let staff = app.login_staff("staff01").await;
    assert_eq!(counts(&staff, season_of(&a)).await, expect(0, 1, 0, 0, 0));
    assert_eq!(today_on_chart(&staff, &app).await, (1, 0));
}
