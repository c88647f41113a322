//! The staff home's counters (see `season_counts.rs`): plain integers, only ever added
//! to, in the same transaction as the change they count.

use serde::{Deserialize, Serialize};

use super::{Field, Record};

/// One shard of a season's, the queue's or a day's counts; absent attributes are 0.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tally {
    // Stored names differ from the list states' codes (`draft`, `paid`…): those are
    // index keys and API codes, these are counters.
    #[serde(rename = "drafts")]
    pub draft: i64,
    #[serde(rename = "fees_unpaid")]
    pub unpaid: i64,
    #[serde(rename = "fees_paid")]
    pub paid: i64,
    #[serde(rename = "declines")]
    pub declined: i64,
    pub pending: i64,
    pub submissions: i64,
    pub payments: i64,
}

impl std::ops::AddAssign<&Tally> for Tally {
    fn add_assign(&mut self, o: &Tally) {
        self.draft += o.draft;
        self.unpaid += o.unpaid;
        self.paid += o.paid;
        self.declined += o.declined;
        self.pending += o.pending;
        self.submissions += o.submissions;
        self.payments += o.payments;
    }
}

pub struct TallyRecord;

impl Record for TallyRecord {
    type Value = Tally;
    const TYPE: &'static str = "tally";
}

impl TallyRecord {
    pub const DRAFT: Field<Self, i64> = Field::new("drafts");
    pub const UNPAID: Field<Self, i64> = Field::new("fees_unpaid");
    pub const PAID: Field<Self, i64> = Field::new("fees_paid");
    pub const DECLINED: Field<Self, i64> = Field::new("declines");
    pub const PENDING: Field<Self, i64> = Field::new("pending");
    pub const SUBMISSIONS: Field<Self, i64> = Field::new("submissions");
    pub const PAYMENTS: Field<Self, i64> = Field::new("payments");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::declared_in_sample;

    #[test]
    fn declared_fields_are_attributes() {
        let fields = [
            TallyRecord::DRAFT.name(),
            TallyRecord::UNPAID.name(),
            TallyRecord::PAID.name(),
            TallyRecord::DECLINED.name(),
            TallyRecord::PENDING.name(),
            TallyRecord::SUBMISSIONS.name(),
            TallyRecord::PAYMENTS.name(),
        ];
        declared_in_sample::<TallyRecord>(&Tally::default(), &fields).unwrap();
    }
}
