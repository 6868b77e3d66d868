//! Absolute page URLs: the site's base URL joined with a path, percent-encoded.

/// The base URL as sitemaps need it: absolute, `http` or `https`, without a trailing `/`
/// (a path such as `https://example.com/blog` is kept).
pub(super) fn base(url: &str) -> Result<String, String> {
    let scheme_len = ["https://", "http://"]
        .iter()
        .find(|scheme| {
            url.get(..scheme.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
        })
        .map(|scheme| scheme.len());
    let host = scheme_len
        .and_then(|len| url.get(len..))
        .unwrap_or_default();
    let well_formed = !host.is_empty()
        && !host.starts_with('/')
        && !url.contains(['?', '#'])
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if scheme_len.is_none() || !well_formed {
        return Err(format!(
            "`{url}` is not an absolute http(s) URL: write it as `https://example.com`"
        ));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// Whether a front matter URL is absolute rather than a path on this site.
pub(super) fn is_absolute(url: &str) -> bool {
    base(url).is_ok()
}

/// `base` + `/` + `path`, with the path percent-encoded (`%XX` already there is kept).
pub(super) fn join(base: &str, path: &str) -> String {
    let mut url = String::with_capacity(base.len() + path.len() + 1);
    url.push_str(base);
    url.push('/');
    let bytes = path.trim_start_matches('/').as_bytes();
    for (index, &byte) in bytes.iter().enumerate() {
        let escaped = byte == b'%'
            && bytes
                .get(index + 1..index + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit));
        if escaped || byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_accepts_http_and_https_and_drops_the_trailing_slash() {
        assert_eq!(base("https://example.com/").unwrap(), "https://example.com");
        assert_eq!(base("http://example.com").unwrap(), "http://example.com");
        assert_eq!(
            base("HTTPS://example.com/blog/").unwrap(),
            "HTTPS://example.com/blog"
        );
    }

    #[test]
    fn base_refuses_what_is_not_an_absolute_http_url() {
        for bad in [
            "example.com",
            "/docs",
            "ftp://example.com",
            "https://",
            "https:///path",
            "https://exa mple.com",
            "https://example.com/?a=1",
            "",
        ] {
            let error = base(bad).unwrap_err();
            assert!(error.contains("https://example.com"), "{bad}: {error}");
        }
        assert!(is_absolute("https://other.example/x"));
        assert!(!is_absolute("notes/x"));
    }

    #[test]
    fn join_encodes_what_a_url_path_cannot_hold() {
        let base = "https://example.com";
        assert_eq!(join(base, ""), "https://example.com/");
        assert_eq!(join(base, "/a/b.html"), "https://example.com/a/b.html");
        assert_eq!(
            join(base, "caf\u{e9} menu/a?b#c.html"),
            "https://example.com/caf%C3%A9%20menu/a%3Fb%23c.html"
        );
        assert_eq!(
            join(base, "50%/already%20done"),
            "https://example.com/50%25/already%20done"
        );
        assert_eq!(join(base, "a&b"), "https://example.com/a&b");
    }
}
