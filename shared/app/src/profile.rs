//! 会員情報照会: the member's own information screen, read in one Query of the
//! member's partition.

use portal_domain::{Application, Credit, Member, MemberNo};

use crate::records::MemberPartition;
use crate::{AccessError, App, keys};

#[derive(Clone, Debug)]
pub struct MemberProfile {
    pub member: Member,
    /// 専門医資格申請情報, newest first.
    pub applications: Vec<Application>,
    /// 単位情報, newest first.
    pub credits: Vec<Credit>,
}

/// A member's partition read for the member themself: the session is still current
/// (its version matches the AUTH item) and the member exists.
#[derive(Debug)]
pub struct OwnPartition {
    pub member: Member,
    pub records: MemberPartition,
}

/// Reads the caller's own partition (one Query) and checks the session version against
/// its AUTH item. Another member's number answers NotFound, revealing nothing.
pub async fn own_partition(
    app: &App,
    caller: MemberNo,
    session_version: i64,
    requested: MemberNo,
) -> Result<OwnPartition, AccessError> {
    if caller != requested {
        return Err(AccessError::NotFound);
    }
    let mut records = MemberPartition::from_items(&app.table.query(&keys::member_pk(requested), "").await?)?;
    if records.session_version != Some(session_version) {
        return Err(AccessError::SessionEnded);
    }
    let member = records.member.take().ok_or(AccessError::NotFound)?;
    Ok(OwnPartition { member, records })
}

pub async fn member_profile(
    app: &App,
    caller: MemberNo,
    session_version: i64,
    requested: MemberNo,
) -> Result<MemberProfile, AccessError> {
    let OwnPartition { member, records: mut p } = own_partition(app, caller, session_version, requested).await?;
    p.applications.sort_by_key(|a| std::cmp::Reverse(a.created_at));
    p.credits.sort_by(|a, b| b.earned_on.cmp(&a.earned_on).then(b.credit_no.cmp(&a.credit_no)));
    Ok(MemberProfile { member, applications: p.applications, credits: p.credits })
}

/// A member as staff see them (会員の詳細): the same records the member sees, and
/// the invoices — one Query, no session of the member's involved.
pub async fn for_staff(
    app: &App,
    member: MemberNo,
) -> Result<(MemberProfile, Vec<portal_domain::Invoice>), AccessError> {
    let mut p = MemberPartition::from_items(&app.table.query(&keys::member_pk(member), "").await?)?;
    let m = p.member.take().ok_or(AccessError::NotFound)?;
    p.applications.sort_by_key(|a| std::cmp::Reverse(a.created_at));
    p.credits.sort_by(|a, b| b.earned_on.cmp(&a.earned_on).then(b.credit_no.cmp(&a.credit_no)));
    p.invoices.sort_by(|a, b| b.invoice_no.cmp(&a.invoice_no));
    Ok((MemberProfile { member: m, applications: p.applications, credits: p.credits }, p.invoices))
}
