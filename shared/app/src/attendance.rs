//! 学術集会・地方会の参加記録の取込 (staff): a CSV goes from the browser straight to
//! file storage (a signed upload, as proof files do: no size limit of the API in the
//! way), the preview reads it back and checks every row, and 「取込」 creates the
//! credits in batches the page drives (progress shown, no request near the API's
//! time limit). A batch re-reads and re-checks its rows: nothing the browser says is
//! trusted. Each credit is written with its attendance mark on the condition that the
//! mark is new, so the same file twice — or two staff importing it at once — creates
//! each credit once.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use portal_domain::attendance::{self, AttendanceRow, HeaderError, ReadRow};
use portal_domain::csv::{self, CsvEncoding, CsvError};
use portal_domain::files::{FileKey, ProofFiles, UploadTicket};
use portal_domain::table::Table;
use portal_domain::{Credit, CreditNo, CreditSource, CreditStatus, FieldError, MemberNo, StaffId, UnitCode, UnitEntry};

use crate::credits::unit_table;
use crate::records::{self, AttendanceMark, AttendanceMarkRecord, CreditRecord, MemberPartition, Tx, TxError, When};
use crate::{App, Fault, audit, keys};

pub const UPLOAD_VALID: Duration = Duration::from_secs(10 * 60);
/// Rows per transaction: a credit, its mark and its audit entry each, within
/// DynamoDB's 100 items.
const ROWS_PER_TX: usize = 25;
/// Member partitions read at once.
const PARALLEL_READS: usize = 16;
/// Most error rows one preview lists (the counts cover them all).
pub const MAX_LISTED: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}", .0.message)]
    Invalid(FieldError),
    #[error("取込ファイルが見つかりません。もう一度アップロードしてください。")]
    FileMissing,
    #[error("{0}")]
    Csv(#[from] CsvError),
    #[error("{0}")]
    Header(#[from] HeaderError),
    #[error(transparent)]
    Fault(#[from] Fault),
}

impl From<portal_domain::files::FilesError> for ImportError {
    fn from(e: portal_domain::files::FilesError) -> Self {
        ImportError::Fault(e.into())
    }
}

/// What becomes of one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowStatus {
    /// Will be (or was, by this batch) made a credit.
    Ready,
    /// Already imported earlier (the same member, unit code and date): skipped.
    AlreadyImported,
    /// Not imported; every reason listed.
    Refused(Vec<String>),
}

#[derive(Clone, Debug)]
pub struct CheckedRow {
    pub read: ReadRow,
    pub status: RowStatus,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: usize,
    pub ready: usize,
    pub already: usize,
    pub refused: usize,
}

#[derive(Debug)]
pub struct Preview {
    pub encoding: CsvEncoding,
    pub counts: Counts,
    /// The refused rows (up to [`MAX_LISTED`]), in file order.
    pub refused: Vec<CheckedRow>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Batch {
    pub counts: Counts,
    /// Credits this batch created.
    pub created: usize,
    /// Where the next batch starts (a row index), if there is one.
    pub next: Option<usize>,
    /// Rows in the whole file.
    pub rows: usize,
}

/// A signed upload for an attendance CSV of `size` bytes.
pub async fn upload_ticket(
    app: &App,
    files: &dyn ProofFiles,
    staff: &StaffId,
    size: u64,
) -> Result<(FileKey, UploadTicket), ImportError> {
    if !(1..=csv::MAX_BYTES as u64).contains(&size) {
        return Err(ImportError::Invalid(FieldError::new(
            "file",
            "CSVファイルは10MBまでです（空のファイルは取り込めません）。",
        )));
    }
    let key = FileKey::import(staff, &uuid::Uuid::new_v4().simple().to_string());
    let ticket = files.upload_ticket(&key, "text/csv", size, app.clock.now(), UPLOAD_VALID).await?;
    Ok((key, ticket))
}

/// Reads the uploaded file back: its rows as the CSV says, before the store is asked.
async fn load(
    files: &dyn ProofFiles,
    staff: &StaffId,
    raw_key: &str,
    encoding: Option<CsvEncoding>,
) -> Result<(Vec<ReadRow>, CsvEncoding), ImportError> {
    let key = FileKey::parse_import_for(raw_key, staff).ok_or(ImportError::FileMissing)?;
    let stored = files.head(&key).await?.ok_or(ImportError::FileMissing)?;
    if stored.size > csv::MAX_BYTES as u64 {
        return Err(CsvError::TooLarge.into());
    }
    let bytes = files.first_bytes(&key, csv::MAX_BYTES + 1).await?;
    let (text, encoding) = csv::decode(&bytes, encoding)?;
    let rows = attendance::read(&csv::parse(&text)?)?;
    Ok((rows, encoding))
}

/// 「確認」: every row checked; nothing written.
pub async fn preview(
    app: &App,
    files: &dyn ProofFiles,
    staff: &StaffId,
    raw_key: &str,
    encoding: Option<CsvEncoding>,
) -> Result<Preview, ImportError> {
    let (rows, encoding) = load(files, staff, raw_key, encoding).await?;
    let checked = check(app, rows, &units(app).await?).await?;
    let counts = tally(&checked);
    let refused = checked.into_iter().filter(|r| matches!(r.status, RowStatus::Refused(_))).take(MAX_LISTED).collect();
    Ok(Preview { encoding, counts, refused })
}

/// 「取込」 of rows `from..from + count` of the file (row indexes, not lines).
#[allow(clippy::too_many_arguments)]
pub async fn import(
    app: &App,
    files: &dyn ProofFiles,
    who: &audit::Actor,
    staff: &StaffId,
    raw_key: &str,
    encoding: Option<CsvEncoding>,
    from: usize,
    count: usize,
) -> Result<Batch, ImportError> {
    let (rows, _) = load(files, staff, raw_key, encoding).await?;
    let total = rows.len();
    let end = from.saturating_add(count.clamp(1, 5000)).min(total);
    let batch: Vec<ReadRow> = rows.into_iter().skip(from).take(end.saturating_sub(from)).collect();
    let units = units(app).await?;
    let mut checked = check(app, batch, &units).await?;
    let created = write(app, who, &mut checked, &units).await?;
    Ok(Batch { counts: tally(&checked), created, next: (end < total).then_some(end), rows: total })
}

fn tally(rows: &[CheckedRow]) -> Counts {
    let mut c = Counts { total: rows.len(), ..Counts::default() };
    for r in rows {
        match r.status {
            RowStatus::Ready => c.ready += 1,
            RowStatus::AlreadyImported => c.already += 1,
            RowStatus::Refused(_) => c.refused += 1,
        }
    }
    c
}

/// The checks that need the store: the member (one partition Query per member, a few
/// at a time), the name, the unit code on that date, the 認定期間, and earlier imports.
async fn units(app: &App) -> Result<HashMap<UnitCode, UnitEntry>, Fault> {
    Ok(unit_table(app).await?.into_iter().map(|u| (u.code.clone(), u)).collect())
}

async fn check(
    app: &App,
    rows: Vec<ReadRow>,
    units: &HashMap<UnitCode, UnitEntry>,
) -> Result<Vec<CheckedRow>, ImportError> {
    let mut members: Vec<MemberNo> = rows.iter().filter_map(|r| r.outcome.as_ref().ok()).map(|r| r.member_no).collect();
    members.sort_unstable();
    members.dedup();
    let partitions = read_partitions(&app.table, members).await?;
    Ok(rows
        .into_iter()
        .map(|read| {
            let status = match &read.outcome {
                Err(problems) => RowStatus::Refused(problems.clone()),
                Ok(row) => judge(row, partitions.get(&row.member_no).and_then(Option::as_ref), units),
            };
            CheckedRow { read, status }
        })
        .collect())
}

fn judge(row: &AttendanceRow, partition: Option<&MemberPartition>, units: &HashMap<UnitCode, UnitEntry>) -> RowStatus {
    let mut problems = Vec::new();
    let member = partition.and_then(|p| p.member.as_ref());
    match member {
        None => problems.push(format!("会員番号 {} の会員は登録されていません。", row.member_no)),
        Some(m) if !attendance::same_name(&row.name, m.name.as_str()) => {
            problems.push(format!("氏名が会員の登録（{}）と一致しません。", m.name.as_str()))
        }
        Some(_) => {}
    }
    match units.get(&row.unit_code) {
        None => problems.push(format!("単位コード {} は所定単位表にありません。", row.unit_code)),
        Some(u) if !u.valid_on(row.date) => problems
            .push(format!("単位コード {} は {} には有効ではありません（廃止または開始前）。", row.unit_code, row.date)),
        Some(_) => {}
    }
    if let Some(m) = member {
        match &m.certification {
            None => problems.push("この会員には循環器専門医の認定期間が登録されていません。".to_owned()),
            Some(c) if !c.period.contains(row.date) => problems.push(format!(
                "日付 {} は会員の認定期間（{}〜{}）の外です。",
                row.date,
                c.period.start(),
                c.period.end()
            )),
            Some(_) => {}
        }
    }
    if !problems.is_empty() {
        return RowStatus::Refused(problems);
    }
    if partition.is_some_and(|p| p.attendance.contains(&(row.unit_code.clone(), row.date))) {
        return RowStatus::AlreadyImported;
    }
    RowStatus::Ready
}

async fn read_partitions(
    table: &Arc<dyn Table>,
    members: Vec<MemberNo>,
) -> Result<BTreeMap<MemberNo, Option<MemberPartition>>, ImportError> {
    let mut out = BTreeMap::new();
    for chunk in members.chunks(PARALLEL_READS) {
        let mut set = tokio::task::JoinSet::new();
        for m in chunk.iter().copied() {
            let table = table.clone();
            set.spawn(async move { (m, table.query(&keys::member_pk(m), "").await) });
        }
        while let Some(joined) = set.join_next().await {
            let (m, items) = joined.map_err(Fault::from)?;
            let items = items.map_err(Fault::from)?;
            let p = MemberPartition::from_items(&items).map_err(Fault::from)?;
            out.insert(m, p.member.is_some().then_some(p));
        }
    }
    Ok(out)
}

/// Writes the ready rows: numbers reserved at once, then transactions of
/// [`ROWS_PER_TX`] rows. A row whose mark exists by now (imported meanwhile) is
/// counted as already imported and its transaction retried without it.
async fn write(
    app: &App,
    who: &audit::Actor,
    rows: &mut [CheckedRow],
    units: &HashMap<UnitCode, UnitEntry>,
) -> Result<usize, ImportError> {
    let ready: Vec<usize> = (0..rows.len()).filter(|i| rows[*i].status == RowStatus::Ready).collect();
    if ready.is_empty() {
        return Ok(0);
    }
    let last = app.reserve_in_sequence("CREDIT", ready.len() as i64).await?;
    let mut numbers = (last - ready.len() as i64 + 1)..=last;
    let mut created = 0;
    for chunk in ready.chunks(ROWS_PER_TX) {
        let mut pending: Vec<(usize, Credit)> = chunk
            .iter()
            .map(|i| {
                let row = rows[*i].read.outcome.as_ref().expect("ready rows read well");
                let entry = &units[&row.unit_code];
                let no = CreditNo::new(numbers.next().expect("a number per ready row"));
                let mut credit = Credit::of(no, entry, row.date, CreditSource::Meeting, CreditStatus::Approved);
                credit.title = row.title.clone();
                (*i, credit)
            })
            .collect();
        while !pending.is_empty() {
            let mut tx = Tx::new();
            for (i, credit) in &pending {
                let row = rows[*i].read.outcome.as_ref().expect("ready rows read well");
                let mark = AttendanceMark { credit_no: credit.credit_no.clone(), imported_by: who.id.clone() };
                let change = audit::Change {
                    action: "credit.import",
                    label: "参加記録の取込",
                    record: credit.credit_no.to_string(),
                    before: None,
                    after: Some(credit.status.label()),
                    reason: credit.title.as_deref(),
                };
                let mark_key = AttendanceMarkRecord::key(row.member_no, &row.unit_code, row.date);
                tx = tx
                    .step(records::put(records::item::<AttendanceMarkRecord>(mark_key, &mark), When::new_item()), *i)
                    .write(records::put(
                        records::item::<CreditRecord>(CreditRecord::key(row.member_no, &credit.credit_no), credit),
                        When::new_item(),
                    ))
                    .write(audit::on_member(app, row.member_no, who, &change));
            }
            match tx.run(app.table.as_ref()).await {
                Ok(()) => {
                    created += pending.len();
                    pending.clear();
                }
                Err(TxError::Refused(i)) => {
                    rows[i].status = RowStatus::AlreadyImported;
                    pending.retain(|(j, _)| *j != i);
                }
                Err(TxError::Store(e)) => return Err(Fault::from(e).into()),
            }
        }
    }
    Ok(created)
}
