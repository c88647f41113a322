//! Throughput of the meeting-attendance import (#10) over loopback HTTP against the
//! real app, as the page drives it: upload, 「確認」 (preview), 「取込」 in batches of
//! 500, then the same file again (all rows already imported). 10,000 rows for 2,000
//! members (five meetings each). One run, wall-clock, with the store calls each phase
//! made: `cargo bench -p portal-tests --bench import` (add `PORTAL_TEST_MODE=emulated`
//! and the emulator variables for DynamoDB on moto).

#[path = "../tests/portal/common/mod.rs"]
mod common;

use std::time::Instant;

use portal_app::records::{self, MemberRecord, Tx, When, decode};
use portal_domain::{MemberNo, PersonName};
use serde_json::{Value, json};

const MEMBERS: u32 = 2_000;
const DATES: [&str; 5] = ["2026-04-12", "2026-06-07", "2026-07-19", "2026-09-13", "2026-11-01"];
const BATCH: usize = 500;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(run());
}

async fn run() {
    let app = common::spawn_app().await;
    add_members(&app).await;
    let staff = app.login_staff("staff01").await;
    let mut csv = String::from("会員番号,氏名,単位コード,日付,学術集会名\r\n");
    for i in 0..MEMBERS {
        for d in DATES {
            csv.push_str(&format!("{},会員 {i},RM-ATT,{d},地方会\r\n", 110_000 + i));
        }
    }
    let rows = MEMBERS as usize * DATES.len();
    println!("attendance import: {rows} rows, {} KiB, {MEMBERS} members", csv.len() / 1024);
    app.store.take();

    let t = Instant::now();
    let key = upload(&staff, csv.as_bytes()).await;
    report("upload (ticket + PUT)", t, &app, None);

    let t = Instant::now();
    let res = staff.post("/api/staff/attendance/preview", json!({ "key": key, "encoding": "auto" })).await;
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["counts"]["ready"], rows, "{}", p["counts"]);
    report("確認 (preview)", t, &app, Some(rows));

    let t = Instant::now();
    assert_eq!(import_all(&staff, &key).await, rows);
    report("取込 (batches of 500)", t, &app, Some(rows));

    let t = Instant::now();
    assert_eq!(import_all(&staff, &key).await, 0);
    report("取込 again (all already imported)", t, &app, Some(rows));
}

fn report(what: &str, t: Instant, app: &common::TestApp, rows: Option<usize>) {
    let secs = t.elapsed().as_secs_f64();
    let calls = app.store.take();
    match rows {
        Some(n) => println!("{what:36} {secs:7.2} s  {:9.0} rows/s  {calls:6} store calls", n as f64 / secs),
        None => println!("{what:36} {secs:7.2} s  {calls:23} store calls"),
    }
}

/// 2,000 members like 100001, numbered from 110000, named 「会員 i」.
async fn add_members(app: &common::TestApp) {
    let table = &app.state.app.table;
    let item = table.get(&MemberRecord::key(MemberNo::parse("100001").unwrap())).await.unwrap().unwrap();
    let model = decode::<MemberRecord>(&item).unwrap();
    let all: Vec<u32> = (0..MEMBERS).collect();
    for chunk in all.chunks(50) {
        let mut tx = Tx::<()>::new();
        for i in chunk {
            let mut m = model.clone();
            m.member_no = MemberNo::parse(&(110_000 + i).to_string()).unwrap();
            m.name = PersonName::parse(&format!("会員 {i}")).unwrap();
            tx = tx.write(records::put(
                records::item::<MemberRecord>(MemberRecord::key(m.member_no), &m),
                When::new_item(),
            ));
        }
        tx.run(table.as_ref()).await.unwrap();
    }
}

async fn upload(staff: &common::Browser, bytes: &[u8]) -> String {
    let res = staff.post("/api/staff/attendance/uploads", json!({ "size": bytes.len() })).await;
    let t: Value = res.json().await.unwrap();
    let mut req = reqwest::Client::new().put(t["url"].as_str().unwrap()).body(bytes.to_vec());
    for (k, v) in t["headers"].as_object().unwrap() {
        req = req.header(k, v.as_str().unwrap());
    }
    assert!(req.send().await.unwrap().status().is_success());
    t["key"].as_str().unwrap().to_owned()
}

async fn import_all(staff: &common::Browser, key: &str) -> usize {
    let (mut from, mut created) = (0, 0);
    loop {
        let body = json!({ "key": key, "encoding": "auto", "from": from, "count": BATCH });
        let b: Value = staff.post("/api/staff/attendance/import", body).await.json().await.unwrap();
        created += b["created"].as_u64().unwrap() as usize;
        match b["next"].as_u64() {
            Some(n) => from = n as usize,
            None => return created,
        }
    }
}
