//! Staff corrections of a member's record (会員情報の訂正): 送付・請求先, mail address
//! and the dues collection method. Each is conditional on the value staff saw (two
//! staff correcting at once: one wins, the other is told), moves the directory entries
//! with it, and leaves an audit entry with before and after.

use portal_domain::{CollectionMethod, Email, FieldErrors, MailingAddress, Member, MemberNo};

use crate::records::{self, Changes, DirectoryRecord, MemberRecord, Tx, TxError, decode_opt};
use crate::{App, Fault, audit, directory, keys};

#[derive(Debug, thiserror::Error)]
pub enum CorrectionError {
    #[error("入力内容に誤りがあります。各項目をご確認ください。")]
    Invalid(FieldErrors),
    #[error("お探しの会員は見つかりませんでした。")]
    NotFound,
    /// Changed by someone else since it was read.
    #[error("この会員情報は他の操作で更新されています。画面を再読み込みしてからもう一度お試しください。")]
    Stale,
    #[error(transparent)]
    Fault(#[from] Fault),
}

async fn read(app: &App, member: MemberNo) -> Result<Member, CorrectionError> {
    let item = app.table.get(&MemberRecord::key(member)).await.map_err(Fault::from)?;
    decode_opt::<MemberRecord>(item).map_err(Fault::from)?.ok_or(CorrectionError::NotFound)
}

/// 送付・請求先 and mail address, as the member's register now says.
pub async fn correct_contact(
    app: &App,
    who: &audit::Actor,
    member: MemberNo,
    address: (&str, &str, &str),
    raw_email: &str,
) -> Result<Member, CorrectionError> {
    let mut errs = FieldErrors::new();
    let mailing = MailingAddress::parse(address.0, address.1, address.2).map_err(|e| errs.0.extend(e.0)).ok();
    let email = errs.take(Email::parse(raw_email));
    let (Some(mailing), Some(email)) = (mailing, email) else { return Err(CorrectionError::Invalid(errs)) };
    let old = read(app, member).await?;
    let mut new = old.clone();
    new.mailing_address = mailing;
    new.email = email;
    let update = records::update(
        MemberRecord::key(member),
        Changes::new().set(MemberRecord::MAILING_ADDRESS, &new.mailing_address).set(MemberRecord::EMAIL, &new.email),
        MemberRecord::MAILING_ADDRESS.is(&old.mailing_address).and(MemberRecord::EMAIL.is(&old.email)),
    );
    let mut tx = Tx::new().step(update, ());
    for (what, label, before, after) in [
        (
            "member.mailing_address",
            "送付・請求先の訂正",
            old.mailing_address.one_line(),
            new.mailing_address.one_line(),
        ),
        ("member.email", "メールアドレスの訂正", old.email.as_str().to_owned(), new.email.as_str().to_owned()),
    ] {
        if before != after {
            let change = audit::Change {
                action: what,
                label,
                record: member.to_string(),
                before: Some(&before),
                after: Some(&after),
                reason: None,
            };
            tx = tx.write(audit::on_member(app, member, who, &change));
        }
    }
    if old.email != new.email {
        let folded = portal_domain::unit_table::fold(old.email.as_str());
        tx = tx.write(records::delete::<DirectoryRecord>(
            keys::directory_entry("MAIL", &folded, member),
            records::When::always(),
        ));
    }
    run(app, tx.write_all(directory::entries(&new)), new).await
}

/// 会費の納入方法 (口座振替, 郵便振替, クレジット継続払い).
pub async fn set_collection_method(
    app: &App,
    who: &audit::Actor,
    member: MemberNo,
    raw: &str,
) -> Result<Member, CorrectionError> {
    let method: CollectionMethod = serde_json::from_value(serde_json::Value::String(raw.to_owned())).map_err(|_| {
        let e =
            portal_domain::FieldError::new(MemberRecord::COLLECTION_METHOD.name(), "会費の納入方法を選んでください。");
        CorrectionError::Invalid(e.into())
    })?;
    let old = read(app, member).await?;
    let mut new = old.clone();
    new.collection_method = method;
    let update = records::update(
        MemberRecord::key(member),
        Changes::new().set(MemberRecord::COLLECTION_METHOD, &method),
        MemberRecord::COLLECTION_METHOD.is(&old.collection_method),
    );
    let change = audit::Change {
        action: "member.collection_method",
        label: "会費の納入方法の変更",
        record: member.to_string(),
        before: Some(old.collection_method.label()),
        after: Some(method.label()),
        reason: None,
    };
    run(app, Tx::new().step(update, ()).write(audit::on_member(app, member, who, &change)), new).await
}

async fn run(app: &App, tx: Tx<()>, new: Member) -> Result<Member, CorrectionError> {
    match tx.run(app.table.as_ref()).await {
        Ok(()) => Ok(new),
        Err(TxError::Refused(())) => Err(CorrectionError::Stale),
        Err(TxError::Store(e)) => Err(Fault::from(e).into()),
    }
}
