//! Manual STEP③ over real HTTP: the 所定単位表 and its search, a self-report (保存),
//! proof files (signed upload straight to storage, 完了, download), 承認申請 → 送信,
//! staff 承認 / 却下 with the mail and its link, correction and re-request, 取り消し,
//! and the 18-unit cap — on the embedded file store and on LocalStack's S3.

use crate::common;

use crate::common::{Backend, Browser, DEMO_PASSWORD, FilesAt, TestApp, spawn, spawn_app};
use serde_json::{Value, json};

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
pub const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];

fn meeting(date: &str) -> Value {
    json!({ "unit_code": "REL-AM", "title": "第123回日本内科学会講演会", "earned_on": date })
}

async fn create(b: &Browser, member: &str, body: Value) -> common::TestResponse {
    b.post(&format!("/api/members/{member}/credits"), body).await
}

pub(crate) async fn draft(b: &Browser, member: &str) -> String {
    let res = create(b, member, meeting("2025-04-20")).await;
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["credit_no"].as_str().unwrap().to_owned()
}

/// Asks for a ticket, uploads `body` with it as a browser would, and returns the key.
pub(crate) async fn upload(b: &Browser, member: &str, no: &str, declared: &str, body: &[u8]) -> (u16, String) {
    // The proof the credit's unit asks for (ネームカード or 論文サマリー).
    let kind = credit(b, member, no).await["proof_kind"]["code"].as_str().unwrap_or("name_card").to_owned();
    let req = json!({ "kind": kind, "file_name": "ネームカード.pdf", "content_type": declared, "size": body.len() });
    let res = b.post(&format!("/api/members/{member}/credits/{no}/uploads"), req).await;
    assert_eq!(res.status(), 201, "ticket");
    let t: Value = res.json().await.unwrap();
    (put(&t, body, None).await, t["key"].as_str().unwrap().to_owned())
}

/// Sends `body` to a ticket's URL with its headers (a `Content-Type` override to lie).
pub(crate) async fn put(ticket: &Value, body: &[u8], content_type: Option<&str>) -> u16 {
    let mut req = reqwest::Client::new().put(ticket["url"].as_str().unwrap()).body(body.to_vec());
    for (k, v) in ticket["headers"].as_object().unwrap() {
        let v = if k.eq_ignore_ascii_case("content-type") {
            content_type.unwrap_or(v.as_str().unwrap())
        } else {
            v.as_str().unwrap()
        };
        req = req.header(k, v);
    }
    req.send().await.unwrap().status().as_u16()
}

pub(crate) async fn complete(b: &Browser, member: &str, no: &str, key: &str, declared: &str) -> common::TestResponse {
    let kind = credit(b, member, no).await["proof_kind"]["code"].as_str().unwrap_or("name_card").to_owned();
    let req = json!({ "key": key, "kind": kind, "file_name": "ネームカード.pdf", "content_type": declared });
    b.post(&format!("/api/members/{member}/credits/{no}/proofs"), req).await
}

async fn request(b: &Browser, member: &str, no: &str) -> common::TestResponse {
    b.post(&format!("/api/members/{member}/credits/{no}/request-approval"), json!({ "comment": "" })).await
}

async fn credit(b: &Browser, member: &str, no: &str) -> Value {
    b.get(&format!("/api/members/{member}/credits/{no}")).await.json().await.unwrap()
}

