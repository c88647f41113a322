//! 学術集会・地方会の参加記録の取込: upload (signed, to file storage), preview with
//! per-row errors, 「取込」 in batches; idempotent (the same file twice creates nothing
//! new); Shift_JIS and UTF-8 (with or without BOM); hostile files refused.

use serde_json::{Value, json};

use crate::common::{Browser, DEMO_PASSWORD, TestApp, spawn_app};
use crate::http_credits;

const HEADER: &str = "会員番号,氏名,単位コード,日付,学術集会名\r\n";

/// Uploads `bytes` as an attendance CSV; returns its key.
pub(crate) async fn upload(staff: &Browser, bytes: &[u8]) -> String {
    let res = staff.post("/api/staff/attendance/uploads", json!({ "size": bytes.len() })).await;
    assert_eq!(res.status(), 201, "upload ticket");
    let t: Value = res.json().await.unwrap();
    assert_eq!(http_credits::put(&t, bytes, None).await, 200, "upload");
    t["key"].as_str().unwrap().to_owned()
}

pub(crate) async fn preview(staff: &Browser, key: &str, encoding: &str) -> (u16, Value) {
    let res = staff.post("/api/staff/attendance/preview", json!({ "key": key, "encoding": encoding })).await;
    (res.status().as_u16(), res.json().await.unwrap_or_default())
}

/// 「取込」 the whole file in batches of `batch` rows, as the page does; returns the
/// credits created.
pub(crate) async fn import_all(staff: &Browser, key: &str, batch: usize) -> usize {
    let (mut from, mut created) = (0, 0);
    loop {
        let body = json!({ "key": key, "encoding": "auto", "from": from, "count": batch });
        let res = staff.post("/api/staff/attendance/import", body).await;
        assert_eq!(res.status(), 200);
        let b: Value = res.json().await.unwrap();
        created += b["created"].as_u64().unwrap() as usize;
        match b["next"].as_u64() {
            Some(n) => from = n as usize,
            None => return created,
        }
    }
}

async fn meeting_credits(app: &TestApp, member: &str) -> Vec<Value> {
    let b = app.login(member, DEMO_PASSWORD).await;
    let p: Value = b.get(&format!("/api/members/{member}/profile")).await.json().await.unwrap();
    p["credits"].as_array().unwrap().iter().filter(|c| c["source"] == "meeting").cloned().collect()
}

#[tokio::test]
async fn a_file_with_one_bad_row_previews_it_imports_the_rest_and_twice_creates_nothing_new() {
    let app = spawn_app().await;
    let staff = app.login_staff("staff01").await;
    let before = meeting_credits(&app, "100001").await.len();
    let csv = format!(
        "{HEADER}100001,循環 太郎,AM90-ATT,2026/5/17,第90回学術集会\r\n\
         100002,心臓　花子,RM-ATT,2026-06-01,地方会\r\n\
         100003,別人 三郎,RM-ATT,2026-06-01,地方会\r\n\
         100009,誰か,RM-ATT,2026-06-01,地方会\r\n\
         100001,循環 太郎,NO-SUCH,2026-06-01,地方会\r\n\
         100001,循環 太郎,RM-ATT,2021-05-01,前の認定期間\r\n\
         100001,循環 太郎,AM90-ATT,2026-05-17,重複\r\n"
    );
    let key = upload(&staff, csv.as_bytes()).await;
    let (status, p) = preview(&staff, &key, "auto").await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["encoding"], "utf-8");
    assert_eq!(p["counts"], json!({ "total": 7, "ready": 2, "already": 0, "refused": 5 }));
    let lines: Vec<u64> = p["refused"].as_array().unwrap().iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [4, 5, 6, 7, 8]);
    let problem = |line: u64| {
        p["refused"].as_array().unwrap().iter().find(|r| r["line"] == line).unwrap()["problems"][0]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(problem(4).contains("氏名が会員の登録（血管 次郎）と一致しません"), "{}", problem(4));
    assert!(problem(5).contains("100009 の会員は登録されていません"));
    assert!(problem(6).contains("NO-SUCH は所定単位表にありません"));
    assert!(problem(7).contains("認定期間"), "another season: {}", problem(7));
    assert!(problem(8).contains("2行目と同じ参加記録"));
    // The preview wrote nothing.
    assert_eq!(meeting_credits(&app, "100001").await.len(), before);

    assert_eq!(import_all(&staff, &key, 3).await, 2);
    let credits = meeting_credits(&app, "100001").await;
    assert_eq!(credits.len(), before + 1);
    let new = credits.iter().find(|c| c["unit_code"] == "AM90-ATT").unwrap();
    assert_eq!(new["status"], "approved");
    assert_eq!(new["title"], "第90回学術集会");

    // The same file again (another upload of it): nothing new; the preview says so.
    let again = upload(&staff, csv.as_bytes()).await;
    let (_, p) = preview(&staff, &again, "auto").await;
    assert_eq!(p["counts"]["already"], 2);
    assert_eq!(p["counts"]["ready"], 0);
    assert_eq!(import_all(&staff, &again, 100).await, 0);
    assert_eq!(meeting_credits(&app, "100001").await.len(), before + 1);
}

