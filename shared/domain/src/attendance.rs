//! 学術集会・地方会の参加記録 (meeting attendance) as meeting registration systems
//! export it: a header row naming the columns, then one row per attendance. This module
//! reads the rows and checks what can be checked without the store (the shape of each
//! value, duplicates within the file); the use case then checks members, names, unit
//! codes and periods against the store.
//!
//! A row's identity is member + unit code + date: the same row twice is one credit.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::unit_table::fold;
use crate::{MemberNo, UnitCode};

/// Most rows one file may hold (a season's largest meeting is a few thousand).
pub const MAX_ROWS: usize = 20_000;

/// Header names accepted for each column (as registration systems spell them).
const MEMBER_NO: &[&str] = &["会員番号", "会員no", "会員id"];
const NAME: &[&str] = &["氏名", "名前", "参加者氏名"];
const UNIT_CODE: &[&str] = &["単位コード", "コード", "unitcode"];
const DATE: &[&str] = &["日付", "参加日", "開催日", "取得日"];
const TITLE: &[&str] = &["学術集会名", "学会名", "集会名", "会議名"];

/// One row that read well: what it claims, not yet checked against the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttendanceRow {
    /// 1-based line of the file (the header is line 1).
    pub line: usize,
    pub member_no: MemberNo,
    pub name: String,
    pub unit_code: UnitCode,
    pub date: NaiveDate,
    pub title: Option<String>,
}

impl AttendanceRow {
    /// member + unit code + date: what makes two rows the same attendance.
    pub fn identity(&self) -> (MemberNo, UnitCode, NaiveDate) {
        (self.member_no, self.unit_code.clone(), self.date)
    }
}

/// A row as the preview shows it: the raw cells, and either the row or its problems.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadRow {
    pub line: usize,
    pub cells: RawCells,
    pub outcome: Result<AttendanceRow, Vec<String>>,
}

/// The four cells as typed in the file (shown back to staff next to the errors).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawCells {
    pub member_no: String,
    pub name: String,
    pub unit_code: String,
    pub date: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HeaderError {
    #[error("ファイルが空です。")]
    Empty,
    #[error("1行目（見出し）に「{0}」の列がありません。見出しは 会員番号, 氏名, 単位コード, 日付 としてください。")]
    Missing(&'static str),
    #[error("行が多すぎます（{MAX_ROWS}行まで）。ファイルを分けて取り込んでください。")]
    TooManyRows,
}

/// Reads the parsed CSV (see `csv::parse`): finds the columns by their header, reads
/// every row, and marks the second and later copies of the same attendance.
pub fn read(table: &[Vec<String>]) -> Result<Vec<ReadRow>, HeaderError> {
    let (header, rows) = table.split_first().ok_or(HeaderError::Empty)?;
    if rows.len() > MAX_ROWS {
        return Err(HeaderError::TooManyRows);
    }
    let find = |names: &[&str]| header.iter().position(|h| names.iter().any(|n| fold(h) == fold(n)));
    let column = |names: &[&'static str]| find(names).ok_or(HeaderError::Missing(names[0]));
    let (m, n, u, d) = (column(MEMBER_NO)?, column(NAME)?, column(UNIT_CODE)?, column(DATE)?);
    let t = find(TITLE);
    let mut first_seen: HashMap<(MemberNo, UnitCode, NaiveDate), usize> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let line = i + 2;
        // Blank lines (a trailing newline, a spacer row) are not rows.
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |c: usize| row.get(c).map(|s| s.trim().to_owned()).unwrap_or_default();
        let cells = RawCells { member_no: cell(m), name: cell(n), unit_code: cell(u), date: cell(d) };
        let mut problems = Vec::new();
        let member_no = MemberNo::parse(&cells.member_no)
            .map_err(|_| problems.push("会員番号は1で始まる6桁の数字です。".to_owned()))
            .ok();
        if cells.name.is_empty() {
            problems.push("氏名がありません。".to_owned());
        }
        let unit_code = UnitCode::parse(&cells.unit_code)
            .map_err(|_| problems.push("単位コードの形式が正しくありません。".to_owned()))
            .ok();
        let date = parse_date(&cells.date)
            .ok_or_else(|| problems.push("日付は 2026-05-17 または 2026/5/17 の形で入力してください。".to_owned()))
            .ok();
        let outcome = match (member_no, unit_code, date) {
            (Some(member_no), Some(unit_code), Some(date)) if problems.is_empty() => {
                let title = t.map(cell).filter(|s| !s.is_empty());
                let row = AttendanceRow { line, member_no, name: cells.name.clone(), unit_code, date, title };
                match first_seen.get(&row.identity()) {
                    Some(first) => {
                        Err(vec![format!("{first}行目と同じ参加記録です（会員番号・単位コード・日付が同じ）。")])
                    }
                    None => {
                        first_seen.insert(row.identity(), line);
                        Ok(row)
                    }
                }
            }
            _ => Err(problems),
        };
        out.push(ReadRow { line, cells, outcome });
    }
    Ok(out)
}

/// `2026-05-17`, `2026/5/17`, `2026.5.17` or `20260517` (full width allowed).
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let s: String = raw.chars().map(|c| fold(&c.to_string()).chars().next().unwrap_or(c)).collect();
    let s = s.trim();
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%Y%m%d").ok();
    }
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    let [y, m, d] = parts.as_slice() else { return None };
    if y.len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Whether the name in the file is the member's, ignoring spaces and width
