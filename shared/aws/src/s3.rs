//! Proof files on S3. The browser uploads straight to the bucket with a presigned PUT
//! whose signature covers the key, `Content-Type` and `Content-Length` (the server
//! checked the declared type and size first), so a different file, type or size is
//! refused by S3 itself; downloads are presigned GETs that answer as an attachment.

use std::time::Duration;

use crate::lazy::LazyClient;
use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::presigning::PresigningConfig;
use chrono::{DateTime, Utc};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use portal_domain::files::{FileKey, FilesError, ProofFiles, StoredFile, UploadTicket};

/// Tags of a proof file: uploaded (expired by the bucket's lifecycle rule after a day)
/// until 「完了」 attaches it to its record.
pub const UPLOADED_TAG: &str = "state=uploaded";
const ATTACHED: (&str, &str) = ("state", "attached");

#[derive(Clone)]
pub struct S3Files {
    client: LazyClient<Client>,
    bucket: String,
}

fn failed(e: impl std::error::Error + Send + Sync + 'static) -> FilesError {
    FilesError::unavailable(e)
}

fn presigning(now: DateTime<Utc>, valid_for: Duration) -> Result<PresigningConfig, FilesError> {
    PresigningConfig::builder().start_time(now.into()).expires_in(valid_for).build().map_err(failed)
}

impl S3Files {
    pub fn new(client: Client, bucket: &str) -> Self {
        S3Files { client: LazyClient::ready(client), bucket: bucket.to_owned() }
    }

    /// The bucket `bucket`, its client built by `make` on the first call (`lazy.rs`).
    pub fn lazy(make: impl Fn() -> Client + Send + Sync + 'static, bucket: &str) -> Self {
        S3Files { client: LazyClient::new(make), bucket: bucket.to_owned() }
    }

    /// A client for `sdk`; path-style addressing when an endpoint is configured (an
    /// emulator on 127.0.0.1 has no per-bucket host names).
    pub fn client(sdk: &aws_config::SdkConfig) -> Client {
        let path_style = std::env::var_os("AWS_ENDPOINT_URL_S3").is_some() || sdk.endpoint_url().is_some();
        // Checksums only where S3 requires them: a presigned PUT must not carry a checksum
        // of a body the server never saw.
        let conf = aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(path_style)
            .request_checksum_calculation(aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired)
            .build();
        Client::from_conf(conf)
    }
}

#[async_trait]
impl ProofFiles for S3Files {
    async fn upload_ticket(
        &self,
        key: &FileKey,
        content_type: &str,
        size: u64,
        now: DateTime<Utc>,
        valid_for: Duration,
    ) -> Result<UploadTicket, FilesError> {
        let req = self
            .client
            .get()
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(content_type)
            .content_length(size as i64)
            .tagging(UPLOADED_TAG)
            .presigned(presigning(now, valid_for)?)
            .await
            .map_err(failed)?;
        // The browser sets Content-Length and Host itself (and may not set them).
        let headers = req
            .headers()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("content-length") && !k.eq_ignore_ascii_case("host"))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Ok(UploadTicket {
            method: "PUT",
            url: req.uri().to_owned(),
            headers,
            expires_at: now + chrono::Duration::from_std(valid_for).unwrap_or_default(),
        })
    }

    async fn head(&self, key: &FileKey) -> Result<Option<StoredFile>, FilesError> {
        match self.client.get().head_object().bucket(&self.bucket).key(key.as_str()).send().await {
            Ok(o) => Ok(Some(StoredFile {
                size: o.content_length().unwrap_or(0).max(0) as u64,
                content_type: o.content_type().map(str::to_owned),
            })),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(None),
            Err(e) => Err(failed(e)),
        }
    }

    async fn first_bytes(&self, key: &FileKey, n: usize) -> Result<Vec<u8>, FilesError> {
        let range = format!("bytes=0-{}", n.saturating_sub(1));
        let out = self
            .client
            .get()
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .range(range)
            .send()
            .await
            .map_err(failed)?;
        let bytes = out.body.collect().await.map_err(failed)?.into_bytes();
        Ok(bytes[..bytes.len().min(n)].to_vec())
    }

    async fn attach(&self, key: &FileKey) -> Result<(), FilesError> {
        let tag = aws_sdk_s3::types::Tag::builder().key(ATTACHED.0).value(ATTACHED.1).build().map_err(failed)?;
        let tagging = aws_sdk_s3::types::Tagging::builder().tag_set(tag).build().map_err(failed)?;
        self.client
            .get()
            .put_object_tagging()
            .bucket(&self.bucket)
            .key(key.as_str())
            .tagging(tagging)
            .send()
            .await
            .map_err(failed)?;
        Ok(())
    }

    async fn delete(&self, key: &FileKey) -> Result<(), FilesError> {
        self.client.get().delete_object().bucket(&self.bucket).key(key.as_str()).send().await.map_err(failed)?;
        Ok(())
    }

    async fn download_link(
        &self,
        key: &FileKey,
        file_name: &str,
        now: DateTime<Utc>,
        valid_for: Duration,
    ) -> Result<String, FilesError> {
        let disposition = format!("attachment; filename*=UTF-8''{}", utf8_percent_encode(file_name, NON_ALPHANUMERIC));
        let req = self
            .client
            .get()
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .response_content_disposition(disposition)
            .presigned(presigning(now, valid_for)?)
            .await
            .map_err(failed)?;
        Ok(req.uri().to_owned())
    }
}
