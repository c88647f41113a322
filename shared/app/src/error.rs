//! What a use case can answer besides success. The HTTP layer maps each variant to a
//! status and a stable code; the Display text is the Japanese message a user reads.

use portal_domain::FieldErrors;
use portal_domain::table::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("入力内容に誤りがあります。各項目をご確認ください。")]
    Invalid(FieldErrors),
    /// Same answer for an unknown member and a wrong password.
    #[error("会員番号またはパスワードが正しくありません。")]
    LoginFailed,
    #[error("ログインに続けて失敗したため、一時的にログインできません。{} 分ほど時間をおいてから再度お試しください。パスワードがご不明な場合は「パスワードをお忘れですか？」から再設定できます。", retry_after_secs.div_ceil(60))]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("ログインしてください。")]
    Unauthenticated,
    #[error(
        "このリンクは無効か、有効期限が切れています。お手数ですが、もう一度パスワードの再設定をお申し込みください。"
    )]
    InvalidToken,
    #[error("現在のパスワードが正しくありません。")]
    WrongCurrentPassword,
    #[error("お探しの情報は見つかりませんでした。")]
    NotFound,
    #[error("他の操作と重なったため処理できませんでした。もう一度お試しください。")]
    Conflict,
    /// STEP④ refused: the eligibility says why (dues, units, or both).
    #[error("専門医資格更新の申請ができません。")]
    RenewalRefused(Box<portal_domain::Eligibility>),
    #[error("この種別の申請情報はすでに作成されています。申請番号を開いて内容をご確認ください。")]
    ApplicationExists,
    #[error("この認定期間の申請はすでに完了しています。")]
    AlreadySubmitted,
    #[error("申請済みの申請情報は変更・削除できません。")]
    NotEditable,
    #[error("循環器専門医の認定情報が登録されていないため申請できません。事務局までお問い合わせください。")]
    NoCertification,
    #[error("ただいま処理できません。しばらくしてから再度お試しください。")]
    Store(#[from] StoreError),
    #[error("ただいま処理できません。しばらくしてから再度お試しください。")]
    Internal(String),
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Invalid(e)
    }
}

impl From<portal_domain::FieldError> for AppError {
    fn from(e: portal_domain::FieldError) -> Self {
        AppError::Invalid(e.into())
    }
}
