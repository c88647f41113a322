//! 更新申請のご案内: one pass over the members (the directory, then each member's
//! partition, a few at a time). A member whose 認定期間 ends within a threshold and who
//! has no application for it gets the mail of the due threshold — written to the
//! outbox in one transaction with the threshold's mark, on the condition that the mark
//! is new. So a second run sends nothing new, two runs at once send one mail, and a
//! failing mail service loses nothing (the outbox retries).

use portal_domain::reminder;
use portal_domain::{ApplicationStatus, Mail, Member, MemberNo};

use crate::records::{
    self, DirectoryRecord, MemberPartition, ReminderMark, ReminderMarkRecord, ReminderRun, ReminderRunRecord, Tx,
    TxError, When, decode, decode_opt,
};
use crate::{App, Fault, keys, mails, outbox};

const PARALLEL: usize = 16;

/// Runs the reminders now (`by`: a staff id, `schedule`, `portal-local`).
pub async fn run(app: &App, by: &str) -> Result<ReminderRun, Fault> {
    let today = app.clock.today();
    let mut members: Vec<MemberNo> = Vec::new();
    for item in app.table.query(keys::DIRECTORY_PK, "NAME#").await? {
        members.push(decode::<DirectoryRecord>(&item)?.member_no);
    }
    let mut report =
        ReminderRun { at: app.clock.now(), by: by.to_owned(), members: members.len(), sent: 0, already: 0 };
    for chunk in members.chunks(PARALLEL) {
        let mut set = tokio::task::JoinSet::new();
        for m in chunk.iter().copied() {
            let app = app.clone();
            set.spawn(async move { remind(&app, m, today).await });
        }
        while let Some(done) = set.join_next().await {
            match done?? {
                Outcome::Sent => report.sent += 1,
                Outcome::Already => report.already += 1,
                Outcome::NotDue => {}
            }
        }
    }
    let item = records::item::<ReminderRunRecord>(keys::reminder_run(), &report);
    Tx::<records::NoRefusal>::plain().write(records::put(item, When::always())).apply(app.table.as_ref()).await?;
    tracing::info!(sent = report.sent, already = report.already, members = report.members, "reminders run");
    Ok(report)
}

/// The last run, if any.
pub async fn last_run(app: &App) -> Result<Option<ReminderRun>, Fault> {
    Ok(decode_opt::<ReminderRunRecord>(app.table.get(&keys::reminder_run()).await?)?)
}

enum Outcome {
    Sent,
    Already,
    NotDue,
}

async fn remind(app: &App, m: MemberNo, today: chrono::NaiveDate) -> Result<Outcome, Fault> {
    let p = MemberPartition::from_items(&app.table.query(&keys::member_pk(m), "").await?)?;
    let Some(member) = p.member.as_ref() else { return Ok(Outcome::NotDue) };
    let Some(end) = member.certification.as_ref().map(|c| c.period.end()) else { return Ok(Outcome::NotDue) };
    let applied = p.applications.iter().any(|a| a.cert_period_end == end && a.status != ApplicationStatus::Draft);
    let Some(threshold) = reminder::due(end, today).filter(|_| !applied) else { return Ok(Outcome::NotDue) };
    let mark = records::item::<ReminderMarkRecord>(
        keys::reminder_mark(m, end, threshold),
        &ReminderMark { sent_at: app.now_epoch() },
    );
    let tx = Tx::new()
        .step(records::put(mark, When::new_item()), ())
        .write(outbox::enqueue(app, &mail(app, member, end, threshold)));
    match tx.run(app.table.as_ref()).await {
        Ok(()) => Ok(Outcome::Sent),
        Err(TxError::Refused(())) => Ok(Outcome::Already),
        Err(TxError::Store(e)) => Err(e.into()),
    }
}

fn mail(app: &App, member: &Member, end: chrono::NaiveDate, months: u32) -> Mail {
    mails::renewal_reminder(&app.config, member, end, months)
}
