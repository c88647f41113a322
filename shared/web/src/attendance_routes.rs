//! 学術集会・地方会の参加記録の取込 (part of the `staff` function): upload ticket,
//! preview, and the batches of 「取込」 the page drives.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use portal_app::attendance::{self, CheckedRow, Counts, RowStatus};
use portal_domain::FieldError;
use portal_domain::csv::CsvEncoding;
use serde::{Deserialize, Serialize};

use crate::routes::Route;
use crate::session::StaffSession;
use crate::staff_routes::REVIEWER;
use crate::views::UploadTicketView;
use crate::{ApiError, AppState};

pub fn routes() -> Vec<Route> {
    vec![
        Route::post("/api/staff/attendance/uploads", REVIEWER, upload_ticket),
        Route::post("/api/staff/attendance/preview", REVIEWER, preview),
        Route::post("/api/staff/attendance/import", REVIEWER, import),
    ]
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct UploadBody {
    #[serde(deserialize_with = "portal_domain::field_error::whole_number::deserialize")]
    size: i64,
}

async fn upload_ticket(
    State(s): State<AppState>,
    st: StaffSession,
    crate::json::JsonBody(b): crate::json::JsonBody<UploadBody>,
) -> Result<(StatusCode, Json<UploadTicketView>), ApiError> {
    let size = u64::try_from(b.size).unwrap_or(0);
    let (key, t) = attendance::upload_ticket(&s.app, s.files()?, &st.staff_id, size).await?;
    let view = UploadTicketView {
        key: key.as_str().to_owned(),
        method: t.method,
        url: t.url,
        headers: t.headers.into_iter().collect(),
        expires_at: t.expires_at,
    };
    Ok((StatusCode::CREATED, Json(view)))
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct FileBody {
    key: String,
    /// `auto` (detected), `utf-8` or `shift_jis`.
    encoding: String,
    /// Import only: the first row of the batch and how many rows.
    #[serde(deserialize_with = "portal_domain::field_error::whole_number::deserialize")]
    from: i64,
    #[serde(deserialize_with = "portal_domain::field_error::whole_number::deserialize")]
    count: i64,
}

fn encoding(raw: &str) -> Result<Option<CsvEncoding>, ApiError> {
    match raw {
        "" | "auto" => Ok(None),
        "utf-8" => Ok(Some(CsvEncoding::Utf8)),
        "shift_jis" => Ok(Some(CsvEncoding::ShiftJis)),
        _ => Err(ApiError::invalid_field(FieldError::new(
            "encoding",
            "文字コードは「自動判別」「UTF-8」「Shift_JIS」から選んでください。",
        ))),
    }
}

const fn encoding_name(e: CsvEncoding) -> &'static str {
    match e {
        CsvEncoding::Utf8 => "utf-8",
        CsvEncoding::ShiftJis => "shift_jis",
    }
}

#[derive(Serialize)]
struct CountsView {
    total: usize,
    ready: usize,
    already: usize,
    refused: usize,
}

impl From<&Counts> for CountsView {
    fn from(c: &Counts) -> Self {
        CountsView { total: c.total, ready: c.ready, already: c.already, refused: c.refused }
    }
}

#[derive(Serialize)]
struct RefusedRowView {
    line: usize,
    member_no: String,
    name: String,
    unit_code: String,
    date: String,
    problems: Vec<String>,
}

impl From<CheckedRow> for RefusedRowView {
    fn from(r: CheckedRow) -> Self {
        let c = r.read.cells;
        let problems = match r.status {
            RowStatus::Refused(p) => p,
            _ => Vec::new(),
        };
        RefusedRowView {
            line: r.read.line,
            member_no: c.member_no,
            name: c.name,
            unit_code: c.unit_code,
            date: c.date,
            problems,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct PreviewView {
    encoding: &'static str,
    counts: CountsView,
    refused: Vec<RefusedRowView>,
}

/// 「確認」: every row checked against the store, nothing written.
async fn preview(
    State(s): State<AppState>,
    st: StaffSession,
    crate::json::JsonBody(b): crate::json::JsonBody<FileBody>,
) -> Result<Json<PreviewView>, ApiError> {
    let enc = encoding(&b.encoding)?;
    let p = attendance::preview(&s.app, s.files()?, &st.staff_id, &b.key, enc).await?;
    Ok(Json(PreviewView {
        encoding: encoding_name(p.encoding),
        counts: (&p.counts).into(),
        refused: p.refused.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Serialize)]
pub(crate) struct BatchView {
    created: usize,
    counts: CountsView,
    next: Option<usize>,
    rows: usize,
}

/// 「取込」 of one batch; the page calls again from `next` until there is none.
async fn import(
    State(s): State<AppState>,
    st: StaffSession,
    crate::json::JsonBody(b): crate::json::JsonBody<FileBody>,
) -> Result<Json<BatchView>, ApiError> {
    let enc = encoding(&b.encoding)?;
    let from = usize::try_from(b.from).map_err(|_| bad_range("from"))?;
    let count = usize::try_from(b.count).ok().filter(|c| (1..=5000).contains(c)).ok_or_else(|| bad_range("count"))?;
    let r = attendance::import(&s.app, s.files()?, &st.actor(), &st.staff_id, &b.key, enc, from, count).await?;
    tracing::info!(staff_id = %st.staff_id, created = r.created, from, "attendance imported");
    Ok(Json(BatchView { created: r.created, counts: (&r.counts).into(), next: r.next, rows: r.rows }))
}

fn bad_range(field: &str) -> ApiError {
    ApiError::invalid_field(FieldError::new(field, "取込の範囲が正しくありません（1回に5000行まで）。"))
}
