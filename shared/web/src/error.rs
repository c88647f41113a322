//! Errors as JSON: a stable `code`, a Japanese `message`, and per-field `fields`.
//! Internal errors are logged with the request id and shown as a generic message.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use portal_app::AppError;
use serde_json::json;

#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<portal_domain::FieldErrors> for ApiError {
    fn from(e: portal_domain::FieldErrors) -> Self {
        ApiError(AppError::Invalid(e))
    }
}

impl ApiError {
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match &self.0 {
            AppError::Invalid(_) => (StatusCode::BAD_REQUEST, "invalid_input"),
            AppError::LoginFailed => (StatusCode::UNAUTHORIZED, "login_failed"),
            AppError::TooManyAttempts { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
            AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            AppError::InvalidToken => (StatusCode::BAD_REQUEST, "invalid_token"),
            AppError::WrongCurrentPassword => (StatusCode::BAD_REQUEST, "wrong_current_password"),
            AppError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Conflict => (StatusCode::CONFLICT, "conflict"),
            AppError::RenewalRefused(_) => (StatusCode::CONFLICT, "renewal_refused"),
            AppError::ApplicationExists => (StatusCode::CONFLICT, "application_exists"),
            AppError::AlreadySubmitted => (StatusCode::CONFLICT, "already_submitted"),
            AppError::NotEditable => (StatusCode::CONFLICT, "not_editable"),
            AppError::NoCertification => (StatusCode::CONFLICT, "no_certification"),
            AppError::Store(_) | AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if status.is_server_error() {
            // The cause goes to the log (with the request id from the span), never to
            // the user.
            tracing::error!(error = %format!("{:?}", self.0), "request failed");
        }
        let mut body = json!({ "code": code, "message": self.0.to_string() });
        match &self.0 {
            AppError::Invalid(errs) => body["fields"] = json!(errs.0),
            AppError::RenewalRefused(e) => body["reasons"] = crate::views::refusal_reasons(e),
            AppError::WrongCurrentPassword => {
                body["fields"] = json!([{ "field": "current_password", "message": self.0.to_string() }])
            }
            _ => {}
        }
        let mut res = (status, Json(body)).into_response();
        if let AppError::TooManyAttempts { retry_after_secs } = self.0 {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        res
    }
}

/// A plain error answer for the HTTP layer's own refusals (CSRF, bad JSON, 404).
pub fn plain(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "code": code, "message": message }))).into_response()
}
