//! Errors as JSON (`ErrorBody`): a stable `code`, a Japanese `message`, per-field
//! `fields`, and for a refused renewal the `reasons`. Each use-case family's error is
//! mapped here, at the edge, to its HTTP status. A lost race answers 409 and a busy or
//! unreachable store 503 with `Retry-After`; only a real defect is a 500, logged with
//! its cause chain and the request id, shown as a generic message.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use portal_app::attendance::ImportError;
use portal_app::member_records::CorrectionError;
use portal_app::rule_admin::RuleError;
use portal_app::staff_accounts::StaffAccountError;
use portal_app::{AccessError, ApplicationError, AuthError, CreditError, Fault, PaymentError, ResetError};
use portal_domain::FieldErrors;
use portal_domain::table::StoreError;
use serde::Serialize;

use crate::views::{self, RefusalReason};

/// Seconds a client is asked to wait after a 503.
pub const RETRY_AFTER_BUSY_SECS: u64 = 2;

pub const CONFLICT_MESSAGE: &str = "他の操作と競合しました。もう一度お試しください。";
pub const BUSY_MESSAGE: &str = "ただいま混み合っています。しばらくしてから再度お試しください。";
pub const INTERNAL_MESSAGE: &str = "ただいま処理できません。しばらくしてから再度お試しください。";

/// The body of every error answer of the API.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<FieldErrors>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasons: Option<Vec<RefusalReason>>,
}

type Cause = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Box<ErrorBody>,
    pub retry_after: Option<u64>,
    /// What went wrong underneath, for the log (never for the user).
    cause: Option<Cause>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: Box::new(ErrorBody { code, message: message.into(), fields: None, reasons: None }),
            retry_after: None,
            cause: None,
        }
    }

    fn with_fields(mut self, fields: FieldErrors) -> Self {
        self.body.fields = Some(fields);
        self
    }

    fn caused_by(mut self, cause: impl Into<Cause>) -> Self {
        self.cause = Some(cause.into());
        self
    }

    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", "ログインしてください。")
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "お探しの情報は見つかりませんでした。")
    }

    pub fn forbidden_role() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden_role", "この操作を行う権限がありません。")
    }

    /// The same answer with `cause` in the log.
    pub fn with_log(self, cause: impl Into<Cause>) -> Self {
        self.caused_by(cause)
    }

    /// A deployment defect (a port the function was not wired with): 500, logged.
    pub fn misconfigured(what: &'static str) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", INTERNAL_MESSAGE).caused_by(what)
    }

    pub fn is_unauthenticated(&self) -> bool {
        self.status == StatusCode::UNAUTHORIZED && self.body.code == "unauthenticated"
    }

    fn invalid(fields: FieldErrors, message: String) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_input", message).with_fields(fields)
    }

    /// Several fields' problems, with the form's message.
    pub fn invalid_fields(fields: FieldErrors, message: String) -> Self {
        Self::invalid(fields, message)
    }

    /// One field's problem, its message as the answer's.
    pub fn invalid_field(field: portal_domain::FieldError) -> Self {
        let message = field.message.clone();
        Self::invalid(field.into(), message)
    }

    /// A stored file over its limit (the request itself was small).
    fn payload_too_large_file(message: String) -> Self {
        let field = portal_domain::FieldError::new("file", message.clone());
        Self::new(StatusCode::BAD_REQUEST, "csv_refused", message).with_fields(field.into())
    }

    pub fn payload_too_large() -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "送信内容が大きすぎます（上限 64 KB）。")
    }

    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "送信形式が正しくありません（JSON のみ受け付けます）。画面を再読み込みしてからもう一度お試しください。",
        )
    }

    /// The JSON answer for a status produced beneath the handlers (routing, limits,
    /// path parsing), which would otherwise be plain text or empty.
    pub fn for_status(status: StatusCode) -> Self {
        let (code, message) = match status.as_u16() {
            400 => ("bad_request", "リクエストの形式が正しくありません。"),
            // Not `not_found` (an unknown id on a real route): no route has this path.
            404 => ("no_route", "お探しのページは見つかりませんでした。"),
            405 => ("method_not_allowed", "この操作には対応していません。"),
            413 => return Self::payload_too_large(),
            414 => ("uri_too_long", "アドレスが長すぎます。"),
            415 => return Self::unsupported_media_type(),
            431 => ("headers_too_large", "リクエストのヘッダーが大きすぎます。"),
            s if s >= 500 => ("internal", INTERNAL_MESSAGE),
            _ => ("bad_request", "リクエストを処理できませんでした。"),
        };
        Self::new(status, code, message)
    }
}

