//! The `Cookie` header and the session / device tokens (JWT) in it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| portal_web::fuzzing::session_cookie(data));
