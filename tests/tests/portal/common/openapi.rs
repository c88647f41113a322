//! Every JSON answer the tests receive from `/api` is checked against the schema that
//! `docs/openapi.yaml` gives for its route and status; an undocumented status, or a
//! body the document does not describe, fails the test that received it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.yaml")).unwrap();
        let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        serde_json::to_value(yaml).unwrap()
    })
}

/// The documented path template a concrete path matches (literal segments preferred).
pub fn template_of(path: &str) -> Option<String> {
    let segs: Vec<&str> = path.split('/').collect();
    let mut best: Option<(usize, String)> = None;
    for template in document()["paths"].as_object()?.keys() {
        let t: Vec<&str> = template.split('/').collect();
        if t.len() != segs.len() {
            continue;
        }
        let mut literal = 0;
        let fits = t.iter().zip(&segs).all(|(t, s)| {
            if t.starts_with('{') && t.ends_with('}') {
                !s.is_empty()
            } else {
                literal += (t == s) as usize;
                t == s
            }
        });
        if fits && best.as_ref().is_none_or(|(n, _)| literal > *n) {
            best = Some((literal, template.clone()));
        }
    }
    best.map(|(_, t)| t)
}

fn escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn resolve(v: &Value) -> &Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => document().pointer(r.trim_start_matches('#')).expect("a $ref that resolves"),
        None => v,
    }
}

fn validator(pointer: &str) -> Arc<jsonschema::Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().unwrap().get(pointer) {
        return v.clone();
    }
    // The whole document is the root schema (its refs resolve inside it), and its root
    // `$ref` picks the response schema; OpenAPI's own keys are unknown keywords to
    // JSON Schema and ignored.
    let mut root = document().clone();
    let fragment = pointer.replace('{', "%7B").replace('}', "%7D");
    root.as_object_mut().unwrap().insert("$ref".into(), Value::String(format!("#{fragment}")));
    let v = Arc::new(
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("schema at {pointer} does not compile: {e}")),
    );
    cache.lock().unwrap().insert(pointer.to_owned(), v.clone());
    v
}

/// Checks one answer; panics with what disagrees.
pub fn check(method: &str, path: &str, status: u16, content_type: Option<&str>, body: &[u8]) {
    if !path.starts_with("/api/") {
        return;
    }
    let Some(template) = template_of(path) else {
        // No such route: the API's own JSON 404 is all there is to check.
        assert_eq!(status, 404, "{method} {path}: undocumented path answered {status}");
        return;
    };
    let method = method.to_ascii_lowercase();
    let op_pointer = format!("/paths/{}/{method}", escape(&template));
    let Some(op) = document().pointer(&op_pointer) else {
        assert!(
            status == 405 || status == 404 || status == 403,
            "{method} {template}: undocumented method answered {status}"
        );
        return;
    };
    let Some(response) = op["responses"].get(status.to_string()) else {
        panic!("{method} {template}: status {status} is not documented (body: {})", String::from_utf8_lossy(body));
    };
    let response = resolve(response);
    let schema = response.pointer("/content/application~1json/schema");
    let documented_other = response["content"].as_object().is_some_and(|c| {
        content_type.is_some_and(|ct| c.keys().any(|k| ct.starts_with(k.as_str()) && k != "application/json"))
    });
    if documented_other {
        return;
    }
    let is_json = content_type.is_some_and(|c| c.starts_with("application/json"));
    match (schema, is_json) {
        (None, false) => {}
        (None, true) if body.is_empty() => {}
        (None, true) => panic!("{method} {template} {status}: a JSON body the document does not describe"),
        (Some(_), false) => panic!("{method} {template} {status}: documented as JSON, answered {content_type:?}"),
        (Some(_), true) => {
            let value: Value =
                serde_json::from_slice(body).unwrap_or_else(|e| panic!("{method} {template} {status}: not JSON ({e})"));
            let pointer = match response.get("$ref") {
                Some(_) => unreachable!("resolved"),
                None => {
                    // The schema's location in the document (follow a response $ref).
                    let raw = &op["responses"][status.to_string()];
                    match raw.get("$ref").and_then(Value::as_str) {
                        Some(r) => format!("{}/content/application~1json/schema", r.trim_start_matches('#')),
                        None => format!("{op_pointer}/responses/{status}/content/application~1json/schema"),
                    }
                }
            };
            let v = validator(&pointer);
            let errors: Vec<String> =
                v.iter_errors(&value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
            assert!(
                errors.is_empty(),
                "{method} {template} {status}: the body breaks its schema:\n{}\n{value:#}",
                errors.join("\n")
            );
        }
    }
}
