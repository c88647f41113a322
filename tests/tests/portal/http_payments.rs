//! Manual STEP② (年会費 by Pay-easy) and STEP⑤ (更新料) over real HTTP: the provider's
//! checkout through the simulated provider's pages, its notifications in the real wire
//! format, the processing lock in business days, the postal slip, refunds of a second
//! payment, and every refusal.

use crate::common;

use crate::common::{Backend, Browser, DEMO_PASSWORD, TestApp, audit_actions, spawn_app, spawn_app_on};
use portal_domain::OrderId;
use serde_json::{Value, json};

fn renewal() -> Value {
    json!({
        "kind": "renewal", "base_qualification": "internal_medicine_new", "base_cert_no": "11-12345678",
        "base_cert_fiscal_year": "2021", "base_period_start": "2021-04-01", "base_period_end": "2026-03-31",
    })
}

/// 100001 submits the renewal (STEP④); returns the 専門医更新料 invoice number.
async fn renewal_fee(b: &Browser) -> String {
    let a: Value = b.post("/api/members/100001/applications", renewal()).await.json().await.unwrap();
    let no = a["application_no"].as_str().unwrap();
    let s: Value =
        b.post(&format!("/api/members/100001/applications/{no}/submit"), json!({})).await.json().await.unwrap();
    s["invoice"]["invoice_no"].as_str().unwrap().to_owned()
}

async fn invoice(b: &Browser, member: &str, no: &str) -> Value {
    b.get(&format!("/api/members/{member}/invoices/{no}")).await.json().await.unwrap()
}

async fn checkout(b: &Browser, member: &str, no: &str) -> common::TestResponse {
    b.post(&format!("/api/members/{member}/invoices/{no}/checkout"), json!({})).await
}

/// Submits a form of the simulated provider's pages, as the member's browser would.
async fn provider_form(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> String {
    let res = reqwest::Client::new().post(format!("{}{path}", app.url)).form(fields).send().await.unwrap();
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.text().await.unwrap()
}

/// A notification as the provider sends it (form-encoded), answered `0` or `1`.
pub(crate) async fn notify(app: &TestApp, fields: &[(&str, String)]) -> String {
    let res =
        reqwest::Client::new().post(format!("{}/api/payments/notify", app.url)).form(fields).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/plain; charset=us-ascii");
    res.text().await.unwrap()
}

pub(crate) fn fields(
    order: &str,
    status: &str,
    pay_type: &str,
    amount: u32,
    access: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("ShopID", "tshop00000000".into()),
        ("ShopPass", "**********".into()),
        ("AccessID", access.into()),
        ("AccessPass", "*".repeat(32)),
        ("OrderID", order.into()),
        ("Status", status.into()),
        ("JobCd", "".into()),
        ("Amount", amount.to_string()),
        ("Tax", "0".into()),
        ("PayType", pay_type.into()),
        ("TranDate", "20261201100000".into()),
        ("CvsCode", "10001".into()),
        ("CvsConfNo", "123456".into()),
        ("CvsReceiptNo", "LW0001".into()),
    ]
}

/// Sets the simulated provider's own record of a trade (what the trade query answers).
pub(crate) async fn provider_says(
    app: &TestApp,
    order: &str,
    status: &str,
    pay_type: portal_domain::PayType,
) -> String {
    let o = OrderId::parse(order).unwrap();
    let mut t = app.provider.sim.get(&o).await.unwrap().unwrap();
    t.status = status.into();
    t.pay_type = Some(pay_type);
    app.provider.sim.put(&t).await.unwrap();
    t.access_id
}

