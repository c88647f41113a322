//! 単位情報: one credit record (管理No), from meeting attendance registered by staff or
//! from the member's own 自己申告.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::CreditNo;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditSource {
    /// 学術集会・地方会の参加等, registered by staff.
    Meeting,
    /// 自己申告
    SelfReport,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditStatus {
    /// 作成中: a self-report not yet sent for approval.
    Draft,
    /// 承認申請中
    Pending,
    /// 承認済
    Approved,
    /// 却下
    Rejected,
    /// 取り下げ
    Withdrawn,
}

impl CreditStatus {
    pub fn label(self) -> &'static str {
        match self {
            CreditStatus::Draft => "作成中",
            CreditStatus::Pending => "承認申請中",
            CreditStatus::Approved => "承認済",
            CreditStatus::Rejected => "却下",
            CreditStatus::Withdrawn => "取り下げ",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    pub credit_no: CreditNo,
    /// 単位コード of the 所定単位表.
    pub unit_code: String,
    pub unit_name: String,
    /// 研修単位区分 code and label.
    pub category: String,
    pub category_label: String,
    pub units: u32,
    pub earned_on: NaiveDate,
    pub source: CreditSource,
    pub status: CreditStatus,
    /// Meeting name, or a paper's title and issue.
    #[serde(default)]
    pub title: Option<String>,
}
