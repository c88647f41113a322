//! `/_files/upload` and `/_files/download`: the local stand-in for the bucket. They
//! accept only requests signed by the portal (see `LocalFiles`): the right key, type
//! and exact size, before the expiry — as S3 checks a presigned URL.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use portal_domain::Clock;
use portal_domain::unit_table::MAX_PROOF_BYTES;
use portal_store_sqlite::files::{DOWNLOAD_PATH, LocalFiles, Signed, UPLOAD_PATH, attachment};
use std::sync::Arc;

#[derive(Clone)]
struct Files {
    files: LocalFiles,
    clock: Arc<dyn Clock>,
}

pub fn router(files: LocalFiles, clock: Arc<dyn Clock>) -> Router {
    Router::new()
        .route(UPLOAD_PATH, put(upload))
        .route(DOWNLOAD_PATH, get(download))
        .layer(DefaultBodyLimit::max(MAX_PROOF_BYTES as usize + 1))
        .with_state(Files { files, clock })
}

fn refused(status: StatusCode, why: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], why.to_owned()).into_response()
}

async fn upload(State(f): State<Files>, req: Request) -> Response {
    let signed = Signed::from_query(req.uri().query().unwrap_or_default());
    let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let Ok(body) = to_bytes(req.into_body(), signed.size.min(MAX_PROOF_BYTES) as usize).await else {
        return refused(StatusCode::PAYLOAD_TOO_LARGE, "the body is larger than signed");
    };
    match f.files.accept_upload(&signed, &ct, &body, f.clock.now().timestamp()) {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => refused(StatusCode::FORBIDDEN, &e.to_string()),
    }
}

async fn download(State(f): State<Files>, req: Request) -> Response {
    let signed = Signed::from_query(req.uri().query().unwrap_or_default());
    match f.files.open_download(&signed, f.clock.now().timestamp()) {
        Ok(Some((bytes, ct, name))) => {
            let mut res = Response::new(Body::from(bytes));
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_str(&ct).unwrap_or(HeaderValue::from_static("application/octet-stream")),
            );
            if let Ok(v) = HeaderValue::from_str(&attachment(&name)) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            res
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => refused(StatusCode::FORBIDDEN, &e.to_string()),
    }
}
