//! JSON attribute values ↔ DynamoDB AttributeValues, and items ↔ DynamoDB items.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use portal_domain::table::{Item, Key};
use serde_json::{Map, Number, Value};

/// Attribute names the adapter itself uses; domain attributes never take these.
pub const PK: &str = "pk";
pub const SK: &str = "sk";
pub const GSI1PK: &str = "gsi1pk";
pub const GSI1SK: &str = "gsi1sk";
pub const TTL: &str = "ttl";
const RESERVED: [&str; 5] = [PK, SK, GSI1PK, GSI1SK, TTL];

pub fn to_av(v: &Value) -> AttributeValue {
    match v {
        Value::Null => AttributeValue::Null(true),
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::Number(n) => AttributeValue::N(n.to_string()),
        Value::String(s) => AttributeValue::S(s.clone()),
        Value::Array(a) => AttributeValue::L(a.iter().map(to_av).collect()),
        Value::Object(m) => AttributeValue::M(m.iter().map(|(k, v)| (k.clone(), to_av(v))).collect()),
    }
}

pub fn from_av(av: &AttributeValue) -> Value {
    match av {
        AttributeValue::S(s) => Value::String(s.clone()),
        AttributeValue::N(n) => n
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| n.parse::<f64>().map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)))
            .unwrap_or(Value::Null),
        AttributeValue::Bool(b) => Value::Bool(*b),
        AttributeValue::L(l) => Value::Array(l.iter().map(from_av).collect()),
        AttributeValue::M(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), from_av(v))).collect()),
        AttributeValue::Ss(ss) => Value::Array(ss.iter().cloned().map(Value::String).collect()),
        _ => Value::Null,
    }
}

pub fn key_map(key: &Key) -> HashMap<String, AttributeValue> {
    HashMap::from([
        (PK.to_owned(), AttributeValue::S(key.pk.clone())),
        (SK.to_owned(), AttributeValue::S(key.sk.clone())),
    ])
}

pub fn item_to_map(item: &Item) -> HashMap<String, AttributeValue> {
    let mut m = key_map(&item.key);
    if let Some(g) = &item.gsi1 {
        m.insert(GSI1PK.into(), AttributeValue::S(g.pk.clone()));
        m.insert(GSI1SK.into(), AttributeValue::S(g.sk.clone()));
    }
    if let Some(t) = item.expires_at {
        m.insert(TTL.into(), AttributeValue::N(t.to_string()));
    }
    for (k, v) in &item.attrs {
        debug_assert!(!RESERVED.contains(&k.as_str()), "attribute name {k} is reserved");
        m.insert(k.clone(), to_av(v));
    }
    m
}

fn s(m: &HashMap<String, AttributeValue>, k: &str) -> Option<String> {
    m.get(k).and_then(|v| v.as_s().ok()).cloned()
}

pub fn map_to_item(m: &HashMap<String, AttributeValue>) -> Item {
    let key = Key { pk: s(m, PK).unwrap_or_default(), sk: s(m, SK).unwrap_or_default() };
    let gsi1 = match (s(m, GSI1PK), s(m, GSI1SK)) {
        (Some(pk), Some(sk)) => Some(Key { pk, sk }),
        _ => None,
    };
    let expires_at = m.get(TTL).and_then(|v| v.as_n().ok()).and_then(|n| n.parse().ok());
    let attrs: Map<String, Value> =
        m.iter().filter(|(k, _)| !RESERVED.contains(&k.as_str())).map(|(k, v)| (k.clone(), from_av(v))).collect();
    Item { key, gsi1, expires_at, attrs }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_round_trip() {
        let attrs =
            json!({"name": "循環 太郎", "n": 5, "ok": true, "none": null, "list": [1, "a"], "nested": {"x": 1.5}});
        let item = Item {
            key: Key::new("MEMBER#100001", "PROFILE"),
            gsi1: Some(Key::new("Q", "1")),
            expires_at: Some(99),
            attrs: attrs.as_object().unwrap().clone(),
        };
        assert_eq!(map_to_item(&item_to_map(&item)), item);
    }
}
