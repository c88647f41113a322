//! Tiny HTML helpers for the local-only pages (mailbox, simulated provider).

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A whole page with the site's stylesheet (no scripts: the CSP forbids inline ones).
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><link rel=\"stylesheet\" href=\"/assets/site.css\"></head><body><main class=\"container\" id=\"main\">{body}</main></body></html>",
        escape(title)
    )
}
