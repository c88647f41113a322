//! 所定単位表の管理 (part of the `staff` function): the whole table with its history
//! for staff; adding and editing (including retiring) for administrators.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use portal_app::records::AuditEntry;
use portal_app::unit_admin::{self, UnitAdminError};
use portal_domain::UnitEntry;
use portal_domain::unit_table::UnitForm;
use serde::{Deserialize, Serialize};

use crate::json::JsonBody;
use crate::routes::{Access, Route};
use crate::session::StaffSession;
use crate::staff_routes::REVIEWER;
use crate::{ApiError, AppState};

const ADMINISTRATOR: Access = Access::Staff(portal_domain::StaffRole::Administrator);

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/staff/units", REVIEWER, list),
        Route::post("/api/staff/units", ADMINISTRATOR, add),
        Route::put("/api/staff/units/{code}", ADMINISTRATOR, edit),
    ]
}

#[derive(Serialize)]
pub(crate) struct UnitTable {
    units: Vec<UnitEntry>,
    history: Vec<AuditEntry>,
}

async fn list(State(s): State<AppState>) -> Result<Json<UnitTable>, ApiError> {
    let (units, history) =
        tokio::join!(portal_app::credits::unit_table(&s.app), portal_app::audit::of_unit_table(&s.app));
    Ok(Json(UnitTable { units: units?, history: history? }))
}

async fn add(
    State(s): State<AppState>,
    st: StaffSession,
    JsonBody(form): JsonBody<UnitForm>,
) -> Result<(StatusCode, Json<UnitEntry>), ApiError> {
    let u = unit_admin::add(&s.app, &st.actor(), &form).await?;
    tracing::info!(staff_id = %st.staff_id, code = %u.code, "unit code added");
    Ok((StatusCode::CREATED, Json(u)))
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct EditBody {
    /// The version the administrator saw.
    #[serde(deserialize_with = "portal_domain::field_error::whole_number::deserialize")]
    version: i64,
    unit: UnitForm,
}

async fn edit(
    State(s): State<AppState>,
    st: StaffSession,
    Path(code): Path<String>,
    JsonBody(b): JsonBody<EditBody>,
) -> Result<Json<UnitEntry>, ApiError> {
    let u = unit_admin::edit(&s.app, &st.actor(), &code, b.version, &b.unit).await?;
    tracing::info!(staff_id = %st.staff_id, code = %u.code, "unit code edited");
    Ok(Json(u))
}

impl From<UnitAdminError> for ApiError {
    fn from(e: UnitAdminError) -> Self {
        let message = e.to_string();
        match e {
            UnitAdminError::Invalid(fields) => ApiError::invalid_fields(fields, message),
            UnitAdminError::NotFound => ApiError::not_found(),
            UnitAdminError::Exists => ApiError::new(StatusCode::CONFLICT, "unit_exists", message),
            UnitAdminError::Stale => ApiError::new(StatusCode::CONFLICT, "stale", message),
            UnitAdminError::Fault(f) => f.into(),
        }
    }
}
