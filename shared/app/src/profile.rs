//! 会員情報照会: the member's own information screen, read in one Query of the
//! member's partition.

use portal_domain::{Member, MemberNo};
use serde::Serialize;
use serde_json::Value;

use crate::{App, AppError, keys, records};

#[derive(Clone, Debug, Serialize)]
pub struct MemberProfile {
    pub member: Member,
    /// 専門医資格申請情報 (filled by the applications issue).
    pub applications: Vec<Value>,
    /// 単位情報 (filled by the credits issue).
    pub credits: Vec<Value>,
}

/// The profile of `requested`, if that is the caller. Another member's number answers
/// NotFound, revealing nothing. The caller's session version is checked against the
/// same Query's AUTH item, so the page costs one store call.
pub async fn member_profile(
    app: &App,
    caller: MemberNo,
    session_version: i64,
    requested: MemberNo,
) -> Result<MemberProfile, AppError> {
    if caller != requested {
        return Err(AppError::NotFound);
    }
    let items = app.table.query(&keys::member_pk(requested), "").await?;
    let mut member = None;
    let mut current_version = None;
    for item in &items {
        match item.key.sk.as_str() {
            keys::PROFILE_SK => member = Some(records::member_from_item(item)?),
            keys::AUTH_SK => current_version = Some(records::credentials_from_item(item)?.session_version),
            _ => {}
        }
    }
    if current_version != Some(session_version) {
        return Err(AppError::Unauthenticated);
    }
    let member = member.ok_or(AppError::NotFound)?;
    Ok(MemberProfile { member, applications: Vec::new(), credits: Vec::new() })
}
