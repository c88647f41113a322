//! A strict JSON body extractor whose refusals are JSON errors like every other answer.
//! Body types deny unknown fields and take each field's own type (no coercion): a
//! field that is unknown or of the wrong type is a 400 naming that field, so a client
//! bug or a probe is told exactly what was not accepted, and nothing is ignored.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use portal_domain::{FieldError, FieldErrors};
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::error::{ApiError, plain};

pub struct JsonBody<T>(pub T);

const UNREADABLE: &str = "送信内容を読み取れませんでした。画面を再読み込みしてからもう一度お試しください。";

/// Why a body was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyRefusal {
    /// Not a JSON object (syntax, empty, trailing text, an array…).
    Unreadable,
    /// A field unknown or of the wrong type.
    Field(FieldError),
}

/// Parses `bytes` as the body type `T` (the rule the extractor applies; also what the
/// fuzz target drives).
pub fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BodyRefusal> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(BodyRefusal::Unreadable);
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = match serde_path_to_error::deserialize::<_, T>(&mut *de) {
        Ok(v) => v,
        Err(e) => {
            let field = e.path().to_string();
            let inner = e.into_inner();
            return Err(match inner.classify() {
                Category::Data if !field.is_empty() && field != "." => {
                    BodyRefusal::Field(FieldError::new(&field, field_message(&inner.to_string())))
                }
                _ => BodyRefusal::Unreadable,
            });
        }
    };
    de.end().map_err(|_| BodyRefusal::Unreadable)?;
    Ok(value)
}

/// The member-facing reason, from serde's description of what it expected.
fn field_message(serde_says: &str) -> &'static str {
    if serde_says.starts_with("unknown field") {
        "この項目は受け付けられません。"
    } else if serde_says.contains("expected a string") {
        "文字列で指定してください。"
    } else if serde_says.contains("expected i64") || serde_says.contains("expected u64") {
        "整数で指定してください。"
    } else if serde_says.contains("expected a boolean") {
        "true または false で指定してください。"
    } else {
        "値の形式が正しくありません。"
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // The content type was checked by the CSRF guard (state changes take JSON only).
        let bytes = match Bytes::from_request(req, state).await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::payload_too_large().into_response());
            }
            Err(e) => {
                tracing::info!(reason = %e.body_text(), "unreadable body");
                return Err(plain(StatusCode::BAD_REQUEST, "invalid_json", UNREADABLE));
            }
        };
        match parse_body::<T>(&bytes) {
            Ok(v) => Ok(JsonBody(v)),
            Err(BodyRefusal::Unreadable) => {
                tracing::info!("malformed JSON body");
                Err(plain(StatusCode::BAD_REQUEST, "invalid_json", UNREADABLE))
            }
            Err(BodyRefusal::Field(f)) => {
                tracing::info!(field = %f.field, "body field refused");
                Err(ApiError::from(FieldErrors::from(f)).into_response())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, Default, PartialEq)]
    #[serde(default, deny_unknown_fields)]
    struct Body {
        kind: String,
        version: i64,
    }

    fn field(r: Result<Body, BodyRefusal>) -> (String, String) {
        match r {
            Err(BodyRefusal::Field(f)) => (f.field.to_string(), f.message.to_string()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn wrong_types_and_unknown_fields_name_the_field() {
        assert_eq!(field(parse_body(br#"{"kind":{"a":1}}"#)), ("kind".into(), "文字列で指定してください。".into()));
        assert_eq!(field(parse_body(br#"{"kind":null}"#)).0, "kind");
        assert_eq!(field(parse_body(br#"{"kind":123}"#)).0, "kind");
        assert_eq!(field(parse_body(br#"{"version":"3"}"#)), ("version".into(), "整数で指定してください。".into()));
        assert_eq!(
            field(parse_body(br#"{"kidn":"renewal"}"#)),
            ("kidn".into(), "この項目は受け付けられません。".into())
        );
    }

    #[derive(serde::Deserialize, Debug, Default, PartialEq)]
    #[serde(default, deny_unknown_fields)]
    struct Sized {
        #[serde(deserialize_with = "portal_domain::field_error::whole_number::deserialize")]
        size: u64,
    }

    #[test]
    fn whole_numbers_may_be_written_with_a_zero_fraction() {
        // Found by API fuzzing: JSON Schema's integers include 22733.0 and 1e3.
        assert_eq!(parse_body::<Sized>(br#"{"size":22733.0}"#), Ok(Sized { size: 22733 }));
        assert_eq!(parse_body::<Sized>(br#"{"size":1e3}"#), Ok(Sized { size: 1000 }));
        for bad in [&br#"{"size":1.5}"#[..], br#"{"size":-1}"#, br#"{"size":"3"}"#, br#"{"size":1e300}"#] {
            assert!(matches!(parse_body::<Sized>(bad), Err(BodyRefusal::Field(_))), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn only_one_json_object_is_a_body() {
        for bad in [&b""[..], b"[]", b"\"x\"", b"{", br#"{"kind":"a"} x"#, b"null"] {
            assert_eq!(parse_body::<Body>(bad), Err(BodyRefusal::Unreadable), "{:?}", String::from_utf8_lossy(bad));
        }
        assert_eq!(parse_body::<Body>(b" {} "), Ok(Body::default()));
    }
}
