//! The JSON body of every route, and the form validation behind it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| portal_web::fuzzing::bodies(data));
