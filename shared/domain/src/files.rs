//! The proof-file port: files go from the browser straight to storage with a signed,
//! expiring request for exactly one key, type and size, which the server chose; the
//! server then checks what arrived and hands out short-lived download links. Adapters:
//! S3 (presigned PUT) on AWS, a folder with the same signed-URL contract locally.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::{CreditNo, MemberNo, StaffId};

/// Where a proof file is stored: always under its member's and credit's prefix,
/// `proofs/<member>/<credit>/<id>`, with an id the server generated.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileKey(String);

impl FileKey {
    pub const PREFIX: &'static str = "proofs";

    pub fn new(member: MemberNo, credit: &CreditNo, id: &str) -> Self {
        FileKey(format!("{}/{member}/{credit}/{id}", Self::PREFIX))
    }

    /// The key a client names, if it is one of this member's credit's keys.
    pub fn parse_for(raw: &str, member: MemberNo, credit: &CreditNo) -> Option<Self> {
        let id = raw.strip_prefix(&format!("{}/{member}/{credit}/", Self::PREFIX))?;
        let ok = (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_hexdigit());
        ok.then(|| FileKey(raw.to_owned()))
    }

    /// Where staff upload an attendance CSV for import: `imports/<staff>/<id>`. Never
    /// attached, so the storage removes it after a day.
    pub const IMPORTS: &'static str = "imports";

    pub fn import(staff: &StaffId, id: &str) -> Self {
        FileKey(format!("{}/{staff}/{id}", Self::IMPORTS))
    }

    /// The key a client names, if it is one of this staff member's import files.
    pub fn parse_import_for(raw: &str, staff: &StaffId) -> Option<Self> {
        let id = raw.strip_prefix(&format!("{}/{staff}/", Self::IMPORTS))?;
        let ok = (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_hexdigit());
        ok.then(|| FileKey(raw.to_owned()))
    }

    /// Any key of the proof-file or import-file shape (for the local file routes,
    /// which check a signature too).
    pub fn parse(raw: &str) -> Option<Self> {
        if let Some(rest) = raw.strip_prefix(&format!("{}/", Self::IMPORTS)) {
            let staff = StaffId::parse(rest.split('/').next()?).ok()?;
            return Self::parse_import_for(raw, &staff);
        }
        let mut parts = raw.split('/');
        let (Some(prefix), Some(m), Some(c), Some(id), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let member = MemberNo::parse(m).ok()?;
        let credit = CreditNo::parse(c)?;
        (prefix == Self::PREFIX).then_some(())?;
        Self::parse_for(&format!("{prefix}/{member}/{credit}/{id}"), member, &credit)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The file's id within its credit.
    pub fn id(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or_default()
    }
}

/// How the browser sends the file: `method` to `url` with exactly these headers (the
/// signature covers them) and the file as the body.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct UploadTicket {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub expires_at: DateTime<Utc>,
}

/// What storage holds under a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    pub size: u64,
    pub content_type: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    #[error("file storage unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl FilesError {
    pub fn unavailable(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        FilesError::Unavailable(e.into())
    }
}

#[async_trait::async_trait]
pub trait ProofFiles: Send + Sync + 'static {
    /// A signed request that uploads exactly `size` bytes of `content_type` to `key`,
    /// valid for `valid_for` from `now`.
    async fn upload_ticket(
        &self,
        key: &FileKey,
        content_type: &str,
        size: u64,
        now: DateTime<Utc>,
        valid_for: Duration,
    ) -> Result<UploadTicket, FilesError>;

    /// What is stored under `key`, if anything.
    async fn head(&self, key: &FileKey) -> Result<Option<StoredFile>, FilesError>;

    /// The first `n` bytes of the file (fewer if it is shorter).
    async fn first_bytes(&self, key: &FileKey, n: usize) -> Result<Vec<u8>, FilesError>;

    /// Marks an uploaded file as kept: files uploaded but never attached to a record
    /// (「完了」 never pressed) are removed by the storage after a day.
    async fn attach(&self, key: &FileKey) -> Result<(), FilesError>;

    async fn delete(&self, key: &FileKey) -> Result<(), FilesError>;

    /// A link that downloads the file as an attachment named `file_name`, valid for
    /// `valid_for` from `now`.
    async fn download_link(
        &self,
        key: &FileKey,
        file_name: &str,
        now: DateTime<Utc>,
        valid_for: Duration,
    ) -> Result<String, FilesError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_stay_under_their_member_and_credit() {
        let m = MemberNo::parse("100003").unwrap();
        let c = CreditNo::new(12);
        let k = FileKey::new(m, &c, "0123456789abcdef");
        assert_eq!(k.as_str(), "proofs/100003/C-000012/0123456789abcdef");
        assert_eq!(FileKey::parse_for(k.as_str(), m, &c), Some(k.clone()));
        assert_eq!(FileKey::parse(k.as_str()), Some(k.clone()));
        let other = MemberNo::parse("100004").unwrap();
        assert_eq!(FileKey::parse_for(k.as_str(), other, &c), None, "another member's key");
        for bad in [
            "proofs/100003/C-000012/../x",
            "proofs/100003/C-000012/abc",
            "proofs/100003/C-000012/0123456789abcdef/x",
            "other/100003/C-000012/0123456789abcdef",
        ] {
            assert_eq!(FileKey::parse(bad), None, "{bad}");
        }
        assert_eq!(k.id(), "0123456789abcdef");
    }

    #[test]
    fn import_keys_stay_under_their_staff_member() {
        let s = StaffId::parse("staff01").unwrap();
        let k = FileKey::import(&s, "0123456789abcdef");
        assert_eq!(k.as_str(), "imports/staff01/0123456789abcdef");
        assert_eq!(FileKey::parse_import_for(k.as_str(), &s), Some(k.clone()));
        assert_eq!(FileKey::parse(k.as_str()), Some(k.clone()));
        assert_eq!(FileKey::parse_import_for(k.as_str(), &StaffId::parse("admin01").unwrap()), None);
        for bad in ["imports/staff01/../x", "imports/staff01/0123456789abcdef/x", "imports/STAFF 01/0123456789abcdef"] {
            assert_eq!(FileKey::parse(bad), None, "{bad}");
        }
    }
}
