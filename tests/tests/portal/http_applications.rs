//! STEP① (create), STEP② (dues), the eligibility checklist, STEP④ (submit) and 辞退,
//! over real HTTP, as the manual's members would go through them.

use crate::common;

use crate::common::{Browser, DEMO_PASSWORD, TestApp, renewal_form, spawn_app};
use portal_domain::table::{Update, Write};
use serde_json::{Value, json};

async fn create(b: &Browser, no: &str, body: Value) -> common::TestResponse {
    b.post(&format!("/api/members/{no}/applications"), body).await
}

async fn draft(b: &Browser, no: &str, body: Value) -> String {
    let res = create(b, no, body).await;
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["application_no"].as_str().unwrap().to_owned()
}

async fn submit(b: &Browser, no: &str, app_no: &str) -> common::TestResponse {
    b.post(&format!("/api/members/{no}/applications/{app_no}/submit"), json!({})).await
}

async fn profile(b: &Browser, no: &str) -> Value {
    b.get(&format!("/api/members/{no}/profile")).await.json().await.unwrap()
}

async fn renewal_fee_invoices(b: &Browser, no: &str) -> Vec<Value> {
    let list: Value = b.get(&format!("/api/members/{no}/invoices")).await.json().await.unwrap();
    list["invoices"].as_array().unwrap().iter().filter(|i| i["fee_type"]["code"] == "renewal_fee").cloned().collect()
}

fn fields(body: &Value) -> Vec<String> {
    body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn step1_blank_save_reports_every_field_and_saves_nothing() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let res = create(&b, "100001", json!({ "kind": "renewal" })).await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        fields(&body),
        ["base_qualification", "base_cert_no", "base_cert_fiscal_year", "base_period_start", "base_period_end"]
    );
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("基本領域資格"));
    assert_eq!(profile(&b, "100001").await["applications"], json!([]));
}

#[tokio::test]
async fn step1_save_creates_a_draft_listed_on_the_member_page() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = draft(&b, "100001", renewal_form()).await;
    assert!(no.starts_with("A-") && no.len() == 13, "{no}");
    let apps = profile(&b, "100001").await["applications"].clone();
    assert_eq!(apps[0]["application_no"], no);
    assert_eq!((apps[0]["kind_label"].as_str(), apps[0]["status_label"].as_str()), (Some("更新申請"), Some("作成中")));
    let shown: Value = b.get(&format!("/api/members/100001/applications/{no}")).await.json().await.unwrap();
    assert_eq!(shown["renewal"]["base_cert_no"], "12345678", "the lower 8 digits of 11-12345678");
    assert_eq!(shown["renewal"]["base_qualification"]["label"], "内科専門医（新制度）");
    assert_eq!(renewal_fee_invoices(&b, "100001").await.len(), 0, "saving is not applying");
}

#[tokio::test]
async fn step1_invalid_values_get_their_own_messages() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let mut body = renewal_form();
    body["base_cert_no"] = json!("123456789");
    body["base_period_start"] = json!("2026-03-31");
    body["base_period_end"] = json!("2021-04-01");
    body["base_qualification"] = json!("dentist");
    let res = create(&b, "100001", body).await;
    assert_eq!(res.status(), 400);
    assert_eq!(fields(&res.json().await.unwrap()), ["base_qualification", "base_cert_no", "base_period_end"]);
}

#[tokio::test]
async fn only_one_open_application_of_a_kind_and_drafts_can_be_edited_and_deleted() {
    let app = spawn_app().await;
    let b = app.login("100003", DEMO_PASSWORD).await;
    let no = draft(&b, "100003", renewal_form()).await;
    let again = create(&b, "100003", renewal_form()).await;
    assert_eq!(again.status(), 409);
    assert_eq!(again.json::<Value>().await.unwrap()["code"], "application_exists");
    let mut edited = renewal_form();
    edited["base_qualification"] = json!("surgery_registered");
    edited["base_cert_no"] = json!("4711");
    let res = b.put(&format!("/api/members/100003/applications/{no}"), edited).await;
    assert_eq!(res.status(), 200);
    let shown: Value = b.get(&format!("/api/members/100003/applications/{no}")).await.json().await.unwrap();
    assert_eq!(shown["renewal"]["base_cert_no"], "4711");
    let res = b.delete(&format!("/api/members/100003/applications/{no}")).await;
    assert_eq!(res.status(), 204);
    assert_eq!(b.get(&format!("/api/members/100003/applications/{no}")).await.status(), 404);
    draft(&b, "100003", renewal_form()).await; // a new one may be created now
}