impl From<FieldErrors> for ApiError {
    fn from(fields: FieldErrors) -> Self {
        Self::invalid(fields, "入力内容を確認してください。".to_owned())
    }
}

impl From<Fault> for ApiError {
    fn from(f: Fault) -> Self {
        let busy = matches!(f, Fault::Files(_));
        let e = match f.store_error() {
            Some(StoreError::Conflict) => ApiError::new(StatusCode::CONFLICT, "conflict", CONFLICT_MESSAGE),
            _ if busy => {
                let mut e = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", BUSY_MESSAGE);
                e.retry_after = Some(RETRY_AFTER_BUSY_SECS);
                e
            }
            Some(StoreError::Throttled | StoreError::Unavailable(_)) => {
                let mut e = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", BUSY_MESSAGE);
                e.retry_after = Some(RETRY_AFTER_BUSY_SECS);
                e
            }
            _ => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", INTERNAL_MESSAGE),
        };
        e.caused_by(f)
    }
}

impl From<AccessError> for ApiError {
    fn from(e: AccessError) -> Self {
        match e {
            AccessError::SessionEnded => ApiError::unauthenticated(),
            AccessError::NotFound => ApiError::not_found(),
            AccessError::Fault(f) => f.into(),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        let message = e.to_string();
        match e {
            AuthError::Invalid(fields) => ApiError::invalid(fields, message),
            AuthError::LoginFailed => ApiError::new(StatusCode::UNAUTHORIZED, "login_failed", message),
            AuthError::TooManyAttempts { retry_after_secs } => {
                let mut e = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", message);
                e.retry_after = Some(retry_after_secs);
                e
            }
            AuthError::SessionEnded => ApiError::unauthenticated(),
            AuthError::WrongCurrentPassword => {
                let field = portal_domain::FieldError::new("current_password", message.clone());
                ApiError::new(StatusCode::BAD_REQUEST, "wrong_current_password", message).with_fields(field.into())
            }
            AuthError::SecondFactorFailed => ApiError::new(StatusCode::UNAUTHORIZED, "second_factor_failed", message),
            AuthError::CodeAlreadyUsed => ApiError::new(StatusCode::UNAUTHORIZED, "code_already_used", message),
            AuthError::Fault(f) => f.into(),
        }
    }
}

impl From<ResetError> for ApiError {
    fn from(e: ResetError) -> Self {
        let message = e.to_string();
        match e {
            ResetError::Invalid(fields) => ApiError::invalid(fields, message),
            ResetError::InvalidToken => ApiError::new(StatusCode::BAD_REQUEST, "invalid_token", message),
            ResetError::Fault(f) => f.into(),
        }
    }
}

impl From<ApplicationError> for ApiError {
    fn from(e: ApplicationError) -> Self {
        let message = e.to_string();
        let conflict = |code| ApiError::new(StatusCode::CONFLICT, code, message.clone());
        match e {
            ApplicationError::Invalid(fields) => ApiError::invalid(fields, message),
            ApplicationError::Access(a) => a.into(),
            ApplicationError::ApplicationExists => conflict("application_exists"),
            ApplicationError::AlreadySubmitted => conflict("already_submitted"),
            ApplicationError::RuleRevised => conflict("rule_revised"),
            ApplicationError::NotEditable => conflict("not_editable"),
            ApplicationError::NoCertification => conflict("no_certification"),
            ApplicationError::RenewalRefused(el) => {
                let mut e = conflict("renewal_refused");
                e.body.reasons = Some(views::refusal_reasons(&el));
                e
            }
            ApplicationError::Fault(f) => f.into(),
        }
    }
}

impl From<CreditError> for ApiError {
    fn from(e: CreditError) -> Self {
        let message = e.to_string();
        let conflict = |code| ApiError::new(StatusCode::CONFLICT, code, message.clone());
        match e {
            CreditError::Invalid(fields) => ApiError::invalid(fields, message),
            CreditError::Access(a) => a.into(),
            CreditError::CapReached { .. } => conflict("self_report_cap_reached"),
            CreditError::OverCap { .. } => conflict("self_report_over_cap"),
            CreditError::Refused(portal_domain::CreditRefusal::NoProof) => {
                let field = portal_domain::FieldError::new("file", message.clone());
                ApiError::new(StatusCode::CONFLICT, "proof_required", message).with_fields(field.into())
            }
            CreditError::Refused(_) => conflict("not_possible_in_this_state"),
            CreditError::AlreadyDecided => conflict("already_decided"),
            CreditError::Stale => conflict("stale"),
            CreditError::FileRefused(field) => {
                ApiError::new(StatusCode::BAD_REQUEST, "file_refused", message).with_fields(field.into())
            }
            CreditError::NoCertification => conflict("no_certification"),
            CreditError::Fault(f) => f.into(),
        }
    }
}

impl From<CorrectionError> for ApiError {
    fn from(e: CorrectionError) -> Self {
        let message = e.to_string();
        match e {
            CorrectionError::Invalid(fields) => ApiError::invalid(fields, message),
            CorrectionError::NotFound => ApiError::not_found(),
            CorrectionError::Stale => ApiError::new(StatusCode::CONFLICT, "stale", message),
            CorrectionError::Fault(f) => f.into(),
        }
    }
}

impl From<RuleError> for ApiError {
    fn from(e: RuleError) -> Self {
        let message = e.to_string();
        match e {
            RuleError::Invalid(fields) => ApiError::invalid(fields, message),
            RuleError::Stale => ApiError::new(StatusCode::CONFLICT, "stale", message),
            RuleError::Fault(f) => f.into(),
        }
    }
}

impl From<StaffAccountError> for ApiError {
    fn from(e: StaffAccountError) -> Self {
        let message = e.to_string();
        match e {
            StaffAccountError::Invalid(fields) => ApiError::invalid(fields, message),
            StaffAccountError::Exists => ApiError::new(StatusCode::CONFLICT, "staff_id_taken", message),
            StaffAccountError::OwnAccount => ApiError::new(StatusCode::CONFLICT, "own_account", message),
            StaffAccountError::NotFound => ApiError::not_found(),
            StaffAccountError::Stale => ApiError::new(StatusCode::CONFLICT, "stale", message),
            StaffAccountError::Fault(f) => f.into(),
        }
    }
}

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> Self {
        let message = e.to_string();
        match e {
            ImportError::Invalid(field) => ApiError::invalid_field(field),
            ImportError::FileMissing => ApiError::new(StatusCode::NOT_FOUND, "file_missing", message),
            ImportError::Csv(portal_domain::csv::CsvError::TooLarge) => ApiError::payload_too_large_file(message),
            ImportError::Csv(_) | ImportError::Header(_) => {
                let field = portal_domain::FieldError::new("file", message.clone());
                ApiError::new(StatusCode::BAD_REQUEST, "csv_refused", message).with_fields(field.into())
            }
            ImportError::Fault(f) => f.into(),
        }
    }
}

