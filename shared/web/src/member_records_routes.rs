//! 会員情報の訂正 and 年会費の入金 (part of the `staff` function): 送付・請求先 and
//! mail address, the dues collection method, a dues payment received by the office.

use axum::Json;
use axum::extract::{Path, State};
use portal_app::member_records;
use portal_domain::Member;
use serde::{Deserialize, Serialize};

use crate::applications_routes::path_member;
use crate::json::JsonBody;
use crate::routes::Route;
use crate::session::StaffSession;
use crate::staff_routes::REVIEWER;
use crate::views::{self, Labelled};
use crate::{ApiError, AppState};

pub fn routes() -> Vec<Route> {
    vec![
        Route::put("/api/staff/members/{member_no}/contact", REVIEWER, correct_contact),
        Route::put("/api/staff/members/{member_no}/collection-method", REVIEWER, collection_method),
        Route::post("/api/staff/members/{member_no}/invoices/{invoice_no}/dues-payment", REVIEWER, dues_payment),
    ]
}

#[derive(Serialize)]
pub(crate) struct MemberRecordView {
    member_no: portal_domain::MemberNo,
    email: String,
    mailing_address: portal_domain::MailingAddress,
    collection_method: Labelled<portal_domain::CollectionMethod>,
}

fn view(m: &Member) -> MemberRecordView {
    MemberRecordView {
        member_no: m.member_no,
        email: m.email.as_str().to_owned(),
        mailing_address: m.mailing_address.clone(),
        collection_method: Labelled { code: m.collection_method, label: m.collection_method.label() },
    }
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ContactBody {
    postal_code: String,
    address: String,
    organization: String,
    email: String,
}

async fn correct_contact(
    State(s): State<AppState>,
    st: StaffSession,
    Path(no): Path<String>,
    JsonBody(b): JsonBody<ContactBody>,
) -> Result<Json<MemberRecordView>, ApiError> {
    let address = (b.postal_code.as_str(), b.address.as_str(), b.organization.as_str());
    let m = member_records::correct_contact(&s.app, &st.actor(), path_member(&no)?, address, &b.email).await?;
    tracing::info!(staff_id = %st.staff_id, "member contact corrected");
    Ok(Json(view(&m)))
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct MethodBody {
    collection_method: String,
}

async fn collection_method(
    State(s): State<AppState>,
    st: StaffSession,
    Path(no): Path<String>,
    JsonBody(b): JsonBody<MethodBody>,
) -> Result<Json<MemberRecordView>, ApiError> {
    let m = member_records::set_collection_method(&s.app, &st.actor(), path_member(&no)?, &b.collection_method).await?;
    tracing::info!(staff_id = %st.staff_id, "collection method changed");
    Ok(Json(view(&m)))
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct PaidBody {
    paid_on: String,
}

/// 年会費の入金 received by the office (口座振替, 窓口): 納入済 and the member's mail.
async fn dues_payment(
    State(s): State<AppState>,
    st: StaffSession,
    Path((no, invoice_no)): Path<(String, String)>,
    JsonBody(b): JsonBody<PaidBody>,
) -> Result<Json<views::InvoiceView>, ApiError> {
    let today = s.app.clock.today();
    let paid_on = crate::staff_routes::paid_on(&b.paid_on, today)?;
    let i =
        portal_app::payments::record_dues_payment(&s.app, &st.actor(), path_member(&no)?, &invoice_no, paid_on).await?;
    tracing::info!(staff_id = %st.staff_id, invoice_no = %i.invoice_no, "dues payment recorded");
    Ok(Json(views::invoice(&i, today)))
}
