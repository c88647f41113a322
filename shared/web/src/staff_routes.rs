//! Route group `staff` (function `staff`): 事務局 login, logout and session. Staff
//! routes accept only staff tokens.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::{Json, Router};
use portal_app::auth;
use portal_app::second_factor::{self, Answer, Challenge};
use portal_domain::{StaffId, StaffRole};
use serde::Deserialize;

use axum::extract::{Path, Query};
use axum::response::Redirect;
use portal_app::credits;
use portal_domain::Decision;

use crate::applications_routes::path_member;
use crate::device::{self, LoginOrigin};
use crate::json::JsonBody;
use crate::routes::{Access, Route};
use crate::second_factor as pending;
use crate::session::{self, Audience, StaffSession};
use crate::{ApiError, AppState, routes, views};

pub(crate) const REVIEWER: Access = Access::Staff(StaffRole::Reviewer);
const ADMINISTRATOR: Access = Access::Staff(StaffRole::Administrator);
/// The issuer an authenticator app lists the account under.
const TOTP_ISSUER: &str = "循環器学会 事務局";
const STAFF_CREDIT: &str = "/api/staff/members/{member_no}/credits/{credit_no}";

pub fn routes() -> Vec<Route> {
    vec![
        Route::post("/api/staff/login", Access::Public, login),
        Route::post("/api/staff/login/second-factor", Access::Public, second_factor),
        Route::post("/api/staff/logout", Access::Public, logout),
        Route::get("/api/staff/session", REVIEWER, current_session),
        Route::get("/api/staff/credits/pending", REVIEWER, pending),
        Route::get("/api/staff/credits/pending/export", REVIEWER, export_pending),
        Route::get(STAFF_CREDIT, REVIEWER, credit),
        Route::get("/api/staff/members/{member_no}/credits/{credit_no}/proofs/{proof_id}", REVIEWER, download),
        Route::post("/api/staff/members/{member_no}/credits/{credit_no}/decision", REVIEWER, decide),
        Route::get("/api/staff/members/{member_no}/invoices/{invoice_no}", REVIEWER, invoice),
        Route::post("/api/staff/members/{member_no}/invoices/{invoice_no}/postal-slip/cancel", REVIEWER, cancel_slip),
        Route::post("/api/staff/members/{member_no}/invoices/{invoice_no}/slip-payment", REVIEWER, slip_payment),
        Route::get("/api/staff/refunds", REVIEWER, refunds),
        Route::post("/api/staff/accounts/{staff_id}/second-factor/reset", ADMINISTRATOR, reset_second_factor),
        Route::get("/api/staff/reminders", REVIEWER, reminders),
        Route::post("/api/staff/reminders/run", ADMINISTRATOR, run_reminders),
        Route::get("/api/staff/members", REVIEWER, search_members),
        Route::get("/api/staff/members/{member_no}", REVIEWER, member_detail),
        Route::get("/api/staff/members/{member_no}/audit", REVIEWER, member_audit),
        Route::get("/api/staff/accounts/{staff_id}/audit", ADMINISTRATOR, staff_audit),
    ]
    .into_iter()
    .chain(crate::attendance_routes::routes())
    .chain(crate::member_records_routes::routes())
    .chain(crate::invoice_list_routes::routes())
    .chain(crate::application_list_routes::routes())
    .chain(crate::staff_accounts_routes::routes())
    .chain(crate::rule_admin_routes::routes())
    .chain(crate::unit_admin_routes::routes())
    .collect()
}