impl From<PaymentError> for ApiError {
    fn from(e: PaymentError) -> Self {
        let message = e.to_string();
        match e {
            PaymentError::Invalid(fields) => ApiError::invalid(fields, message),
            PaymentError::Access(a) => a.into(),
            PaymentError::Refused(r) => {
                let code = match r {
                    portal_domain::PaymentRefusal::AlreadyPaid => "already_paid",
                    portal_domain::PaymentRefusal::SlipRequested => "postal_slip_requested",
                    portal_domain::PaymentRefusal::Processing { .. } => "checkout_processing",
                    portal_domain::PaymentRefusal::NoSlip => "no_postal_slip",
                    portal_domain::PaymentRefusal::NotPaid => "not_paid",
                };
                ApiError::new(StatusCode::CONFLICT, code, message)
            }
            PaymentError::ProviderUnavailable(cause) => {
                let mut e = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "provider_unavailable", message);
                e.retry_after = Some(RETRY_AFTER_BUSY_SECS);
                e.caused_by(cause)
            }
            PaymentError::Stale => ApiError::new(StatusCode::CONFLICT, "stale", message),
            PaymentError::Fault(f) => f.into(),
        }
    }
}

/// The whole chain of causes, for the log.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        out.push_str(": ");
        out.push_str(&s.to_string());
        next = s.source();
    }
    out
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let cause = self.cause.as_deref().map(|c| chain(c)).unwrap_or_default();
        if self.status.is_server_error() && self.status != StatusCode::SERVICE_UNAVAILABLE {
            // The request id comes from the span; the cause never reaches the user.
            tracing::error!(status = self.status.as_u16(), code = self.body.code, cause = %cause, "request failed");
        } else if self.cause.is_some() {
            tracing::warn!(status = self.status.as_u16(), code = self.body.code, cause = %cause, "request not completed");
        }
        let mut res = (self.status, Json(*self.body)).into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// An error answer of the HTTP layer's own (CSRF, unreadable body, unknown route).
pub fn plain(status: StatusCode, code: &'static str, message: &str) -> Response {
    ApiError::new(status, code, message).into_response()
}
