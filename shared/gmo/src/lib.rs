//! The payment provider on AWS: GMO Payment Gateway (PG マルチペイメント). Two calls,
//! as the provider's published protocol and maintained public clients show them:
//!
//! - **GetLinkplusUrlPayment.json** (link type, "key type"): a UTF-8 JSON request with
//!   the shop's credentials, our order and the methods offered; the answer's `LinkUrl`
//!   is where the member is sent. Errors come back as a JSON array of
//!   `{errCode, errInfo}`.
//! - **SearchTradeMulti.idPass**: a form-encoded request; the answer is
//!   `Key=Value&Key=Value` in Shift_JIS (Windows-31J), HTTP 200 even for business
//!   errors (`ErrCode=E01|E01&ErrInfo=E01…|E01…`), multiple values joined by `|`.
//!
//! Verified only against a local fake server replaying those shapes (tests/); see the
//! README's payment section for what must still be checked with the provider.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_rustls::ConfigBuilderExt;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use portal_domain::payment::{CheckoutRequest, Payments, PaymentsError, Trade, TradeStatus};
use portal_domain::{OrderId, PayType};
use serde::Deserialize;

/// Shop settings (the password comes from a secret store, never from the template).
#[derive(Clone)]
pub struct GmoConfig {
    /// `https://p01.mul-pay.jp` (production) or `https://pt01.mul-pay.jp` (test).
    pub api_base: String,
    pub shop_id: String,
    pub shop_pass: String,
    /// 設定ID of the LinkPlus settings registered in the shop console.
    pub config_id: String,
}

impl std::fmt::Debug for GmoConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GmoConfig")
            .field("api_base", &self.api_base)
            .field("shop_id", &self.shop_id)
            .finish_non_exhaustive()
    }
}

type Https = hyper_rustls::HttpsConnector<HttpConnector>;

pub struct GmoPayments {
    /// Built on the first call to the provider: the trust roots it loads are start-up
    /// work that the notification function's and billing's other requests never need.
    http: OnceLock<Client<Https, Full<Bytes>>>,
    config: GmoConfig,
}

/// How long one call to the provider may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// A TLS client on the same rustls and crypto provider as the AWS SDK (one TLS stack
/// in the binary), trusting the system's roots. Plain http only for a local fake.
fn http_client() -> Result<Client<Https, Full<Bytes>>, PaymentsError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(PaymentsError::unavailable)?
        .with_native_roots()
        .map_err(PaymentsError::unavailable)?
        .with_no_client_auth();
    let https = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http().enable_http1().build();
    Ok(Client::builder(TokioExecutor::new()).build(https))
}

impl GmoPayments {
    pub fn new(config: GmoConfig) -> Result<Self, PaymentsError> {
        Ok(GmoPayments { http: OnceLock::new(), config })
    }

    fn http(&self) -> Result<&Client<Https, Full<Bytes>>, PaymentsError> {
        if let Some(client) = self.http.get() {
            return Ok(client);
        }
        let client = http_client()?;
        Ok(self.http.get_or_init(|| client))
    }

    fn url(&self, path: &str) -> String {
        format!("{}/payment/{path}", self.config.api_base.trim_end_matches('/'))
    }

    /// One POST; the status and the whole body.
    async fn post(&self, path: &str, content_type: &str, body: Vec<u8>) -> Result<(u16, Bytes), PaymentsError> {
        let req = hyper::Request::post(self.url(path))
            .header("Content-Type", content_type)
            .body(Full::new(Bytes::from(body)))
            .map_err(PaymentsError::unavailable)?;
        let call = async {
            let res = self.http()?.request(req).await.map_err(PaymentsError::unavailable)?;
            let status = res.status().as_u16();
            let body = res.into_body().collect().await.map_err(PaymentsError::unavailable)?.to_bytes();
            Ok((status, body))
        };
        tokio::time::timeout(TIMEOUT, call).await.map_err(PaymentsError::unavailable)?
    }
}

#[derive(Deserialize)]
struct LinkUrlAnswer {
    #[serde(rename = "LinkUrl")]
    link_url: String,
}

#[derive(Deserialize)]
struct LinkError {
    #[serde(rename = "errCode", default)]
    code: String,
    #[serde(rename = "errInfo", default)]
    info: String,
}

fn method_name(p: PayType) -> &'static str {
    match p {
        PayType::Card => "credit",
        PayType::Cvs => "cvs",
        PayType::PayEasy => "payeasy",
    }
}

