//! The `?next=` deep link after login: a relative path on this site only, so a link in
//! a mail cannot be turned into an open redirect.

pub const DEFAULT_MEMBER_HOME: &str = "/home.html";

pub fn safe_next(raw: Option<&str>) -> Option<String> {
    let s = raw?.trim();
    let ok = s.starts_with('/')
        && !s.starts_with("//")
        && !s.contains('\\')
        && !s.chars().any(char::is_control)
        && s.len() <= 1024
        && !s.starts_with("/api/")
        && !s.contains("://");
    ok.then(|| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_site_relative_paths_are_followed() {
        assert_eq!(
            safe_next(Some("/member-profile.html?member_no=100001")).as_deref(),
            Some("/member-profile.html?member_no=100001")
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "/api/auth/logout",
            "",
            "/x\ny",
            "/redirect?u=http://e",
        ] {
            assert_eq!(safe_next(Some(bad)), None, "{bad}");
        }
        assert_eq!(safe_next(None), None);
    }
}
