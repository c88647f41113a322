//! The member portal's domain: values that parse once, pure rules, and the ports
//! (traits) that adapters implement. Nothing here performs I/O.

pub mod business_day;
pub mod cert;
pub mod clock;
pub mod email;
pub mod field_error;
pub mod fiscal_year;
pub mod mail;
pub mod member;
pub mod member_no;
pub mod password;
pub mod staff;
pub mod table;

pub use business_day::BusinessDay;
pub use cert::{CertNo, CertPeriod, Certification};
pub use clock::{Clock, Jst, SystemClock};
pub use email::Email;
pub use field_error::{FieldError, FieldErrors};
pub use fiscal_year::FiscalYear;
pub use mail::Mail;
pub use member::{CollectionMethod, MailingAddress, Member, PersonName};
pub use member_no::MemberNo;
pub use password::{NewPassword, PasswordAttempt};
pub use staff::{StaffId, StaffRole};
