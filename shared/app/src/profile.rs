//! 会員情報照会: the member's own information screen, read in one Query of the
//! member's partition.

use portal_domain::{Application, Credit, Member, MemberNo};
use serde::Serialize;

use crate::records::MemberPartition;
use crate::{App, AppError, keys};

#[derive(Clone, Debug, Serialize)]
pub struct MemberProfile {
    pub member: Member,
    /// 専門医資格申請情報, newest first.
    pub applications: Vec<Application>,
    /// 単位情報, newest first.
    pub credits: Vec<Credit>,
}

/// Reads the caller's own partition (one Query) and checks the session version against
/// its AUTH item. Another member's number answers NotFound, revealing nothing.
pub async fn own_partition(
    app: &App,
    caller: MemberNo,
    session_version: i64,
    requested: MemberNo,
) -> Result<MemberPartition, AppError> {
    if caller != requested {
        return Err(AppError::NotFound);
    }
    let p = MemberPartition::from_items(&app.table.query(&keys::member_pk(requested), "").await?)?;
    p.checked_member(session_version)?;
    Ok(p)
}

pub async fn member_profile(
    app: &App,
    caller: MemberNo,
    session_version: i64,
    requested: MemberNo,
) -> Result<MemberProfile, AppError> {
    let mut p = own_partition(app, caller, session_version, requested).await?;
    p.applications.sort_by_key(|a| std::cmp::Reverse(a.created_at));
    p.credits.sort_by(|a, b| b.earned_on.cmp(&a.earned_on).then(b.credit_no.cmp(&a.credit_no)));
    let member = p.member.expect("checked");
    Ok(MemberProfile { member, applications: p.applications, credits: p.credits })
}
