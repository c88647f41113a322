//! 申請の一覧 (staff): a season's applications, filtered by state, one GSI1 Query per
//! page, paged by the index's own cursor; and every row of such a list for the CSV
//! export. The season is the 年度 in which the 認定期間 ends.

use portal_domain::table::{IndexQuery, Key};
use portal_domain::{Application, ApplicationKind, ApplicationNo, ApplicationStatus, FiscalYear, MemberNo};

use crate::records::{ApplicationRecord, decode};
use crate::{App, Fault, keys};

/// Where an application stands, as staff count and filter them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListState {
    /// 作成中
    Draft,
    /// 更新料未納: a renewal submitted, its fee not paid yet.
    Unpaid,
    /// 納入済: a renewal whose fee is paid (更新手続き完了).
    Paid,
    /// 辞退: a decline submitted.
    Declined,
}

impl ListState {
    pub const ALL: [ListState; 4] = [ListState::Draft, ListState::Unpaid, ListState::Paid, ListState::Declined];

    pub fn of(a: &Application) -> Self {
        match (a.status, a.details.kind()) {
            (ApplicationStatus::Draft, _) => ListState::Draft,
            (ApplicationStatus::Submitted, ApplicationKind::Renewal) => ListState::Unpaid,
            (ApplicationStatus::Completed, _) => ListState::Paid,
            (ApplicationStatus::Submitted, ApplicationKind::Decline) => ListState::Declined,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ListState::Draft => ApplicationStatus::Draft.code(),
            ListState::Unpaid => "unpaid",
            ListState::Paid => "paid",
            ListState::Declined => "declined",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ListState::Draft => "作成中",
            ListState::Unpaid => "更新料未納",
            ListState::Paid => "納入済",
            ListState::Declined => "辞退",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == raw)
    }
}

/// The renewal season an application belongs to.
pub fn season_of(a: &Application) -> i32 {
    FiscalYear::containing(a.cert_period_end).year()
}

/// The application's place in the list once it is in `state`.
pub fn place(m: MemberNo, a: &Application, state: ListState) -> Key {
    place_of(m, season_of(a), &a.application_no, state)
}

pub fn place_of(m: MemberNo, season: i32, no: &ApplicationNo, state: ListState) -> Key {
    keys::application_list_gsi(season, state.code(), no, m)
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub season: i32,
    pub state: Option<ListState>,
}

#[derive(Clone, Debug)]
pub struct Row {
    pub member_no: MemberNo,
    pub application: Application,
}

#[derive(Clone, Debug)]
pub struct Page {
    pub rows: Vec<Row>,
    pub next: Option<String>,
}

/// One page (one Query).
pub async fn page(app: &App, filter: &Filter, after: Option<String>, limit: usize) -> Result<Page, Fault> {
    let prefix = filter.state.map(|s| format!("{}#", s.code())).unwrap_or_default();
    let q = IndexQuery::new(keys::application_list_pk(filter.season), limit).prefix(prefix).after(after);
    let items = app.table.query_gsi1(&q).await?;
    let full = items.len() == limit;
    let mut rows = Vec::with_capacity(items.len());
    let mut last = None;
    for item in &items {
        last = item.gsi1.as_ref().map(|g| g.sk.clone());
        let application = decode::<ApplicationRecord>(item)?;
        let member_no = item.key.pk.strip_prefix("MEMBER#").and_then(|m| MemberNo::parse(m).ok());
        let Some(member_no) = member_no else { continue };
        rows.push(Row { member_no, application });
    }
    Ok(Page { rows, next: if full { last } else { None } })
}
