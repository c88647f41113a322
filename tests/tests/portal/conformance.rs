//! One conformance suite for the store port, run unchanged against both adapters:
//! SQLite (embedded) and DynamoDB (on the AWS emulator the test command starts).

use crate::common;

use std::sync::Arc;

use portal_domain::table::{Cond, IndexQuery, Item, Key, StoreError, Table, Update, Write};
use serde_json::{Map, Value, json};

fn attrs(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn put(pk: &str, sk: &str, v: Value) -> Write {
    Write::Put { item: Item::new(Key::new(pk, sk), attrs(v)), cond: Cond::Always }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

pub async fn items_round_trip(t: Arc<dyn Table>) {
    let item = Item::new(
        Key::new("MEMBER#100001", "PROFILE"),
        attrs(json!({
            "name": "循環 太郎", "n": 42, "neg": -7, "ok": true, "missing": null,
            "list": ["a", 1], "nested": { "postal_code": "100-0011" }
        })),
    )
    .with_gsi1(Key::new("QUEUE", "0001"))
    .expiring_at(now() + 3600);
    t.transact(vec![Write::Put { item: item.clone(), cond: Cond::NotExists }]).await.unwrap();
    assert_eq!(t.get(&item.key).await.unwrap(), Some(item));
    assert_eq!(t.get(&Key::new("MEMBER#100001", "NOPE")).await.unwrap(), None);
}

pub async fn a_failed_condition_changes_nothing(t: Arc<dyn Table>) {
    let key = Key::new("P", "S");
    t.transact(vec![put("P", "S", json!({"v": 1}))]).await.unwrap();
    let again = Write::Put { item: Item::new(key.clone(), attrs(json!({"v": 2}))), cond: Cond::NotExists };
    assert!(matches!(t.transact(vec![again]).await, Err(StoreError::ConditionFailed { index: 0 })));
    let upd = Write::Update { key: key.clone(), update: Update::default().set("v", 3), cond: Cond::eq("v", 9) };
    assert!(matches!(t.transact(vec![upd]).await, Err(StoreError::ConditionFailed { index: 0 })));
    let del = Write::Delete { key: key.clone(), cond: Cond::Gt("v".into(), 5) };
    assert!(matches!(t.transact(vec![del]).await, Err(StoreError::ConditionFailed { index: 0 })));
    assert_eq!(t.get(&key).await.unwrap().unwrap().int("v"), Some(1));
}

pub async fn updates_set_add_remove_and_move_in_the_index(t: Arc<dyn Table>) {
    let key = Key::new("P", "S");
    let item = Item::new(key.clone(), attrs(json!({"a": "x", "n": 1}))).with_gsi1(Key::new("G", "1"));
    t.transact(vec![Write::Put { item, cond: Cond::NotExists }]).await.unwrap();
    let u = Update::default().set("b", "y").add("n", 4).add("fresh", 2).remove("a").gsi1(Some(Key::new("G", "2")));
    t.transact(vec![Write::Update { key: key.clone(), update: u, cond: Cond::eq("a", "x") }]).await.unwrap();
    let got = t.get(&key).await.unwrap().unwrap();
    assert_eq!((got.str("a"), got.str("b"), got.int("n"), got.int("fresh")), (None, Some("y"), Some(5), Some(2)));
    assert_eq!(got.gsi1, Some(Key::new("G", "2")));
    let out = Update::default().gsi1(None);
    t.transact(vec![Write::Update { key: key.clone(), update: out, cond: Cond::Exists }]).await.unwrap();
    assert!(t.query_gsi1(&IndexQuery::new("G", 10)).await.unwrap().is_empty());
    // An update without a condition creates the item, as DynamoDB's UpdateItem does.
    let k2 = Key::new("P", "NEW");
    t.transact(vec![Write::Update { key: k2.clone(), update: Update::default().add("n", 1), cond: Cond::Always }])
        .await
        .unwrap();
    assert_eq!(t.get(&k2).await.unwrap().unwrap().int("n"), Some(1));
}

pub async fn a_transaction_is_all_or_nothing(t: Arc<dyn Table>) {
    t.transact(vec![put("T", "EXISTS", json!({"state": "draft"}))]).await.unwrap();
    let writes = vec![
        put("T", "A", json!({"v": 1})),
        Write::Check { key: Key::new("T", "EXISTS"), cond: Cond::eq("state", "submitted") },
        put("T", "B", json!({"v": 2})),
    ];
    assert!(matches!(t.transact(writes).await, Err(StoreError::ConditionFailed { index: 1 })));
    assert_eq!(t.query("T", "").await.unwrap().len(), 1, "nothing of the failed transaction was written");
    let writes = vec![
        put("T", "A", json!({"v": 1})),
        Write::Check { key: Key::new("T", "EXISTS"), cond: Cond::eq("state", "draft") },
        Write::Delete { key: Key::new("T", "GONE"), cond: Cond::Always },
        Write::Update { key: Key::new("T", "EXISTS"), update: Update::default().set("x", 1), cond: Cond::NotExists },
    ];
    assert!(matches!(t.transact(writes).await, Err(StoreError::Invalid(_))), "two writes on one item are refused");
    let writes = vec![put("T", "A", json!({"v": 1})), put("T", "B", json!({"v": 2}))];
    t.transact(writes).await.unwrap();
    assert_eq!(t.query("T", "").await.unwrap().len(), 3);
}

pub async fn queries_return_one_partition_by_prefix_in_order(t: Arc<dyn Table>) {
    for sk in ["CREDIT#0002", "CREDIT#0001", "APP#0001", "PROFILE", "CREDIT%", "CREDIT_"] {
        t.transact(vec![put("MEMBER#100001", sk, json!({}))]).await.unwrap();
    }
    t.transact(vec![put("MEMBER#100002", "CREDIT#0001", json!({}))]).await.unwrap();
    let sks = |items: Vec<Item>| items.into_iter().map(|i| i.key.sk).collect::<Vec<_>>();
    assert_eq!(sks(t.query("MEMBER#100001", "CREDIT#").await.unwrap()), ["CREDIT#0001", "CREDIT#0002"]);
    assert_eq!(t.query("MEMBER#100001", "").await.unwrap().len(), 6);
    assert!(t.query("MEMBER#100003", "").await.unwrap().is_empty());
}

pub async fn the_index_is_ordered_and_limited(t: Arc<dyn Table>) {
    for (i, due) in [30, 10, 20].iter().enumerate() {
        let item = Item::new(Key::new(format!("OUTBOX#{i}"), "MAIL"), Map::new())
            .with_gsi1(Key::new("PENDING", format!("{due:04}")));
        t.transact(vec![Write::Put { item, cond: Cond::NotExists }]).await.unwrap();
    }
    let got: Vec<String> =
        t.query_gsi1(&IndexQuery::new("PENDING", 2)).await.unwrap().into_iter().map(|i| i.gsi1.unwrap().sk).collect();
    assert_eq!(got, ["0010", "0020"]);
    assert_eq!(t.query_gsi1(&IndexQuery::new("PENDING", 10).prefix("003")).await.unwrap().len(), 1);
    let next: Vec<String> = t
        .query_gsi1(&IndexQuery::new("PENDING", 10).after(Some("0010".into())))
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.gsi1.unwrap().sk)
        .collect();
    assert_eq!(next, ["0020", "0030"], "the page after a cursor");
    let both = t.query_gsi1(&IndexQuery::new("PENDING", 10).prefix("00").after(Some("0020".into()))).await.unwrap();
    assert_eq!(both.len(), 1);
}

pub async fn expired_items_are_invisible(t: Arc<dyn Table>) {
    let gone = Item::new(Key::new("X", "OLD"), Map::new()).expiring_at(now() - 10).with_gsi1(Key::new("GX", "1"));
    let live = Item::new(Key::new("X", "NEW"), Map::new()).expiring_at(now() + 600);
    t.transact(vec![Write::Put { item: gone, cond: Cond::Always }, Write::Put { item: live, cond: Cond::Always }])
        .await
        .unwrap();
    assert_eq!(t.get(&Key::new("X", "OLD")).await.unwrap(), None);
    assert_eq!(t.query("X", "").await.unwrap().len(), 1);
    assert!(t.query_gsi1(&IndexQuery::new("GX", 10)).await.unwrap().is_empty());
}

pub async fn counters_update_and_report_the_new_item(t: Arc<dyn Table>) {
    let key = Key::new("COUNTER", "APPLICATION");
    let bump = |n| Update::default().add("next", n).set("type", "sequence");
    assert_eq!(t.update_returning(&key, bump(1)).await.unwrap().int("next"), Some(1));
    assert_eq!(t.update_returning(&key, bump(1)).await.unwrap().int("next"), Some(2));
    let last = t.update_returning(&key, bump(5).expires_at(Some(now() + 60))).await.unwrap();
    assert_eq!((last.int("next"), last.str("type"), last.key.clone()), (Some(7), Some("sequence"), key.clone()));
    assert_eq!(t.get(&key).await.unwrap().unwrap(), last);
}

/// 20 tasks race one conditional write; exactly one wins.
pub async fn exactly_one_of_twenty_racing_writes_wins(t: Arc<dyn Table>) {
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let t = t.clone();
            tokio::spawn(async move {
                let item = Item::new(Key::new("RESET#token", "RESET"), attrs(json!({ "winner": i })));
                t.transact(vec![Write::Put { item, cond: Cond::NotExists }]).await
            })
        })
        .collect();
    let mut wins = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => wins += 1,
            Err(StoreError::ConditionFailed { index: 0 }) | Err(StoreError::Conflict) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(wins, 1);
}

