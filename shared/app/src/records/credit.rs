//! 単位情報: credit records in the member's partition.

use portal_domain::table::Key;
use portal_domain::{Credit, CreditNo, MemberNo};

use super::Record;
use crate::keys;

pub struct CreditRecord;

impl Record for CreditRecord {
    type Value = Credit;
    const TYPE: &'static str = "credit";
}

impl CreditRecord {
    pub fn key(m: MemberNo, no: &CreditNo) -> Key {
        keys::credit(m, no)
    }
}
