//! `/_dev/provider/…`: the simulated payment provider's pages (local only). They walk
//! the member through what the real provider shows — 決済申込確認 with
//! 「注意事項を確認したので、決済を申し込む」, for convenience store and Pay-easy the
//! 決済ステーション利用者同意事項 with 「同意して次へ」 — and send result
//! notifications in the real provider's wire format to the portal's real endpoint.

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use portal_domain::payment::PaymentNumbers;
use portal_domain::{OrderId, PayType};
use portal_store_sqlite::dev_provider::{DEV_SHOP_ID, SimTrade, SimulatedProvider};
use serde::Deserialize;

use crate::html::{escape, page};

#[derive(Clone)]
struct Dev {
    provider: SimulatedProvider,
    notify_url: String,
    http: reqwest::Client,
}

pub fn router(provider: SimulatedProvider, base_url: &str) -> Router {
    let dev = Dev {
        provider,
        notify_url: format!("{}{}", base_url.trim_end_matches('/'), portal_web::payments_routes::NOTIFY_PATH),
        http: reqwest::Client::new(),
    };
    Router::new()
        .route("/_dev/provider", get(index))
        .route("/_dev/provider/checkout/{order}", get(confirm_page))
        .route("/_dev/provider/checkout/{order}/confirm", post(confirmed))
        .route("/_dev/provider/checkout/{order}/agree", post(agreed))
        .route("/_dev/provider/checkout/{order}/card", post(card))
        .route("/_dev/provider/checkout/{order}/issue", post(issue))
        .route("/_dev/provider/checkout/{order}/paid", post(paid_later))
        .route("/_dev/provider/checkout/{order}/resend", post(resend))
        .with_state(dev)
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Html(page("見つかりません", "<h1>注文が見つかりません</h1>"))).into_response()
}

async fn load(dev: &Dev, raw: &str) -> Option<SimTrade> {
    dev.provider.get(&OrderId::parse(raw)?).await.ok().flatten()
}

fn header(t: &SimTrade) -> String {
    format!(
        "<p class=\"hint\">SMBC GMO PAYMENT 決済ステーション（開発用の模擬画面）</p><dl class=\"fields\"><div class=\"fields__row\"><dt>ショップ</dt><dd>日本循環器学会</dd></div><div class=\"fields__row\"><dt>内容</dt><dd>{}</dd></div><div class=\"fields__row\"><dt>お支払い金額</dt><dd>{}円</dd></div><div class=\"fields__row\"><dt>注文番号</dt><dd>{}</dd></div></dl>",
        escape(&t.description),
        t.amount,
        escape(t.order_id.as_str())
    )
}

fn back(t: &SimTrade) -> String {
    format!("<p><a class=\"button\" href=\"{}\">ショップに戻る</a></p>", escape(&t.return_url))
}

/// 決済申込確認: the method, the notice, 「注意事項を確認したので、決済を申し込む」.
async fn confirm_page(State(dev): State<Dev>, Path(order): Path<String>) -> Response {
    let Some(t) = load(&dev, &order).await else { return not_found() };
    let methods: String = t
        .methods
        .iter()
        .enumerate()
        .map(|(i, m)| {
            format!(
                "<label class=\"choice\"><input type=\"radio\" name=\"method\" value=\"{}\"{}> {}</label>",
                m.code(),
                if i == 0 { " checked" } else { "" },
                m.label()
            )
        })
        .collect();
    let body = format!(
        "<h1>決済申込確認</h1>{}<form method=\"post\" action=\"/_dev/provider/checkout/{}/confirm\"><fieldset><legend>お支払い方法</legend>{methods}</fieldset><h2>注意事項</h2><p>お支払い手続きを途中で中止した場合も、お手続きから5営業日は新しいお手続きができません。コンビニ・ペイジーでのお支払いは、お支払いの確認まで数日かかります。</p><p><button type=\"submit\" class=\"button button--primary\">注意事項を確認したので、決済を申し込む</button></p></form>{}",
        header(&t),
        escape(t.order_id.as_str()),
        back(&t)
    );
    Html(page("決済申込確認", &body)).into_response()
}

