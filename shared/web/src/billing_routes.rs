//! Route group `billing` (function `billing`): 会費請求/入金状況 and 請求収納の照会.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Json, Router};
use portal_app::{billing, payments};

use crate::applications_routes::path_member;
use crate::routes::{Access, Route};
use crate::session::MemberClaims;
use crate::views::{self, InvoiceList, InvoiceView, Labelled};
use crate::{ApiError, AppState, routes};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/members/{member_no}/invoices", Access::Member, list),
        Route::get("/api/members/{member_no}/invoices/{invoice_no}", Access::Member, show),
        Route::post("/api/members/{member_no}/invoices/{invoice_no}/checkout", Access::Member, checkout),
        Route::post("/api/members/{member_no}/invoices/{invoice_no}/postal-slip", Access::Member, postal_slip),
    ]
}

pub fn router(state: AppState) -> Router {
    routes::router("billing", routes(), state)
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
    let (i, attempt) = billing::invoice(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &invoice_no).await?;
    Ok(Json(views::invoice_with(&i, attempt.as_ref(), s.app.clock.today())))
}

/// 「上記情報を送信して、決済を申し込む」: the attempt is recorded and the buttons are
/// locked before the member is sent to the provider's checkout.
async fn checkout(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, invoice_no)): Path<(String, String)>,
) -> Result<(StatusCode, Json<views::CheckoutStarted>), ApiError> {
    let (attempt, redirect_url) =
        payments::start_checkout(&s.app, s.payments()?, m.member_no, m.claims.ver, path_member(&no)?, &invoice_no)
            .await?;
    Ok((StatusCode::CREATED, Json(views::CheckoutStarted { order_id: attempt.order_id, redirect_url })))
}

/// 「払込票での支払いお申込み」.
async fn postal_slip(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, invoice_no)): Path<(String, String)>,
) -> Result<Json<InvoiceView>, ApiError> {
    let i = payments::request_slip(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &invoice_no).await?;
    tracing::info!(invoice_no = %i.invoice_no, "postal slip requested");
    Ok(Json(views::invoice(&i, s.app.clock.today())))
}
