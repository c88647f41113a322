//! 請求の一覧 (staff): invoices of a fiscal year, filtered by state (未納 / 納入済) and
//! fee type, one GSI1 Query per page, paged by the index's own cursor; and every row of
//! such a list, page by page, for the CSV export.

use portal_domain::table::IndexQuery;
use portal_domain::{FeeType, Invoice, MemberNo};

use crate::records::{InvoiceRecord, decode};
use crate::{App, Fault};

/// What the list shows.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub fiscal_year: i32,
    /// `Some(true)` 納入済 only, `Some(false)` 未納 only.
    pub paid: Option<bool>,
    pub fee_type: Option<FeeType>,
}

impl Filter {
    fn query(&self, after: Option<String>, limit: usize) -> IndexQuery {
        let mut prefix = String::new();
        if let Some(paid) = self.paid {
            prefix.push_str(if paid { "paid#" } else { "unpaid#" });
            if let Some(fee) = self.fee_type {
                prefix.push_str(match fee {
                    FeeType::AnnualDues => "annual_dues#",
                    FeeType::RenewalFee => "renewal_fee#",
                });
            }
        }
        IndexQuery::new(format!("INVOICES#{}", self.fiscal_year), limit).prefix(prefix).after(after)
    }
}

#[derive(Clone, Debug)]
pub struct Row {
    pub member_no: MemberNo,
    pub invoice: Invoice,
}

#[derive(Clone, Debug)]
pub struct Page {
    pub rows: Vec<Row>,
    /// Where the next page starts, when there may be one.
    pub next: Option<String>,
}

/// One page (one Query). A fee-type filter without a state filter is applied to the
/// page's rows (the index sorts by state first).
pub async fn page(app: &App, filter: &Filter, after: Option<String>, limit: usize) -> Result<Page, Fault> {
    let items = app.table.query_gsi1(&filter.query(after, limit)).await?;
    let full = items.len() == limit;
    let mut rows = Vec::with_capacity(items.len());
    let mut last = None;
    for item in &items {
        last = item.gsi1.as_ref().map(|g| g.sk.clone());
        let invoice = decode::<InvoiceRecord>(item)?;
        let member_no = item.key.pk.strip_prefix("MEMBER#").and_then(|m| MemberNo::parse(m).ok());
        let Some(member_no) = member_no else { continue };
        if filter.paid.is_none() && filter.fee_type.is_some_and(|f| f != invoice.fee_type) {
            continue;
        }
        rows.push(Row { member_no, invoice });
    }
    Ok(Page { rows, next: if full { last } else { None } })
}