#[tokio::test]
async fn renewal_fee_by_card_end_to_end_through_the_providers_pages() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = renewal_fee(&b).await;
    let before = invoice(&b, "100001", &no).await;
    assert_eq!((before["status"]["label"].as_str(), before["payment"]["state"].as_str()), (Some("未納"), Some("open")));
    let res = checkout(&b, "100001", &no).await;
    assert_eq!(res.status(), 201);
    let started: Value = res.json().await.unwrap();
    let url = started["redirect_url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/_dev/provider/checkout/", app.url)));
    let order = started["order_id"].as_str().unwrap().to_owned();
    // From here the buttons are replaced by 「お支払い手続きの処理中」.
    let processing = invoice(&b, "100001", &no).await;
    assert_eq!(processing["payment"]["state"], "processing");
    assert!(processing["payment"]["message"].as_str().unwrap().contains("以降に改めてお支払い手続き"));
    // The provider's pages: 決済申込確認 → the card page → success.
    let page = reqwest::get(url).await.unwrap().text().await.unwrap();
    assert!(page.contains("注意事項を確認したので、決済を申し込む"));
    let card = provider_form(&app, &format!("/_dev/provider/checkout/{order}/confirm"), &[("method", "0")]).await;
    assert!(card.contains("クレジットカード"));
    let done = provider_form(
        &app,
        &format!("/_dev/provider/checkout/{order}/card"),
        &[("method", "0"), ("outcome", "success")],
    )
    .await;
    let log = app.state.app.table.query(&format!("PAYLOG#{order}"), "").await.unwrap();
    assert!(done.contains("ショップの応答: <strong>0</strong>"), "the notification was accepted: {log:?}");
    let paid = invoice(&b, "100001", &no).await;
    assert_eq!(
        (paid["status"]["label"].as_str(), paid["payment"]["paid_via"]["label"].as_str()),
        (Some("納入済"), Some("クレジットカード"))
    );
    assert_eq!(paid["payment"]["receipt_available"], true);
    let mails = app.mails_to("m100001@example.jp").await;
    let mail = mails.iter().find(|m| m.subject == "【日本循環器学会】更新料振り込み完了のお知らせ").expect("the mail");
    assert!(mail.body.contains(&format!("/invoice.html?member_no=100001&no={no}")));
    let profile: Value = b.get("/api/members/100001/profile").await.json().await.unwrap();
    assert_eq!(profile["applications"][0]["status_label"], "更新手続き完了");
    // A paid invoice cannot be paid again by any path.
    assert_eq!(checkout(&b, "100001", &no).await.json::<Value>().await.unwrap()["code"], "already_paid");
    let slip = b.post(&format!("/api/members/100001/invoices/{no}/postal-slip"), json!({})).await;
    assert_eq!(slip.json::<Value>().await.unwrap()["code"], "already_paid");
    // The member's history as staff see it: the application's life and the payment,
    // each with who did it.
    let staff = app.login_staff("staff01").await;
    let trail: Value = staff.get("/api/staff/members/100001/audit").await.json().await.unwrap();
    let seen = audit_actions(&trail);
    assert_eq!(
        seen,
        [("application.create", "100001"), ("application.submit", "100001"), ("invoice.paid", "provider")]
    );
}

#[tokio::test]
async fn a_new_checkout_waits_for_the_sixth_business_day_and_says_from_when() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = renewal_fee(&b).await;
    assert_eq!(checkout(&b, "100001", &no).await.status(), 201); // then abandoned
    let res = checkout(&b, "100001", &no).await;
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "checkout_processing");
    let until = invoice(&b, "100001", &no).await["payment"]["next_checkout_on"].as_str().unwrap().to_owned();
    let until = chrono::NaiveDate::parse_from_str(&until, "%Y-%m-%d").unwrap();
    assert!(body["message"].as_str().unwrap().contains(&until.format("%Y年%-m月%-d日").to_string()));
    let today = app.state.app.clock.today();
    assert_eq!(portal_domain::BusinessDay::count_between(today, until), 6);
    // The day before: still refused. From that day: a new order (the member logs in
    // again: days have passed).
    app.clock.advance((until - today).num_days() * 86_400 - 86_400);
    let b = app.login("100001", DEMO_PASSWORD).await;
    assert_eq!(checkout(&b, "100001", &no).await.status(), 409);
    app.clock.advance(86_400);
    let b = app.login("100001", DEMO_PASSWORD).await;
    let again: Value = checkout(&b, "100001", &no).await.json().await.unwrap();
    assert!(again["order_id"].as_str().unwrap().ends_with("-02"));
}