/// (「循環　太郎」「循環太郎」 are the same person; a different name is not).
pub fn same_name(in_file: &str, registered: &str) -> bool {
    fold(in_file) == fold(registered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn table(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter().map(|r| r.iter().map(|c| (*c).to_owned()).collect()).collect()
    }

    #[test]
    fn columns_are_found_by_header_in_any_order() {
        let t = table(&[
            &["参加日", "単位コード", "会員番号", "氏名", "学会名"],
            &["2026/5/17", "MTG-AN", "100001", "循環 太郎", "第90回学術集会"],
        ]);
        let rows = read(&t).unwrap();
        let row = rows[0].outcome.as_ref().unwrap();
        assert_eq!(row.member_no.to_string(), "100001");
        assert_eq!(row.date, NaiveDate::from_ymd_opt(2026, 5, 17).unwrap());
        assert_eq!(row.title.as_deref(), Some("第90回学術集会"));
        assert_eq!(row.line, 2);
    }

    #[test]
    fn a_missing_column_names_it() {
        let t = table(&[&["会員番号", "氏名", "日付"], &["100001", "x", "2026-01-01"]]);
        assert_eq!(read(&t).unwrap_err(), HeaderError::Missing("単位コード"));
        assert_eq!(read(&[]).unwrap_err(), HeaderError::Empty);
    }

    #[test]
    fn every_problem_of_a_row_is_listed_and_blank_lines_skipped() {
        let t = table(&[
            &["会員番号", "氏名", "単位コード", "日付"],
            &["12", "", "MTG-AN", "17/5/2026"],
            &["", "", "", ""],
        ]);
        let rows = read(&t).unwrap();
        assert_eq!(rows.len(), 1);
        let problems = rows[0].outcome.clone().unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
    }

    #[test]
    fn the_second_copy_of_an_attendance_points_at_the_first() {
        let t = table(&[
            &["会員番号", "氏名", "単位コード", "日付"],
            &["100001", "a", "MTG-AN", "2026-05-17"],
            &["100001", "a", "MTG-AN", "2026/05/17"],
            &["100001", "a", "MTG-AN", "2026-05-18"],
        ]);
        let rows = read(&t).unwrap();
        assert!(rows[0].outcome.is_ok() && rows[2].outcome.is_ok());
        assert!(rows[1].outcome.clone().unwrap_err()[0].starts_with("2行目と同じ"));
    }

    #[test]
    fn names_match_across_spaces_and_width() {
        assert!(same_name("循環　太郎", "循環 太郎"));
        assert!(same_name("ｼﾞｭﾝｶﾝ ﾀﾛｳ", "ジュンカン タロウ"));
        assert!(!same_name("循環 次郎", "循環 太郎"));
    }

    #[test]
    fn dates_in_the_shapes_registration_systems_write() {
        let d = NaiveDate::from_ymd_opt(2026, 5, 7);
        for s in ["2026-05-07", "2026/5/7", "2026.5.7", "20260507", "２０２６／５／７"] {
            assert_eq!(parse_date(s), d, "{s}");
        }
        for s in ["", "5/7/2026", "2026-02-30", "26-5-7", "2026-5"] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    proptest! {
        #[test]
        fn reading_never_panics(cells in proptest::collection::vec(proptest::collection::vec(".{0,12}", 0..6), 0..8)) {
            let _ = read(&cells);
        }
    }
}