#[tokio::test]
async fn another_members_applications_and_invoices_are_not_found() {
    let app = spawn_app().await;
    let owner = app.login("100001", DEMO_PASSWORD).await;
    let no = draft(&owner, "100001", renewal_form()).await;
    let other = app.login("100002", DEMO_PASSWORD).await;
    assert_eq!(other.get(&format!("/api/members/100001/applications/{no}")).await.status(), 404);
    assert_eq!(other.get(&format!("/api/members/100002/applications/{no}")).await.status(), 404);
    assert_eq!(submit(&other, "100001", &no).await.status(), 404);
    assert_eq!(submit(&other, "100002", &no).await.status(), 404);
    assert_eq!(create(&other, "100001", renewal_form()).await.status(), 404);
    assert_eq!(other.get("/api/members/100001/invoices").await.status(), 404);
    let invoice =
        owner.get("/api/members/100001/invoices").await.json::<Value>().await.unwrap()["invoices"][0]["invoice_no"]
            .clone();
    let path = format!("/api/members/100002/invoices/{}", invoice.as_str().unwrap());
    assert_eq!(other.get(&path).await.status(), 404);
}

#[tokio::test]
async fn step2_lists_every_invoice_with_status_and_collection_method() {
    let app = spawn_app().await;
    let b = app.login("100002", DEMO_PASSWORD).await;
    let list: Value = b.get("/api/members/100002/invoices").await.json().await.unwrap();
    assert_eq!(list["collection_method"]["label"], "郵便振替");
    let invoices = list["invoices"].as_array().unwrap();
    assert!(invoices.len() >= 5, "one 年会費 per fiscal year of the period");
    let unpaid: Vec<_> = invoices.iter().filter(|i| i["status"]["code"] != "paid").collect();
    assert_eq!(unpaid.len(), 1);
    assert_eq!(unpaid[0]["fee_type"]["label"], "年会費");
    assert!(["未納", "期限切れ"].contains(&unpaid[0]["status"]["label"].as_str().unwrap()));
    let one: Value = b
        .get(&format!("/api/members/100002/invoices/{}", unpaid[0]["invoice_no"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["amount"], 13000);
}

#[tokio::test]
async fn the_checklist_counts_units_in_the_period_with_self_reports_capped() {
    let app = spawn_app().await;
    let e: Value =
        app.login("100001", DEMO_PASSWORD).await.get("/api/members/100001/eligibility").await.json().await.unwrap();
    assert_eq!(
        (e["eligible"].as_bool(), e["units"]["counted"].as_u64(), e["units"]["required"].as_u64()),
        (Some(true), Some(52), Some(50))
    );
    assert_eq!(e["units"]["self_report"], json!({ "earned": 12, "counted": 12, "cap": 18 }));
    let e: Value =
        app.login("100003", DEMO_PASSWORD).await.get("/api/members/100003/eligibility").await.json().await.unwrap();
    assert_eq!(
        (e["eligible"].as_bool(), e["units"]["missing"].as_u64(), e["dues"]["ok"].as_bool()),
        (Some(false), Some(20), Some(true))
    );
    let e: Value =
        app.login("100002", DEMO_PASSWORD).await.get("/api/members/100002/eligibility").await.json().await.unwrap();
    assert_eq!((e["dues"]["ok"].as_bool(), e["units"]["missing"].as_u64()), (Some(false), Some(0)));
}

async fn refusal(app: &TestApp, member: &str) -> Value {
    let b = app.login(member, DEMO_PASSWORD).await;
    let no = draft(&b, member, renewal_form()).await;
    let res = submit(&b, member, &no).await;
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "renewal_refused");
    let shown: Value = b.get(&format!("/api/members/{member}/applications/{no}")).await.json().await.unwrap();
    assert_eq!(shown["status"], "draft", "a refused application stays a draft");
    assert!(renewal_fee_invoices(&b, member).await.is_empty());
    body
}

#[tokio::test]
async fn step4_is_refused_for_unpaid_dues() {
    let app = spawn_app().await;
    let body = refusal(&app, "100002").await;
    let codes: Vec<_> = body["reasons"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["dues_unpaid"]);
    assert!(body["reasons"][0]["message"].as_str().unwrap().contains("年会費のお支払いが未納"));
}

#[tokio::test]
async fn step4_is_refused_for_missing_units_with_the_shortfall() {
    let app = spawn_app().await;
    let body = refusal(&app, "100003").await;
    let reason = &body["reasons"][0];
    assert_eq!(reason["code"], "units_short");
    assert!(reason["message"].as_str().unwrap().contains("単位が不足"));
    assert_eq!(reason["shortfalls"][0]["missing"], 20);
}

#[tokio::test]
async fn step4_gives_both_reasons_when_both_apply() {
    let app = spawn_app().await;
    // Make 100003 (short of units) also owe this year's dues.
    let m = portal_domain::MemberNo::parse("100003").unwrap();
    let items = app.state.app.table.query(&portal_app::keys::member_pk(m), "INVOICE#").await.unwrap();
    let newest = items.iter().max_by_key(|i| i.int("fiscal_year")).unwrap();
    let unpay = Write::Update {
        key: newest.key.clone(),
        update: Update::default().remove("paid_on"),
        cond: portal_domain::table::Cond::Exists,
    };
    app.state.app.table.transact(vec![unpay]).await.unwrap();
    let body = refusal(&app, "100003").await;
    let codes: Vec<_> = body["reasons"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["dues_unpaid", "units_short"]);
}

#[tokio::test]
async fn step4_submits_issues_the_renewal_fee_and_mails_its_link() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = draft(&b, "100001", renewal_form()).await;
    app.store.take();
    let res = submit(&b, "100001", &no).await;
    assert_eq!(res.status(), 200);
    // partition Query (also checks the session) + rule + invoice number + one transaction
    assert_eq!(app.store.take(), 4, "store calls of a submission");
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (body["already_submitted"].as_bool(), body["application"]["status_label"].as_str()),
        (Some(false), Some("申請済"))
    );
    let invoice_no = body["invoice"]["invoice_no"].as_str().unwrap().to_owned();
    let fees = renewal_fee_invoices(&b, "100001").await;
    assert_eq!(fees.len(), 1);
    assert_eq!(
        (fees[0]["invoice_no"].as_str(), fees[0]["status"]["label"].as_str()),
        (Some(invoice_no.as_str()), Some("未納"))
    );
    assert_eq!(fees[0]["fee_type"]["label"], "専門医更新料");
    let mails = app.mails_to("m100001@example.jp").await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject, "【日本循環器学会】専門医更新料のご案内");
    assert!(mails[0].body.contains(&format!("{}/invoice.html?member_no=100001&no={invoice_no}", app.url)));
    // A submitted application is frozen.
    let put = b.put(&format!("/api/members/100001/applications/{no}"), renewal_form()).await;
    assert_eq!(put.json::<Value>().await.unwrap()["code"], "not_editable");
    let del = b.delete(&format!("/api/members/100001/applications/{no}")).await;
    assert_eq!(del.status(), 409);
    // …and the same period cannot also be declined.
    let decline = create(&b, "100001", json!({ "kind": "decline", "decline_reason": "retirement" })).await;
    assert_eq!(decline.json::<Value>().await.unwrap()["code"], "already_submitted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_submission_racing_itself_makes_one_invoice_and_one_mail() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = draft(&b, "100001", renewal_form()).await;
    let racers: Vec<_> = (0..10)
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
                res.json::<Value>().await.unwrap()
            })
        })
        .collect();
    let mut fresh = 0;
    let mut invoice_nos = std::collections::BTreeSet::new();
    for r in racers {
        let body = r.await.unwrap();
        fresh += (body["already_submitted"] == false) as usize;
        invoice_nos.insert(body["invoice"]["invoice_no"].as_str().unwrap().to_owned());
    }
    assert_eq!(fresh, 1, "exactly one request did the submission");
    assert_eq!(invoice_nos.len(), 1, "every answer names the same invoice");
    assert_eq!(renewal_fee_invoices(&b, "100001").await.len(), 1);
    assert_eq!(app.mails_to("m100001@example.jp").await.len(), 1);
}

