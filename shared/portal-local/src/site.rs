//! The static site with its includes: a page names a shared fragment (the page header,
//! the footer) on a line of its own as
//!
//! ```html
//! <!--#include file="_partials/member-header.html" -->
//! ```
//!
//! and gets the fragment's text in its place. The local portal expands pages as it
//! serves them; `portal-local site <dir>` writes the expanded site for deployment, so
//! both serve the same bytes. Fragments are not pages: `/_partials/…` is not served.

use std::path::{Component, Path, PathBuf};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeDir;

pub const PARTIALS: &str = "_partials";
const OPEN: &str = "<!--#include file=\"";
const CLOSE: &str = "\" -->";

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("{page}: include of {fragment:?} cannot be read")]
    Fragment { page: String, fragment: String, source: std::io::Error },
    #[error("{page}: include {fragment:?} must name a file under {PARTIALS}/")]
    Outside { page: String, fragment: String },
    #[error("reading {0}")]
    Io(String, #[source] std::io::Error),
}

/// A page's text with every include line replaced by its fragment (no nesting).
pub fn expand(root: &Path, page: &str, html: &str) -> Result<String, SiteError> {
    let mut out = String::with_capacity(html.len() + 2048);
    for line in html.split_inclusive('\n') {
        let trimmed = line.trim();
        let Some(name) = trimmed.strip_prefix(OPEN).and_then(|r| r.strip_suffix(CLOSE)) else {
            out.push_str(line);
            continue;
        };
        let rel = Path::new(name);
        let inside = rel.starts_with(PARTIALS) && rel.components().all(|c| matches!(c, Component::Normal(_)));
        if !inside {
            return Err(SiteError::Outside { page: page.into(), fragment: name.into() });
        }
        let fragment = std::fs::read_to_string(root.join(rel)).map_err(|source| SiteError::Fragment {
            page: page.into(),
            fragment: name.into(),
            source,
        })?;
        out.push_str(&fragment);
        if !fragment.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(out)
}

/// The page a request path names inside `root`: a `.html` file, or a folder's
/// `index.html` when the path ends in `/`.
fn page_path(root: &Path, uri_path: &str) -> Option<PathBuf> {
    let rel = Path::new(uri_path.trim_start_matches('/'));
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let file = if uri_path.ends_with('/') { root.join(rel).join("index.html") } else { root.join(rel) };
    (file.extension().is_some_and(|e| e == "html") && file.is_file()).then_some(file)
}

fn page(root: &Path, path: &str, file: &Path) -> Response {
    let html = std::fs::read_to_string(file).map_err(|e| SiteError::Io(path.to_owned(), e));
    match html.and_then(|html| expand(root, path, &html)) {
        Ok(html) => {
            let mut res = Response::new(Body::from(html));
            res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "page cannot be served");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Serves the site: pages expanded, other files as they are, fragments never.
pub async fn serve(root: PathBuf, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    if path.trim_start_matches('/').starts_with(PARTIALS) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        if let Some(file) = page_path(&root, &path) {
            return page(&root, &path, &file);
        }
        // `/admin` → `/admin/`, as a static host does, so relative links resolve.
        if !path.ends_with('/') && page_path(&root, &format!("{path}/")).is_some() {
            return (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, format!("{path}/"))]).into_response();
        }
    }
    match ServeDir::new(&root).oneshot(req).await {
        Ok(res) => res.into_response(),
        Err(never) => match never {},
    }
}

/// Writes the expanded site to `out` (pages expanded, fragments left out).
pub fn build(root: &Path, out: &Path) -> Result<usize, SiteError> {
    fn walk(root: &Path, dir: &Path, out: &Path, n: &mut usize) -> Result<(), SiteError> {
        let io = |e| SiteError::Io(dir.display().to_string(), e);
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            let rel = path.strip_prefix(root).expect("under root");
            if rel.starts_with(PARTIALS) {
                continue;
            }
            let target = out.join(rel);
            if path.is_dir() {
                std::fs::create_dir_all(&target).map_err(io)?;
                walk(root, &path, out, n)?;
            } else if path.extension().is_some_and(|e| e == "html") {
                let html = std::fs::read_to_string(&path).map_err(io)?;
                std::fs::write(&target, expand(root, &rel.display().to_string(), &html)?).map_err(io)?;
                *n += 1;
            } else {
                std::fs::copy(&path, &target).map_err(io)?;
                *n += 1;
            }
        }
        Ok(())
    }
    std::fs::create_dir_all(out).map_err(|e| SiteError::Io(out.display().to_string(), e))?;
    let mut n = 0;
    walk(root, root, out, &mut n)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_are_replaced_and_confined_to_the_partials_folder() {
        let dir = std::env::temp_dir().join(format!("site-test-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(dir.join(PARTIALS)).unwrap();
        std::fs::write(dir.join("_partials/h.html"), "<header>見出し</header>").unwrap();
        let page = "<body>\n  <!--#include file=\"_partials/h.html\" -->\n<main></main>\n";
        assert_eq!(expand(&dir, "p", page).unwrap(), "<body>\n<header>見出し</header>\n<main></main>\n");
        assert!(matches!(
            expand(&dir, "p", "<!--#include file=\"../etc/passwd\" -->\n"),
            Err(SiteError::Outside { .. })
        ));
        assert!(matches!(
            expand(&dir, "p", "<!--#include file=\"_partials/none.html\" -->\n"),
            Err(SiteError::Fragment { .. })
        ));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
