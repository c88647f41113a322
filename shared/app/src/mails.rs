//! The portal's mails, in Japanese. Links come from the configured base URL.

use portal_domain::{Email, Mail, PersonName};

use crate::AppConfig;

const SIGNATURE: &str = "\n\n――――――――――――――――――――\n一般社団法人 日本循環器学会\n会員ポータルサイト\n※このメールは送信専用アドレスから送信しています。ご返信いただいてもお答えできません。";

pub fn password_reset(config: &AppConfig, to: &Email, name: &PersonName, token: &str, valid_minutes: i64) -> Mail {
    let link = config.link(&format!("/reset-password.html?token={token}"));
    Mail {
        to: to.clone(),
        subject: "【日本循環器学会】パスワード再設定のご案内".into(),
        body: format!(
            "{} 様\n\n会員ポータルサイトのパスワード再設定のお申し込みを受け付けました。\n下記のリンクから新しいパスワードを設定してください。\n\n{link}\n\nこのリンクの有効期限は{valid_minutes}分です。一度使用すると無効になります。\nお心当たりのない場合は、このメールを破棄してください。パスワードは変更されません。{SIGNATURE}",
            name.as_str()
        ),
    }
}

pub fn password_changed(config: &AppConfig, to: &Email, name: &PersonName) -> Mail {
    Mail {
        to: to.clone(),
        subject: "【日本循環器学会】パスワード変更のお知らせ".into(),
        body: format!(
            "{} 様\n\n会員ポータルサイトのパスワードが変更されました。\nほかの端末でのログインはすべて終了しています。\n\nお心当たりのない場合は、直ちに下記からパスワードを再設定のうえ、事務局までご連絡ください。\n{}{SIGNATURE}",
            name.as_str(),
            config.link("/forgot-password.html")
        ),
    }
}
