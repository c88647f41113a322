//! Proof files on the local disk, with the same contract as S3's presigned URLs: an
//! upload URL names one key, type and size and carries an HMAC signature and an
//! expiry; the local portal's `/_files/…` routes check all of them before writing or
//! reading a byte. Files live under `<data dir>/files/<key>`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use portal_domain::files::{FileKey, FilesError, ProofFiles, StoredFile, UploadTicket};
use sha2::Sha256;

/// The local portal's routes that play the part of the bucket.
pub const UPLOAD_PATH: &str = "/_files/upload";
pub const DOWNLOAD_PATH: &str = "/_files/download";

#[derive(Clone)]
pub struct LocalFiles {
    dir: PathBuf,
    secret: Vec<u8>,
    base_url: String,
}

/// Why a signed local request was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the request is not signed for this key, type and size")]
    BadSignature,
    #[error("the request has expired")]
    Expired,
    #[error("the body is not what was signed")]
    WrongBody,
}

/// The signed parameters of a local upload or download URL.
#[derive(Clone, Debug, Default)]
pub struct Signed {
    pub key: String,
    pub content_type: String,
    pub size: u64,
    pub file_name: String,
    pub expires: i64,
    pub sig: String,
}

impl Signed {
    /// Reads the URL's query string.
    pub fn from_query(query: &str) -> Self {
        let mut s = Signed::default();
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            match k.as_ref() {
                "key" => s.key = v.into_owned(),
                "type" => s.content_type = v.into_owned(),
                "size" => s.size = v.parse().unwrap_or(0),
                "name" => s.file_name = v.into_owned(),
                "expires" => s.expires = v.parse().unwrap_or(0),
                "sig" => s.sig = v.into_owned(),
                _ => {}
            }
        }
        s
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl LocalFiles {
    /// `secret` signs the URLs (at least 32 bytes); `base_url` is the portal's origin.
    pub fn new(dir: &Path, secret: &[u8], base_url: &str) -> Self {
        LocalFiles {
            dir: dir.to_owned(),
            secret: secret.to_owned(),
            base_url: base_url.trim_end_matches('/').to_owned(),
        }
    }

    fn path(&self, key: &FileKey) -> PathBuf {
        self.dir.join(key.as_str())
    }

    fn sign(&self, action: &str, s: &Signed) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length");
        let text = format!("{action}\n{}\n{}\n{}\n{}\n{}", s.key, s.content_type, s.size, s.file_name, s.expires);
        mac.update(text.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    fn verify(&self, action: &str, s: &Signed, now: i64) -> Result<FileKey, Refusal> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length");
        let text = format!("{action}\n{}\n{}\n{}\n{}\n{}", s.key, s.content_type, s.size, s.file_name, s.expires);
        mac.update(text.as_bytes());
        // Exactly 64 hex digits: a signature with anything appended is not the signature.
        if s.sig.len() != 64 || !s.sig.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Refusal::BadSignature);
        }
        let sig: Vec<u8> = (0..32).filter_map(|i| u8::from_str_radix(&s.sig[2 * i..2 * i + 2], 16).ok()).collect();
        mac.verify_slice(&sig).map_err(|_| Refusal::BadSignature)?;
        if s.expires <= now {
            return Err(Refusal::Expired);
        }
        FileKey::parse(&s.key).ok_or(Refusal::BadSignature)
    }

    fn url(&self, path: &str, action: &str, mut s: Signed) -> String {
        s.sig = self.sign(action, &s);
        let q = form_urlencoded::Serializer::new(String::new())
            .append_pair("key", &s.key)
            .append_pair("type", &s.content_type)
            .append_pair("size", &s.size.to_string())
            .append_pair("name", &s.file_name)
            .append_pair("expires", &s.expires.to_string())
            .append_pair("sig", &s.sig)
            .finish();
        format!("{}{path}?{q}", self.base_url)
    }

    /// Accepts an upload to a signed URL: the signature, the expiry, the declared type
    /// and the exact size all have to match before the file is written.
    pub fn accept_upload(&self, s: &Signed, content_type: &str, body: &[u8], now: i64) -> Result<(), Refusal> {
        let key = self.verify("PUT", s, now)?;
        if content_type != s.content_type || body.len() as u64 != s.size {
            return Err(Refusal::WrongBody);
        }
        let path = self.path(&key);
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(path.parent().expect("keys have a folder"))?;
            std::fs::write(&path, body)?;
            std::fs::write(path.with_extension("type"), content_type)
        };
        write().map_err(|e| {
            tracing::error!(error = %e, "local proof file cannot be written");
            Refusal::WrongBody
        })
    }

    /// Opens a file for a signed download URL: (bytes, content type, file name).
    pub fn open_download(&self, s: &Signed, now: i64) -> Result<Option<(Vec<u8>, String, String)>, Refusal> {
        let key = self.verify("GET", s, now)?;
        let path = self.path(&key);
        let Ok(bytes) = std::fs::read(&path) else { return Ok(None) };
        let ct =
            std::fs::read_to_string(path.with_extension("type")).unwrap_or_else(|_| "application/octet-stream".into());
        Ok(Some((bytes, ct, s.file_name.clone())))
    }
}

/// `attachment; filename*=UTF-8''…` for a (Japanese) file name.
pub fn attachment(file_name: &str) -> String {
    format!("attachment; filename*=UTF-8''{}", utf8_percent_encode(file_name, NON_ALPHANUMERIC))
}

fn io(e: std::io::Error) -> FilesError {
    FilesError::unavailable(e)
}

