//! The staff console's CSV reading (#10): encoding detection and RFC 4180 parsing of
//! any uploaded bytes, and the writer's round trip of whatever was read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal_domain::csv::{CsvEncoding, CsvWriter, decode, neutralise, parse};

fuzz_target!(|data: &[u8]| {
    let Ok((text, _)) = decode(data, None) else { return };
    let Ok(rows) = parse(&text) else { return };
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
