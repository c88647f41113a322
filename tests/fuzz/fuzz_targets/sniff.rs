//! The magic-byte check of an uploaded proof file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal_domain::FileType;

fuzz_target!(|data: &[u8]| {
    if let Some(t) = FileType::sniff(data) {
        // What a file's first bytes say it is, its declared type must name.
        assert_eq!(FileType::from_mime(t.mime()), Some(t));
    }
});
