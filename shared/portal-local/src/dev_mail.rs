//! `/_dev/mail` and `/_dev/mail.json`: every mail the local portal sent, newest first.
//! Local only — no Lambda function serves these.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use portal_store_sqlite::{Mailbox, SentMail};

pub fn router(mailbox: Mailbox) -> Router {
    Router::new().route("/_dev/mail", get(page)).route("/_dev/mail.json", get(json)).with_state(mailbox)
}

async fn json(State(m): State<Mailbox>) -> Response {
    match m.all().await {
        Ok(mails) => Json(mails).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

use crate::html::escape;

/// Escapes the text and makes each http(s) URL a link.
fn linkify(body: &str) -> String {
    body.split('\n')
        .map(|line| {
            line.split(' ')
                .map(|w| {
                    if w.starts_with("http://") || w.starts_with("https://") {
                        format!("<a href=\"{0}\">{0}</a>", escape(w))
                    } else {
                        escape(w)
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn render(mails: &[SentMail]) -> String {
    let mut items = String::new();
    for m in mails {
        items.push_str(&format!(
            "<article class=\"mail\"><h2>{}</h2><p class=\"meta\">宛先: {} ／ 送信日時: {}</p><pre>{}</pre></article>",
            escape(&m.subject),
            escape(&m.to),
            escape(&m.sent_at),
            linkify(&m.body)
        ));
    }
    if mails.is_empty() {
        items.push_str("<p>送信されたメールはありません。</p>");
    }
    format!(
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>開発用メールボックス</title><link rel=\"stylesheet\" href=\"/assets/site.css\"></head><body><main class=\"container\"><h1>開発用メールボックス</h1><p>ローカルのポータルが送信したメール（新しい順）。<a href=\"/_dev/mail.json\">JSON</a></p>{items}</main></body></html>"
    )
}

async fn page(State(m): State<Mailbox>) -> Response {
    match m.all().await {
        Ok(mails) => Html(render(&mails)).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_escaped_and_links_clickable() {
        let html = linkify("<b>x</b> http://127.0.0.1:3000/reset-password.html?token=a&b");
        assert!(html.contains("&lt;b&gt;"));
        assert!(html.contains("<a href=\"http://127.0.0.1:3000/reset-password.html?token=a&amp;b\">"));
    }
}
