//! Render time of one 領収書 (scripts/bench; docs/performance.md): the first receipt
//! (reads and parses the font) and the median of the next 50.
//!
//!   cargo run --release -p portal-receipt --example render_bench

use std::time::Instant;

use chrono::NaiveDate;
use portal_domain::receipt::{Issuer, Receipt, ReceiptRenderer};
use portal_domain::{FeeType, InvoiceNo};
use portal_receipt::PdfReceipts;

fn main() {
    let font = concat!(env!("CARGO_MANIFEST_DIR"), "/../../infra/font-layer/fonts/ipaexg.ttf");
    let day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
    let receipt = Receipt {
        receipt_no: "R-2026-000006".into(),
        issuer: Issuer {
            name: "一般社団法人 日本循環器学会".into(),
            address: "東京都千代田区".into(),
            registration_no: Some("T1234567890123".into()),
            renewal_fee_tax: Some(10),
            annual_dues_tax: None,
        },
        recipient: "循環 太郎".into(),
        invoice_no: InvoiceNo::new(2026, 6),
        fee_type: FeeType::RenewalFee,
        fiscal_year: 2026,
        amount: 10_000,
        tax: Some((10, 909)),
        paid_on: day,
        issued_on: day,
        reissue: false,
    };
    let t0 = Instant::now();
    let renderer = PdfReceipts::from_file(font.as_ref()).expect("the font");
    let first = renderer.render(&receipt).expect("a receipt");
    let first_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let mut times: Vec<f64> = (0..50)
        .map(|_| {
            let t = Instant::now();
            renderer.render(&receipt).expect("a receipt");
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "receipt render: first {first_ms:.1} ms (font read and parsed), then median {:.2} ms; {} bytes",
        times[times.len() / 2],
        first.len()
    );
}
