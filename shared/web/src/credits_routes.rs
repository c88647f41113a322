//! Route group `credits` (function `credits`): 単位情報 — the 所定単位表 and its
//! search, self-reports, proof files (signed uploads straight to storage, short-lived
//! download links), 承認申請 and 取り消し. Member routes read the member's partition
//! first, which also confirms the session.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Json, Router};
use portal_app::credits::{self, ProofRequest, UploadRequest};
use portal_domain::SelfReportForm;
use serde::Deserialize;

use crate::applications_routes::path_member;
use crate::json::JsonBody;
use crate::routes::{Access, Route};
use crate::session::MemberClaims;
use crate::views::{self, CreditView, UnitList, UploadTicketView};
use crate::{ApiError, AppState, routes};

const CREDITS: &str = "/api/members/{member_no}/credits";
const CREDIT: &str = "/api/members/{member_no}/credits/{credit_no}";

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/units", Access::Public, units),
        Route::get("/api/members/{member_no}/credits/allowance", Access::Member, allowance),
        Route::post(CREDITS, Access::Member, create),
        Route::get(CREDIT, Access::Member, show),
        Route::put(CREDIT, Access::Member, update),
        Route::post("/api/members/{member_no}/credits/{credit_no}/uploads", Access::Member, upload_ticket),
        Route::post("/api/members/{member_no}/credits/{credit_no}/proofs", Access::Member, add_proof),
        Route::get("/api/members/{member_no}/credits/{credit_no}/proofs/{proof_id}", Access::Member, download),
        Route::post("/api/members/{member_no}/credits/{credit_no}/request-approval", Access::Member, request_approval),
        Route::post("/api/members/{member_no}/credits/{credit_no}/withdraw", Access::Member, withdraw),
    ]
}

pub fn router(state: AppState) -> Router {
    routes::router("credits", routes(), state)
}

pub const SAMPLE_NOTE: &str = "所定単位表の単位数は見本（サンプル値）です。事務局が実際の値に更新します。";

#[derive(Deserialize)]
struct UnitQuery {
    #[serde(default)]
    q: Option<String>,
}

/// The 所定単位表 (no login): all of it, or with `q` the self-reportable entries whose
/// code, name or reading contains the query (width and kana folded). Cacheable.
async fn units(State(s): State<AppState>, Query(q): Query<UnitQuery>) -> Result<Response, ApiError> {
    let table = credits::unit_table(&s.app).await?;
    let units = match q.q.as_deref() {
        Some(query) => portal_domain::unit_table::search(&table, query).into_iter().map(views::unit).collect(),
        None => table.iter().map(views::unit).collect(),
    };
    let mut res = Json(UnitList { note: SAMPLE_NOTE, units }).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    Ok(res)
}

async fn allowance(
    State(s): State<AppState>,
    m: MemberClaims,
    Path(no): Path<String>,
) -> Result<Json<views::Allowance>, ApiError> {
    let a = credits::allowance(&s.app, m.member_no, m.claims.ver, path_member(&no)?).await?;
    let message = (a.remaining == 0).then(|| portal_app::CreditError::CapReached { cap: a.cap }.to_string());
    Ok(Json(views::Allowance { reported: a.reported, cap: a.cap, remaining: a.remaining, message }))
}

async fn create(
    State(s): State<AppState>,
    m: MemberClaims,
    Path(no): Path<String>,
    JsonBody(form): JsonBody<SelfReportForm>,
) -> Result<(StatusCode, Json<CreditView>), ApiError> {
    let c = credits::create(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &form).await?;
    tracing::info!(credit_no = %c.credit_no, "self-report created");
    Ok((StatusCode::CREATED, Json(views::credit(&c))))
}

async fn show(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, credit_no)): Path<(String, String)>,
) -> Result<Json<CreditView>, ApiError> {
    let c = credits::get(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &credit_no).await?;
    Ok(Json(views::credit(&c)))
}

async fn update(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, credit_no)): Path<(String, String)>,
    JsonBody(form): JsonBody<SelfReportForm>,
) -> Result<Json<CreditView>, ApiError> {
    let c = credits::update(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &credit_no, &form).await?;
    Ok(Json(views::credit(&c)))
}

async fn upload_ticket(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, credit_no)): Path<(String, String)>,
    JsonBody(req): JsonBody<UploadRequest>,
) -> Result<(StatusCode, Json<UploadTicketView>), ApiError> {
    let (key, t) =
        credits::upload_ticket(&s.app, s.files()?, m.member_no, m.claims.ver, path_member(&no)?, &credit_no, &req)
            .await?;
    let headers: BTreeMap<String, String> = t.headers.into_iter().collect();
    let view = UploadTicketView {
        key: key.as_str().to_owned(),
        method: t.method,
        url: t.url,
        headers,
        expires_at: t.expires_at,
    };
    Ok((StatusCode::CREATED, Json(view)))
}

async fn add_proof(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, credit_no)): Path<(String, String)>,
    JsonBody(req): JsonBody<ProofRequest>,
) -> Result<Json<CreditView>, ApiError> {
    let c =
        credits::add_proof(&s.app, s.files()?, m.member_no, m.claims.ver, path_member(&no)?, &credit_no, &req).await?;
    tracing::info!(credit_no = %c.credit_no, "proof file added");
    Ok(Json(views::credit(&c)))
}

/// 303 to a five-minute link that downloads the file as an attachment.
async fn download(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, credit_no, proof_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let member = path_member(&no)?;
    let c = credits::get(&s.app, m.member_no, m.claims.ver, member, &credit_no).await?;
    let link = credits::download_link(&s.app, s.files()?, member, &c, &proof_id).await?;
    Ok(Redirect::to(&link).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct CommentBody {
    comment: String,
}

async fn request_approval(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, credit_no)): Path<(String, String)>,
    JsonBody(b): JsonBody<CommentBody>,
) -> Result<Json<CreditView>, ApiError> {
    let c =
        credits::request_approval(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &credit_no, &b.comment).await?;
    tracing::info!(credit_no = %c.credit_no, "self-report approval requested");
    Ok(Json(views::credit(&c)))
}

async fn withdraw(
    State(s): State<AppState>,
    m: MemberClaims,
    Path((no, credit_no)): Path<(String, String)>,
    JsonBody(b): JsonBody<CommentBody>,
) -> Result<Json<CreditView>, ApiError> {
    let c = credits::withdraw(&s.app, m.member_no, m.claims.ver, path_member(&no)?, &credit_no, &b.comment).await?;
    tracing::info!(credit_no = %c.credit_no, "self-report withdrawn");
    Ok(Json(views::credit(&c)))
}
