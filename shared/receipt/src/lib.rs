//! 領収書 as PDF: A4, drawn with krilla, with IPAex Gothic embedded as the subset of
//! glyphs each receipt uses (a receipt is a few tens of KiB). The font is read once
//! from a file (a Lambda layer on AWS), so no binary carries it, and only when the first
//! receipt is drawn: reading and parsing 6 MB tripled the cold start of the function for
//! every request that was not a receipt (docs/performance.md).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use krilla::Document;
use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use portal_domain::receipt::{Receipt, ReceiptRenderer, RenderError};

/// A4 in points.
const A4: (f32, f32) = (595.28, 841.89);

pub struct PdfReceipts {
    /// Read on first use; a font that cannot be read stays an error (every receipt
    /// reports it) rather than being retried on each request.
    font: OnceLock<Result<Font, String>>,
    path: PathBuf,
}

fn parse(bytes: Vec<u8>) -> Result<Font, String> {
    let data: krilla::Data = Arc::new(bytes).into();
    Font::new(data, 0).ok_or_else(|| "the font cannot be read".to_owned())
}

impl PdfReceipts {
    /// The TrueType/OpenType font at `path` (e.g. IPAex Gothic), read when the first
    /// receipt is drawn. A missing file is an error now, at start-up.
    pub fn from_file(path: &Path) -> Result<Self, RenderError> {
        std::fs::metadata(path).map_err(|e| RenderError(format!("font {}: {e}", path.display())))?;
        Ok(PdfReceipts { font: OnceLock::new(), path: path.to_owned() })
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, RenderError> {
        let font = parse(bytes).map_err(RenderError)?;
        Ok(PdfReceipts { font: OnceLock::from(Ok(font)), path: PathBuf::new() })
    }

    fn font(&self) -> Result<Font, RenderError> {
        let loaded = self.font.get_or_init(|| {
            let bytes = std::fs::read(&self.path).map_err(|e| format!("font {}: {e}", self.path.display()))?;
            parse(bytes)
        });
        loaded.clone().map_err(RenderError)
    }
}

fn yen(n: u32) -> String {
    let s = n.to_string();
    let mut out = String::from("¥");
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn date(d: chrono::NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

impl ReceiptRenderer for PdfReceipts {
    fn render(&self, r: &Receipt) -> Result<Vec<u8>, RenderError> {
        let mut document = Document::new();
        let settings = PageSettings::from_wh(A4.0, A4.1).ok_or_else(|| RenderError("page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let font = self.font()?;
        let mut text = |x: f32, y: f32, size: f32, s: &str| {
            surface.draw_text(Point::from_xy(x, y), font.clone(), size, s, false, TextDirection::Auto);
        };
        let left = 60.0;
        text(A4.0 / 2.0 - 48.0, 90.0, 32.0, "領 収 書");
        if r.reissue {
            text(A4.0 - 140.0, 60.0, 16.0, "再発行");
        }
        text(A4.0 - 240.0, 120.0, 10.5, &format!("領収書番号　{}", r.receipt_no));
        text(A4.0 - 240.0, 136.0, 10.5, &format!("発行日　　　{}", date(r.issued_on)));
        text(left, 190.0, 18.0, &format!("{}　様", r.recipient));
        text(left, 260.0, 12.0, "金額");
        text(left + 60.0, 262.0, 28.0, &format!("{}-", yen(r.amount)));
        let tax = match r.tax {
            Some((rate, t)) => format!("（うち消費税等 {}% {}）", rate, yen(t)),
            None => "（不課税）".to_owned(),
        };
        text(left + 60.0, 288.0, 11.0, &tax);
        text(left, 330.0, 12.0, &format!("但し　{}（{}年度）として", r.fee_type.label(), r.fiscal_year));
        text(left, 350.0, 12.0, &format!("請求番号（管理NO）　{}", r.invoice_no));
        text(left, 370.0, 12.0, &format!("入金日　{}", date(r.paid_on)));
        text(left, 395.0, 12.0, "上記正に領収いたしました。");
        let mut y = 470.0;
        text(A4.0 - 300.0, y, 13.0, &r.issuer.name);
        y += 20.0;
        text(A4.0 - 300.0, y, 10.5, &r.issuer.address);
        if let Some(no) = &r.issuer.registration_no {
            y += 18.0;
            text(A4.0 - 300.0, y, 10.5, &format!("登録番号　{no}"));
        }
        // The line under the amount and the frame of the amount.
        let mut pb = PathBuilder::new();
        pb.move_to(left, 272.0);
        pb.line_to(left + 320.0, 272.0);
        if let Some(path) = pb.finish() {
            surface.set_fill(None::<Fill>);
            surface.set_stroke(Some(Stroke { width: 0.8, ..Stroke::default() }));
            surface.draw_path(&path);
        }
        surface.finish();
        page.finish();
        document.finish().map_err(|e| RenderError(format!("{e:?}")))
    }
}

/// The receipt and font the test and the render benchmark (examples/render_bench.rs)
/// draw: one definition, so the benchmark measures what the test checks.
#[doc(hidden)]
pub mod sample {
    use chrono::NaiveDate;
    use portal_domain::receipt::{Issuer, Receipt};
    use portal_domain::{FeeType, InvoiceNo};

    /// IPAex Gothic in the repository (the Lambda layer's content).
    pub fn font_path() -> std::path::PathBuf {
        std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../infra/font-layer/fonts/ipaexg.ttf"))
    }

    /// A paid renewal fee of 10,000 yen with 10% tax.
    pub fn receipt(reissue: bool) -> Receipt {
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        Receipt {
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
            paid_on: d,
            issued_on: d,
            reissue,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_is_a_small_pdf_with_the_font_subsetted() {
        let r = PdfReceipts::from_file(&sample::font_path()).unwrap();
        let pdf = r.render(&sample::receipt(true)).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        std::fs::write(std::env::temp_dir().join("receipt-test.pdf"), &pdf).unwrap();
        assert!(pdf.len() < 200 * 1024, "a subset, not the 6 MB font: {} bytes", pdf.len());
    }
}
