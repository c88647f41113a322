//! 請求の一覧 and its CSV export: filtered by 年度, state and fee type, paged by the
//! index's cursor (one Query per page), every row exported, UTF-8 with BOM or
//! Shift_JIS, formula-looking cells neutralised.

use serde_json::{Value, json};

use crate::common::spawn_app;

fn fy(app: &crate::common::TestApp) -> i32 {
    portal_domain::FiscalYear::containing(app.state.app.clock.today()).year()
}

#[tokio::test]
async fn the_list_filters_by_state_and_pages_by_the_store_cursor() {
    let app = spawn_app().await;
    let staff = app.login_staff("staff01").await;
    let year = fy(&app);
    // The demo: five 年会費 this year, 100002's unpaid.
    let all: Value = staff.get(&format!("/api/staff/invoices?fiscal_year={year}")).await.json().await.unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 5);
    assert_eq!(all["next"], Value::Null);
    let unpaid: Value =
        staff.get(&format!("/api/staff/invoices?fiscal_year={year}&state=unpaid")).await.json().await.unwrap();
    let members: Vec<&str> =
        unpaid["items"].as_array().unwrap().iter().map(|i| i["member_no"].as_str().unwrap()).collect();
    assert_eq!(members, ["100002"]);
    // A payment moves it to 納入済 in the list too.
    let no = unpaid["items"][0]["invoice"]["invoice_no"].as_str().unwrap();
    let today = app.state.app.clock.today().to_string();
    let paid =
        staff.post(&format!("/api/staff/members/100002/invoices/{no}/dues-payment"), json!({ "paid_on": today })).await;
    assert_eq!(paid.status(), 200);
    let unpaid: Value =
        staff.get(&format!("/api/staff/invoices?fiscal_year={year}&state=unpaid")).await.json().await.unwrap();
    assert_eq!(unpaid["items"], json!([]));
    let renewal: Value = staff
        .get(&format!("/api/staff/invoices?fiscal_year={year}&state=paid&fee_type=renewal_fee"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(renewal["items"], json!([]));
    // One store call per page (and one for the session).
    app.store.take();
    staff.get(&format!("/api/staff/invoices?fiscal_year={year}&state=paid")).await;
    assert_eq!(app.store.take(), 2);
    // Bad filters are field errors.
    for q in ["fiscal_year=26", "fiscal_year=2026&state=late", "fiscal_year=2026&fee_type=x"] {
        assert_eq!(staff.get(&format!("/api/staff/invoices?{q}")).await.status(), 400, "{q}");
    }
}

#[tokio::test]
async fn many_invoices_page_through_without_loss_or_repeat() {
    let app = spawn_app().await;
    let staff = app.login_staff("staff01").await;
    // 120 more unpaid 年会費 of a past year, straight into the store.
    let year = 2019;
    let mut tx = portal_app::records::Tx::<()>::new();
    let mut written = 0;
    for n in 1..=120 {
        let inv = portal_domain::Invoice::new(
            portal_domain::InvoiceNo::new(year, 500 + n),
            portal_domain::FeeType::AnnualDues,
            portal_domain::FiscalYear::new(year).unwrap(),
            13_000,
            chrono::NaiveDate::from_ymd_opt(year, 6, 30).unwrap(),
            None,
        );
        let m = portal_domain::MemberNo::parse(&format!("10000{}", 1 + n % 5)).unwrap();
        tx = tx.write(portal_app::records::put(
            portal_app::records::InvoiceRecord::stored(m, &inv),
            portal_app::records::When::new_item(),
        ));
        written += 1;
        if written == 50 {
            tx.run(app.state.app.table.as_ref()).await.unwrap();
            tx = portal_app::records::Tx::new();
            written = 0;
        }
    }
    tx.run(app.state.app.table.as_ref()).await.unwrap();
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let cursor = after.as_ref().map(|a| format!("&after={}", urlencode(a))).unwrap_or_default();
        let p: Value =
            staff.get(&format!("/api/staff/invoices?fiscal_year={year}{cursor}")).await.json().await.unwrap();
        pages += 1;
        seen.extend(
            p["items"].as_array().unwrap().iter().map(|i| i["invoice"]["invoice_no"].as_str().unwrap().to_owned()),
        );
        match p["next"].as_str() {
            Some(n) => after = Some(n.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (120, 120));

    // The export has every row, in UTF-8 with BOM by default.
    let res = staff.http.get(format!("{}/api/staff/invoices/export?fiscal_year={year}", app.url)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let body = res.bytes().await.unwrap();
    assert!(body.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&body[3..]).unwrap();
    let rows = portal_domain::csv::parse(text).unwrap();
    assert_eq!(rows.len(), 121);
    assert_eq!(rows[0][0], "管理NO");
    // Shift_JIS too.
    let res = staff
        .http
        .get(format!("{}/api/staff/invoices/export?fiscal_year={year}&encoding=shift_jis", app.url))
        .send()
        .await
        .unwrap();
    let body = res.bytes().await.unwrap();
    let (text, enc) = portal_domain::csv::decode(&body, Some(portal_domain::csv::CsvEncoding::ShiftJis)).unwrap();
    assert_eq!(enc, portal_domain::csv::CsvEncoding::ShiftJis);
    assert!(text.starts_with("管理NO,会員番号,種別"));
}

#[test]
fn exported_cells_that_look_like_formulas_are_neutralised() {
    let mut w = portal_domain::csv::CsvWriter::new(portal_domain::csv::CsvEncoding::Utf8);
    let row = w.row(&["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "ok"]).unwrap();
    assert_eq!(String::from_utf8(row).unwrap(), "\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-2,'@SUM(A1),ok\r\n");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect()
}
