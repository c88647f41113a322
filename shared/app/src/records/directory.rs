//! The member directory for staff search: who a member is, under each folded name,
//! reading and mail address (keys in `keys::directory_entry`).

use portal_domain::MemberNo;
use serde::{Deserialize, Serialize};

use super::Record;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryEntry {
    pub member_no: MemberNo,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_kana: Option<String>,
    pub email: String,
}

pub struct DirectoryRecord;

impl Record for DirectoryRecord {
    type Value = DirectoryEntry;
    const TYPE: &'static str = "directory";
}
