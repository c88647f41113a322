//! The portal's mails, in Japanese. Links come from the configured base URL.

use portal_domain::{Email, Mail, PersonName};

use crate::AppConfig;

const SIGNATURE: &str = "\n\n――――――――――――――――――――\n一般社団法人 日本循環器学会\n会員ポータルサイト\n※このメールは送信専用アドレスから送信しています。ご返信いただいてもお答えできません。";

pub fn password_reset(config: &AppConfig, to: &Email, name: &PersonName, token: &str, valid_minutes: i64) -> Mail {
    // In the fragment: a browser never sends it to a server, so no access log (ours,
    // CloudFront's, a proxy's) ever holds a live token; the page posts it.
    let link = config.link(&format!("/reset-password.html#token={token}"));
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

fn yen(n: u32) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}円")
}

/// STEP④ done: the renewal fee invoice and the link to pay it (manual 補足).
pub fn renewal_fee_guidance(
    config: &AppConfig,
    member: &portal_domain::Member,
    application_no: &portal_domain::ApplicationNo,
    invoice: &portal_domain::Invoice,
) -> Mail {
    let link = config.link(&format!("/invoice.html?member_no={}&no={}", member.member_no, invoice.invoice_no));
    Mail {
        to: member.email.clone(),
        subject: "【日本循環器学会】専門医更新料のご案内".into(),
        body: format!(
            "{} 様\n\n循環器専門医資格の更新申請（申請番号 {application_no}）を受け付けました。\n下記の専門医更新料をお支払いいただくと、更新手続きは完了です。\n\n管理NO: {}\n料金区分: 専門医更新料\n金額: {}\n納入期限: {}\n\nお支払いのお手続きは、下記のリンク（会員ポータルサイト 請求収納の照会）からお進めください。\n{link}{SIGNATURE}",
            member.name.as_str(),
            invoice.invoice_no,
            yen(invoice.amount),
            invoice.due_date.format("%Y年%m月%d日"),
        ),
    }
}

/// 辞退申請受理: the decline was accepted.
pub fn decline_accepted(
    config: &AppConfig,
    member: &portal_domain::Member,
    application_no: &portal_domain::ApplicationNo,
) -> Mail {
    Mail {
        to: member.email.clone(),
        subject: "【日本循環器学会】専門医認定辞退申請受理のお知らせ".into(),
        body: format!(
            "{} 様\n\n循環器専門医認定の辞退申請（申請番号 {application_no}）を受理いたしました。\n申請内容は、会員ポータルサイトの会員情報照会画面「専門医資格申請情報」でご確認いただけます。\n{}{SIGNATURE}",
            member.name.as_str(),
            config.link("/home.html")
        ),
    }
}

/// 自己申告単位申請 rejected: the reason and a link straight to the record (manual
/// 「自己申告単位申請を却下された場合」).
pub fn self_report_rejected(
    config: &AppConfig,
    member: &portal_domain::Member,
    credit: &portal_domain::Credit,
) -> Mail {
    let link = config.link(&format!("/credit.html?member_no={}&no={}", member.member_no, credit.credit_no));
    Mail {
        to: member.email.clone(),
        subject: "【日本循環器学会】自己申告単位申請却下のお知らせ".into(),
        body: format!(
            "{} 様\n\n自己申告単位の承認申請（管理No {}、{}）は、事務局にて却下されました。\n\n却下理由:\n{}\n\n下記のリンクから単位情報を開き、却下理由に従って修正のうえ、再度「承認申請」を行ってください。\n{link}{SIGNATURE}",
            member.name.as_str(),
            credit.credit_no,
            credit.unit_name,
            credit.rejection_reason.as_deref().unwrap_or(""),
        ),
    }
}

fn invoice_link(config: &AppConfig, member: &portal_domain::Member, invoice: &portal_domain::Invoice) -> String {
    config.link(&format!("/invoice.html?member_no={}&no={}", member.member_no, invoice.invoice_no))
}