#[tokio::test]
async fn the_unit_table_is_public_and_search_ignores_kana_and_width() {
    let app = spawn_app().await;
    let anon = app.browser();
    let all = anon.get("/api/units").await;
    assert_eq!(all.status(), 200);
    assert!(all.headers()["cache-control"].to_str().unwrap().contains("max-age"), "public and cacheable");
    let all: Value = all.json().await.unwrap();
    assert!(all["note"].as_str().unwrap().contains("見本"), "the figures are labelled as sample values");
    assert!(all["units"].as_array().unwrap().len() >= 10);
    let codes = |v: Value| {
        v["units"].as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    let q = |s: &str| format!("/api/units?q={}", urlencode(s));
    let paper = codes(anon.get(&q("論文")).await.json().await.unwrap());
    assert_eq!(paper, ["PAPER-1ST", "PAPER-CO"]);
    assert_eq!(codes(anon.get(&q("ﾛﾝﾌﾞﾝ")).await.json().await.unwrap()), paper);
    assert_eq!(codes(anon.get(&q("ろんぶん")).await.json().await.unwrap()), paper);
    assert!(codes(anon.get(&q("第")).await.json().await.unwrap()).len() >= 4);
    assert!(codes(anon.get(&q("学会")).await.json().await.unwrap()).contains(&"AM90-ATT".to_owned()));
    assert_eq!(codes(anon.get(&q("関連学術集会 年次学術集会")).await.json().await.unwrap()), ["REL-AM"]);
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[tokio::test]
async fn a_self_report_is_saved_with_its_number_and_listed_as_a_draft() {
    let app = spawn_app().await;
    let b = app.login("100003", DEMO_PASSWORD).await;
    let blank = create(&b, "100003", json!({})).await;
    assert_eq!(blank.status(), 400);
    let fields: Vec<String> = blank.json::<Value>().await.unwrap()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["unit_code", "earned_on", "title"]);
    app.store.take();
    let no = draft(&b, "100003").await;
    // partition + rule + unit table (concurrent), the 管理No, one write.
    assert_eq!(app.store.take(), 5, "store calls of 保存");
    assert!(no.starts_with("C-"));
    let profile: Value = b.get("/api/members/100003/profile").await.json().await.unwrap();
    let listed = profile["credits"].as_array().unwrap().iter().find(|c| c["credit_no"] == no.as_str()).unwrap().clone();
    assert_eq!((listed["status_label"].as_str(), listed["units"].as_u64()), (Some("作成中"), Some(3)));
    assert_eq!(listed["proof_kind"]["label"], "ネームカード");
}

#[tokio::test]
async fn approval_needs_proof_and_the_file_is_checked_after_upload() {
    let app = spawn_app().await;
    let b = app.login("100003", DEMO_PASSWORD).await;
    let no = draft(&b, "100003").await;
    let res = request(&b, "100003", &no).await;
    assert_eq!(res.status(), 409);
    assert_eq!(res.json::<Value>().await.unwrap()["message"], "証明書類をアップロードしてください");

    // Refused before any upload: wrong type, too big.
    for (ct, size) in [("text/html", 100u64), ("application/pdf", 10 * 1024 * 1024 + 1), ("application/pdf", 0)] {
        let req = json!({ "kind": "name_card", "file_name": "x.pdf", "content_type": ct, "size": size });
        let res = b.post(&format!("/api/members/100003/credits/{no}/uploads"), req).await;
        assert_eq!(res.status(), 400, "{ct} {size}");
        assert!(
            res.json::<Value>().await.unwrap()["fields"][0]["message"].as_str().unwrap().contains("PDF・JPEG・PNG")
        );
    }
    // A PNG declared as a PDF arrives, is found out, deleted and refused.
    let (status, key) = upload(&b, "100003", &no, "application/pdf", &PNG.repeat(6)).await;
    assert_eq!(status, 200);
    let res = complete(&b, "100003", &no, &key, "application/pdf").await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "file_refused");
    let again = complete(&b, "100003", &no, &key, "application/pdf").await;
    assert!(again.json::<Value>().await.unwrap()["message"].as_str().unwrap().contains("届いていません"), "deleted");

    // A real PDF: 完了 → 「ファイルを追加しました」, listed, downloadable as an attachment.
    let (status, key) = upload(&b, "100003", &no, "application/pdf", PDF).await;
    assert_eq!(status, 200);
    let res = complete(&b, "100003", &no, &key, "application/pdf").await;
    assert_eq!(res.status(), 200);
    let c: Value = res.json().await.unwrap();
    let proof = &c["proofs"][0];
    assert_eq!(
        (proof["file_name"].as_str(), proof["size"].as_u64()),
        (Some("ネームカード.pdf"), Some(PDF.len() as u64))
    );
    let link = b.get(&format!("/api/members/100003/credits/{no}/proofs/{}", proof["id"].as_str().unwrap())).await;
    assert_eq!(link.status(), 303);
    let location = link.headers()["location"].to_str().unwrap().to_owned();
    let file = reqwest::get(&location).await.unwrap();
    assert!(file.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(file.bytes().await.unwrap().as_ref(), PDF);

    let res = request(&b, "100003", &no).await;
    assert_eq!(res.status(), 200);
    let c: Value = res.json().await.unwrap();
    assert_eq!(
        (c["status_label"].as_str(), c["history"][0]["action"]["label"].as_str()),
        (Some("承認申請中"), Some("承認申請"))
    );
}

#[tokio::test]
async fn signed_uploads_refuse_another_body_type_key_or_an_expired_ticket() {
    signed_upload_refusals(spawn_app().await).await;
}

#[tokio::test]
async fn s3_signed_uploads_refuse_another_body_type_key_or_an_expired_ticket() {
    signed_upload_refusals(spawn(Backend::Sqlite, FilesAt::S3).await).await;
}

async fn signed_upload_refusals(app: TestApp) {
    let b = app.login("100003", DEMO_PASSWORD).await;
    let no = draft(&b, "100003").await;
    let ticket = |size: usize| {
        let b = &b;
        let no = no.clone();
        async move {
            let req =
                json!({ "kind": "name_card", "file_name": "a.pdf", "content_type": "application/pdf", "size": size });
            b.post(&format!("/api/members/100003/credits/{no}/uploads"), req).await.json::<Value>().await.unwrap()
        }
    };
    let t = ticket(PDF.len()).await;
    let bigger = [PDF, b"more bytes than signed"].concat();
    assert!(put(&t, &bigger, None).await >= 400, "a larger body");
    assert!(put(&t, PDF, Some("image/png")).await >= 400, "another type");
    // The key sits in the path (S3) or in the query (local): change it either way.
    let other_key = t["url"]
        .as_str()
        .unwrap()
        .replace(&format!("/{no}/"), "/C-999999/")
        .replace(&format!("%2F{no}%2F"), "%2FC-999999%2F");
    assert_ne!(other_key, t["url"].as_str().unwrap());
    let moved = json!({ "url": other_key, "headers": t["headers"] });
    assert!(put(&moved, PDF, None).await >= 400, "another key");
    // A ticket issued 11 minutes ago (valid 10) has expired.
    app.clock.advance(-11 * 60);
    let old = ticket(PDF.len()).await;
    app.clock.advance(11 * 60);
    assert!(put(&old, PDF, None).await >= 400, "expired");
    assert_eq!(put(&t, PDF, None).await, 200, "control: the ticket as issued works");
    // Another member's key is not this credit's.
    let stranger = format!("proofs/100001/{no}/0123456789abcdef0123456789abcdef");
    assert_eq!(complete(&b, "100003", &no, &stranger, "application/pdf").await.status(), 400);
    assert_eq!(complete(&b, "100003", &no, t["key"].as_str().unwrap(), "application/pdf").await.status(), 200);
}

#[tokio::test]
async fn another_members_credit_and_files_are_not_found() {
    let app = spawn_app().await;
    let owner = app.login("100003", DEMO_PASSWORD).await;
    let no = draft(&owner, "100003").await;
    let (_, key) = upload(&owner, "100003", &no, "application/pdf", PDF).await;
    let c: Value = complete(&owner, "100003", &no, &key, "application/pdf").await.json().await.unwrap();
    let proof = c["proofs"][0]["id"].as_str().unwrap();
    let other = app.login("100001", DEMO_PASSWORD).await;
    for path in [
        format!("/api/members/100003/credits/{no}"),
        format!("/api/members/100001/credits/{no}"),
        format!("/api/members/100003/credits/{no}/proofs/{proof}"),
        format!("/api/members/100001/credits/{no}/proofs/{proof}"),
    ] {
        assert_eq!(other.get(&path).await.status(), 404, "{path}");
    }
    assert_eq!(request(&other, "100003", &no).await.status(), 404);
    // A member is not staff.
    let decide = json!({ "decision": "approve", "reason": "", "version": 2 });
    assert_eq!(owner.post(&format!("/api/staff/members/100003/credits/{no}/decision"), decide).await.status(), 401);
}

pub(crate) async fn pending_with_proof(app: &TestApp, b: &Browser, member: &str) -> (String, i64) {
    let no = draft(b, member).await;
    let (_, key) = upload(b, member, &no, "application/pdf", PDF).await;
    assert_eq!(complete(b, member, &no, &key, "application/pdf").await.status(), 200);
    let c: Value = request(b, member, &no).await.json().await.unwrap();
    let _ = app;
    (no, c["version"].as_i64().unwrap())
}

#[tokio::test]
async fn rejection_mails_a_link_and_the_member_corrects_and_requests_again_until_approved() {
    let app = spawn_app().await;
    let member = app.login("100003", DEMO_PASSWORD).await;
    let (no, version) = pending_with_proof(&app, &member, "100003").await;
    let staff = app.login_staff("staff01").await;
    let queue: Value = staff.get("/api/staff/credits/pending").await.json().await.unwrap();
    let item = queue["items"].as_array().unwrap().iter().find(|i| i["credit"]["credit_no"] == no.as_str()).unwrap();
    assert_eq!((item["member_no"].as_str(), item["member_name"].as_str()), (Some("100003"), Some("血管 次郎")));
    let path = format!("/api/staff/members/100003/credits/{no}/decision");
    let blank = staff.post(&path, json!({ "decision": "reject", "reason": "", "version": version })).await;
    assert_eq!(blank.status(), 400, "a rejection needs its reason");
    let reason = "ネームカードの氏名が読み取れません。鮮明な画像を添付してください。";
    let res = staff.post(&path, json!({ "decision": "reject", "reason": reason, "version": version })).await;
    assert_eq!(res.status(), 200);
    let mail = &app.mails_to("m100003@example.jp").await[0];
    assert_eq!(mail.subject, "【日本循環器学会】自己申告単位申請却下のお知らせ");
    assert!(mail.body.contains(reason));
    let link = format!("{}/credit.html?member_no=100003&no={no}", app.url);
    assert!(mail.body.contains(&link), "{}", mail.body);
    let c = credit(&member, "100003", &no).await;
    assert_eq!((c["status_label"].as_str(), c["rejection_reason"].as_str()), (Some("却下"), Some(reason)));
    let allowance: Value = member.get("/api/members/100003/credits/allowance").await.json().await.unwrap();
    assert_eq!(allowance["reported"], 0, "a rejection gives the units back");
    // The audit trail has who, what, before, after and why.
    let trail: Value = staff.get(&format!("/api/staff/members/100003/audit?record={no}")).await.json().await.unwrap();
    // The member's request first, then the decision.
    assert_eq!(
        (trail["entries"][0]["actor_id"].as_str(), trail["entries"][0]["action"].as_str()),
        (Some("100003"), Some("credit.request"))
    );
    let e = &trail["entries"][1];
    assert_eq!(
        (e["actor_id"].as_str(), e["action"].as_str(), e["before"].as_str(), e["after"].as_str(), e["reason"].as_str()),
        (Some("staff01"), Some("credit.reject"), Some("承認申請中"), Some("却下"), Some(reason))
    );

    // Correct (a new file, other details) and request again.
    let put = member.put(&format!("/api/members/100003/credits/{no}"), meeting("2025-05-10")).await;
    assert_eq!(put.status(), 200);
    let (_, key) = upload(&member, "100003", &no, "application/pdf", PDF).await;
    complete(&member, "100003", &no, &key, "application/pdf").await;
    let c: Value = request(&member, "100003", &no).await.json().await.unwrap();
    assert_eq!(c["status_label"], "承認申請中");
    let before: Value = member.get("/api/members/100003/eligibility").await.json().await.unwrap();
    let res = staff.post(&path, json!({ "decision": "approve", "reason": "", "version": c["version"] })).await;
    assert_eq!(res.status(), 200);
    let after: Value = member.get("/api/members/100003/eligibility").await.json().await.unwrap();
    assert_eq!(
        after["units"]["counted"].as_u64().unwrap(),
        before["units"]["counted"].as_u64().unwrap() + 3,
        "counted at once"
    );
    let c = credit(&member, "100003", &no).await;
    let actions: Vec<&str> =
        c["history"].as_array().unwrap().iter().map(|h| h["action"]["label"].as_str().unwrap()).collect();
    assert_eq!(actions, ["承認申請", "却下", "承認申請", "承認"]);
    assert!(c["history"][1]["actor"].as_str().unwrap().contains("事務局"));
}

#[tokio::test]
async fn a_pending_request_is_withdrawn_with_its_units_given_back() {
    let app = spawn_app().await;
    let b = app.login("100003", DEMO_PASSWORD).await;
    let (no, _) = pending_with_proof(&app, &b, "100003").await;
    let a: Value = b.get("/api/members/100003/credits/allowance").await.json().await.unwrap();
    assert_eq!(a["reported"], 3);
    let res =
        b.post(&format!("/api/members/100003/credits/{no}/withdraw"), json!({ "comment": "誤って申請しました" })).await;
    assert_eq!(res.status(), 200);
    let c: Value = res.json().await.unwrap();
    assert_eq!(c["status_label"], "取り下げ");
    let a: Value = b.get("/api/members/100003/credits/allowance").await.json().await.unwrap();
    assert_eq!(a["reported"], 0);
    let twice = b.post(&format!("/api/members/100003/credits/{no}/withdraw"), json!({})).await;
    assert_eq!(twice.status(), 409);
}

#[tokio::test]
async fn the_cap_refuses_a_new_report_at_eighteen_and_a_request_that_would_go_over() {
    let app = spawn_app().await;
    let full = app.login("100004", DEMO_PASSWORD).await;
    let a: Value = full.get("/api/members/100004/credits/allowance").await.json().await.unwrap();
    assert_eq!((a["remaining"].as_u64(), a["cap"].as_u64()), (Some(0), Some(18)));
    assert!(a["message"].as_str().unwrap().contains("これ以上自己申告できません"));
    let res = create(&full, "100004", meeting("2025-04-20")).await;
    assert_eq!(res.status(), 409);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "self_report_cap_reached");

    // 100001 has 12: a paper of 5 fits (17), then a meeting of 3 would go over.
    let b = app.login("100001", DEMO_PASSWORD).await;
    let paper = json!({ "unit_code": "PAPER-1ST", "title": "心房細動の一例", "journal": "循環器誌 12(3)", "earned_on": "2025-06-01" });
    let res = create(&b, "100001", paper).await;
    let paper_no = res.json::<Value>().await.unwrap()["credit_no"].as_str().unwrap().to_owned();
    let (_, key) = upload(&b, "100001", &paper_no, "application/pdf", PDF).await;
    complete(&b, "100001", &paper_no, &key, "application/pdf").await;
    assert_eq!(request(&b, "100001", &paper_no).await.status(), 200);
    let no = draft(&b, "100001").await;
    let (_, key) = upload(&b, "100001", &no, "application/pdf", PDF).await;
    complete(&b, "100001", &no, &key, "application/pdf").await;
    let res = request(&b, "100001", &no).await;
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "self_report_over_cap");
    assert!(body["message"].as_str().unwrap().contains("あと1単位"), "{body}");
}

#[tokio::test]
async fn store_calls_of_the_self_report_workflow() {
    let app = spawn_app().await;
    let b = app.login("100003", DEMO_PASSWORD).await;
    let no = draft(&b, "100003").await;
    let (_, key) = upload(&b, "100003", &no, "application/pdf", PDF).await;
    complete(&b, "100003", &no, &key, "application/pdf").await;
    app.store.take();
    request(&b, "100003", &no).await;
    assert_eq!(app.store.take(), 3, "承認申請: partition + rule (concurrent), then one transaction");
    b.get("/api/members/100003/profile").await;
    assert_eq!(app.store.take(), 1, "the member page is still one Query");
    let staff = app.login_staff("staff01").await;
    app.store.take();
    staff.get("/api/staff/credits/pending").await;
    assert_eq!(app.store.take(), 2, "queue page: the staff session + one Query");
}