pub fn router(state: AppState) -> Router {
    routes::router("staff", routes(), state)
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct LoginBody {
    staff_id: String,
    password: String,
}

/// The password step. A right password does not log in yet: it answers which second
/// step follows (enrolment with a fresh key, or the authenticator's code) and sets the
/// short-lived pending-login cookie.
async fn login(
    State(s): State<AppState>,
    origin: LoginOrigin,
    JsonBody(b): JsonBody<LoginBody>,
) -> Result<Response, ApiError> {
    let login = auth::login_staff(&s.app, &b.staff_id, &b.password, &origin.source(Audience::Staff)).await?;
    let challenge = second_factor::challenge(&s.app, &login).await?;
    let enrolment = match challenge {
        Challenge::Code => None,
        Challenge::Enrol(secret) => {
            let uri = secret.otpauth_uri(TOTP_ISSUER, login.staff_id.as_str());
            // A 160-bit key's URI always fits a QR code: failing here is a defect.
            let qr = pending::qr_path(&uri).map_err(|_| ApiError::misconfigured("enrolment QR code"))?;
            Some(views::Enrolment { secret: secret.to_base32(), otpauth_uri: uri, qr })
        }
    };
    let step = if enrolment.is_some() { "enrol" } else { "code" };
    tracing::info!(staff_id = %login.staff_id, step, "staff password accepted");
    let cookie = pending::set_pending(&s, &login.staff_id, login.session_version);
    Ok(([cookie], Json(views::StaffLoginStep { second_factor: step, enrolment })).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct SecondFactorBody {
    /// The authenticator's 6-digit code.
    code: String,
    /// Or one of the recovery codes handed out at enrolment.
    recovery_code: String,
}

/// The second step: the code (or a recovery code) finishes the login.
async fn second_factor(
    State(s): State<AppState>,
    origin: LoginOrigin,
    pending: pending::PendingLogin,
    JsonBody(b): JsonBody<SecondFactorBody>,
) -> Result<Response, ApiError> {
    let answer =
        if b.recovery_code.trim().is_empty() { Answer::Code(&b.code) } else { Answer::Recovery(&b.recovery_code) };
    let from = origin.source(Audience::Staff);
    let done = second_factor::complete(&s.app, &pending.staff_id, pending.session_version, answer, &from).await?;
    let login = done.login;
    let now = s.app.now_epoch();
    let token = s.sessions.issue(Audience::Staff, login.staff_id.as_str(), login.session_version, now, now);
    tracing::info!(staff_id = %login.staff_id, "staff logged in");
    let known = device::remember(&s, Audience::Staff, &auth::staff_device_account(login.staff_id.as_str()), &origin);
    let body = views::StaffLoggedIn {
        session: views::StaffSession::new(login.staff_id, login.name, login.role),
        recovery_codes: done.recovery_codes.iter().map(|c| c.display()).collect(),
    };
    let cookies = [session::set_cookie(&s, Audience::Staff, &token), known, pending::clear_pending(&s)];
    Ok((AppendHeaders(cookies), Json(body)).into_response())
}

/// An administrator resets another account's second factor (a lost phone): its
/// sessions end and its next login enrols again.
async fn reset_second_factor(
    State(s): State<AppState>,
    st: StaffSession,
    Path(target): Path<String>,
) -> Result<StatusCode, ApiError> {
    let target = StaffId::parse(&target).map_err(|_| ApiError::not_found())?;
    if !second_factor::reset(&s.app, &st.actor(), &target).await? {
        return Err(ApiError::not_found());
    }
    tracing::info!(by = %st.staff_id, target = %target, "second factor reset");
    Ok(StatusCode::NO_CONTENT)
}

/// Public: logging out without a (valid) session just clears the cookie.
async fn logout(State(s): State<AppState>, session: Option<StaffSession>) -> Result<Response, ApiError> {
    if let Some(st) = session {
        auth::logout_staff(&s.app, &st.staff_id, st.claims.ver).await?;
    }
    Ok((StatusCode::NO_CONTENT, [session::clear_cookie(&s, Audience::Staff)]).into_response())
}

async fn current_session(st: StaffSession) -> Json<views::StaffSession> {
    Json(views::StaffSession::new(st.staff_id, st.name, st.role))
}

/// Self-reports awaiting decision per page of the queue.
const QUEUE_PAGE: usize = 50;

#[derive(Deserialize)]
struct QueueQuery {
    #[serde(default)]
    after: Option<String>,
}

/// The queue of self-reports awaiting decision, oldest request first (one Query).
async fn pending(
    State(s): State<AppState>,
    Query(q): Query<QueueQuery>,
) -> Result<Json<views::PendingQueue>, ApiError> {
    let page = credits::pending(&s.app, q.after, QUEUE_PAGE).await?;
    let next = (page.len() == QUEUE_PAGE).then(|| page.last().map(|p| p.cursor.clone())).flatten();
    let items = page
        .into_iter()
        .map(|p| {
            let requested_by =
                p.credit.history.iter().rev().find(|e| e.action == portal_domain::ApprovalAction::Requested);
            views::PendingCreditView {
                member_no: p.member_no,
                member_name: requested_by.map(|e| e.actor.name().to_owned()).unwrap_or_default(),
                requested_at: p.credit.requested_at,
                credit: views::credit(&p.credit),
            }
        })
        .collect();
    Ok(Json(views::PendingQueue { items, next }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ExportQuery {
    /// `utf-8` (with BOM, for Excel) or `shift_jis`.
    encoding: String,
}

const QUEUE_HEADER: [&str; 9] =
    ["会員番号", "氏名", "管理No", "単位コード", "名称", "研修単位区分", "単位数", "取得日", "承認申請日時"];

fn queue_cells(p: &credits::PendingCredit) -> Vec<String> {
    let c = &p.credit;
    let by = c.history.iter().rev().find(|e| e.action == portal_domain::ApprovalAction::Requested);
    vec![
        p.member_no.to_string(),
        by.map(|e| e.actor.name().to_owned()).unwrap_or_default(),
        c.credit_no.to_string(),
        c.unit_code.to_string(),
        c.title.clone().unwrap_or_else(|| c.unit_name.clone()),
        c.category_label.clone(),
        c.units.to_string(),
        c.earned_on.to_string(),
        c.requested_at.map(crate::csv_export::jst_minute).unwrap_or_default(),
    ]
}

/// The whole 決裁待ち queue as CSV (see `csv_export`), oldest request first.
async fn export_pending(State(s): State<AppState>, Query(q): Query<ExportQuery>) -> Result<Response, ApiError> {
    let encoding = crate::csv_export::encoding(&q.encoding)?;
    let app = s.app.clone();
    crate::csv_export::download(encoding, "pending-self-reports.csv".into(), &QUEUE_HEADER, move |after| {
        let app = app.clone();
        async move {
            let limit = crate::csv_export::EXPORT_PAGE;
            let page = credits::pending(&app, after, limit).await?;
            let next = (page.len() == limit).then(|| page.last().map(|p| p.cursor.clone())).flatten();
            Ok((page.iter().map(queue_cells).collect(), next))
        }
    })
    .await
}

async fn credit(
    State(s): State<AppState>,
    Path((no, credit_no)): Path<(String, String)>,
) -> Result<Json<views::CreditView>, ApiError> {
    let c = credits::for_staff(&s.app, path_member(&no)?, &credit_no).await?;
    Ok(Json(views::credit(&c)))
}

async fn download(
    State(s): State<AppState>,
    Path((no, credit_no, proof_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let member = path_member(&no)?;
    let c = credits::for_staff(&s.app, member, &credit_no).await?;
    let link = credits::download_link(&s.app, s.files()?, member, &c, &proof_id).await?;
    Ok(Redirect::to(&link).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct DecisionBody {
    /// `approve` or `reject`.
    decision: String,
    /// 却下理由 (required to reject) or a comment on an approval.
    reason: String,
    /// The version the reviewer saw: a record decided meanwhile is not decided twice.
    #[serde(deserialize_with = "portal_domain::field_error::whole_number::deserialize")]
    version: i64,
}

/// 「承認」 or 「却下」 (with 却下理由).
async fn decide(
    State(s): State<AppState>,
    st: StaffSession,
    Path((no, credit_no)): Path<(String, String)>,
    JsonBody(b): JsonBody<DecisionBody>,
) -> Result<Json<views::CreditView>, ApiError> {
    let decision = match b.decision.as_str() {
        "approve" => Decision::Approve {
            comment: portal_domain::credit::comment("reason", &b.reason, false)
                .map_err(portal_app::CreditError::from)?,
        },
        "reject" => Decision::Reject {
            reason: portal_domain::credit::comment("reason", &b.reason, true)
                .map_err(portal_app::CreditError::from)?
                .unwrap_or_default(),
        },
        _ => {
            let f = portal_domain::FieldError::new("decision", "「承認」か「却下」を選んでください。");
            return Err(portal_app::CreditError::from(f).into());
        }
    };
    let c =
        credits::decide(&s.app, (&st.staff_id, &st.name), path_member(&no)?, &credit_no, b.version, decision).await?;
    tracing::info!(staff_id = %st.staff_id, credit_no = %c.credit_no, status = ?c.status, "self-report decided");
    Ok(Json(views::credit(&c)))
}

/// One invoice as staff see it (with its checkout in progress).
async fn invoice(
    State(s): State<AppState>,
    Path((no, invoice_no)): Path<(String, String)>,
) -> Result<Json<views::InvoiceView>, ApiError> {
    let (i, attempt) = portal_app::payments::for_staff(&s.app, path_member(&no)?, &invoice_no).await?;
    Ok(Json(views::invoice_with(&i, attempt.as_ref(), s.app.clock.today())))
}

/// Switch a postal-slip invoice back to the other methods (recorded on the invoice).
async fn cancel_slip(
    State(s): State<AppState>,
    st: StaffSession,
    Path((no, invoice_no)): Path<(String, String)>,
) -> Result<Json<views::InvoiceView>, ApiError> {
    let i = portal_app::payments::cancel_slip(&s.app, &st.actor(), path_member(&no)?, &invoice_no).await?;
    tracing::info!(staff_id = %st.staff_id, invoice_no = %i.invoice_no, "postal slip switched back");
    Ok(Json(views::invoice(&i, s.app.clock.today())))
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct SlipPaymentBody {
    paid_on: String,
}

/// 入金日 as staff type it: a date, today or earlier.
pub(crate) fn paid_on(raw: &str, today: chrono::NaiveDate) -> Result<chrono::NaiveDate, portal_app::PaymentError> {
    portal_domain::application::parse_date("paid_on", "入金日", raw)
        .and_then(|d| {
            (d <= today)
                .then_some(d)
                .ok_or_else(|| portal_domain::FieldError::new("paid_on", "入金日は今日以前の日付を入力してください。"))
        })
        .map_err(|f| portal_app::PaymentError::Invalid(f.into()))
}

/// Record a payment made with the postal slip: 納入済 and the member's mail.
async fn slip_payment(
    State(s): State<AppState>,
    st: StaffSession,
    Path((no, invoice_no)): Path<(String, String)>,
    JsonBody(b): JsonBody<SlipPaymentBody>,
) -> Result<Json<views::InvoiceView>, ApiError> {
    let today = s.app.clock.today();
    let paid_on = paid_on(&b.paid_on, today)?;
    let i =
        portal_app::payments::record_slip_payment(&s.app, &st.actor(), path_member(&no)?, &invoice_no, paid_on).await?;
    tracing::info!(staff_id = %st.staff_id, invoice_no = %i.invoice_no, "postal slip payment recorded");
    Ok(Json(views::invoice(&i, today)))
}

/// Orders paid at the provider for invoices already paid: money to return.
async fn refunds(State(s): State<AppState>) -> Result<Json<views::RefundCases>, ApiError> {
    let cases = portal_app::payments::refund_cases(&s.app, 200).await?;
    Ok(Json(views::RefundCases {
        items: cases
            .into_iter()
            .map(|a| views::RefundCase {
                order_id: a.order_id,
                member_no: a.member_no,
                invoice_no: a.invoice_no,
                amount: a.amount,
                pay_type: a.pay_type.map(|p| views::Labelled { code: p, label: p.label() }),
                started_at: a.started_at,
            })
            .collect(),
    }))
}

#[derive(Deserialize)]
struct AuditQuery {
    /// Only this record's entries (管理No, 請求番号).
    #[serde(default)]
    record: Option<String>,
}

/// A member's audit trail (監査記録), oldest first: read only, like every entry.
async fn member_audit(
    State(s): State<AppState>,
    Path(no): Path<String>,
    Query(q): Query<AuditQuery>,
) -> Result<Json<views::AuditTrail>, ApiError> {
    let record = q.record.filter(|r| !r.trim().is_empty());
    let entries = portal_app::audit::of_member(&s.app, path_member(&no)?, record.as_deref()).await?;
    Ok(Json(views::AuditTrail { entries }))
}

/// A staff account's audit trail (administrators).
async fn staff_audit(State(s): State<AppState>, Path(id): Path<String>) -> Result<Json<views::AuditTrail>, ApiError> {
    let id = StaffId::parse(&id).map_err(|_| ApiError::not_found())?;
    let entries = portal_app::audit::of_staff(&s.app, &id).await?;
    Ok(Json(views::AuditTrail { entries }))
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// 会員検索: by 会員番号, the beginning of the name (kanji or kana) or of the mail.
async fn search_members(
    State(s): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Result<Json<views::MemberSearch>, ApiError> {
    if q.q.chars().count() > 100 {
        let field = portal_domain::FieldError::new("q", "検索語は100文字以内で入力してください。");
        return Err(ApiError::invalid_field(field));
    }
    let members = portal_app::directory::search(&s.app, &q.q).await?;
    Ok(Json(views::MemberSearch { members }))
}

/// 会員の詳細: what the member sees, the invoices, and the audit trail.
async fn member_detail(
    State(s): State<AppState>,
    Path(no): Path<String>,
) -> Result<Json<views::StaffMemberView>, ApiError> {
    let member = path_member(&no)?;
    let (detail, audit) = tokio::join!(
        portal_app::profile::for_staff(&s.app, member),
        portal_app::audit::of_member(&s.app, member, None)
    );
    let (p, invoices) = detail?;
    let today = s.app.clock.today();
    Ok(Json(views::StaffMemberView {
        name_kana: p.member.name_kana.clone(),
        profile: views::member_profile(&p.member, &p.applications, &p.credits),
        invoices: invoices.iter().map(|i| views::invoice(i, today)).collect(),
        audit: audit?,
    }))
}

#[derive(serde::Serialize)]
struct RemindersView {
    last_run: Option<portal_app::records::ReminderRun>,
}

/// 更新申請のご案内: the last run.
async fn reminders(State(s): State<AppState>) -> Result<Json<RemindersView>, ApiError> {
    Ok(Json(RemindersView { last_run: portal_app::reminders::last_run(&s.app).await? }))
}

/// Runs the reminders now (administrators; the schedule runs them too).
async fn run_reminders(
    State(s): State<AppState>,
    st: StaffSession,
) -> Result<Json<portal_app::records::ReminderRun>, ApiError> {
    let run = portal_app::reminders::run(&s.app, st.staff_id.as_str()).await?;
    tracing::info!(staff_id = %st.staff_id, sent = run.sent, "reminders run by staff");
    Ok(Json(run))
}
