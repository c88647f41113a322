//! CSV as the society's office uses it (staff console, #10): files exported by meeting
//! registration systems come as UTF-8 (with or without BOM) or Shift_JIS; exports must
//! open in Excel (UTF-8 with BOM, or Shift_JIS) and must not carry formulas.
//!
//! Reading: [`decode`] (encoding detected or chosen, size-limited) then [`parse`]
//! (RFC 4180: quoted fields, doubled quotes, CRLF or LF). Writing: [`CsvWriter`], one row
//! at a time so a long list streams, every cell that a spreadsheet would run as a formula
//! neutralised ([`neutralise`]).

use std::borrow::Cow;

use encoding_rs::{SHIFT_JIS, UTF_8};

/// Uploads larger than this are refused before decoding (10,000 attendance rows are
/// well under 1 MB).
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvEncoding {
    /// UTF-8; written with a BOM so Excel recognises it.
    Utf8,
    /// Shift_JIS as Windows writes it (CP932, the WHATWG `Shift_JIS`).
    ShiftJis,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CsvError {
    #[error("ファイルが大きすぎます（10MBまで）。")]
    TooLarge,
    #[error("文字コードを判別できません。UTF-8 または Shift_JIS で保存してください。")]
    UnknownEncoding,
    #[error("{0}行目: 文字コード（{1}）として読めない文字があります。")]
    Undecodable(usize, &'static str),
    #[error("{0}行目: 引用符（\"）が閉じられていません。")]
    UnclosedQuote(usize),
    #[error("{0}行目: 引用符（\"）の後に区切り以外の文字があります。")]
    StrayQuote(usize),
}

/// The text of an uploaded file. With `choice` the file must be in that encoding;
/// without, a BOM or valid UTF-8 means UTF-8, else it must be valid Shift_JIS.
pub fn decode(bytes: &[u8], choice: Option<CsvEncoding>) -> Result<(String, CsvEncoding), CsvError> {
    if bytes.len() > MAX_BYTES {
        return Err(CsvError::TooLarge);
    }
    let utf8 = || {
        let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
        UTF_8.decode_without_bom_handling_and_without_replacement(body).map(|t| (t.into_owned(), CsvEncoding::Utf8))
    };
    let sjis = || {
        SHIFT_JIS
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|t| (t.into_owned(), CsvEncoding::ShiftJis))
    };
    match choice {
        Some(CsvEncoding::Utf8) => utf8().ok_or_else(|| CsvError::Undecodable(bad_line(bytes, true), "UTF-8")),
        Some(CsvEncoding::ShiftJis) => sjis().ok_or_else(|| CsvError::Undecodable(bad_line(bytes, false), "Shift_JIS")),
        None => utf8().or_else(sjis).ok_or(CsvError::UnknownEncoding),
    }
}

/// The 1-based line of the first byte sequence that does not decode (for the message).
fn bad_line(bytes: &[u8], utf8: bool) -> usize {
    let mut line = 1;
    for raw in bytes.split(|b| *b == b'\n') {
        let ok = if utf8 {
            UTF_8.decode_without_bom_handling_and_without_replacement(raw.strip_prefix(BOM).unwrap_or(raw)).is_some()
        } else {
            SHIFT_JIS.decode_without_bom_handling_and_without_replacement(raw).is_some()
        };
        if !ok {
            return line;
        }
        line += 1;
    }
    line
}

/// Rows of fields (RFC 4180). Blank lines are skipped; line numbers in errors are the
/// file's own (a quoted field may span lines).
pub fn parse(text: &str) -> Result<Vec<Vec<String>>, CsvError> {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let (mut line, mut quoted, mut after_quote, mut field_started) = (1, false, false, false);
    let mut quote_line = 1;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => (quoted, after_quote) = (false, true),
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            ',' => {
                row.push(std::mem::take(&mut field));
                (after_quote, field_started) = (false, true);
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                if field_started || !field.is_empty() || !row.is_empty() || after_quote {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                (after_quote, field_started) = (false, false);
                line += 1;
            }
            _ if after_quote => return Err(CsvError::StrayQuote(line)),
            '"' if field.is_empty() => (quoted, quote_line, field_started) = (true, line, true),
            _ => {
                field.push(c);
                field_started = true;
            }
        }
    }
    if quoted {
        return Err(CsvError::UnclosedQuote(quote_line));
    }
    if field_started || !field.is_empty() || !row.is_empty() || after_quote {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}

/// A cell as a spreadsheet will not run it: text that begins with `=`, `+`, `-`, `@`, a
/// tab or a carriage return (OWASP's CSV-injection list) gets a leading `'`.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// `text` with every character Shift_JIS lacks replaced by 〓.
fn geta_for_unmappable(text: &str) -> String {
    let mut buf = [0u8; 4];
    text.chars().map(|c| if SHIFT_JIS.encode(c.encode_utf8(&mut buf)).2 { '〓' } else { c }).collect()
}

/// Writes rows as bytes in the chosen encoding, one row at a time (streamed exports).
pub struct CsvWriter {
    encoding: CsvEncoding,
    rows: usize,
}

impl CsvWriter {
    pub fn new(encoding: CsvEncoding) -> Self {
        CsvWriter { encoding, rows: 0 }
    }

    /// The bytes that start the file: the BOM for UTF-8, nothing for Shift_JIS.
    pub fn start(&self) -> &'static [u8] {
        match self.encoding {
            CsvEncoding::Utf8 => BOM,
            CsvEncoding::ShiftJis => b"",
        }
    }

    /// One row, CRLF-terminated; cells neutralised and quoted where needed. In Shift_JIS
    /// a character it cannot represent (an emoji, a rare kanji in a name) becomes 〓, the
    /// geta mark Japanese offices know as "not representable" — a download never breaks
    /// off for one character; the export screen says so and offers UTF-8, which keeps
    /// every character.
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> Result<Vec<u8>, CsvError> {
        self.rows += 1;
        let mut out = Vec::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let text = neutralise(cell.as_ref());
            let needs_quotes = text.contains([',', '"', '\r', '\n']);
            let text = if needs_quotes { Cow::Owned(format!("\"{}\"", text.replace('"', "\"\""))) } else { text };
            match self.encoding {
                CsvEncoding::Utf8 => out.extend_from_slice(text.as_bytes()),
                CsvEncoding::ShiftJis => {
                    let (bytes, _, unmappable) = SHIFT_JIS.encode(&text);
                    if unmappable {
                        out.extend_from_slice(&SHIFT_JIS.encode(&geta_for_unmappable(&text)).0);
                    } else {
                        out.extend_from_slice(&bytes);
                    }
                }
            }
        }
        out.extend_from_slice(b"\r\n");
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shift_jis_files_are_recognised_and_utf8_is_preferred() {
        let (sjis, _, _) = SHIFT_JIS.encode("会員番号,氏名\r\n100001,循環 太郎\r\n");
        let (text, enc) = decode(&sjis, None).unwrap();
        assert_eq!(enc, CsvEncoding::ShiftJis);
        assert_eq!(parse(&text).unwrap()[1], vec!["100001", "循環 太郎"]);
        let (text, enc) = decode("\u{feff}会員番号\n".as_bytes(), None).unwrap();
        assert_eq!((text.as_str(), enc), ("会員番号\n", CsvEncoding::Utf8));
    }

    #[test]
    fn a_file_in_neither_encoding_is_refused_with_the_line() {
        assert_eq!(decode(b"ok\n\xff\xff\xff\n", None), Err(CsvError::UnknownEncoding));
        assert_eq!(decode(b"ok\n\xff\xfe\n", Some(CsvEncoding::Utf8)), Err(CsvError::Undecodable(2, "UTF-8")));
        assert_eq!(decode(&vec![b'a'; MAX_BYTES + 1], None), Err(CsvError::TooLarge));
    }

    #[test]
    fn quoted_fields_span_lines_and_errors_name_the_line() {
        let rows = parse("a,\"b,\"\"c\"\"\nd\"\r\n\r\ne,\n").unwrap();
        assert_eq!(rows, vec![vec!["a", "b,\"c\"\nd"], vec!["e", ""]]);
        assert_eq!(parse("a\n\"b\nc"), Err(CsvError::UnclosedQuote(2)));
        assert_eq!(parse("a\n\"b\"x\n"), Err(CsvError::StrayQuote(2)));
    }

    #[test]
    fn formulas_are_neutralised_and_excel_gets_a_bom() {
        let mut w = CsvWriter::new(CsvEncoding::Utf8);
        assert_eq!(w.start(), BOM);
        let row = w.row(&["=HYPERLINK(\"x\")", "-1", "@SUM(A1)", "循環"]).unwrap();
        assert_eq!(String::from_utf8(row).unwrap(), "\"'=HYPERLINK(\"\"x\"\")\",'-1,'@SUM(A1),循環\r\n");
    }

    #[test]
    fn shift_jis_export_writes_geta_for_what_it_cannot_represent() {
        let mut w = CsvWriter::new(CsvEncoding::ShiftJis);
        assert!(w.row(&["髙橋", "①"]).is_ok());
        let row = w.row(&["ok", "𠮷田 😀"]).unwrap();
        let (text, _) = decode(&row, Some(CsvEncoding::ShiftJis)).unwrap();
        assert_eq!(text, "ok,〓田 〓\r\n");
    }

    proptest! {
        /// What is written reads back as the same cells (neutralised ones with their `'`).
        #[test]
        fn written_rows_parse_back(rows in prop::collection::vec(prop::collection::vec("[^\u{0}]{0,12}", 1..5), 1..8)) {
            let mut w = CsvWriter::new(CsvEncoding::Utf8);
            let mut bytes = w.start().to_vec();
            for r in &rows {
                bytes.extend(w.row(r).unwrap());
            }
            let (text, _) = decode(&bytes, None).unwrap();
            let expected: Vec<Vec<String>> = rows
                .iter()
                .filter(|r| !(r.len() == 1 && r[0].is_empty()))
                .map(|r| r.iter().map(|c| neutralise(c).into_owned()).collect())
                .collect();
            prop_assert_eq!(parse(&text).unwrap(), expected);
        }

        /// Any bytes: decoding and parsing answer, never panic.
        #[test]
        fn any_bytes_are_answered(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            if let Ok((text, _)) = decode(&bytes, None) {
                let _ = parse(&text);
            }
        }
    }
}
