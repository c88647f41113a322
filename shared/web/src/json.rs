//! A JSON body extractor whose refusals are JSON errors like every other answer.

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::plain;

pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(e) => {
                tracing::info!(reason = %e.body_text(), "malformed JSON body");
                Err(plain(
                    StatusCode::BAD_REQUEST,
                    "invalid_json",
                    "送信内容を読み取れませんでした。画面を再読み込みしてからもう一度お試しください。",
                )
                .into_response())
            }
        }
    }
}
