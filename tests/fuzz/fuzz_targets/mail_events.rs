//! SES bounce and complaint events as SNS delivers them.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let _ = portal_app::mail_events::suppressions(s, chrono::Utc::now());
});