#[tokio::test]
async fn a_postal_slip_closes_the_other_methods_until_staff_switch_back() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = renewal_fee(&b).await;
    let res = b.post(&format!("/api/members/100001/invoices/{no}/postal-slip"), json!({})).await;
    assert_eq!(res.status(), 200);
    let slip: Value = res.json().await.unwrap();
    assert_eq!(slip["payment"]["state"], "slip_requested");
    assert!(
        ["12月初旬", "3月初旬", "5月初旬", "6月中旬"].contains(&slip["payment"]["slip"]["batch"].as_str().unwrap())
    );
    assert_eq!(slip["payment"]["slip"]["address"]["postal_code"], "100-0011", "the member's 送付・請求先");
    assert!(slip["payment"]["message"].as_str().unwrap().contains("払込票"));
    assert_eq!(checkout(&b, "100001", &no).await.json::<Value>().await.unwrap()["code"], "postal_slip_requested");
    // Staff switch it back, then record … no: the member pays by card after all.
    let staff = app.login_staff("staff01").await;
    let back = staff.post(&format!("/api/staff/members/100001/invoices/{no}/postal-slip/cancel"), json!({})).await;
    assert_eq!(back.status(), 200);
    assert_eq!(checkout(&b, "100001", &no).await.status(), 201);
    let trail: Value = staff.get(&format!("/api/staff/members/100001/audit?record={no}")).await.json().await.unwrap();
    // The member's request, then the staff's switch back (oldest first).
    assert_eq!(trail["entries"].as_array().unwrap().len(), 2);
    assert_eq!(
        (trail["entries"][0]["action"].as_str(), trail["entries"][0]["actor_id"].as_str()),
        (Some("invoice.slip_request"), Some("100001"))
    );
    assert_eq!(trail["entries"][1]["action_label"], "払込票の取り消し（他の支払方法に戻す）");
    assert_eq!(trail["entries"][1]["actor_name"], "佐藤 一郎");
}

#[tokio::test]
async fn staff_record_a_postal_slip_payment_with_the_mail() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = renewal_fee(&b).await;
    b.post(&format!("/api/members/100001/invoices/{no}/postal-slip"), json!({})).await;
    let staff = app.login_staff("staff01").await;
    let today = app.state.app.clock.today().to_string();
    let res =
        staff.post(&format!("/api/staff/members/100001/invoices/{no}/slip-payment"), json!({ "paid_on": today })).await;
    assert_eq!(res.status(), 200);
    let paid = invoice(&b, "100001", &no).await;
    assert_eq!(
        (paid["status"]["label"].as_str(), paid["payment"]["paid_via"]["label"].as_str()),
        (Some("納入済"), Some("払込票"))
    );
    assert!(app.mails_to("m100001@example.jp").await.iter().any(|m| m.subject.contains("更新料振り込み完了")));
    let twice =
        staff.post(&format!("/api/staff/members/100001/invoices/{no}/slip-payment"), json!({ "paid_on": today })).await;
    assert_eq!(twice.json::<Value>().await.unwrap()["code"], "already_paid");
}

#[tokio::test]
async fn another_members_invoice_cannot_be_paid_or_read() {
    let app = spawn_app().await;
    let owner = app.login("100001", DEMO_PASSWORD).await;
    let no = renewal_fee(&owner).await;
    let other = app.login("100002", DEMO_PASSWORD).await;
    assert_eq!(checkout(&other, "100001", &no).await.status(), 404);
    assert_eq!(checkout(&other, "100002", &no).await.status(), 404);
    assert_eq!(other.post(&format!("/api/members/100001/invoices/{no}/postal-slip"), json!({})).await.status(), 404);
}

