//! What the first black-box review of the local portal found (issue #11), each pinned by
//! a test: every `/api` answer is the JSON `Error`, bodies are strictly typed, and the
//! reset token never travels in an address a server logs.

use crate::common::{self, DEMO_PASSWORD, renewal_form, spawn_app};
use serde_json::{Value, json};

/// A raw answer that must be the documented JSON `Error` with `code`.
async fn json_error(res: reqwest::Response, status: u16, code: &str) -> reqwest::header::HeaderMap {
    assert_eq!(res.status().as_u16(), status, "{code}");
    let headers = res.headers().clone();
    assert_eq!(headers["content-type"], "application/json", "{code}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], code);
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    headers
}

#[tokio::test]
async fn errors_beneath_the_handlers_are_json_too() {
    let app = spawn_app().await;
    let c = app.raw();
    let url = |p: &str| format!("{}{p}", app.url);

    // A body over 64 KiB (was 413 text/plain).
    let big = json!({ "member_no": "100001", "password": "x".repeat(70 * 1024) }).to_string();
    let res = c
        .post(url("/api/auth/login"))
        .header("Origin", &app.url)
        .header("Content-Type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    json_error(res, 413, "payload_too_large").await;

    // Invalid UTF-8 in a path parameter (was 400 text/plain).
    let b = app.login("100001", DEMO_PASSWORD).await;
    let res = b.http.get(url("/api/members/%FF%FE/profile")).send().await.unwrap();
    json_error(res, 400, "bad_request").await;

    // A very long path (was an empty 414).
    let res = c.get(url(&format!("/api/{}", "a".repeat(9000)))).send().await.unwrap();
    json_error(res, 414, "uri_too_long").await;

    // An unknown API route (was an empty 404), by any method.
    json_error(c.get(url("/api/no-such-thing")).send().await.unwrap(), 404, "no_route").await;
    let res = c.delete(url("/api/members/100001/nothing-here")).header("Origin", &app.url).send().await.unwrap();
    json_error(res, 404, "no_route").await;

    // A method no route has (was 403 from the CSRF check): 405 naming what is allowed.
    let trace = reqwest::Method::from_bytes(b"TRACE").unwrap();
    let res = c.request(trace, url("/api/auth/login")).send().await.unwrap();
    let headers = json_error(res, 405, "method_not_allowed").await;
    assert!(headers["allow"].to_str().unwrap().contains("POST"));
    let res = c.put(url("/api/auth/login")).header("Origin", &app.url).json(&json!({})).send().await.unwrap();
    json_error(res, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn wrongly_typed_and_unknown_fields_are_refused_by_name_and_change_nothing() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let renewal = renewal_form();
    let res = b.post("/api/members/100001/applications", renewal.clone()).await;
    assert_eq!(res.status(), 201);
    let no = res.json::<Value>().await.unwrap()["application_no"].as_str().unwrap().to_owned();
    let path = format!("/api/members/100001/applications/{no}");
    let before: Value = b.get(&path).await.json().await.unwrap();

    // Found by review: `kind` as an object, null or a number was accepted and ignored,
    // and a number where text is expected was coerced.
    let cases = [
        ("kind", json!({ "a": 1 }), "文字列で指定してください。"),
        ("kind", Value::Null, "文字列で指定してください。"),
        ("kind", json!(123), "文字列で指定してください。"),
        ("base_cert_fiscal_year", json!(2015), "文字列で指定してください。"),
        ("base_cert_no", json!(["11-12345678"]), "文字列で指定してください。"),
        ("favourite_colour", json!("red"), "この項目は受け付けられません。"),
    ];
    for (field, value, message) in cases {
        let mut body = renewal.clone();
        body[field] = value.clone();
        let res = b.put(&path, body).await;
        assert_eq!(res.status(), 400, "{field}: {value}");
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["code"], "invalid_input");
        assert_eq!(err["fields"], json!([{ "field": field, "message": message }]), "{field}: {value}");
    }
    assert_eq!(b.get(&path).await.json::<Value>().await.unwrap(), before, "nothing changed");

    // The same holds for every body: a login with a number for a password, say.
    let res = app.browser().post("/api/auth/login", json!({ "member_no": 100001, "password": DEMO_PASSWORD })).await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["fields"][0]["field"], "member_no");
}

#[tokio::test]
async fn the_reset_link_keeps_its_token_out_of_every_server_log() {
    let app = spawn_app().await;
    let res = app.browser().post("/api/auth/password-reset", json!({ "member_no": "100002" })).await;
    assert_eq!(res.status(), 202);
    let mail = &app.mails_to("m100002@example.jp").await[0];
    let token = common::token_in(mail);
    // Found by review: the token was in the query string, so in access logs. In the
    // fragment a browser never sends it; the page posts it in the body.
    assert!(mail.body.contains(&format!("/reset-password.html#token={token}")), "{}", mail.body);
    assert!(!mail.body.contains("?token="));
}

/// Found by schemathesis (docs/api-fuzzing.md): values that were accepted and silently
/// dropped or misread are now refused, naming the field.
#[tokio::test]
async fn what_api_fuzzing_found_is_refused_by_field() {
    let app = spawn_app().await;
    let b = app.login("100001", DEMO_PASSWORD).await;
    let field_of = |v: Value| v["fields"][0]["field"].as_str().unwrap_or_default().to_owned();
    let mut renewal = json!({
        "kind": "renewal", "base_qualification": "internal_medicine_new", "base_cert_no": "11-12345678",
        "base_cert_fiscal_year": "2021", "base_period_start": "2021-04-01", "base_period_end": "2026-03-31",
    });
    // The other kind's fields, filled in, would have been dropped.
    let mut mixed = renewal.clone();
    mixed["decline_reason"] = json!("nonsense");
    let res = b.post("/api/members/100001/applications", mixed).await;
    assert_eq!(res.status(), 400);
    assert_eq!(field_of(res.json().await.unwrap()), "decline_reason");
    // A two-digit year was read as the year 21.
    renewal["base_period_start"] = json!("21-04-01");
    let res = b.post("/api/members/100001/applications", renewal.clone()).await;
    assert_eq!(field_of(res.json().await.unwrap()), "base_period_start");
    // An edit naming another kind was applied as the draft's own.
    renewal["base_period_start"] = json!("2021-04-01");
    let no = b.post("/api/members/100001/applications", renewal.clone()).await.json::<Value>().await.unwrap()
        ["application_no"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = b.put(&format!("/api/members/100001/applications/{no}"), json!({ "kind": "decline" })).await;
    assert_eq!(field_of(res.json().await.unwrap()), "kind");
    // A 学術集会's journal was dropped; a 論文サマリー ticket was issued for a meeting.
    let meeting =
        json!({ "unit_code": "REL-AM", "title": "学術集会", "journal": "循環器誌", "earned_on": "2025-04-20" });
    let res = b.post("/api/members/100001/credits", meeting).await;
    assert_eq!(field_of(res.json().await.unwrap()), "journal");
    let credit = crate::http_credits::draft(&b, "100001").await;
    let ticket =
        json!({ "kind": "paper_summary", "file_name": "a.pdf", "content_type": "application/pdf", "size": 9.0 });
    let res = b.post(&format!("/api/members/100001/credits/{credit}/uploads"), ticket).await;
    assert_eq!(res.status(), 400);
    assert_eq!(field_of(res.json().await.unwrap()), "kind");
}

/// Found by review: pages carried a `<meta>` policy besides the header. The header is
/// the one source (the same text CloudFront sends); no page may carry its own.
#[tokio::test]
async fn every_page_takes_its_policy_from_the_header_alone() {
    let app = spawn_app().await;
    let site = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../static-site");
    let mut pages = Vec::new();
    for dir in [site.clone(), site.join("admin")] {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "html") {
                pages.push(p.strip_prefix(&site).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    assert!(pages.len() > 15, "{pages:?}");
    for page in pages {
        let res = app.raw().get(format!("{}/{page}", app.url)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{page}");
        let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{page}: {csp}");
        let html = res.text().await.unwrap().to_ascii_lowercase();
        assert!(!html.contains("http-equiv"), "{page} carries its own policy in a <meta>");
    }
}
