//! 専門医資格申請情報 and the two markers that make its rules atomic.

use chrono::{DateTime, NaiveDate, Utc};
use portal_domain::table::Key;
use portal_domain::{Application, ApplicationKind, ApplicationNo, ApplicationStatus, InvoiceNo, MemberNo};
use serde::{Deserialize, Serialize};

use super::{Field, Record};
use crate::keys;

pub struct ApplicationRecord;

impl Record for ApplicationRecord {
    type Value = Application;
    const TYPE: &'static str = "application";
}

impl ApplicationRecord {
    pub const STATUS: Field<Self, ApplicationStatus> = Field::new("status");
    pub const DETAILS: Field<Self, portal_domain::ApplicationDetails> = Field::new("details");
    pub const SUBMITTED_AT: Field<Self, Option<DateTime<Utc>>> = Field::new("submitted_at");
    pub const INVOICE_NO: Field<Self, Option<InvoiceNo>> = Field::new("invoice_no");
    pub const RULE_VERSION: Field<Self, Option<u32>> = Field::new("rule_version");

    pub fn key(m: MemberNo, no: &ApplicationNo) -> Key {
        keys::application(m, no)
    }

    /// The stored item, with its place in the staff's list (updates that change the
    /// state move it: see `applications::submit`, `payments::paid_writes`).
    pub fn stored(m: MemberNo, a: &Application) -> super::Stored<Self> {
        let place = crate::application_list::place(m, a, crate::application_list::ListState::of(a));
        super::item::<Self>(Self::key(m, &a.application_no), a).with_gsi1(place)
    }
}

/// Holds the one open (draft or submitted) application of a kind for a 認定期間; the
/// "new item" condition on it is what makes "only one of each kind" atomic.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OpenApplication {
    pub application_no: ApplicationNo,
}

pub struct OpenApplicationRecord;

impl Record for OpenApplicationRecord {
    type Value = OpenApplication;
    const TYPE: &'static str = "open_application";
}

impl OpenApplicationRecord {
    pub const APPLICATION_NO: Field<Self, ApplicationNo> = Field::new("application_no");

    pub fn key(m: MemberNo, kind: ApplicationKind, period_end: NaiveDate) -> Key {
        keys::open_application(m, kind, period_end)
    }
}

/// Exists once an application of either kind is submitted for a 認定期間: a member
/// cannot both renew and decline one period.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SubmittedMarker {
    pub application_no: ApplicationNo,
    pub kind: ApplicationKind,
}

pub struct SubmittedRecord;

impl Record for SubmittedRecord {
    type Value = SubmittedMarker;
    const TYPE: &'static str = "submitted_application";
}

impl SubmittedRecord {
    pub fn key(m: MemberNo, period_end: NaiveDate) -> Key {
        keys::submitted_application(m, period_end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::declared_in_sample;
    use portal_domain::{ApplicationDetails, DeclineDetails, DeclineReason};

    #[test]
    fn declared_fields_are_attributes() {
        let a = Application {
            application_no: ApplicationNo::new(2026, 1),
            details: ApplicationDetails::Decline(DeclineDetails { reason: DeclineReason::Other, note: None }),
            status: ApplicationStatus::Draft,
            cert_period_end: NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
            created_at: Utc::now(),
            submitted_at: None,
            invoice_no: None,
            rule_version: None,
        };
        let fields = [
            ApplicationRecord::STATUS.name(),
            ApplicationRecord::DETAILS.name(),
            ApplicationRecord::SUBMITTED_AT.name(),
            ApplicationRecord::INVOICE_NO.name(),
            ApplicationRecord::RULE_VERSION.name(),
        ];
        declared_in_sample::<ApplicationRecord>(&a, &fields).unwrap();
        let o = OpenApplication { application_no: a.application_no };
        declared_in_sample::<OpenApplicationRecord>(&o, &[OpenApplicationRecord::APPLICATION_NO.name()]).unwrap();
    }
}
