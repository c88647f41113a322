//! The member portal's domain: values that parse once, pure rules, and the ports
//! (traits) that adapters implement. Nothing here performs I/O.

pub mod application;
pub mod attendance;
pub mod base_qualification;
pub mod business_day;
pub mod cert;
pub mod clock;
pub mod credit;
pub mod csv;
pub mod email;
pub mod field_error;
pub mod files;
pub mod fiscal_year;
pub mod invoice;
pub mod issued_no;
pub mod mail;
pub mod member;
pub mod member_no;
pub mod password;
pub mod payment;
pub mod receipt;
pub mod reminder;
pub mod renewal_rule;
pub mod renewal_rule_form;
pub mod second_factor;
pub mod staff;
pub mod table;
pub mod unit_table;

pub use application::{
    Application, ApplicationDetails, ApplicationKind, ApplicationStatus, DeclineDetails, DeclineForm, DeclineReason,
    RenewalDetails, RenewalForm,
};
pub use base_qualification::{BaseCertNo, BaseQualification};
pub use business_day::BusinessDay;
pub use cert::{CertNo, CertPeriod, Certification};
pub use clock::{Clock, Jst, SystemClock};
pub use credit::{
    Actor, ApprovalAction, ApprovalEvent, Credit, CreditRefusal, CreditSource, CreditStatus, Decision, Proof,
    SelfReport, SelfReportForm,
};
pub use email::Email;
pub use field_error::{FieldError, FieldErrors};
pub use fiscal_year::FiscalYear;
pub use invoice::{FeeType, Invoice, InvoiceStatus, PaidVia, PaymentOptions, PaymentRefusal};
pub use issued_no::{ApplicationNo, CreditNo, InvoiceNo};
pub use mail::Mail;
pub use member::{CollectionMethod, MailingAddress, Member, PersonName};
pub use member_no::MemberNo;
pub use password::{NewPassword, PasswordAttempt};
pub use payment::{OrderId, PayType, PaymentAttempt, PaymentNotification};
pub use renewal_rule::{CategoryRule, Eligibility, RenewalRule, eligibility};
pub use staff::{StaffId, StaffRole, staff_name};
pub use unit_table::{Activity, FileType, ProofKind, UnitCode, UnitEntry};
