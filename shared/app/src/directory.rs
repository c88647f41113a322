//! 会員検索 (staff): by 会員番号 (one read), or by the beginning of the name (kanji or
//! kana, any width, spaces ignored) or of the mail address — a prefix Query each on the
//! directory partition, whose items are written with the member record.

use portal_domain::table::Write;
use portal_domain::unit_table::fold;
use portal_domain::{Member, MemberNo};

use crate::records::{self, DirectoryEntry, DirectoryRecord, MemberRecord, When, decode, decode_opt};
use crate::{App, Fault, keys};

/// Most members one search lists.
pub const MAX_RESULTS: usize = 50;
const NAME: &str = "NAME";
const KANA: &str = "KANA";
const MAIL: &str = "MAIL";

/// The directory items of a member (written, or replaced, with the member record).
pub fn entries(m: &Member) -> Vec<Write> {
    let entry = DirectoryEntry {
        member_no: m.member_no,
        name: m.name.as_str().to_owned(),
        name_kana: m.name_kana.clone(),
        email: m.email.as_str().to_owned(),
    };
    let mut ways = vec![(NAME, fold(m.name.as_str())), (MAIL, fold(m.email.as_str()))];
    if let Some(k) = &m.name_kana {
        ways.push((KANA, fold(k)));
    }
    ways.into_iter()
        .map(|(kind, folded)| {
            let key = keys::directory_entry(kind, &folded, m.member_no);
            records::put(records::item::<DirectoryRecord>(key, &entry), When::always())
        })
        .collect()
}

/// Members matching `query`, by member number first, at most [`MAX_RESULTS`].
pub async fn search(app: &App, query: &str) -> Result<Vec<DirectoryEntry>, Fault> {
    let q = query.trim();
    if let Ok(no) = MemberNo::parse(q) {
        let m = decode_opt::<MemberRecord>(app.table.get(&MemberRecord::key(no)).await?)?;
        return Ok(m.iter().map(to_entry).collect());
    }
    let folded = fold(q);
    if folded.is_empty() {
        return Ok(Vec::new());
    }
    let kinds: &[&str] = if folded.contains('@') { &[MAIL] } else { &[NAME, KANA, MAIL] };
    let mut found: Vec<DirectoryEntry> = Vec::new();
    for kind in kinds {
        let items = app.table.query(keys::DIRECTORY_PK, &format!("{kind}#{folded}")).await?;
        for item in &items {
            let e = decode::<DirectoryRecord>(item)?;
            if !found.iter().any(|f| f.member_no == e.member_no) {
                found.push(e);
            }
        }
    }
    found.sort_by_key(|e| e.member_no);
    found.truncate(MAX_RESULTS);
    Ok(found)
}

fn to_entry(m: &Member) -> DirectoryEntry {
    DirectoryEntry {
        member_no: m.member_no,
        name: m.name.as_str().to_owned(),
        name_kana: m.name_kana.clone(),
        email: m.email.as_str().to_owned(),
    }
}