#[derive(Deserialize)]
struct MethodForm {
    method: String,
    #[serde(default)]
    store: Option<String>,
    #[serde(default)]
    outcome: Option<String>,
}

fn method(form: &MethodForm, t: &SimTrade) -> Option<PayType> {
    PayType::parse(&form.method).filter(|m| t.methods.contains(m))
}

async fn confirmed(State(dev): State<Dev>, Path(order): Path<String>, Form(f): Form<MethodForm>) -> Response {
    let Some(t) = load(&dev, &order).await else { return not_found() };
    let Some(m) = method(&f, &t) else { return (StatusCode::BAD_REQUEST, "unknown method").into_response() };
    let o = escape(t.order_id.as_str());
    let body = match m {
        PayType::Card => format!(
            "<h1>クレジットカードでのお支払い</h1>{}<p class=\"hint\">開発用の模擬画面です。カード番号は入力しません。</p><form method=\"post\" action=\"/_dev/provider/checkout/{o}/card\"><input type=\"hidden\" name=\"method\" value=\"0\"><p><button type=\"submit\" name=\"outcome\" value=\"success\" class=\"button button--primary\">支払う（承認される）</button> <button type=\"submit\" name=\"outcome\" value=\"failure\" class=\"button\">支払う（承認されない）</button></p></form>{}",
            header(&t),
            back(&t)
        ),
        _ => format!(
            "<h1>決済ステーション利用者同意事項</h1>{}<p>本サービスのご利用にあたり、利用者同意事項に同意のうえお進みください。お支払い番号の発行後は、期限までに店頭または金融機関でお支払いください。</p><form method=\"post\" action=\"/_dev/provider/checkout/{o}/agree\"><input type=\"hidden\" name=\"method\" value=\"{}\"><p><button type=\"submit\" class=\"button button--primary\">同意して次へ</button></p></form>{}",
            header(&t),
            m.code(),
            back(&t)
        ),
    };
    Html(page("決済", &body)).into_response()
}

async fn agreed(State(dev): State<Dev>, Path(order): Path<String>, Form(f): Form<MethodForm>) -> Response {
    let Some(t) = load(&dev, &order).await else { return not_found() };
    let Some(m) = method(&f, &t) else { return (StatusCode::BAD_REQUEST, "unknown method").into_response() };
    let o = escape(t.order_id.as_str());
    let choice = match m {
        PayType::Cvs => {
            "<label>お支払いになるコンビニ <select name=\"store\"><option value=\"10001\">ローソン</option><option value=\"10002\">ファミリーマート</option><option value=\"00007\">セブン-イレブン</option><option value=\"10005\">ミニストップ</option><option value=\"10008\">セイコーマート</option></select></label>"
        }
        _ => "<p>ペイジー対応の金融機関（ATM・インターネットバンキング）でお支払いいただけます。</p>",
    };
    let body = format!(
        "<h1>{}でのお支払い</h1>{}<form method=\"post\" action=\"/_dev/provider/checkout/{o}/issue\"><input type=\"hidden\" name=\"method\" value=\"{}\">{choice}<p><button type=\"submit\" class=\"button button--primary\">お支払い番号を発行する</button></p></form>{}",
        m.label(),
        header(&t),
        m.code(),
        back(&t)
    );
    Html(page("決済", &body)).into_response()
}

