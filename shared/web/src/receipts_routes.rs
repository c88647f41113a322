//! Route group `receipts` (function `receipts`): 「領収書」 as a PDF. The only group
//! that renders PDFs, so only its function loads the Japanese font (a Lambda layer).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use portal_app::billing;

use crate::applications_routes::path_member;
use crate::routes::{Access, Route};
use crate::session::MemberClaims;
use crate::{ApiError, AppState, routes};

pub fn routes() -> Vec<Route> {
    vec![Route::get("/api/members/{member_no}/invoices/{invoice_no}/receipt", Access::Member, receipt)]
}

pub fn router(state: AppState) -> Router {
    routes::router("receipts", routes(), state)
}

async fn receipt(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, invoice_no)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let renderer = s.receipts()?;
    let r = billing::issue_receipt(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &invoice_no).await?;
    let pdf = renderer.render(&r).map_err(|e| ApiError::misconfigured("receipt rendering failed").with_log(e))?;
    tracing::info!(receipt_no = %r.receipt_no, reissue = r.reissue, "receipt issued");
    let name = format!("領収書_{}.pdf", r.receipt_no);
    let disposition = format!(
        "attachment; filename=\"{}.pdf\"; filename*=UTF-8''{}",
        r.receipt_no,
        utf8_percent_encode(&name, NON_ALPHANUMERIC)
    );
    let mut res = pdf.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
