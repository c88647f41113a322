//! The staff console's CSV reading (#10): encoding detection and RFC 4180 parsing of
//! any uploaded bytes, the attendance rows read from them, and the writer's round trip
//! of whatever was read. Also the second-factor code parsers on the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal_domain::csv::{CsvEncoding, CsvWriter, decode, neutralise, parse};

fuzz_target!(|data: &[u8]| {
    let Ok((text, _)) = decode(data, None) else { return };
    let _ = portal_domain::second_factor::OtpCode::parse(&text);
    let _ = portal_domain::second_factor::RecoveryCode::parse(&text);
    let Ok(rows) = parse(&text) else { return };
    // Attendance rows: lines after the header, each attendance accepted at most once.
    if let Ok(read) = portal_domain::attendance::read(&rows) {
        let mut seen = std::collections::HashSet::new();
        for r in &read {
            assert!(r.line >= 2 && r.line <= rows.len());
            if let Ok(row) = &r.outcome {
                assert!(seen.insert(row.identity()), "a duplicate accepted twice");
            }
        }
    }
    // Whatever was read, written again (UTF-8), reads back as the same cells, neutralised.
    let mut w = CsvWriter::new(CsvEncoding::Utf8);
    let mut bytes = w.start().to_vec();
    for r in &rows {
        bytes.extend(w.row(r).expect("UTF-8 writes every cell"));
    }
    let (again, _) = decode(&bytes, None).expect("our own output decodes");
    let expected: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| !(r.len() == 1 && r[0].is_empty()))
        .map(|r| r.iter().map(|c| neutralise(c).into_owned()).collect())
        .collect();
    assert_eq!(parse(&again).expect("our own output parses"), expected);
});
