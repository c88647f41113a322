//! What use cases answer besides success: one error type per family of use cases, each
//! with its own refusals (whose Display is the Japanese message a user reads) and a
//! [`Fault`] for what went wrong underneath, with its cause chain kept for the log.
//! The HTTP layer alone decides statuses and codes.

use portal_domain::table::StoreError;
use portal_domain::{Eligibility, FieldError, FieldErrors};

use crate::records::RecordError;

/// What fails under a use case without being the user's doing.
#[derive(Debug, thiserror::Error)]
pub enum Fault {
    #[error("store call failed")]
    Store(#[from] StoreError),
    #[error("stored record unreadable")]
    Record(#[from] RecordError),
    #[error("background task failed")]
    Task(#[from] tokio::task::JoinError),
    #[error("file storage failed")]
    Files(#[from] portal_domain::files::FilesError),
}

impl Fault {
    /// The store error underneath, if that is what failed (for 409 / 503 answers).
    pub fn store_error(&self) -> Option<&StoreError> {
        match self {
            Fault::Store(e) => Some(e),
            _ => None,
        }
    }
}

/// Lets `?` turn a store, record or task failure into a family's `Fault` variant.
macro_rules! faults_into {
    ($($family:ty),*) => {$(
        impl From<StoreError> for $family {
            fn from(e: StoreError) -> Self {
                Fault::from(e).into()
            }
        }
        impl From<RecordError> for $family {
            fn from(e: RecordError) -> Self {
                Fault::from(e).into()
            }
        }
        impl From<tokio::task::JoinError> for $family {
            fn from(e: tokio::task::JoinError) -> Self {
                Fault::from(e).into()
            }
        }
        impl From<portal_domain::files::FilesError> for $family {
            fn from(e: portal_domain::files::FilesError) -> Self {
                Fault::from(e).into()
            }
        }
    )*};
}

/// Reading a member's own records: the session must still be current and the record
/// the caller's own.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// The session's version no longer matches (logged out, password changed).
    #[error("ログインしてください。")]
    SessionEnded,
    /// Not there, or another member's: the same answer, revealing nothing.
    #[error("お探しの情報は見つかりませんでした。")]
    NotFound,
    #[error(transparent)]
    Fault(#[from] Fault),
}

/// Logging in and out, changing a password.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("入力内容に誤りがあります。各項目をご確認ください。")]
    Invalid(FieldErrors),
    /// Same answer for an unknown account and a wrong password.
    #[error("会員番号またはパスワードが正しくありません。")]
    LoginFailed,
    #[error("ログインに続けて失敗したため、一時的にログインできません。{} 分ほど時間をおいてから再度お試しください。パスワードがご不明な場合は「パスワードをお忘れですか？」から再設定できます。", retry_after_secs.div_ceil(60))]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("ログインしてください。")]
    SessionEnded,
    #[error("現在のパスワードが正しくありません。")]
    WrongCurrentPassword,
    /// A wrong, expired or unknown second-factor code (or recovery code).
    #[error("確認コードが正しくありません。認証アプリに表示されている最新のコードを入力してください。")]
    SecondFactorFailed,
    /// A right code whose time step was already used: replay, or a second login
    /// within the same 30 seconds.
    #[error("この確認コードは使用済みです。認証アプリに次のコードが表示されてから入力してください。")]
    CodeAlreadyUsed,
    #[error(transparent)]
    Fault(#[from] Fault),
}

/// Password reset by mail.
#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error("入力内容に誤りがあります。各項目をご確認ください。")]
    Invalid(FieldErrors),
    #[error(
        "このリンクは無効か、有効期限が切れています。お手数ですが、もう一度パスワードの再設定をお申し込みください。"
    )]
    InvalidToken,
    #[error(transparent)]
    Fault(#[from] Fault),
}

/// 専門医資格申請情報: create, edit, delete, submit.
#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    #[error("入力内容に誤りがあります。各項目をご確認ください。")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error("この種別の申請情報はすでに作成されています。申請番号を開いて内容をご確認ください。")]
    ApplicationExists,
    #[error("この認定期間の申請はすでに完了しています。")]
    AlreadySubmitted,
    #[error("申請済みの申請情報は変更・削除できません。")]
    NotEditable,
    #[error("循環器専門医の認定情報が登録されていないため申請できません。事務局までお問い合わせください。")]
    NoCertification,
    /// STEP④ refused: the eligibility says why (dues, units, or both).
    #[error("専門医資格更新の申請ができません。")]
    RenewalRefused(Box<Eligibility>),
    /// The 更新条件 was revised while this submission was being checked.
    #[error("更新条件が改定されました。申請条件をご確認のうえ、もう一度「申請」を押してください。")]
    RuleRevised,
    #[error(transparent)]
    Fault(#[from] Fault),
}

/// 単位情報: self-reports, proof files, the approval workflow and staff decisions.
#[derive(Debug, thiserror::Error)]
pub enum CreditError {
    #[error("入力内容に誤りがあります。各項目をご確認ください。")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Access(#[from] AccessError),
    /// Already at the cap: no new self-report can be made.
    #[error("自己申告できる単位は{cap}単位までです。すでに{cap}単位に達しているため、これ以上自己申告できません。")]
    CapReached { cap: u32 },
    /// This request would go over the cap.
    #[error(
        "自己申告できる単位は{cap}単位までです。この単位情報（{units}単位）を申請すると上限を超えます（あと{remaining}単位まで申請できます）。"
    )]
    OverCap { cap: u32, units: u32, remaining: u32 },
    #[error("{0}")]
    Refused(#[from] portal_domain::CreditRefusal),
    /// Another staff member decided it first.
    #[error("この申請はすでに決裁されています。一覧を更新してご確認ください。")]
    AlreadyDecided,
    /// The record changed since the member loaded it (another tab).
    #[error("この単位情報は他の画面で更新されています。画面を再読み込みしてからもう一度お試しください。")]
    Stale,
    /// The uploaded file is not what it claims, or not allowed.
    #[error("{}", .0.message)]
    FileRefused(FieldError),
    #[error("循環器専門医の認定情報が登録されていないため申請できません。事務局までお問い合わせください。")]
    NoCertification,
    #[error(transparent)]
    Fault(#[from] Fault),
}

/// Paying an invoice: provider checkout, postal slip, and staff records.
#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error("入力内容に誤りがあります。各項目をご確認ください。")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error("{0}")]
    Refused(#[from] portal_domain::PaymentRefusal),
    /// The provider could not start the checkout; nothing was locked.
    #[error("決済サービスに接続できませんでした。しばらくしてから再度お試しください。")]
    ProviderUnavailable(#[source] portal_domain::payment::PaymentsError),
    /// The invoice changed meanwhile (a notification, another tab).
    #[error("請求の状態が変わりました。画面を再読み込みしてご確認ください。")]
    Stale,
    #[error(transparent)]
    Fault(#[from] Fault),
}

/// Writing the local portal's demo data.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("demo data does not parse: {0}")]
    Data(#[from] FieldError),
    #[error(transparent)]
    Fault(#[from] Fault),
}

faults_into!(AccessError, AuthError, ResetError, ApplicationError, CreditError, PaymentError, SeedError);

impl From<FieldErrors> for CreditError {
    fn from(e: FieldErrors) -> Self {
        CreditError::Invalid(e)
    }
}

impl From<FieldError> for CreditError {
    fn from(e: FieldError) -> Self {
        CreditError::Invalid(e.into())
    }
}

impl From<FieldErrors> for AuthError {
    fn from(e: FieldErrors) -> Self {
        AuthError::Invalid(e)
    }
}

impl From<FieldErrors> for ResetError {
    fn from(e: FieldErrors) -> Self {
        ResetError::Invalid(e)
    }
}

impl From<FieldErrors> for ApplicationError {
    fn from(e: FieldErrors) -> Self {
        ApplicationError::Invalid(e)
    }
}

impl From<FieldError> for ApplicationError {
    fn from(e: FieldError) -> Self {
        ApplicationError::Invalid(e.into())
    }
}
