//! Demo data for the local portal only (README, "Demo accounts"): a deployment never calls this.

use chrono::{Datelike, NaiveDate};
use portal_domain::{
    CertNo, CertPeriod, Certification, CollectionMethod, Credit, CreditNo, CreditSource, CreditStatus, Email, FeeType,
    FiscalYear, Invoice, InvoiceNo, MailingAddress, Member, MemberNo, PersonName, RenewalRule, StaffId, StaffRole,
};

use crate::records::{
    self, Credentials, CreditRecord, InvoiceRecord, MemberAuthRecord, MemberRecord, NoRefusal, RenewalRuleRecord,
    SeedMarker, SeedMarkerRecord, SelfReportTotal, SelfReportTotalRecord, StaffAccount, StaffListing,
    StaffListingRecord, StaffRecord, Tx, UnitRecord, When,
};
use crate::{App, Fault, SeedError, password_hash};

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

/// 氏名（カナ） of the demo members.
fn demo_kana(no: &str) -> &'static str {
    match no {
        "100001" => "ジュンカン タロウ",
        "100002" => "シンゾウ ハナコ",
        "100003" => "ケッカン ジロウ",
        "100004" => "フセイ サブロウ",
        _ => "ベンマク シロウ",
    }
}

/// Codes of the sample 所定単位表 the demo credits use.
const JCS_MEETING: &str = "AM-ATT";
const REGIONAL_MEETING: &str = "RM-ATT";
const RELATED_MEETING: &str = "REL-AM";

/// Demo credits per member: (unit code, how many, self-reported). Totals: 100001 52 (12
/// of them self-reported), 100002 50, 100003 30, 100004 38 (18 self-reported), 100005 25.
fn demo_credits(no: &str) -> Vec<(&'static str, u32, bool)> {
    match no {
        "100001" => vec![(JCS_MEETING, 3, false), (REGIONAL_MEETING, 2, false), (RELATED_MEETING, 4, true)],
        "100002" => vec![(JCS_MEETING, 4, false), (REGIONAL_MEETING, 2, false)],
        "100003" => vec![(JCS_MEETING, 2, false), (REGIONAL_MEETING, 2, false)],
        "100004" => vec![(JCS_MEETING, 2, false), (RELATED_MEETING, 6, true)],
        _ => vec![(JCS_MEETING, 2, false), (REGIONAL_MEETING, 1, false)],
    }
}

/// 年会費 (sample amount).
pub const ANNUAL_DUES: u32 = 13_000;

const DEMO_STAFF: [(&str, &str, StaffRole); 2] =
    [("staff01", "佐藤 一郎", StaffRole::Reviewer), ("admin01", "鈴木 花子", StaffRole::Administrator)];

/// The current five-year 認定期間, ending at the end of the current fiscal year.
pub fn demo_period(today: NaiveDate) -> CertPeriod {
    let end = FiscalYear::containing(today).last_day();
    let start = NaiveDate::from_ymd_opt(end.year() - 5, 4, 1).expect("April 1 exists");
    CertPeriod::new(start, end).expect("start before end")
}