#[tokio::test]
async fn decline_is_saved_as_a_draft_then_submitted_with_a_mail() {
    let app = spawn_app().await;
    let b = app.login("100005", DEMO_PASSWORD).await;
    let blank = create(&b, "100005", json!({ "kind": "decline" })).await;
    assert_eq!(fields(&blank.json().await.unwrap()), ["decline_reason"]);
    let no = draft(&b, "100005", json!({ "kind": "decline", "decline_reason": "retirement", "note": "" })).await;
    assert!(app.mails_to("m100005@example.jp").await.is_empty(), "a saved draft is not a decline");
    let res = submit(&b, "100005", &no).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["application"]["status_label"], "申請済");
    assert_eq!(body["invoice"], Value::Null);
    let mails = app.mails_to("m100005@example.jp").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].subject.contains("辞退申請受理"));
    let renew = create(&b, "100005", renewal_form()).await;
    assert_eq!(renew.json::<Value>().await.unwrap()["code"], "already_submitted", "no renewal after declining");
    assert_eq!(submit(&b, "100005", &no).await.json::<Value>().await.unwrap()["already_submitted"], true);
    assert_eq!(app.mails_to("m100005@example.jp").await.len(), 1, "a retried decline sends no second mail");
}

#[tokio::test]
async fn a_submitted_renewal_blocks_a_later_decline_draft_from_being_submitted() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let renewal_no = draft(&b, "100001", renewal_form()).await;
    let decline_no =
        draft(&b, "100001", json!({ "kind": "decline", "decline_reason": "other", "note": "検討中" })).await;
    assert_eq!(submit(&b, "100001", &renewal_no).await.status(), 200);
    let res = submit(&b, "100001", &decline_no).await;
    assert_eq!(res.status(), 409);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "already_submitted");
}

