//! The payment provider's notification (a form body) and its API's answers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal_domain::PaymentNotification;

fuzz_target!(|data: &[u8]| {
    if let Ok(n) = PaymentNotification::parse_form(data) {
        let _ = (n.trade_status(), n.total());
    }
    let answer = portal_gmo::parse_answer(data);
    let _ = portal_gmo::errors(&answer);
});
