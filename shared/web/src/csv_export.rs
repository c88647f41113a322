//! CSV export of a staff list: every row, page by page as the store returns them,
//! UTF-8 with BOM (Excel) or Shift_JIS, cells neutralised by [`CsvWriter`]. The first
//! page is read before the answer starts, so a store outage is a clear 503; a failure
//! later ends the download (the browser reports it incomplete).

use std::future::Future;

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use portal_app::Fault;
use portal_domain::FieldError;
use portal_domain::csv::{CsvEncoding, CsvWriter};

use crate::ApiError;

/// Rows per store call of an export.
pub const EXPORT_PAGE: usize = 500;

/// The `fiscal_year` filter of a staff list: a four-digit 年度.
pub fn fiscal_year(raw: &str) -> Result<i32, ApiError> {
    raw.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| ApiError::invalid_field(FieldError::new("fiscal_year", "年度は西暦4桁で入力してください。")))
}

/// A time as a cell: JST to the minute.
pub fn jst_minute(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&portal_domain::Jst::offset()).format("%Y-%m-%d %H:%M").to_string()
}

/// A page of cells and where the next one starts.
pub type CsvPage = (Vec<Vec<String>>, Option<String>);

/// The `encoding` query parameter.
pub fn encoding(raw: &str) -> Result<CsvEncoding, ApiError> {
    match raw {
        "" | "utf-8" => Ok(CsvEncoding::Utf8),
        "shift_jis" => Ok(CsvEncoding::ShiftJis),
        _ => Err(ApiError::invalid_field(FieldError::new(
            "encoding",
            "文字コードは UTF-8 か Shift_JIS を選んでください。",
        ))),
    }
}

/// The download: `header`, then every page `fetch` returns from the first (`None`) on.
pub async fn download<F, Fut>(
    encoding: CsvEncoding,
    file_name: String,
    header: &[&str],
    fetch: F,
) -> Result<Response, ApiError>
where
    F: Fn(Option<String>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<CsvPage, Fault>> + Send + 'static,
{
    let first = fetch(None).await?;
    let mut writer = CsvWriter::new(encoding);
    let mut head = writer.start().to_vec();
    head.extend(writer.row(header).map_err(|_| ApiError::misconfigured("CSV header"))?);
    let fetch = std::sync::Arc::new(fetch);
    let stream = futures_util::stream::unfold(Some((first, writer, Some(head))), move |state| {
        let fetch = fetch.clone();
        async move {
            let ((rows, next), mut writer, head) = state?;
            let mut chunk = head.unwrap_or_default();
            for cells in &rows {
                match writer.row(cells) {
                    Ok(bytes) => chunk.extend(bytes),
                    Err(e) => return Some((Err(std::io::Error::other(e.to_string())), None)),
                }
            }
            let next = match next {
                None => None,
                Some(after) => match fetch(Some(after)).await {
                    Ok(p) => Some((p, writer, None)),
                    Err(e) => return Some((Err(std::io::Error::other(e.to_string())), None)),
                },
            };
            Some((Ok(Bytes::from(chunk)), next))
        }
    });
    let charset = match encoding {
        CsvEncoding::Utf8 => "utf-8",
        CsvEncoding::ShiftJis => "shift_jis",
    };
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_str(&format!("text/csv; charset={charset}")).expect("ascii")),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")).expect("ascii"),
        ),
    ];
    Ok((headers, Body::from_stream(stream)).into_response())
}
