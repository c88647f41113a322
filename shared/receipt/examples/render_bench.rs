//! Render time of one 領収書 (docs/performance.md): the first receipt (reads and parses
//! the font) and the median of the next 50.
//!
//!   cargo run --release -p portal-receipt --example render_bench

use std::time::Instant;

use portal_domain::receipt::ReceiptRenderer;
use portal_receipt::{PdfReceipts, sample};

fn main() {
    let receipt = sample::receipt(false);
    let t0 = Instant::now();
    let renderer = PdfReceipts::from_file(&sample::font_path()).expect("the font");
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