/// Creates the demo accounts once; returns whether it wrote anything.
pub async fn demo(app: &App) -> Result<bool, SeedError> {
    let marker = SeedMarkerRecord::key("demo");
    if app.table.get(&marker).await.map_err(Fault::from)?.is_some() {
        return Ok(false);
    }
    let period = demo_period(app.clock.today());
    // One hash for every demo account: they share the published demo password anyway.
    let hash = password_hash::hash(DEMO_PASSWORD.to_owned()).await?;
    let creds = Credentials { password_hash: hash, session_version: 1, password_version: 0 };
    let mut tx: Tx<NoRefusal> = Tx::plain()
        .write(records::put(records::item::<SeedMarkerRecord>(marker, &SeedMarker::default()), When::new_item()));
    let today = app.clock.today();
    let years: Vec<FiscalYear> = (FiscalYear::containing(period.start()).year()..=FiscalYear::containing(today).year())
        .map(FiscalYear::new)
        .collect::<Result<_, _>>()?;
    // Number ranges from the same counters live allocations use, so nothing collides.
    let mut invoice_seq = Vec::new();
    for fy in &years {
        let last = app.reserve_in_sequence(&format!("INVOICE#{}", fy.year()), DEMO_MEMBERS.len() as i64).await?;
        invoice_seq.push(last - DEMO_MEMBERS.len() as i64 + 1);
    }
    sample_unit_table(app).await?;
    let table = portal_domain::unit_table::sample_table();
    let entry = |code: &str| table.iter().find(|e| e.code.as_str() == code).expect("a sample code");
    let credit_total: u32 = DEMO_MEMBERS.iter().flat_map(|m| demo_credits(m.0)).map(|(_, n, _)| n).sum();
    let mut credit_seq = app.reserve_in_sequence("CREDIT", credit_total as i64).await? - credit_total as i64;
    tx = tx.write(records::put(
        records::item::<RenewalRuleRecord>(RenewalRuleRecord::key(), &RenewalRule::default()),
        When::always(),
    ));
    let first = records::RuleVersion { rule: RenewalRule::default(), by_id: None, by_name: None, reason: None };
    tx = tx.write(records::put(
        records::item::<records::RuleVersionRecord>(RenewalRuleRecord::version_key(1), &first),
        When::always(),
    ));
    for (m, (no, name, cert_no, method, postal, address, org)) in DEMO_MEMBERS.into_iter().enumerate() {
        let member_no = MemberNo::parse(no)?;
        let member = Member {
            member_no,
            name: PersonName::parse(name)?,
            name_kana: Some(demo_kana(no).into()),
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
        tx = tx
            .write_all(crate::directory::entries(&member))
            .write(records::put(records::item::<MemberRecord>(MemberRecord::key(member_no), &member), When::new_item()))
            .write(records::put(
                records::item::<MemberAuthRecord>(MemberAuthRecord::key(member_no), &creds),
                When::new_item(),
            ));
        for (y, fy) in years.iter().enumerate() {
            // 100002 has not paid this fiscal year's dues; everyone else has paid all.
            let unpaid = no == "100002" && *fy == FiscalYear::containing(today);
            let mut invoice = Invoice::new(
                InvoiceNo::new(fy.year(), invoice_seq[y] + m as i64),
                FeeType::AnnualDues,
                *fy,
                ANNUAL_DUES,
                NaiveDate::from_ymd_opt(fy.year(), 6, 30).expect("June 30"),
                None,
            );
            if !unpaid {
                invoice.paid_on = Some(NaiveDate::from_ymd_opt(fy.year(), 5, 20).expect("May 20").min(today));
                invoice.paid_via = Some(portal_domain::PaidVia::Office);
            }
            tx = tx.write(records::put(InvoiceRecord::stored(member_no, &invoice), When::new_item()));
        }
        let mut earned_on = period.start() + chrono::Duration::days(60);
        let mut self_reported = 0;
        for (code, count, own) in demo_credits(no) {
            for _ in 0..count {
                credit_seq += 1;
                let source = if own { CreditSource::SelfReport } else { CreditSource::Meeting };
                let mut credit = Credit::of(
                    CreditNo::new(credit_seq),
                    entry(code),
                    earned_on.min(today),
                    source,
                    CreditStatus::Approved,
                );
                if own {
                    credit.title = Some("日本内科学会 年次学術集会".into());
                    self_reported += i64::from(credit.units);
                }
                earned_on += chrono::Duration::days(75);
                tx = tx.write(records::put(
                    records::item::<CreditRecord>(CreditRecord::key(member_no, &credit.credit_no), &credit),
                    When::new_item(),
                ));
            }
        }
        if self_reported > 0 {
            let total = SelfReportTotal { units: self_reported };
            tx = tx.write(records::put(
                records::item::<SelfReportTotalRecord>(SelfReportTotalRecord::key(member_no, period.end()), &total),
                When::new_item(),
            ));
        }
    }
    for (id, name, role) in DEMO_STAFF {
        let account = StaffAccount {
            staff_id: StaffId::parse(id)?,
            name: name.into(),
            role,
            disabled: false,
            credentials: creds.clone(),
            second_factor: Default::default(),
        };
        tx = tx.write(records::put(
            records::item::<StaffRecord>(StaffRecord::key(&account.staff_id), &account),
            When::new_item(),
        ));
        let listing = StaffListing::of(&account, app.clock.now());
        tx = tx.write(records::put(StaffListingRecord::stored(&listing), When::new_item()));
    }
    match tx.apply(app.table.as_ref()).await {
        Ok(()) => Ok(true),
        Err(portal_domain::table::StoreError::ConditionFailed { .. }) => Ok(false), // seeded concurrently
        Err(e) => Err(Fault::from(e).into()),
    }
}

/// Writes the sample 所定単位表 (sample values, for staff to edit) where the table has
/// no entry of that code yet; an entry staff changed is left as it is.
pub async fn sample_unit_table(app: &App) -> Result<(), SeedError> {
    let existing = app.table.query(crate::keys::UNITS_PK, "").await.map_err(Fault::from)?;
    let mut tx = Tx::plain();
    let mut any = false;
    for entry in portal_domain::unit_table::sample_table() {
        let key = UnitRecord::key(&entry.code);
        if existing.iter().any(|i| i.key == key) {
            continue;
        }
        tx = tx.write(records::put(records::item::<UnitRecord>(key, &entry), When::new_item()));
        any = true;
    }
    if !any {
        return Ok(());
    }
    match tx.apply(app.table.as_ref()).await {
        Ok(()) | Err(portal_domain::table::StoreError::ConditionFailed { .. }) => Ok(()),
        Err(e) => Err(Fault::from(e).into()),
    }
}
