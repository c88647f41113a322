//! The local file store's signed upload/download query: nothing unsigned is accepted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal_store_sqlite::files::{LocalFiles, Signed};

fuzz_target!(|data: (&str, &[u8])| {
    let (query, body) = data;
    let dir = std::env::temp_dir().join("portal-fuzz-files");
    let files = LocalFiles::new(&dir, &[9u8; 32], "http://127.0.0.1:3000");
    let s = Signed::from_query(query);
    // The fuzzer cannot forge an HMAC: both must refuse.
    assert!(files.accept_upload(&s, &s.content_type, body, 1_800_000_000).is_err());
    assert!(files.open_download(&s, 1_800_000_000).is_err());
});
