//! 申請の一覧, its CSV export, and the 事務局ホーム's counts (part of the `staff`
//! function).

use axum::Json;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use portal_app::application_list::{self, Filter, ListState, Row};
use portal_app::season_counts;
use portal_domain::{ApplicationDetails, FieldError, MemberNo};
use serde::{Deserialize, Serialize};

use crate::routes::Route;
use crate::staff_routes::REVIEWER;
use crate::views::{self, ApplicationView};
use crate::{ApiError, AppState, csv_export};

/// Rows per page of the list.
const PAGE: usize = 50;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/staff/home", REVIEWER, home),
        Route::get("/api/staff/applications", REVIEWER, list),
        Route::get("/api/staff/applications/export", REVIEWER, export),
    ]
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct HomeQuery {
    /// Empty: the season of today.
    fiscal_year: String,
}

#[derive(Serialize)]
pub(crate) struct StateCount {
    code: &'static str,
    label: &'static str,
    count: i64,
}

#[derive(Serialize)]
pub(crate) struct DayCount {
    day: NaiveDate,
    submissions: i64,
    payments: i64,
}

#[derive(Serialize)]
pub(crate) struct HomeView {
    fiscal_year: i32,
    counts: Vec<StateCount>,
    days: Vec<DayCount>,
}

/// 事務局ホーム: counts per state of the season and the last 30 days (Queries at once:
/// see `season_counts::home`).
async fn home(State(s): State<AppState>, Query(q): Query<HomeQuery>) -> Result<Json<HomeView>, ApiError> {
    let today = s.app.clock.today();
    let fy = if q.fiscal_year.trim().is_empty() {
        season_counts::current_season(today)
    } else {
        csv_export::fiscal_year(&q.fiscal_year)?
    };
    let h = season_counts::home(&s.app, fy, today).await?;
    let c = &h.counts;
    let count = |code, label, count: i64| StateCount { code, label, count: count.max(0) };
    let counts = vec![
        count("draft", "作成中", c.draft),
        count("submitted", "申請済", c.unpaid + c.paid),
        count("unpaid", "更新料未納", c.unpaid),
        count("paid", "納入済", c.paid),
        count("declined", "辞退", c.declined),
        count("pending", "承認待ち", c.pending),
    ];
    let days = h.days.iter().map(|d| DayCount { day: d.day, submissions: d.submissions, payments: d.payments });
    Ok(Json(HomeView { fiscal_year: h.season, counts, days: days.collect() }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ListQuery {
    fiscal_year: String,
    /// `draft`, `unpaid`, `paid`, `declined` or empty (all).
    state: String,
    after: Option<String>,
    /// Export only: `utf-8` (with BOM, for Excel) or `shift_jis`.
    encoding: String,
}

fn filter(q: &ListQuery) -> Result<Filter, ApiError> {
    let state = match q.state.as_str() {
        "" => None,
        raw => Some(ListState::parse(raw).ok_or_else(|| {
            ApiError::invalid_field(FieldError::new(
                "state",
                "状態は「作成中」「更新料未納」「納入済」「辞退」から選んでください。",
            ))
        })?),
    };
    Ok(Filter { season: csv_export::fiscal_year(&q.fiscal_year)?, state })
}

#[derive(Serialize)]
pub(crate) struct ListRow {
    member_no: MemberNo,
    state: &'static str,
    state_label: &'static str,
    application: ApplicationView,
}

#[derive(Serialize)]
pub(crate) struct ListPage {
    items: Vec<ListRow>,
    next: Option<String>,
}

/// One page of the list (one Query).
async fn list(State(s): State<AppState>, Query(q): Query<ListQuery>) -> Result<Json<ListPage>, ApiError> {
    let f = filter(&q)?;
    let page = application_list::page(&s.app, &f, q.after.clone(), PAGE).await?;
    let items = page.rows.iter().map(|r| {
        let state = ListState::of(&r.application);
        ListRow {
            member_no: r.member_no,
            state: state.code(),
            state_label: state.label(),
            application: views::application(&r.application),
        }
    });
    Ok(Json(ListPage { items: items.collect(), next: page.next }))
}

const HEADER: [&str; 9] =
    ["申請番号", "会員番号", "申請種別", "状態", "作成日時", "申請日時", "認定期間満了日", "管理NO", "辞退理由"];

fn cells(r: &Row) -> Vec<String> {
    let a = &r.application;
    let reason = match &a.details {
        ApplicationDetails::Decline(d) => d.reason.label().to_owned(),
        ApplicationDetails::Renewal(_) => String::new(),
    };
    vec![
        a.application_no.to_string(),
        r.member_no.to_string(),
        a.details.kind().label().to_owned(),
        ListState::of(a).label().to_owned(),
        csv_export::jst_minute(a.created_at),
        a.submitted_at.map(csv_export::jst_minute).unwrap_or_default(),
        a.cert_period_end.to_string(),
        a.invoice_no.as_ref().map(ToString::to_string).unwrap_or_default(),
        reason,
    ]
}

/// Every row of the list as CSV (see `csv_export`).
async fn export(State(s): State<AppState>, Query(q): Query<ListQuery>) -> Result<Response, ApiError> {
    let f = filter(&q)?;
    let encoding = csv_export::encoding(&q.encoding)?;
    let name = format!("applications-{}.csv", f.season);
    let app = s.app.clone();
    csv_export::download(encoding, name, &HEADER, move |after| {
        let (app, f) = (app.clone(), f.clone());
        async move {
            let page = application_list::page(&app, &f, after, csv_export::EXPORT_PAGE).await?;
            Ok((page.rows.iter().map(cells).collect(), page.next))
        }
    })
    .await
}