#[tokio::test]
async fn the_options_list_the_manuals_qualifications() {
    let app = spawn_app().await;
    let o: Value = app.browser().get("/api/applications/options").await.json().await.unwrap();
    let labels: Vec<_> =
        o["base_qualifications"].as_array().unwrap().iter().map(|q| q["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"内科専門医（新制度）") && labels.contains(&"外科学会認定登録医"));
    assert!(!o["decline_reasons"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn an_ended_session_can_neither_read_nor_change_applications() {
    let app = spawn_app().await;
    let stale = app.login("100001", DEMO_PASSWORD).await;
    let no = draft(&stale, "100001", renewal_form()).await;
    let other = app.login("100001", DEMO_PASSWORD).await;
    assert_eq!(other.post("/api/auth/logout", json!({})).await.status(), 204); // ends every session
    assert_eq!(create(&stale, "100001", json!({ "kind": "decline", "decline_reason": "health" })).await.status(), 401);
    assert_eq!(submit(&stale, "100001", &no).await.status(), 401);
    assert_eq!(stale.get("/api/members/100001/eligibility").await.status(), 401);
    assert_eq!(stale.get("/api/members/100001/invoices").await.status(), 401);
    let fresh = app.login("100001", DEMO_PASSWORD).await;
    let apps = profile(&fresh, "100001").await["applications"].clone();
    assert_eq!((apps.as_array().unwrap().len(), apps[0]["status"].as_str()), (1, Some("draft")), "nothing changed");
}