/// 100002 pays this year's dues by Pay-easy (the only method for dues), the number is
/// mailed, the payment comes days later, and then the renewal can be submitted.
#[tokio::test]
async fn dues_by_pay_easy_then_the_renewal_goes_through() {
    let app = spawn_app().await;
    let b = app.login("100002", DEMO_PASSWORD).await;
    let list: Value = b.get("/api/members/100002/invoices").await.json().await.unwrap();
    let dues = list["invoices"].as_array().unwrap().iter().find(|i| i["status"]["code"] != "paid").unwrap().clone();
    let no = dues["invoice_no"].as_str().unwrap();
    let labels: Vec<&str> =
        dues["payment"]["methods"].as_array().unwrap().iter().map(|m| m["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["ペイジー"], "お支払い方法はペイジーのみ");
    let started: Value = checkout(&b, "100002", no).await.json().await.unwrap();
    let order = started["order_id"].as_str().unwrap().to_owned();
    provider_form(&app, &format!("/_dev/provider/checkout/{order}/confirm"), &[("method", "4")]).await;
    let agree = provider_form(&app, &format!("/_dev/provider/checkout/{order}/agree"), &[("method", "4")]).await;
    assert!(agree.contains("お支払い番号を発行する"));
    let issued = provider_form(&app, &format!("/_dev/provider/checkout/{order}/issue"), &[("method", "4")]).await;
    assert!(issued.contains("ショップの応答: <strong>0</strong>"));
    let shown = invoice(&b, "100002", no).await;
    assert_ne!(shown["status"]["code"], "paid", "unpaid until the bank's payment is confirmed");
    assert_eq!(shown["payment"]["numbers"]["bk_code"], "58091");
    let mail = &app.mails_to("m100002@example.jp").await[0];
    assert!(mail.subject.contains("ペイジー") && mail.body.contains("収納機関番号: 58091"), "{}", mail.body);
    let refused: Value = b.post("/api/members/100002/applications", renewal()).await.json().await.unwrap();
    let app_no = refused["application_no"].as_str().unwrap().to_owned();
    let res = b.post(&format!("/api/members/100002/applications/{app_no}/submit"), json!({})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "renewal_refused");
    // Days later the member pays at the bank.
    provider_form(&app, &format!("/_dev/provider/checkout/{order}/paid"), &[("method", "4")]).await;
    assert_eq!(invoice(&b, "100002", no).await["status"]["code"], "paid");
    let res = b.post(&format!("/api/members/100002/applications/{app_no}/submit"), json!({})).await;
    assert_eq!(res.status(), 200, "dues paid: the renewal is accepted");
}

#[tokio::test]
async fn the_same_notification_six_times_makes_one_transition_and_one_mail() {
    notification_replays(spawn_app().await, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn six_replays_in_parallel_make_one_transition_on_sqlite() {
    notification_replays(spawn_app().await, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn six_replays_in_parallel_make_one_transition_on_dynamodb() {
    notification_replays(spawn_app_on(Backend::Dynamo).await, true).await;
}

async fn notification_replays(app: TestApp, parallel: bool) {
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = renewal_fee(&b).await;
    let started: Value = checkout(&b, "100001", &no).await.json().await.unwrap();
    let order = started["order_id"].as_str().unwrap().to_owned();
    let access = provider_says(&app, &order, "CAPTURE", portal_domain::PayType::Card).await;
    let f = fields(&order, "CAPTURE", "0", 10_000, &access);
    let answers: Vec<String> = if parallel {
        let tasks: Vec<_> = (0..6)
            .map(|_| {
                let (url, f) = (app.url.clone(), f.clone());
                tokio::spawn(async move {
                    let res = reqwest::Client::new()
                        .post(format!("{url}/api/payments/notify"))
                        .form(&f)
                        .send()
                        .await
                        .unwrap();
                    res.text().await.unwrap()
                })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    } else {
        let mut out = Vec::new();
        for _ in 0..6 {
            out.push(notify(&app, &f).await);
        }
        out
    };
    assert!(answers.iter().all(|a| a == "0"), "{answers:?}");
    assert_eq!(invoice(&b, "100001", &no).await["status"]["label"], "納入済");
    let paid_mails =
        app.mails_to("m100001@example.jp").await.into_iter().filter(|m| m.subject.contains("振り込み完了")).count();
    assert_eq!(paid_mails, 1);
    let log = app.state.app.table.query(&format!("PAYLOG#{order}"), "").await.unwrap();
    assert_eq!(log.len(), 6, "every notification is kept for audit");
}

#[tokio::test]
async fn forged_or_mismatched_notifications_change_nothing_and_get_1() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = renewal_fee(&b).await;
    let started: Value = checkout(&b, "100001", &no).await.json().await.unwrap();
    let order = started["order_id"].as_str().unwrap().to_owned();
    let access = provider_says(&app, &order, "CAPTURE", portal_domain::PayType::Card).await;
    let mut forged = fields(&order, "CAPTURE", "0", 10_000, &access);
    forged[0].1 = "tshop99999999".into();
    assert_eq!(notify(&app, &forged).await, "1", "another shop");
    let unknown = fields("100001-INV-2026-999999-01", "CAPTURE", "0", 10_000, &access);
    assert_eq!(notify(&app, &unknown).await, "1", "unknown order");
    assert_eq!(notify(&app, &fields(&order, "CAPTURE", "0", 1, &access)).await, "1", "wrong amount");
    assert_eq!(notify(&app, &fields(&order, "CAPTURE", "9", 10_000, &access)).await, "1", "unreadable pay type");
    assert_eq!(notify(&app, &[("Garbage", "x".to_string())]).await, "1");
    // The trade query disagrees (the provider has no capture): not paid.
    provider_says(&app, &order, "AUTH", portal_domain::PayType::Card).await;
    assert_eq!(notify(&app, &fields(&order, "CAPTURE", "0", 10_000, &access)).await, "1", "not confirmed");
    assert_eq!(invoice(&b, "100001", &no).await["status"]["label"], "未納");
    assert!(app.mails_to("m100001@example.jp").await.iter().all(|m| !m.subject.contains("振り込み完了")));
    // A different access id for this order: possible double payment, refused.
    provider_says(&app, &order, "CAPTURE", portal_domain::PayType::Card).await;
    assert_eq!(notify(&app, &fields(&order, "CAPTURE", "0", 10_000, &access)).await, "0");
    assert_eq!(notify(&app, &fields(&order, "CAPTURE", "0", 10_000, "another-access")).await, "1");
    let rejected = app
        .state
        .app
        .table
        .query(&format!("PAYLOG#REJECTED#{}", chrono::Utc::now().format("%Y-%m-%d")), "")
        .await
        .unwrap();
    assert!(rejected.len() >= 2, "notifications that are not ours are kept too");
}

#[tokio::test]
async fn out_of_order_notifications_are_harmless() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = renewal_fee(&b).await;
    let started: Value = checkout(&b, "100001", &no).await.json().await.unwrap();
    let order = started["order_id"].as_str().unwrap().to_owned();
    let access = provider_says(&app, &order, "PAYSUCCESS", portal_domain::PayType::Cvs).await;
    // PAYSUCCESS arrives first and pays; the late REQSUCCESS changes nothing.
    assert_eq!(notify(&app, &fields(&order, "PAYSUCCESS", "3", 10_000, &access)).await, "0");
    assert_eq!(notify(&app, &fields(&order, "REQSUCCESS", "3", 10_000, &access)).await, "0");
    let shown = invoice(&b, "100001", &no).await;
    assert_eq!((shown["status"]["label"].as_str(), &shown["payment"]["numbers"]), (Some("納入済"), &Value::Null));
    let mails = app.mails_to("m100001@example.jp").await;
    assert!(mails.iter().all(|m| !m.subject.contains("お支払い番号")), "no number mail after the payment");
    assert_eq!(notify(&app, &fields(&order, "PAYSUCCESS", "3", 10_000, &access)).await, "0");
    assert_eq!(
        app.mails_to("m100001@example.jp").await.iter().filter(|m| m.subject.contains("振り込み完了")).count(),
        1
    );
}

#[tokio::test]
async fn a_second_payment_of_a_paid_invoice_becomes_a_refund_case_for_staff() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = renewal_fee(&b).await;
    // Order 1: convenience store, number issued, never paid (for now).
    let first: Value = checkout(&b, "100001", &no).await.json().await.unwrap();
    let first = first["order_id"].as_str().unwrap().to_owned();
    let a1 = provider_says(&app, &first, "REQSUCCESS", portal_domain::PayType::Cvs).await;
    assert_eq!(notify(&app, &fields(&first, "REQSUCCESS", "3", 10_000, &a1)).await, "0");
    // Six business days later the member logs in again and pays by card (order 2).
    app.clock.advance(14 * 86_400);
    let b = app.login("100001", DEMO_PASSWORD).await;
    let second: Value = checkout(&b, "100001", &no).await.json().await.unwrap();
    let second = second["order_id"].as_str().unwrap().to_owned();
    let a2 = provider_says(&app, &second, "CAPTURE", portal_domain::PayType::Card).await;
    assert_eq!(notify(&app, &fields(&second, "CAPTURE", "0", 10_000, &a2)).await, "0");
    // …and then pays the old convenience-store number too.
    provider_says(&app, &first, "PAYSUCCESS", portal_domain::PayType::Cvs).await;
    assert_eq!(notify(&app, &fields(&first, "PAYSUCCESS", "3", 10_000, &a1)).await, "0");
    let mails = app.mails_to("m100001@example.jp").await;
    assert_eq!(mails.iter().filter(|m| m.subject.contains("振り込み完了")).count(), 1, "one mail");
    let shown = invoice(&b, "100001", &no).await;
    assert_eq!(shown["payment"]["paid_via"]["label"], "クレジットカード", "paid once, by the first confirmed payment");
    let staff = app.login_staff("staff01").await;
    let refunds: Value = staff.get("/api/staff/refunds").await.json().await.unwrap();
    assert_eq!(refunds["items"][0]["order_id"], first.as_str());
}

#[tokio::test]
async fn a_provider_or_store_outage_loses_nothing_and_the_resend_succeeds() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = renewal_fee(&b).await;
    // The provider cannot start a checkout: 503, and nothing stays locked.
    app.provider.fail_start.store(true, std::sync::atomic::Ordering::SeqCst);
    let res = checkout(&b, "100001", &no).await;
    assert_eq!(res.status(), 503);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "provider_unavailable");
    assert_eq!(invoice(&b, "100001", &no).await["payment"]["state"], "open");
    app.provider.fail_start.store(false, std::sync::atomic::Ordering::SeqCst);
    let started: Value = checkout(&b, "100001", &no).await.json().await.unwrap();
    let order = started["order_id"].as_str().unwrap().to_owned();
    let access = provider_says(&app, &order, "CAPTURE", portal_domain::PayType::Card).await;
    let f = fields(&order, "CAPTURE", "0", 10_000, &access);
    // The trade query is down: `1`, the provider resends later.
    app.provider.fail_trade.store(true, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(notify(&app, &f).await, "1");
    app.provider.fail_trade.store(false, std::sync::atomic::Ordering::SeqCst);
    // The store loses every write try: `1`, nothing half-applied.
    app.faults.fail_next(common::Call::Transact, common::Injected::Throttled, portal_app::retrying::ATTEMPTS as usize);
    assert_eq!(notify(&app, &f).await, "1");
    assert_eq!(invoice(&b, "100001", &no).await["status"]["label"], "未納");
    assert!(app.mails_to("m100001@example.jp").await.iter().all(|m| !m.subject.contains("振り込み完了")));
    // The resend goes through.
    assert_eq!(notify(&app, &f).await, "0");
    assert_eq!(invoice(&b, "100001", &no).await["status"]["label"], "納入済");
}

#[tokio::test]
async fn store_calls_per_notification() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = renewal_fee(&b).await;
    let started: Value = checkout(&b, "100001", &no).await.json().await.unwrap();
    let order = started["order_id"].as_str().unwrap().to_owned();
    let access = provider_says(&app, &order, "CAPTURE", portal_domain::PayType::Card).await;
    app.store.take();
    assert_eq!(notify(&app, &fields(&order, "CAPTURE", "0", 10_000, &access)).await, "0");
    // The member's partition (one Query), then one transaction; the provider's trade
    // query is the third call of the notification.
    assert_eq!(app.store.take(), 2);
}

/// The text of a PDF, as a reader would extract it (poppler's pdftotext, which the
/// test command installs).
fn pdf_text(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("receipt-{}.pdf", uuid::Uuid::new_v4().simple()));
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args([path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/test");
    std::fs::remove_file(&path).ok();
    assert!(out.status.success(), "the PDF opens");
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn the_receipt_is_a_pdf_with_the_name_amount_and_number_and_later_copies_say_reissue() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = renewal_fee(&b).await;
    let path = format!("/api/members/100001/invoices/{no}/receipt");
    let unpaid = b.get(&path).await;
    assert_eq!(unpaid.status(), 409);
    assert_eq!(unpaid.json::<Value>().await.unwrap()["code"], "not_paid");
    let started: Value = checkout(&b, "100001", &no).await.json().await.unwrap();
    let order = started["order_id"].as_str().unwrap().to_owned();
    let access = provider_says(&app, &order, "CAPTURE", portal_domain::PayType::Card).await;
    assert_eq!(notify(&app, &fields(&order, "CAPTURE", "0", 10_000, &access)).await, "0");
    let first = b.http.get(format!("{}{path}", app.url)).send().await.unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["content-type"], "application/pdf");
    assert!(first.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let first = first.bytes().await.unwrap();
    assert!(first.len() < 200 * 1024, "the font is subsetted ({} bytes)", first.len());
    let text = pdf_text(&first);
    let receipt_no = format!("R-{}", no.trim_start_matches("INV-"));
    for expected in ["領収書", "循環 太郎", "¥10,000", receipt_no.as_str(), "専門医更新料", no.as_str()] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
    assert!(!text.contains("再発行"));
    let again = pdf_text(&b.http.get(format!("{}{path}", app.url)).send().await.unwrap().bytes().await.unwrap());
    assert!(again.contains("再発行") && again.contains(&receipt_no), "the same number, marked 再発行");
    let other = app.login("100002", DEMO_PASSWORD).await;
    assert_eq!(other.get(&path).await.status(), 404);
}

#[tokio::test]
async fn an_issued_number_keeps_the_buttons_locked_until_its_term_so_nobody_pays_twice() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let no = renewal_fee(&b).await;
    let started: Value = checkout(&b, "100001", &no).await.json().await.unwrap();
    let order = started["order_id"].as_str().unwrap().to_owned();
    let access = provider_says(&app, &order, "REQSUCCESS", portal_domain::PayType::Cvs).await;
    let term = (app.state.app.clock.today() + chrono::Duration::days(20)).format("%Y%m%d235959").to_string();
    let mut issued = fields(&order, "REQSUCCESS", "3", 10_000, &access);
    issued.push(("PaymentTerm", term));
    assert_eq!(notify(&app, &issued).await, "0");
    let locked = invoice(&b, "100001", &no).await;
    assert_eq!(locked["payment"]["state"], "processing", "{locked}");
    // Past the 6 business days, the number can still be paid: no second checkout.
    app.clock.advance(15 * 86_400);
    let b = app.login("100001", DEMO_PASSWORD).await;
    let before = invoice(&b, "100001", &no).await;
    let res = checkout(&b, "100001", &no).await;
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "checkout_processing", "{before}");
    let staff = app.login_staff("staff01").await;
    let shown: Value = staff.get(&format!("/api/staff/members/100001/invoices/{no}")).await.json().await.unwrap();
    assert_eq!(shown["payment"]["numbers"]["cvs_conf_no"], "123456");
    // The number expires at the provider: the wait is over.
    provider_says(&app, &order, "EXPIRED", portal_domain::PayType::Cvs).await;
    assert_eq!(notify(&app, &fields(&order, "EXPIRED", "3", 10_000, &access)).await, "0");
    assert_eq!(checkout(&b, "100001", &no).await.status(), 201);
}
