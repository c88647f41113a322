//! Every identifier and typed field a member or staff member types, or a URL carries:
//! no input panics, and whatever parses prints back to something that parses the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal_domain::files::FileKey;
use portal_domain::{
    ApplicationNo, BaseCertNo, BaseQualification, CreditNo, Email, InvoiceNo, MemberNo, NewPassword, OrderId,
    PasswordAttempt, PayType, StaffId, UnitCode,
};

fuzz_target!(|s: &str| {
    if let Ok(no) = MemberNo::parse(s) {
        assert_eq!(MemberNo::parse(&no.to_string()).ok(), Some(no));
    }
    if let Some(no) = ApplicationNo::parse(s) {
        assert_eq!(ApplicationNo::parse(&no.to_string()), Some(no));
    }
    if let Some(no) = InvoiceNo::parse(s) {
        assert_eq!(InvoiceNo::parse(&no.to_string()), Some(no));
    }
    if let Some(no) = CreditNo::parse(s) {
        assert_eq!(CreditNo::parse(&no.to_string()), Some(no));
    }
    if let Ok(id) = StaffId::parse(s) {
        assert_eq!(StaffId::parse(id.as_str()).ok().as_ref(), Some(&id));
    }
    if let Ok(code) = UnitCode::parse(s) {
        assert_eq!(UnitCode::parse(code.as_str()).ok().as_ref(), Some(&code));
    }
    if let Some(order) = OrderId::parse(s) {
        let _ = order.ours();
    }
    let _ = PayType::parse(s);
    let _ = FileKey::parse(s);
    let _ = Email::parse(s);
    let _ = PasswordAttempt::parse(s);
    let _ = NewPassword::parse(s, &["100001", "循環 太郎", "m100001@example.jp"]);
    let _ = BaseQualification::parse(s);
    let _ = BaseCertNo::parse(s);
    let _ = portal_domain::application::parse_date("date", "日付", s);
    let _ = portal_domain::unit_table::search(&portal_domain::unit_table::sample_table(), s);
});
