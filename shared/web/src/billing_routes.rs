//! Route group `billing` (function `billing`): 会費請求/入金状況 and 請求収納の照会.

use axum::extract::{Path, State};
use axum::{Json, Router};
use portal_app::billing;

use crate::applications_routes::path_member;
use crate::routes::{Access, Route};
use crate::session::MemberClaims;
use crate::views::{self, InvoiceList, InvoiceView, Labelled};
use crate::{ApiError, AppState, routes};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/members/{member_no}/invoices", Access::Member, list),
        Route::get("/api/members/{member_no}/invoices/{invoice_no}", Access::Member, show),
    ]
}

pub fn router(state: AppState) -> Router {
    routes::router(routes(), state)
}

/// One store call: the partition Query also confirms the session.
async fn list(
    State(s): State<AppState>,
    m: MemberClaims,
    Path(no): Path<String>,
) -> Result<Json<InvoiceList>, ApiError> {
    let r = billing::invoices(&s.app, m.member_no, m.claims.ver, path_member(&no)?).await?;
    let today = s.app.clock.today();
    Ok(Json(InvoiceList {
        collection_method: Labelled { code: r.collection_method, label: r.collection_method.label() },
        invoices: r.invoices.iter().map(|i| views::invoice(i, today)).collect(),
    }))
}

async fn show(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, invoice_no)): Path<(String, String)>,
) -> Result<Json<InvoiceView>, ApiError> {
    let i = billing::invoice(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &invoice_no).await?;
    Ok(Json(views::invoice(&i, s.app.clock.today())))
}
