//! Turning a URL written in a page into the output file it names.

use std::borrow::Cow;

/// Where a URL points, for the checker.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Target<'a> {
    /// Another site, or not a page at all (`mailto:`, `data:`): not checked.
    External,
    /// A path in the output (decoded, without a leading `/`; a trailing `/` kept, since it
    /// means a folder), or `None` for the page itself; and the `#fragment`, decoded.
    Internal {
        path: Option<String>,
        fragment: Option<Cow<'a, str>>,
    },
    /// A path that climbs above the site's root.
    Outside,
}

/// What `url`, written in the page at `page` (a key of the file map), points at.
/// `site_url` is the site's own address: absolute URLs below it are internal.
pub(super) fn target<'a>(url: &'a str, page: &str, site_url: Option<&str>) -> Target<'a> {
    let url = url.trim_matches(|c: char| c.is_ascii_whitespace());
    let url = match site_url.and_then(|base| below(url, base)) {
        Some(path) => path,
        None if url.starts_with("//") || has_scheme(url) => return Target::External,
        None => url,
    };
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((before, fragment)) => (before, Some(percent_decode(fragment))),
        None => (url, None),
    };
    let path = before_fragment
        .split_once('?')
        .map_or(before_fragment, |(path, _)| path);
    if path.is_empty() {
        return Target::Internal {
            path: None,
            fragment,
        };
    }
    let path = percent_decode(path);
    let folder = match path.strip_prefix('/') {
        Some(_) => "",
        None => page.rsplit_once('/').map_or("", |(folder, _)| folder),
    };
    let mut segments: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if segments.pop().is_none() {
                    return Target::Outside;
                }
            }
            segment => segments.push(segment),
        }
    }
    let mut resolved = segments.join("/");
    let names_a_folder = path.ends_with('/')
        || path.ends_with("/.")
        || path.ends_with("/..")
        || path == "."
        || path == "..";
    if names_a_folder && !resolved.is_empty() {
        resolved.push('/');
    }
    Target::Internal {
        path: Some(resolved),
        fragment,
    }
}

/// The path of `url` below the site's address (`https://example.com/docs/` under
/// `https://example.com` is `/docs/`), compared without regard to the scheme's case.
pub(super) fn below<'a>(url: &'a str, base: &str) -> Option<&'a str> {
    let base = base.trim_end_matches('/');
    let head = url.get(..base.len())?;
    let rest = url.get(base.len()..)?;
    let same = head.eq_ignore_ascii_case(base);
    match rest.chars().next() {
        _ if !same => None,
        None => Some("/"),
        Some('/' | '?' | '#') => Some(rest),
        Some(_) => None,
    }
}

/// `mailto:`, `https:`, `data:`...: letters, digits, `+`, `-` and `.` before a `:`.
fn has_scheme(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `%20` -> ` `; invalid escapes and bytes that are not UTF-8 are kept as written.
fn percent_decode(text: &str) -> Cow<'_, str> {
    if !text.contains('%') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escape = bytes
            .get(index + 1..index + 3)
            .filter(|_| bytes[index] == b'%')
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escape {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(bytes[index]);
                index += 1;
            }
        }
    }
    match String::from_utf8(decoded) {
        Ok(decoded) => Cow::Owned(decoded),
        Err(_) => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn internal<'a>(path: Option<&str>, fragment: Option<&'a str>) -> Target<'a> {
        Target::Internal {
            path: path.map(str::to_string),
            fragment: fragment.map(Cow::Borrowed),
        }
    }

    #[test]
    fn schemes_and_other_hosts_are_external() {
        for url in [
            "https://example.org/",
            "HTTP://x",
            "mailto:a@b.c",
            "tel:+123",
            "data:image/png;base64,xx",
            "javascript:void(0)",
            "//cdn.example.org/x.js",
        ] {
            assert_eq!(target(url, "index.html", None), Target::External, "{url}");
        }
    }

    #[test]
    fn root_relative_and_relative_paths_resolve_against_the_page() {
        assert_eq!(
            target("/a/b/", "x/y/index.html", None),
            internal(Some("a/b/"), None)
        );
        assert_eq!(
            target("c.png", "x/y/index.html", None),
            internal(Some("x/y/c.png"), None)
        );
        assert_eq!(
            target("../z/", "x/y/index.html", None),
            internal(Some("x/z/"), None)
        );
        assert_eq!(
            target("./", "x/y/index.html", None),
            internal(Some("x/y/"), None)
        );
        assert_eq!(
            target("..", "x/y/index.html", None),
            internal(Some("x/"), None)
        );
        assert_eq!(target("/", "x/index.html", None), internal(Some(""), None));
        assert_eq!(target("../../..", "x/index.html", None), Target::Outside);
    }

    #[test]
    fn queries_are_dropped_and_fragments_and_escapes_decoded() {
        assert_eq!(
            target(" /a%20b/?q=1#caf%C3%A9 ", "index.html", None),
            internal(Some("a b/"), Some("café"))
        );
        assert_eq!(target("#top", "a.html", None), internal(None, Some("top")));
        assert_eq!(target("?page=2", "a.html", None), internal(None, None));
        assert_eq!(
            target("/100%/", "a.html", None),
            internal(Some("100%/"), None)
        );
    }

    #[test]
    fn urls_below_the_site_address_are_internal() {
        let site = Some("https://example.com/");
        assert_eq!(
            target("https://example.com/a/#b", "x.html", site),
            internal(Some("a/"), Some("b"))
        );
        assert_eq!(
            target("HTTPS://EXAMPLE.COM", "x.html", site),
            internal(Some(""), None)
        );
        assert_eq!(
            target("https://example.community/", "x.html", site),
            Target::External
        );
    }
}
