//! `cargo run -p portal-local`: the portal at http://127.0.0.1:3000 with demo data.
//! `cargo run -p portal-local -- site <dir>`: writes the static site with its includes
//! expanded (what a deployment uploads).
//! `cargo run -p portal-local -- remind`: runs the deadline reminders (更新申請のご案内)
//! once against the data folder and delivers their mails to the local mailbox.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use portal_app::seed;
use portal_domain::SystemClock;
use portal_domain::table::Table;
use portal_store_sqlite::{Mailbox, SimulatedProvider, SqliteTable};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    portal_web::telemetry::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [cmd, out] = args.as_slice()
        && cmd == "site"
    {
        let n = portal_local::site::build(&portal_local::static_dir(), std::path::Path::new(out))?;
        println!("{n} files written to {out}");
        return Ok(());
    }
    let addr: SocketAddr =
        std::env::var("PORTAL_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into()).parse().context("PORTAL_ADDR")?;
    let data_dir = PathBuf::from(std::env::var("PORTAL_DATA_DIR").unwrap_or_else(|_| ".portal-data".into()));
    std::fs::create_dir_all(&data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    let base_url = std::env::var("PORTAL_BASE_URL").unwrap_or_else(|_| format!("http://{addr}"));

    // The embedded store by default; `PORTAL_STORE=dynamodb` uses DynamoDB at the SDK's
    // configured endpoint (e.g. `AWS_ENDPOINT_URL` of LocalStack or moto) instead.
    // The local mailbox stays in the SQLite file either way.
    let clock: Arc<dyn portal_domain::Clock> = Arc::new(SystemClock);
    let sqlite = SqliteTable::open(&data_dir.join("portal.sqlite3"))?.with_clock(clock.clone());
    let mailbox = Mailbox::new(&sqlite);
    let store: Arc<dyn Table> = match std::env::var("PORTAL_STORE").as_deref() {
        Ok("dynamodb") => {
            let name = std::env::var("PORTAL_TABLE").unwrap_or_else(|_| "portal".into());
            tracing::info!(table = %name, "using DynamoDB");
            portal_aws::emulator_table(&name).await?
        }
        Ok("sqlite") | Err(_) => Arc::new(sqlite.clone()),
        Ok(other) => anyhow::bail!("PORTAL_STORE must be sqlite or dynamodb, not {other}"),
    };
    let secret = local_secret(&data_dir)?;
    // Proof files: the data folder by default; with `PORTAL_BUCKET` (emulator mode) an S3
    // bucket at the SDK's configured endpoint, e.g. LocalStack's.
    let local_files = portal_local::local_files(&data_dir, &secret, &base_url);
    let (files, local_files): (Arc<dyn portal_domain::files::ProofFiles>, _) = match std::env::var("PORTAL_BUCKET") {
        Ok(bucket) if !bucket.is_empty() => {
            tracing::info!(%bucket, "proof files in S3");
            (portal_aws::emulator_bucket(&bucket).await?, None)
        }
        _ => (Arc::new(local_files.clone()), Some(local_files)),
    };
    // Payments: the simulated provider (its pages at /_dev/provider).
    let provider = SimulatedProvider::new(&sqlite, &base_url);
    let state = portal_local::state(store, clock, files, Arc::new(provider.clone()), &base_url, &secret)?;
    if seed::demo(&state.app).await? {
        tracing::info!("demo data created");
    }
    if args.first().map(String::as_str) == Some("remind") {
        let run = portal_app::reminders::run(&state.app, "portal-local").await?;
        let delivered = portal_app::outbox::deliver_due(&state.app, &mailbox, 1000).await?;
        println!(
            "reminders: {} members, {} sent, {} already sent; mails delivered: {delivered:?}",
            run.members, run.sent, run.already
        );
        return Ok(());
    }
    // Mail: the local mailbox (/_dev/mail); in emulator mode (`PORTAL_MAIL=ses`) each mail
    // goes through SES at the SDK's endpoint first (moto's), then into the mailbox too,
    // so that the member can still read it.
    let mailer: Arc<dyn portal_domain::mail::Mailer> = match std::env::var("PORTAL_MAIL").as_deref() {
        Ok("ses") => {
            let from = std::env::var("PORTAL_MAIL_FROM").context("PORTAL_MAIL_FROM (the sender, in emulator mode)")?;
            tracing::info!("mail through SES");
            let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
            let ses = portal_aws::SesMailer::new(aws_sdk_sesv2::Client::new(&sdk), &from, None);
            Arc::new(portal_local::Tee(Arc::new(ses), Arc::new(mailbox.clone())))
        }
        _ => Arc::new(mailbox.clone()),
    };
    portal_local::spawn_outbox_sender(state.app.clone(), mailer, Duration::from_millis(500));
    let purge = sqlite.clone();
    tokio::spawn(async move {
        loop {
            let _ = purge.purge_expired().await;
            tokio::time::sleep(Duration::from_secs(300)).await;
        }
    });

    let router = portal_local::router(state, mailbox, local_files, Some(provider));
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
    println!("会員ポータル: {base_url}/  (mail: {base_url}/_dev/mail, staff: {base_url}/admin/)");
    portal_local::serve(listener, router, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

/// The session-signing secret of this data folder: made once from the OS's CSPRNG and
/// kept beside the data (owner-only), so sessions survive a restart.
fn local_secret(dir: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let path = dir.join("session-secret");
    if let Ok(s) = std::fs::read(&path)
        && s.len() >= 32
    {
        return Ok(s);
    }
    let mut secret = Vec::with_capacity(64);
    while secret.len() < 64 {
        secret.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    }
    std::fs::write(&path, &secret)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(secret)
}
