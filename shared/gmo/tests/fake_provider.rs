//! The adapter against a local fake server that answers in the provider's shapes: a
//! LinkPlus JSON answer or error array, and SearchTradeMulti's Shift_JIS
//! `Key=Value&…` with `ErrCode`/`ErrInfo`.

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use portal_domain::payment::{CheckoutRequest, Payments, PaymentsError, TradeStatus};
use portal_domain::{InvoiceNo, MemberNo, OrderId, PayType};
use portal_gmo::{GmoConfig, GmoPayments};

fn order(n: i64) -> OrderId {
    OrderId::new(MemberNo::parse("100001").unwrap(), &InvoiceNo::new(2026, 45), n)
}

async fn link(body: Bytes) -> impl IntoResponse {
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["geturlparam"]["ShopID"], "tshop00099999");
    assert_eq!(v["transaction"]["PayMethods"], serde_json::json!(["payeasy"]));
    if v["transaction"]["OrderID"] == "100001-INV-2026-000045-02" {
        let errs = r#"[{"errCode":"E01","errInfo":"E01040010"}]"#;
        return (StatusCode::BAD_REQUEST, errs.to_owned());
    }
    (StatusCode::OK, r#"{"OrderID":"100001-INV-2026-000045-01","LinkUrl":"https://stg.link.mul-pay.jp/v1/plus/tshop00099999/checkout/abc","ProcessDate":"20261130120000"}"#.to_owned())
}

async fn search(body: String) -> impl IntoResponse {
    let answer: String = if body.contains("OrderID=100001-INV-2026-000045-01") {
        "Status=PAYSUCCESS&ProcessDate=20261201100000&JobCd=&AccessID=a1b2c3d4&AccessPass=&Amount=13000&Tax=0&PayType=4&CustID=12345678901&BkCode=58091&ConfNo=1234567&PaymentTerm=20261215235959&Currency=JPN".into()
    } else if body.contains("OrderID=100001-INV-2026-000045-03") {
        "ErrCode=E92&ErrInfo=E92000001".into()
    } else {
        "ErrCode=M01|M01&ErrInfo=M01004002|M01051011".into()
    };
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&answer);
    ([("content-type", "text/plain;charset=Windows-31J")], sjis.into_owned())
}

async fn fake() -> GmoPayments {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/payment/GetLinkplusUrlPayment.json", post(link))
        .route("/payment/SearchTradeMulti.idPass", post(search));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let config = GmoConfig {
        api_base: base,
        shop_id: "tshop00099999".into(),
        shop_pass: "secret-pass".into(),
        config_id: "portal".into(),
    };
    GmoPayments::new(config).unwrap()
}

fn request(n: i64) -> CheckoutRequest {
    CheckoutRequest {
        order_id: order(n),
        amount: 13000,
        methods: vec![PayType::PayEasy],
        description: "年会費（2026年度）".into(),
        customer_name: "心臓 花子".into(),
        customer_email: "m100002@example.jp".into(),
        return_url: "https://portal.example.jp/invoice.html".into(),
    }
}

#[tokio::test]
async fn a_checkout_url_comes_back_or_the_providers_error_codes() {
    let gmo = fake().await;
    let url = gmo.start_checkout(&request(1)).await.unwrap();
    assert!(url.starts_with("https://stg.link.mul-pay.jp/v1/plus/"));
    match gmo.start_checkout(&request(2)).await {
        Err(PaymentsError::Refused { info, .. }) => assert_eq!(info, "E01040010"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_trade_query_reads_shift_jis_answers_and_error_codes() {
    let gmo = fake().await;
    let t = gmo.trade(&order(1), PayType::PayEasy).await.unwrap().unwrap();
    assert_eq!((t.status, t.amount, t.access_id.as_deref()), (TradeStatus::Paid, 13000, Some("a1b2c3d4")));
    assert_eq!(gmo.trade(&order(9), PayType::PayEasy).await.unwrap(), None, "M01004002: no such order");
    assert!(matches!(gmo.trade(&order(3), PayType::PayEasy).await, Err(PaymentsError::Refused { .. })), "busy");
}

#[test]
fn answers_are_split_on_ampersands_then_the_first_equals_then_bars() {
    let a = portal_gmo::parse_answer(b"ErrCode=E01|E01&ErrInfo=E01050002|E01060006&Note=a=b");
    assert_eq!(a["Note"], "a=b");
    assert_eq!(
        portal_gmo::errors(&a),
        [("E01".to_owned(), "E01050002".to_owned()), ("E01".to_owned(), "E01060006".to_owned())]
    );
}
