//! Demo data of SPEC §13, for the local portal only: a deployment never calls this.

use chrono::{Datelike, NaiveDate};
use portal_domain::table::{Cond, Item, Write};
use portal_domain::{
    CertNo, CertPeriod, Certification, CollectionMethod, Email, FiscalYear, MailingAddress, Member, MemberNo,
    PersonName, StaffId, StaffRole,
};
use serde_json::Map;

use crate::records::{self, Credentials, StaffAccount};
use crate::{App, AppError, keys, password_hash};

pub const DEMO_PASSWORD: &str = "demo-Junkanki-2025";

/// (会員番号, 氏名, 認定番号, collection method, 郵便番号, 住所, 施設)
const DEMO_MEMBERS: [(&str, &str, &str, CollectionMethod, &str, &str, &str); 5] = [
    (
        "100001",
        "循環 太郎",
        "20101",
        CollectionMethod::BankDebit,
        "100-0011",
        "東京都千代田区内幸町1-1-1",
        "千代田循環器病院",
    ),
    (
        "100002",
        "心臓 花子",
        "20102",
        CollectionMethod::PostalTransfer,
        "530-0001",
        "大阪府大阪市北区梅田2-2-2",
        "梅田ハートクリニック",
    ),
    (
        "100003",
        "血管 次郎",
        "20103",
        CollectionMethod::CardSubscription,
        "460-0008",
        "愛知県名古屋市中区栄3-3-3",
        "栄総合病院",
    ),
    (
        "100004",
        "不整 三郎",
        "20104",
        CollectionMethod::PostalTransfer,
        "812-0011",
        "福岡県福岡市博多区博多駅前4-4-4",
        "博多医療センター",
    ),
    (
        "100005",
        "弁膜 四郎",
        "20105",
        CollectionMethod::BankDebit,
        "060-0001",
        "北海道札幌市中央区北一条西5-5-5",
        "札幌心臓血管研究所",
    ),
];

const DEMO_STAFF: [(&str, &str, StaffRole); 2] =
    [("staff01", "事務局 一郎", StaffRole::Reviewer), ("admin01", "事務局 管理者", StaffRole::Administrator)];

/// The current five-year 認定期間, ending at the end of the current fiscal year.
pub fn demo_period(today: NaiveDate) -> CertPeriod {
    let end = FiscalYear::containing(today).last_day();
    let start = NaiveDate::from_ymd_opt(end.year() - 5, 4, 1).expect("April 1 exists");
    CertPeriod::new(start, end).expect("start before end")
}

/// Creates the demo accounts once; returns whether it wrote anything.
pub async fn demo(app: &App) -> Result<bool, AppError> {
    let marker = keys::seed_marker("demo");
    if app.table.get(&marker).await?.is_some() {
        return Ok(false);
    }
    let period = demo_period(app.clock.today());
    // One hash for every demo account: they share the published demo password anyway.
    let hash = password_hash::hash(DEMO_PASSWORD.to_owned()).await?;
    let creds = Credentials { password_hash: hash, session_version: 1 };
    let mut writes = vec![Write::Put { item: Item::new(marker, Map::new()), cond: Cond::NotExists }];
    for (no, name, cert_no, method, postal, address, org) in DEMO_MEMBERS {
        let member_no = MemberNo::parse(no)?;
        let member = Member {
            member_no,
            name: PersonName::parse(name)?,
            email: Email::parse(&format!("m{no}@example.jp"))?,
            mailing_address: MailingAddress {
                postal_code: postal.into(),
                address: address.into(),
                organization: Some(org.into()),
            },
            collection_method: method,
            certification: Some(Certification {
                cert_no: CertNo::parse(cert_no)?,
                certified_on: period.start(),
                period,
            }),
        };
        writes.push(Write::Put { item: records::member_item(&member), cond: Cond::NotExists });
        writes.push(Write::Put { item: records::member_auth_item(member_no, &creds), cond: Cond::NotExists });
    }
    for (id, name, role) in DEMO_STAFF {
        let account =
            StaffAccount { staff_id: StaffId::parse(id)?, name: name.into(), role, credentials: creds.clone() };
        writes.push(Write::Put { item: records::staff_item(&account), cond: Cond::NotExists });
    }
    match app.table.transact(writes).await {
        Ok(()) => Ok(true),
        Err(portal_domain::table::StoreError::ConditionFailed { .. }) => Ok(false), // seeded concurrently
        Err(e) => Err(e.into()),
    }
}
