//! 職員アカウントの管理 (part of the `staff` function, administrators only): the list,
//! a new account (its initial password shown once), a change of role or 利用停止.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use portal_app::records::StaffListing;
use portal_app::staff_accounts::{self, ChangeForm, NewAccountForm};
use portal_domain::{StaffId, StaffRole};
use serde::Serialize;

use crate::json::JsonBody;
use crate::routes::{Access, Route};
use crate::session::StaffSession;
use crate::{ApiError, AppState};

const ADMINISTRATOR: Access = Access::Staff(StaffRole::Administrator);

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/staff/accounts", ADMINISTRATOR, list),
        Route::post("/api/staff/accounts", ADMINISTRATOR, create),
        Route::put("/api/staff/accounts/{staff_id}", ADMINISTRATOR, change),
    ]
}

#[derive(Serialize)]
pub(crate) struct AccountView {
    staff_id: StaffId,
    name: String,
    role: StaffRole,
    role_label: &'static str,
    disabled: bool,
    created_at: DateTime<Utc>,
}

impl From<StaffListing> for AccountView {
    fn from(l: StaffListing) -> Self {
        AccountView {
            staff_id: l.staff_id,
            name: l.name,
            role: l.role,
            role_label: l.role.label(),
            disabled: l.disabled,
            created_at: l.created_at,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct AccountList {
    accounts: Vec<AccountView>,
}

async fn list(State(s): State<AppState>) -> Result<Json<AccountList>, ApiError> {
    let accounts = staff_accounts::list(&s.app).await?;
    Ok(Json(AccountList { accounts: accounts.into_iter().map(AccountView::from).collect() }))
}

#[derive(Serialize)]
pub(crate) struct CreatedView {
    account: AccountView,
    /// Shown once: the administrator hands it over; the new staff member then enrols
    /// an authenticator at their first login.
    initial_password: String,
}

async fn create(
    State(s): State<AppState>,
    st: StaffSession,
    JsonBody(form): JsonBody<NewAccountForm>,
) -> Result<(StatusCode, Json<CreatedView>), ApiError> {
    let c = staff_accounts::create(&s.app, &st.actor(), &form).await?;
    tracing::info!(by = %st.staff_id, staff_id = %c.listing.staff_id, "staff account created");
    Ok((StatusCode::CREATED, Json(CreatedView { account: c.listing.into(), initial_password: c.initial_password })))
}

async fn change(
    State(s): State<AppState>,
    st: StaffSession,
    Path(target): Path<String>,
    JsonBody(form): JsonBody<ChangeForm>,
) -> Result<Json<AccountView>, ApiError> {
    let l = staff_accounts::change(&s.app, &st.actor(), &st.staff_id, &target, &form).await?;
    tracing::info!(by = %st.staff_id, staff_id = %l.staff_id, "staff account changed");
    Ok(Json(l.into()))
}