/// 更新料振り込み完了 (or the dues' counterpart): the payment was confirmed.
pub fn fee_paid(config: &AppConfig, member: &portal_domain::Member, invoice: &portal_domain::Invoice) -> Mail {
    let link = invoice_link(config, member, invoice);
    let (subject, closing) = match invoice.fee_type {
        portal_domain::FeeType::RenewalFee => (
            "【日本循環器学会】更新料振り込み完了のお知らせ",
            "更新料のお支払いが確認できましたので、専門医更新手続きは完了です。",
        ),
        portal_domain::FeeType::AnnualDues => (
            "【日本循環器学会】年会費納入完了のお知らせ",
            "年会費のお支払いが確認できました。専門医資格更新の申請が可能です。",
        ),
    };
    Mail {
        to: member.email.clone(),
        subject: subject.into(),
        body: format!(
            "{} 様\n\n{closing}\n\n管理NO: {}\n料金区分: {}\n金額: {}\n\n請求収納の照会画面（領収書の発行もこちらから）:\n{link}{SIGNATURE}",
            member.name.as_str(),
            invoice.invoice_no,
            invoice.fee_type.label(),
            yen(invoice.amount),
        ),
    }
}

/// The payment numbers of a convenience-store or Pay-easy payment, to keep at hand.
pub fn payment_numbers(
    config: &AppConfig,
    member: &portal_domain::Member,
    invoice: &portal_domain::Invoice,
    pay_type: portal_domain::PayType,
    n: &portal_domain::payment::PaymentNumbers,
) -> Mail {
    let link = invoice_link(config, member, invoice);
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let numbers = match pay_type {
        portal_domain::PayType::Cvs => format!(
            "お支払い先: {}\nお支払い受付番号: {}\n受付番号: {}\n※お支払いの際は、お支払い受付番号とご登録の電話番号（ハイフンなし）が必要です。",
            n.store_name().unwrap_or("コンビニエンスストア"),
            or_dash(&n.cvs_conf_no),
            or_dash(&n.cvs_receipt_no),
        ),
        _ => format!(
            "収納機関番号: {}\nお客様番号: {}\n確認番号: {}",
            or_dash(&n.bk_code),
            or_dash(&n.cust_id),
            or_dash(&n.conf_no),
        ),
    };
    Mail {
        to: member.email.clone(),
        subject: format!("【日本循環器学会】{}でのお支払い番号のお知らせ", pay_type.label()),
        body: format!(
            "{} 様\n\n{}（管理NO {}、{}）のお支払い番号を発行しました。\n\n{numbers}\n\nお支払いの確認には数日かかります。確認できるまで請求の状態は「未納」のままですが、二重にお支払いいただく必要はありません。\n\n請求収納の照会:\n{link}{SIGNATURE}",
            member.name.as_str(),
            invoice.fee_type.label(),
            invoice.invoice_no,
            yen(invoice.amount),
        ),
    }
}

/// 更新申請のご案内: the 認定期間 ends in about `months` months and nothing is applied.
pub fn renewal_reminder(
    config: &AppConfig,
    member: &portal_domain::Member,
    end: chrono::NaiveDate,
    months: u32,
) -> Mail {
    Mail {
        to: member.email.clone(),
        subject: format!("【日本循環器学会】専門医資格更新申請のご案内（認定期間満了まで約{months}か月）"),
        body: format!(
            "{} 様\n\n循環器専門医の認定期間は {} に満了します（あと約{months}か月）。\nまだ専門医資格の更新申請（または辞退申請）をいただいておりません。\n下記の会員ポータルサイトから、マニュアルのSTEP①〜④に沿ってお手続きください。\n\n{}{SIGNATURE}",
            member.name.as_str(),
            end.format("%Y年%-m月%-d日"),
            config.link("/index.html")
        ),
    }
}
