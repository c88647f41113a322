//! The whole portal on one machine: every route group's router merged, the static
//! site, the embedded adapters (SQLite store, local mailbox), the outbox sender as a
//! background task, and the local-only `/_dev/mail` mailbox.

mod dev_mail;
mod dev_provider;
mod html;
mod local_files;
pub mod site;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use portal_app::{App, AppConfig, outbox};
use portal_domain::Clock;
use portal_domain::files::ProofFiles;
use portal_domain::mail::Mailer;
use portal_domain::payment::Payments;
use portal_domain::table::Table;
use portal_store_sqlite::{LocalFiles, Mailbox, SimulatedProvider};
use portal_web::{AppState, SessionKeys, layers, routes};

pub use dev_mail::router as dev_mail_router;

/// Where the static site is: `PORTAL_STATIC_DIR`, or the repository's `static-site/`.
pub fn static_dir() -> PathBuf {
    std::env::var_os("PORTAL_STATIC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../static-site")))
}

/// Every API route group, as on AWS, plus the static site, the dev mailbox and (with
/// the embedded file store) the signed `/_files/…` routes.
pub fn router(
    state: AppState,
    mailbox: Mailbox,
    local_files: Option<LocalFiles>,
    provider: Option<SimulatedProvider>,
) -> Router {
    router_with(state, mailbox, local_files, provider, |_, r| r)
}

/// [`router`], with each route group's router passed through `wrap` (named as its
/// function): tests use it to see which function makes which store call.
pub fn router_with(
    state: AppState,
    mailbox: Mailbox,
    local_files: Option<LocalFiles>,
    provider: Option<SimulatedProvider>,
    wrap: impl Fn(&'static str, Router) -> Router,
) -> Router {
    let files = local_files.map(|f| local_files::router(f, state.app.clock.clone()));
    let provider = provider.map(|p| dev_provider::router(p, &state.app.config.base_url));
    let root = static_dir();
    // In emulator mode the bucket is another origin (e.g. LocalStack's).
    let upload_origin = std::env::var("PORTAL_UPLOAD_ORIGIN").ok().filter(|o| !o.is_empty());
    let site = Router::new().fallback(move |req| site::serve(root.clone(), req));
    let site = layers::with_security_headers_for(site, upload_origin.as_deref());
    let api = routes::GROUPS.iter().fold(layers::unknown_api_routes(state.clone()), |r, g| {
        r.merge(wrap(g.name, routes::router(g.name, (g.routes)(), state.clone())))
    });
    let api = files.into_iter().chain(provider).fold(api, Router::merge);
    api.merge(dev_mail::router(mailbox)).merge(site)
}

pub fn state(
    table: Arc<dyn Table>,
    clock: Arc<dyn Clock>,
    files: Arc<dyn ProofFiles>,
    payments: Arc<dyn Payments>,
    base_url: &str,
    session_secret: &[u8],
) -> anyhow::Result<AppState> {
    let app = App::new(table, clock, AppConfig::new(base_url));
    let keys = SessionKeys::new(session_secret, base_url).map_err(anyhow::Error::msg)?;
    let receipts = portal_receipt::PdfReceipts::from_file(&receipt_font()).map_err(anyhow::Error::new)?;
    Ok(AppState::new(app, keys).with_files(files).with_payments(payments).with_receipts(Arc::new(receipts)))
}

/// The font of 領収書: `PORTAL_RECEIPT_FONT`, or the repository's IPAex Gothic (the
/// file the deployment ships as a Lambda layer).
pub fn receipt_font() -> PathBuf {
    std::env::var_os("PORTAL_RECEIPT_FONT").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../infra/font-layer/fonts/ipaexg.ttf"))
    })
}

/// Proof files in `<data dir>/files`, behind URLs signed with a key derived from the
/// session secret (a different purpose, so a different key).
pub fn local_files(data_dir: &std::path::Path, session_secret: &[u8], base_url: &str) -> LocalFiles {
    use sha2::Digest;
    let key = sha2::Sha256::new().chain_update(b"portal-local proof files\n").chain_update(session_secret).finalize();
    LocalFiles::new(&data_dir.join("files"), &key, base_url)
}

/// Serves `router` on `listener` with the caller's address available (for throttling)
/// and TCP_NODELAY, so a small response is not held back by Nagle's algorithm waiting
/// for the client's delayed ACK.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Delivers due mails every `interval` until the process ends (the local stand-in for
/// the stream-triggered sender on AWS).
/// A mailer that sends through `.0` and, once that succeeded, keeps a copy with `.1`.
pub struct Tee(pub Arc<dyn Mailer>, pub Arc<dyn Mailer>);

#[async_trait::async_trait]
impl Mailer for Tee {
    async fn send(&self, mail: &portal_domain::Mail) -> Result<(), portal_domain::mail::MailError> {
        self.0.send(mail).await?;
        self.1.send(mail).await
    }
}

pub fn spawn_outbox_sender(app: App, mailer: Arc<dyn Mailer>, interval: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match outbox::deliver_due(&app, mailer.as_ref(), outbox::PAGE).await {
                Ok(d) if d.sent + d.retried + d.failed > 0 => {
                    tracing::info!(sent = d.sent, retried = d.retried, failed = d.failed, "outbox")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "outbox sender failed; will retry"),
            }
            tokio::time::sleep(interval).await;
        }
    })
}
