//! 請求の一覧 and its CSV export (part of the `staff` function).

use axum::Json;
use axum::extract::{Query, State};
use axum::response::Response;
use portal_app::invoice_list::{self, Filter, Row};
use portal_domain::{FeeType, FieldError, MemberNo};
use serde::{Deserialize, Serialize};

use crate::routes::Route;
use crate::staff_routes::REVIEWER;
use crate::views::{self, InvoiceView};
use crate::{ApiError, AppState, csv_export};

/// Rows per page of the list.
const PAGE: usize = 50;

pub fn routes() -> Vec<Route> {
    vec![Route::get("/api/staff/invoices", REVIEWER, list), Route::get("/api/staff/invoices/export", REVIEWER, export)]
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ListQuery {
    fiscal_year: String,
    /// `unpaid`, `paid` or empty (all).
    state: String,
    /// `annual_dues`, `renewal_fee` or empty (all).
    fee_type: String,
    after: Option<String>,
    /// Export only: `utf-8` (with BOM, for Excel) or `shift_jis`.
    encoding: String,
}

fn filter(q: &ListQuery) -> Result<Filter, ApiError> {
    let bad = |field: &str, message: &str| ApiError::invalid_field(FieldError::new(field, message));
    let fiscal_year = csv_export::fiscal_year(&q.fiscal_year)?;
    let paid = match q.state.as_str() {
        "" => None,
        "unpaid" => Some(false),
        "paid" => Some(true),
        _ => return Err(bad("state", "状態は「未納」「納入済」から選んでください。")),
    };
    let fee_type = match q.fee_type.as_str() {
        "" => None,
        "annual_dues" => Some(FeeType::AnnualDues),
        "renewal_fee" => Some(FeeType::RenewalFee),
        _ => return Err(bad("fee_type", "種別は「年会費」「更新料」から選んでください。")),
    };
    Ok(Filter { fiscal_year, paid, fee_type })
}

#[derive(Serialize)]
pub(crate) struct ListRow {
    member_no: MemberNo,
    invoice: InvoiceView,
}

#[derive(Serialize)]
pub(crate) struct ListPage {
    items: Vec<ListRow>,
    next: Option<String>,
}

/// One page of the list (one Query).
async fn list(State(s): State<AppState>, Query(q): Query<ListQuery>) -> Result<Json<ListPage>, ApiError> {
    let f = filter(&q)?;
    let page = invoice_list::page(&s.app, &f, q.after.clone(), PAGE).await?;
    let today = s.app.clock.today();
    let items =
        page.rows.iter().map(|r| ListRow { member_no: r.member_no, invoice: views::invoice(&r.invoice, today) });
    Ok(Json(ListPage { items: items.collect(), next: page.next }))
}

const HEADER: [&str; 10] =
    ["管理NO", "会員番号", "種別", "年度", "金額", "納入期限", "状態", "入金日", "支払方法", "払込票"];

fn cells(r: &Row, today: chrono::NaiveDate) -> [String; 10] {
    let i = &r.invoice;
    [
        i.invoice_no.to_string(),
        r.member_no.to_string(),
        i.fee_type.label().to_owned(),
        i.fiscal_year.year().to_string(),
        i.amount.to_string(),
        i.due_date.to_string(),
        i.status(today).label().to_owned(),
        i.paid_on.map(|d| d.to_string()).unwrap_or_default(),
        i.paid_via.map(|v| v.label().to_owned()).unwrap_or_default(),
        if i.postal_slip.is_some() { "申込あり".to_owned() } else { String::new() },
    ]
}

/// Every row of the list as CSV (see `csv_export`).
async fn export(State(s): State<AppState>, Query(q): Query<ListQuery>) -> Result<Response, ApiError> {
    let f = filter(&q)?;
    let encoding = csv_export::encoding(&q.encoding)?;
    let name = format!("invoices-{}.csv", f.fiscal_year);
    let (app, today) = (s.app.clone(), s.app.clock.today());
    csv_export::download(encoding, name, &HEADER, move |after| {
        let (app, f) = (app.clone(), f.clone());
        async move {
            let page = invoice_list::page(&app, &f, after, csv_export::EXPORT_PAGE).await?;
            Ok((page.rows.iter().map(|r| cells(r, today).to_vec()).collect(), page.next))
        }
    })
    .await
}