#[async_trait]
impl ProofFiles for LocalFiles {
    async fn upload_ticket(
        &self,
        key: &FileKey,
        content_type: &str,
        size: u64,
        now: DateTime<Utc>,
        valid_for: Duration,
    ) -> Result<UploadTicket, FilesError> {
        let expires_at = now + chrono::Duration::from_std(valid_for).unwrap_or_default();
        let s = Signed {
            key: key.as_str().to_owned(),
            content_type: content_type.to_owned(),
            size,
            file_name: String::new(),
            expires: expires_at.timestamp(),
            sig: String::new(),
        };
        Ok(UploadTicket {
            method: "PUT",
            url: self.url(UPLOAD_PATH, "PUT", s),
            headers: vec![("Content-Type".into(), content_type.to_owned())],
            expires_at,
        })
    }

    async fn head(&self, key: &FileKey) -> Result<Option<StoredFile>, FilesError> {
        let path = self.path(key);
        match tokio::fs::metadata(&path).await {
            Ok(m) => Ok(Some(StoredFile {
                size: m.len(),
                content_type: tokio::fs::read_to_string(path.with_extension("type")).await.ok(),
            })),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(e)),
        }
    }

    async fn first_bytes(&self, key: &FileKey, n: usize) -> Result<Vec<u8>, FilesError> {
        use tokio::io::AsyncReadExt;
        let file = tokio::fs::File::open(self.path(key)).await.map_err(io)?;
        let mut buf = Vec::with_capacity(n);
        file.take(n as u64).read_to_end(&mut buf).await.map_err(io)?;
        Ok(buf)
    }

    /// Locally every upload is kept (a developer's disk, not a bill).
    async fn attach(&self, _key: &FileKey) -> Result<(), FilesError> {
        Ok(())
    }

    async fn delete(&self, key: &FileKey) -> Result<(), FilesError> {
        let path = self.path(key);
        for p in [path.clone(), path.with_extension("type")] {
            match tokio::fs::remove_file(&p).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(e)),
            }
        }
        Ok(())
    }

    async fn download_link(
        &self,
        key: &FileKey,
        file_name: &str,
        now: DateTime<Utc>,
        valid_for: Duration,
    ) -> Result<String, FilesError> {
        let expires = (now + chrono::Duration::from_std(valid_for).unwrap_or_default()).timestamp();
        let s = Signed {
            key: key.as_str().to_owned(),
            content_type: String::new(),
            size: 0,
            file_name: file_name.to_owned(),
            expires,
            sig: String::new(),
        };
        Ok(self.url(DOWNLOAD_PATH, "GET", s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_domain::{CreditNo, MemberNo};

    fn files() -> (LocalFiles, PathBuf) {
        let dir = std::env::temp_dir().join(format!("files-{}", uuid_like()));
        (LocalFiles::new(&dir, &[9u8; 32], "http://127.0.0.1:3000"), dir)
    }

    fn uuid_like() -> String {
        format!("{:x}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos())
    }

    #[tokio::test]
    async fn signed_uploads_accept_exactly_what_was_signed() {
        let (f, dir) = files();
        let key = FileKey::new(MemberNo::parse("100003").unwrap(), &CreditNo::new(1), "0123456789abcdef");
        let now = Utc::now();
        let t = f.upload_ticket(&key, "application/pdf", 9, now, Duration::from_secs(60)).await.unwrap();
        let s = Signed::from_query(t.url.split_once('?').unwrap().1);
        let ts = now.timestamp();
        assert_eq!(f.accept_upload(&s, "image/png", b"%PDF-1.7\n", ts), Err(Refusal::WrongBody));
        assert_eq!(f.accept_upload(&s, "application/pdf", b"%PDF-1.7\n+more", ts), Err(Refusal::WrongBody));
        assert_eq!(f.accept_upload(&s, "application/pdf", b"%PDF-1.7\n", ts + 61), Err(Refusal::Expired));
        let other = Signed { key: "proofs/100004/C-000001/0123456789abcdef".into(), ..s.clone() };
        assert_eq!(f.accept_upload(&other, "application/pdf", b"%PDF-1.7\n", ts), Err(Refusal::BadSignature));
        let bigger = Signed { size: 10, ..s.clone() };
        assert_eq!(f.accept_upload(&bigger, "application/pdf", b"%PDF-1.7\n+", ts), Err(Refusal::BadSignature));
        // Found by fuzzing review: a digit appended to the signature was ignored.
        let padded = Signed { sig: format!("{}0", s.sig), ..s.clone() };
        assert_eq!(f.accept_upload(&padded, "application/pdf", b"%PDF-1.7\n", ts), Err(Refusal::BadSignature));
        f.accept_upload(&s, "application/pdf", b"%PDF-1.7\n", ts).unwrap();
        assert_eq!(f.head(&key).await.unwrap().unwrap().size, 9);
        assert_eq!(f.first_bytes(&key, 5).await.unwrap(), b"%PDF-");
        let link = f.download_link(&key, "名刺.pdf", now, Duration::from_secs(300)).await.unwrap();
        let d = Signed::from_query(link.split_once('?').unwrap().1);
        let (bytes, ct, name) = f.open_download(&d, ts).unwrap().unwrap();
        assert_eq!((bytes.len(), ct.as_str(), name.as_str()), (9, "application/pdf", "名刺.pdf"));
        assert_eq!(f.open_download(&d, ts + 301), Err(Refusal::Expired));
        f.delete(&key).await.unwrap();
        assert_eq!(f.head(&key).await.unwrap(), None);
        std::fs::remove_dir_all(dir).ok();
    }
}