#[tokio::test]
async fn shift_jis_and_utf8_with_bom_read_the_same() {
    let app = spawn_app().await;
    let staff = app.login_staff("staff01").await;
    let text = format!("{HEADER}100001,循環 太郎,RM-PRE,2026-07-01,地方会\r\n");
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable);
    let key = upload(&staff, &sjis).await;
    let (status, p) = preview(&staff, &key, "auto").await;
    assert_eq!(status, 200, "{p}");
    assert_eq!((p["encoding"].as_str(), p["counts"]["ready"].as_u64()), (Some("shift_jis"), Some(1)));
    // Chosen wrongly, the file is refused with the line of the first bad bytes.
    let (status, p) = preview(&staff, &key, "utf-8").await;
    assert_eq!(status, 400);
    assert_eq!(p["code"], "csv_refused");
    assert!(p["message"].as_str().unwrap().contains("UTF-8"), "{p}");
    let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    let key = upload(&staff, &bom).await;
    let (_, p) = preview(&staff, &key, "auto").await;
    assert_eq!((p["encoding"].as_str(), p["counts"]["ready"].as_u64()), (Some("utf-8"), Some(1)));
    assert_eq!(import_all(&staff, &key, 10).await, 1);
    // The Shift_JIS copy of the same row is now already imported.
    let (_, p) = preview(&staff, &upload(&staff, &sjis).await, "shift_jis").await;
    assert_eq!(p["counts"]["already"], 1);
}

#[tokio::test]
async fn hostile_or_malformed_files_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let staff = app.login_staff("staff01").await;
    // Over 10 MB: no ticket at all.
    let res = staff.post("/api/staff/attendance/uploads", json!({ "size": 10 * 1024 * 1024 + 1 })).await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "file");
    // No header for the unit code.
    let key = upload(&staff, "会員番号,氏名,日付\r\n100001,循環 太郎,2026-05-17\r\n".as_bytes()).await;
    let (status, p) = preview(&staff, &key, "auto").await;
    assert_eq!((status, p["code"].as_str()), (400, Some("csv_refused")));
    assert!(p["message"].as_str().unwrap().contains("単位コード"));
    // An unclosed quote names its line.
    let key = upload(&staff, format!("{HEADER}100001,\"循環 太郎,AM90-ATT,2026-05-17,x\r\n").as_bytes()).await;
    let (status, p) = preview(&staff, &key, "auto").await;
    assert_eq!(status, 400);
    assert!(p["message"].as_str().unwrap().contains("2行目"), "{p}");
    // Neither UTF-8 nor Shift_JIS.
    let key = upload(&staff, &[0xff, 0xfe, 0x00, 0x41, 0x80, 0x81, 0xff]).await;
    assert_eq!(preview(&staff, &key, "auto").await.0, 400);
    // Formula-looking cells are data, never evaluated: refused as a bad member number.
    let key = upload(&staff, format!("{HEADER}=HYPERLINK(\"x\"),循環 太郎,AM90-ATT,2026-05-17,x\r\n").as_bytes()).await;
    let (_, p) = preview(&staff, &key, "auto").await;
    assert_eq!(p["counts"]["refused"], 1);
    // Another staff member's file, a made-up key, a wrong encoding name.
    let admin = app.login_staff("admin01").await;
    assert_eq!(preview(&admin, &key, "auto").await.0, 404);
    assert_eq!(preview(&staff, "imports/staff01/0123456789abcdef", "auto").await.0, 404);
    assert_eq!(preview(&staff, "proofs/100001/C-000001/0123456789abcdef", "auto").await.0, 404);
    assert_eq!(preview(&staff, &key, "latin1").await.0, 400);
    let res = staff.post("/api/staff/attendance/import", json!({ "key": key, "from": 0, "count": 0 })).await;
    assert_eq!(res.status(), 400);
    // A member cannot reach any of it.
    let member = app.login("100001", DEMO_PASSWORD).await;
    assert_eq!(member.post("/api/staff/attendance/uploads", json!({ "size": 10 })).await.status(), 401);
}

#[tokio::test]
async fn two_staff_importing_the_same_file_at_once_create_each_credit_once() {
    let app = spawn_app().await;
    let (a, b) = (app.login_staff("staff01").await, app.login_staff("admin01").await);
    let mut csv = HEADER.to_owned();
    for (m, name) in [("100001", "循環 太郎"), ("100002", "心臓 花子"), ("100003", "血管 次郎")] {
        for day in 1..=20 {
            csv.push_str(&format!("{m},{name},RM-ATT,2026-06-{day:02},地方会\r\n"));
        }
    }
    let (ka, kb) = (upload(&a, csv.as_bytes()).await, upload(&b, csv.as_bytes()).await);
    let (ca, cb) = tokio::join!(import_all(&a, &ka, 7), import_all(&b, &kb, 11));
    assert_eq!(ca + cb, 60, "each attendance once: {ca} + {cb}");
    let (_, p) = preview(&a, &ka, "auto").await;
    assert_eq!(p["counts"]["already"], 60);
}
