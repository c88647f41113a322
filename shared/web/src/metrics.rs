//! CloudWatch metrics as Embedded Metric Format log lines: one JSON line on stdout that
//! CloudWatch Logs turns into a metric (namespace `JcsPortal`), so no metrics client
//! and no extra call. Locally they are simply log lines.

use serde_json::{Map, Value, json};

pub const NAMESPACE: &str = "JcsPortal";

/// The EMF line of one datapoint of `metric` with `dimensions`.
pub fn line(metric: &str, value: f64, unit: &str, dimensions: &[(&str, &str)], epoch_ms: i64) -> String {
    let mut root = Map::new();
    let dims: Vec<&str> = dimensions.iter().map(|(k, _)| *k).collect();
    root.insert(
        "_aws".into(),
        json!({
            "Timestamp": epoch_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [dims],
                "Metrics": [{ "Name": metric, "Unit": unit }],
            }],
        }),
    );
    for (k, v) in dimensions {
        root.insert((*k).into(), Value::from(*v));
    }
    root.insert(metric.into(), json!(value));
    Value::Object(root).to_string()
}

/// Emits one datapoint.
pub fn emit(metric: &str, value: f64, unit: &str, dimensions: &[(&str, &str)]) {
    let ms =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    println!("{}", line(metric, value, unit, dimensions, ms));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_follow_the_embedded_metric_format() {
        let v: Value = serde_json::from_str(&line("Http5xx", 1.0, "Count", &[("Function", "billing")], 5)).unwrap();
        assert_eq!(v["_aws"]["CloudWatchMetrics"][0]["Namespace"], "JcsPortal");
        assert_eq!(v["_aws"]["CloudWatchMetrics"][0]["Dimensions"], json!([["Function"]]));
        assert_eq!((v["Function"].as_str(), v["Http5xx"].as_f64()), (Some("billing"), Some(1.0)));
    }
}
