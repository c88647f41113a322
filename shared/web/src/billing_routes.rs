//! Route group `billing` (function `billing`): 会費請求/入金状況 and 請求収納の照会.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use portal_app::billing;
use serde_json::json;

use crate::applications_routes::path_member;
use crate::session::MemberClaims;
use crate::{ApiError, AppState, layers, views};

pub const ROUTES: &[(&str, &str)] =
    &[("GET", "/api/members/{member_no}/invoices"), ("GET", "/api/members/{member_no}/invoices/{invoice_no}")];

pub fn router(state: AppState) -> Router {
    let r = Router::new()
        .route("/api/members/{member_no}/invoices", get(list))
        .route("/api/members/{member_no}/invoices/{invoice_no}", get(show));
    layers::api(r, state)
}

/// One store call: the partition Query also confirms the session.
async fn list(State(s): State<AppState>, m: MemberClaims, Path(no): Path<String>) -> Result<Response, ApiError> {
    let r = billing::invoices(&s.app, m.member_no, m.claims.ver, path_member(&no)?).await?;
    let today = s.app.clock.today();
    Ok(Json(json!({
        "collection_method": { "code": r.collection_method, "label": r.collection_method.label() },
        "invoices": r.invoices.iter().map(|i| views::invoice(i, today)).collect::<Vec<_>>(),
    }))
    .into_response())
}

async fn show(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, invoice_no)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let i = billing::invoice(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &invoice_no).await?;
    Ok(Json(views::invoice(&i, s.app.clock.today())).into_response())
}
