//! The simulated payment provider of the local portal: the `Payments` port with the
//! provider's trades kept in the SQLite file, so the whole flow — card, convenience
//! store (paid days later), Pay-easy, abandoned checkout — can be walked through
//! without the real provider. Its pages and notifications are in `portal-local`.

use async_trait::async_trait;
use portal_domain::payment::{CheckoutRequest, PaymentNumbers, Payments, PaymentsError, Trade, TradeStatus};
use portal_domain::{OrderId, PayType};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::SqliteTable;

/// The shop id the simulated provider uses (and the portal checks).
pub const DEV_SHOP_ID: &str = "tshop00000000";

/// One order at the simulated provider.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SimTrade {
    pub order_id: OrderId,
    pub amount: u32,
    pub methods: Vec<PayType>,
    pub description: String,
    pub customer_name: String,
    pub return_url: String,
    pub access_id: String,
    /// The provider's status word (`UNPROCESSED`, `CAPTURE`, `REQSUCCESS`, …).
    pub status: String,
    #[serde(default)]
    pub pay_type: Option<PayType>,
    #[serde(default)]
    pub numbers: PaymentNumbers,
    /// What the portal answered to the last notification (`0` or `1`).
    #[serde(default)]
    pub last_answer: Option<String>,
}

#[derive(Clone)]
pub struct SimulatedProvider {
    table: SqliteTable,
    base_url: String,
}

fn failed(e: impl std::fmt::Display) -> PaymentsError {
    PaymentsError::unavailable(e.to_string())
}

impl SimulatedProvider {
    pub fn new(table: &SqliteTable, base_url: &str) -> Self {
        SimulatedProvider { table: table.clone(), base_url: base_url.trim_end_matches('/').to_owned() }
    }

    pub async fn get(&self, order: &OrderId) -> Result<Option<SimTrade>, PaymentsError> {
        let conn = self.table.connection();
        let order = order.as_str().to_owned();
        tokio::task::spawn_blocking(move || {
            let c = conn.lock().map_err(failed)?;
            let json: Option<String> = c
                .query_row("SELECT json FROM dev_provider WHERE order_id = ?1", params![order], |r| r.get(0))
                .optional()
                .map_err(failed)?;
            json.map(|j| serde_json::from_str(&j).map_err(failed)).transpose()
        })
        .await
        .map_err(failed)?
    }

    pub async fn put(&self, t: &SimTrade) -> Result<(), PaymentsError> {
        let conn = self.table.connection();
        let (order, json) = (t.order_id.as_str().to_owned(), serde_json::to_string(t).map_err(failed)?);
        tokio::task::spawn_blocking(move || {
            let c = conn.lock().map_err(failed)?;
            c.execute("INSERT OR REPLACE INTO dev_provider (order_id, json) VALUES (?1, ?2)", params![order, json])
                .map_err(failed)?;
            Ok(())
        })
        .await
        .map_err(failed)?
    }

    /// Every order, newest first.
    pub async fn all(&self) -> Result<Vec<SimTrade>, PaymentsError> {
        let conn = self.table.connection();
        tokio::task::spawn_blocking(move || {
            let c = conn.lock().map_err(failed)?;
            let mut stmt = c.prepare("SELECT json FROM dev_provider ORDER BY rowid DESC").map_err(failed)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(failed)?;
            rows.map(|r| serde_json::from_str(&r.map_err(failed)?).map_err(failed)).collect()
        })
        .await
        .map_err(failed)?
    }
}

#[async_trait]
impl Payments for SimulatedProvider {
    fn shop_id(&self) -> &str {
        DEV_SHOP_ID
    }

    async fn start_checkout(&self, req: &CheckoutRequest) -> Result<String, PaymentsError> {
        if self.get(&req.order_id).await?.is_some() {
            // The real provider refuses a used order id the same way (E01040010).
            return Err(PaymentsError::Refused { code: "E01".into(), info: "E01040010".into() });
        }
        let trade = SimTrade {
            order_id: req.order_id.clone(),
            amount: req.amount,
            methods: req.methods.clone(),
            description: req.description.clone(),
            customer_name: req.customer_name.clone(),
            return_url: req.return_url.clone(),
            access_id: uuid::Uuid::new_v4().simple().to_string(),
            status: "UNPROCESSED".into(),
            pay_type: None,
            numbers: PaymentNumbers::default(),
            last_answer: None,
        };
        self.put(&trade).await?;
        Ok(format!("{}/_dev/provider/checkout/{}", self.base_url, req.order_id))
    }

    async fn trade(&self, order: &OrderId, pay_type: PayType) -> Result<Option<Trade>, PaymentsError> {
        Ok(self.get(order).await?.filter(|t| t.pay_type == Some(pay_type)).map(|t| Trade {
            status: TradeStatus::parse(&t.status),
            amount: t.amount,
            tax: 0,
            access_id: Some(t.access_id),
        }))
    }
}