/// A cap held by a condition on a bound computed in code: 20 racers, at most 5 pass.
pub async fn a_capped_counter_never_exceeds_its_cap(t: Arc<dyn Table>) {
    let key = Key::new("MEMBER#100004", "SELF_UNITS");
    t.transact(vec![Write::Put { item: Item::new(key.clone(), attrs(json!({"units": 0}))), cond: Cond::NotExists }])
        .await
        .unwrap();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (t, key) = (t.clone(), key.clone());
            tokio::spawn(async move {
                loop {
                    let w = Write::Update {
                        key: key.clone(),
                        update: Update::default().add("units", 3),
                        cond: Cond::Lt("units".into(), 18 - 3 + 1),
                    };
                    match t.transact(vec![w]).await {
                        Err(StoreError::Conflict) => continue,
                        other => return other.is_ok(),
                    }
                }
            })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        ok += task.await.unwrap() as usize;
    }
    assert_eq!(ok, 6);
    assert_eq!(t.get(&key).await.unwrap().unwrap().int("units"), Some(18));
}

/// Twenty racing appends to one list all land, on an item that did not exist.
pub async fn concurrent_appends_all_land(t: Arc<dyn Table>) {
    let key = Key::new("THROTTLE#LOGIN#MEMBER#100001", "W#1");
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (t, key) = (t.clone(), key.clone());
            tokio::spawn(async move {
                let update = Update::default().set("type", "throttle").append("attempts", vec![json!({ "t": i })]);
                loop {
                    match t
                        .transact(vec![Write::Update { key: key.clone(), update: update.clone(), cond: Cond::Always }])
                        .await
                    {
                        Err(StoreError::Conflict) => continue,
                        other => return other,
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let item = t.get(&key).await.unwrap().unwrap();
    let mut seen: Vec<i64> =
        item.attrs["attempts"].as_array().unwrap().iter().map(|a| a["t"].as_i64().unwrap()).collect();
    seen.sort();
    assert_eq!(seen, (0..20).collect::<Vec<_>>());
}

macro_rules! conformance_tests {
    ($adapter:ident, $make:expr) => {
        mod $adapter {
            use super::*;
            conformance_tests!(@each $make;
                items_round_trip, a_failed_condition_changes_nothing, updates_set_add_remove_and_move_in_the_index,
                a_transaction_is_all_or_nothing, queries_return_one_partition_by_prefix_in_order,
                the_index_is_ordered_and_limited, expired_items_are_invisible, counters_update_and_report_the_new_item,
                exactly_one_of_twenty_racing_writes_wins, a_capped_counter_never_exceeds_its_cap,
                concurrent_appends_all_land);
        }
    };
    (@each $make:expr; $($test:ident),*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $test() {
                let table: Arc<dyn Table> = $make;
                super::$test(table).await;
            }
        )*
    };
}

conformance_tests!(sqlite, Arc::new(portal_store_sqlite::SqliteTable::in_memory()));
conformance_tests!(dynamodb, Arc::new(common::emulator::fresh_table().await));

/// Expiry is decided by the clock the adapter was given (the portal's), so a test that
/// moves time sees tokens and counters expire, on both stores.
async fn expiry_follows_the_adapters_clock(t: Arc<dyn Table>, clock: Arc<common::TestClock>) {
    use portal_domain::Clock;
    let at = clock.now().timestamp() + 60;
    let item = Item::new(Key::new("RESET#clock", "RESET"), Map::new()).expiring_at(at).with_gsi1(Key::new("GC", "1"));
    t.transact(vec![Write::Put { item, cond: Cond::NotExists }]).await.unwrap();
    assert!(t.get(&Key::new("RESET#clock", "RESET")).await.unwrap().is_some());
    clock.advance(61);
    assert_eq!(t.get(&Key::new("RESET#clock", "RESET")).await.unwrap(), None);
    assert!(t.query("RESET#clock", "").await.unwrap().is_empty());
    assert!(t.query_gsi1(&IndexQuery::new("GC", 10)).await.unwrap().is_empty());
}

#[tokio::test]
async fn sqlite_expiry_follows_the_adapters_clock() {
    let clock = Arc::new(common::TestClock::default());
    let t = portal_store_sqlite::SqliteTable::in_memory().with_clock(clock.clone());
    expiry_follows_the_adapters_clock(Arc::new(t), clock).await;
}

#[tokio::test]
async fn dynamodb_expiry_follows_the_adapters_clock() {
    let clock = Arc::new(common::TestClock::default());
    let t = common::emulator::fresh_table().await.with_clock(clock.clone());
    expiry_follows_the_adapters_clock(Arc::new(t), clock).await;
}