/// The trade's current state as the provider's notification body (form-encoded).
fn notification_body(t: &SimTrade) -> String {
    let now = Utc::now().with_timezone(&portal_domain::Jst::offset());
    let pay_type = t.pay_type.map(PayType::code).unwrap_or("0");
    let n = &t.numbers;
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("ShopID", DEV_SHOP_ID)
        .append_pair("ShopPass", "**********")
        .append_pair("AccessID", &t.access_id)
        .append_pair("AccessPass", &"*".repeat(32))
        .append_pair("OrderID", t.order_id.as_str())
        .append_pair("Status", &t.status)
        .append_pair("JobCd", if pay_type == "0" { "CAPTURE" } else { "" })
        .append_pair("Amount", &t.amount.to_string())
        .append_pair("Tax", "0")
        .append_pair("Currency", "JPN")
        .append_pair("PayType", pay_type)
        .append_pair("TranID", &format!("{}{}", now.format("%y%m%d%H%M%S"), &t.access_id[..8]))
        .append_pair("TranDate", &now.format("%Y%m%d%H%M%S").to_string());
    for (k, v) in [
        ("CvsCode", &n.cvs_code),
        ("CvsConfNo", &n.cvs_conf_no),
        ("CvsReceiptNo", &n.cvs_receipt_no),
        ("CustID", &n.cust_id),
        ("BkCode", &n.bk_code),
        ("ConfNo", &n.conf_no),
        ("PaymentTerm", &n.payment_term),
    ] {
        form.append_pair(k, v.as_deref().unwrap_or(""));
    }
    form.finish()
}