/// The JSON body of GetLinkplusUrlPayment.json.
pub fn link_request(config: &GmoConfig, req: &CheckoutRequest) -> serde_json::Value {
    serde_json::json!({
        "geturlparam": { "ShopID": config.shop_id, "ShopPass": config.shop_pass },
        "configid": config.config_id,
        "transaction": {
            "OrderID": req.order_id.as_str(),
            "Amount": req.amount,
            "Tax": 0,
            "PayMethods": req.methods.iter().map(|m| method_name(*m)).collect::<Vec<_>>(),
            "RetUrl": req.return_url,
            "CancelUrl": req.return_url,
            "Overview": req.description,
        },
        "customer": { "MailAddress": req.customer_email, "CustomerName": req.customer_name },
        "credit": { "JobCd": "CAPTURE", "Method": "1" },
    })
}

/// A `Key=Value&…` answer decoded from Shift_JIS, keys as sent.
pub fn parse_answer(body: &[u8]) -> BTreeMap<String, String> {
    let (text, _, _) = encoding_rs::SHIFT_JIS.decode(body);
    text.split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.split_once('=').map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned())))
        .collect()
}

/// `ErrCode=E01|M01&ErrInfo=E01040010|M01004002` as (code, info) pairs.
pub fn errors(answer: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let Some(info) = answer.get("ErrInfo").filter(|v| !v.is_empty()) else { return Vec::new() };
    let codes: Vec<&str> = answer.get("ErrCode").map(|c| c.split('|').collect()).unwrap_or_default();
    info.split('|')
        .enumerate()
        .map(|(i, inf)| (codes.get(i).copied().unwrap_or("").to_owned(), inf.to_owned()))
        .collect()
}

/// The provider's "no such order" answers.
const NOT_FOUND: [&str; 2] = ["M01004002", "E01110002"];

#[async_trait]
impl Payments for GmoPayments {
    fn shop_id(&self) -> &str {
        &self.config.shop_id
    }

    async fn start_checkout(&self, req: &CheckoutRequest) -> Result<String, PaymentsError> {
        let json = serde_json::to_vec(&link_request(&self.config, req)).map_err(PaymentsError::unavailable)?;
        let (status, body) = self.post("GetLinkplusUrlPayment.json", "application/json;charset=UTF-8", json).await?;
        let ok = (200..300).contains(&status);
        if ok && let Ok(a) = serde_json::from_slice::<LinkUrlAnswer>(&body) {
            return Ok(a.link_url);
        }
        match serde_json::from_slice::<Vec<LinkError>>(&body) {
            Ok(errs) if !errs.is_empty() => Err(PaymentsError::Refused {
                code: errs.iter().map(|e| e.code.as_str()).collect::<Vec<_>>().join("|"),
                info: errs.iter().map(|e| e.info.as_str()).collect::<Vec<_>>().join("|"),
            }),
            _ => Err(PaymentsError::unavailable(format!("unexpected LinkPlus answer ({} bytes)", body.len()))),
        }
    }

    async fn trade(&self, order: &OrderId, pay_type: PayType) -> Result<Option<Trade>, PaymentsError> {
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("ShopID", &self.config.shop_id)
            .append_pair("ShopPass", &self.config.shop_pass)
            .append_pair("OrderID", order.as_str())
            .append_pair("PayType", pay_type.code())
            .finish();
        let (status, body) =
            self.post("SearchTradeMulti.idPass", "application/x-www-form-urlencoded", form.into_bytes()).await?;
        if status >= 500 {
            return Err(PaymentsError::unavailable(format!("SearchTradeMulti answered {status}")));
        }
        let answer = parse_answer(&body);
        let errs = errors(&answer);
        if errs.iter().any(|(_, info)| NOT_FOUND.contains(&info.as_str())) {
            return Ok(None);
        }
        if let Some((code, info)) = errs.first() {
            return Err(PaymentsError::Refused { code: code.clone(), info: info.clone() });
        }
        let num = |k: &str| answer.get(k).and_then(|v| v.parse().ok()).unwrap_or(0);
        Ok(Some(Trade {
            status: TradeStatus::parse(answer.get("Status").map(String::as_str).unwrap_or("")),
            amount: num("Amount"),
            tax: num("Tax"),
            access_id: answer.get("AccessID").cloned().filter(|a| !a.is_empty()),
        }))
    }
}