/// Records the trade's new state (which the provider's trade query then reports),
/// sends it as the provider's notification, and records the answer.
async fn notify(dev: &Dev, t: &mut SimTrade) -> String {
    if let Err(e) = dev.provider.put(t).await {
        return format!("記録できませんでした: {e}");
    }
    let body = notification_body(t);
    let answer = match dev
        .http
        .post(&dev.notify_url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
    {
        Ok(res) => res.text().await.unwrap_or_default().trim().to_owned(),
        Err(e) => format!("送信できませんでした: {e}"),
    };
    t.last_answer = Some(answer.clone());
    let _ = dev.provider.put(t).await;
    answer
}

fn answered(answer: &str) -> String {
    format!(
        "<p class=\"hint\">（開発用）結果通知を送信しました。ショップの応答: <strong>{}</strong></p>",
        escape(answer)
    )
}

async fn card(State(dev): State<Dev>, Path(order): Path<String>, Form(f): Form<MethodForm>) -> Response {
    let Some(mut t) = load(&dev, &order).await else { return not_found() };
    if f.outcome.as_deref() != Some("success") {
        let body = format!("<h1>お支払いできませんでした</h1><p>カード会社で承認されませんでした。</p>{}", back(&t));
        return Html(page("お支払いできませんでした", &body)).into_response();
    }
    t.pay_type = Some(PayType::Card);
    t.status = "CAPTURE".into();
    let answer = notify(&dev, &mut t).await;
    let body = format!("<h1>お支払いが完了しました</h1>{}{}{}", header(&t), answered(&answer), back(&t));
    Html(page("お支払い完了", &body)).into_response()
}

fn numbers_html(t: &SimTrade) -> String {
    let n = &t.numbers;
    let row = |k: &str, v: &Option<String>| {
        v.as_ref()
            .map(|v| format!("<div class=\"fields__row\"><dt>{k}</dt><dd>{}</dd></div>", escape(v)))
            .unwrap_or_default()
    };
    format!(
        "<dl class=\"fields\">{}{}{}{}{}{}{}</dl>",
        n.store_name()
            .map(|s| format!("<div class=\"fields__row\"><dt>お支払い先</dt><dd>{s}</dd></div>"))
            .unwrap_or_default(),
        row("お支払い受付番号", &n.cvs_conf_no),
        row("受付番号", &n.cvs_receipt_no),
        row("収納機関番号", &n.bk_code),
        row("お客様番号", &n.cust_id),
        row("確認番号", &n.conf_no),
        row("お支払い期限", &n.payment_term),
    )
}

fn later_button(t: &SimTrade) -> String {
    format!(
        "<form method=\"post\" action=\"/_dev/provider/checkout/{}/paid\"><input type=\"hidden\" name=\"method\" value=\"{}\"><p><button type=\"submit\" class=\"button\">（開発用）店頭・金融機関で支払ったことにする</button></p></form>",
        escape(t.order_id.as_str()),
        t.pay_type.map(PayType::code).unwrap_or("3")
    )
}

async fn issue(State(dev): State<Dev>, Path(order): Path<String>, Form(f): Form<MethodForm>) -> Response {
    let Some(mut t) = load(&dev, &order).await else { return not_found() };
    let Some(m) = method(&f, &t).filter(|m| *m != PayType::Card) else {
        return (StatusCode::BAD_REQUEST, "unknown method").into_response();
    };
    let digits = |n: usize| {
        t.access_id
            .chars()
            .filter(|c| c.is_ascii_digit())
            .chain("0123456789".chars().cycle())
            .take(n)
            .collect::<String>()
    };
    let term = (Utc::now() + chrono::Duration::days(14)).with_timezone(&portal_domain::Jst::offset());
    t.numbers = match m {
        PayType::Cvs => PaymentNumbers {
            cvs_code: Some(f.store.clone().unwrap_or_else(|| "10001".into())),
            cvs_conf_no: Some(digits(6)),
            cvs_receipt_no: Some(format!("LW{}", digits(10))),
            payment_term: Some(term.format("%Y%m%d235959").to_string()),
            ..PaymentNumbers::default()
        },
        _ => PaymentNumbers {
            bk_code: Some("58091".into()),
            cust_id: Some(digits(11)),
            conf_no: Some(digits(7)),
            payment_term: Some(term.format("%Y%m%d235959").to_string()),
            ..PaymentNumbers::default()
        },
    };
    t.pay_type = Some(m);
    t.status = "REQSUCCESS".into();
    let answer = notify(&dev, &mut t).await;
    let body = format!(
        "<h1>お支払い番号を発行しました</h1>{}{}<p>コンビニでのお支払い時には、お支払い受付番号（6桁）と電話番号（ハイフン除く）が必要です。</p>{}{}{}",
        header(&t),
        numbers_html(&t),
        answered(&answer),
        later_button(&t),
        back(&t)
    );
    Html(page("お支払い番号", &body)).into_response()
}

/// "Issued now, paid later": the member paid at the store or bank.
async fn paid_later(State(dev): State<Dev>, Path(order): Path<String>) -> Response {
    let Some(mut t) = load(&dev, &order).await else { return not_found() };
    if t.status != "REQSUCCESS" && t.status != "PAYSUCCESS" {
        return (StatusCode::CONFLICT, "no payment number issued").into_response();
    }
    t.status = "PAYSUCCESS".into();
    let answer = notify(&dev, &mut t).await;
    let body = format!("<h1>支払い完了を通知しました</h1>{}{}{}", header(&t), answered(&answer), back(&t));
    Html(page("支払い完了", &body)).into_response()
}

async fn resend(State(dev): State<Dev>, Path(order): Path<String>) -> Response {
    let Some(mut t) = load(&dev, &order).await else { return not_found() };
    notify(&dev, &mut t).await;
    Redirect::to("/_dev/provider").into_response()
}

/// Every order at the simulated provider, with the dev buttons.
async fn index(State(dev): State<Dev>) -> Response {
    let trades = dev.provider.all().await.unwrap_or_default();
    let rows: String = trades
        .iter()
        .map(|t| {
            let o = escape(t.order_id.as_str());
            let later = if t.status == "REQSUCCESS" { later_button(t) } else { String::new() };
            format!(
                "<tr><td>{o}</td><td>{}</td><td>{}円</td><td>{}</td><td>{}</td><td>{later}<form method=\"post\" action=\"/_dev/provider/checkout/{o}/resend\"><button type=\"submit\" class=\"button\">同じ通知をもう一度送る</button></form></td></tr>",
                escape(&t.description),
                t.amount,
                escape(&t.status),
                escape(t.last_answer.as_deref().unwrap_or("—")),
            )
        })
        .collect();
    let body = format!(
        "<h1>模擬決済サービス（開発用）</h1><table class=\"table\"><thead><tr><th>注文番号</th><th>内容</th><th>金額</th><th>状態</th><th>直近の応答</th><th>操作</th></tr></thead><tbody>{rows}</tbody></table>"
    );
    Html(page("模擬決済サービス", &body)).into_response()
}
