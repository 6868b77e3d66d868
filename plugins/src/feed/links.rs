//! Absolute URLs: feed readers show an item away from its page, so every link in it must
//! carry the site's address.

use crate::html_text;
use crate::html_tokens::{splice, Token, Tokenizer};

/// The site's URL, checked: feed links are useless without a scheme and a host.
pub fn site_url(url: &str, origin: &str) -> Result<String, String> {
    let url = url.trim().trim_end_matches('/');
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match host {
        Some(host) if !host.is_empty() => Ok(url.to_string()),
        _ => Err(format!(
            "{origin} `{url}` is not an absolute URL: write it with its scheme, such as https://example.com"
        )),
    }
}

/// The page's address below the site root (`posts/a/`), percent-encoded: the folder of a
/// `permalink`, else the file's path without a trailing `index.html`.
pub fn page_path(permalink: Option<&str>, path: &str) -> String {
    let relative = match permalink {
        Some(permalink) => {
            let permalink = permalink.trim_matches('/');
            if permalink.is_empty() {
                String::new()
            } else {
                format!("{permalink}/")
            }
        }
        None => match path.strip_suffix("index.html") {
            Some(folder) if folder.is_empty() || folder.ends_with('/') => folder.to_string(),
            _ => path.to_string(),
        },
    };
    encode_path(&relative)
}

/// Percent-encodes what may not appear in a URL path (spaces, non-ASCII, `?`, `#`, `%`).
fn encode_path(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// Rewrites `href` and `src` attributes that are not absolute: `/x` against the site URL,
/// `#x` and `x` against the page's own URL.
pub fn absolutize(html: &str, site: &str, page: &str) -> String {
    let mut edits = Vec::new();
    for token in Tokenizer::new(html) {
        let Token::StartTag(tag) = token else {
            continue;
        };
        for name in ["href", "src"] {
            // The first of a repeated attribute is the one browsers follow.
            let Some(attribute) = tag.find_attribute(name) else {
                continue;
            };
            let value = html_text::decode(attribute.value);
            let absolute = resolve(&value, site, page);
            if absolute != value {
                edits.push(tag.set_attribute(name, &absolute));
            }
        }
    }
    // `src` may be written before `href`: edits go in page order.
    edits.sort_by_key(|(span, _)| span.start);
    splice(html, &edits)
}

/// `reference` as an absolute URL, for a page at `site/page`.
fn resolve(reference: &str, site: &str, page: &str) -> String {
    let reference = reference.trim();
    if reference.is_empty() || reference.starts_with("//") || has_scheme(reference) {
        return reference.to_string();
    }
    if reference.starts_with('/') {
        return format!("{site}{reference}");
    }
    if reference.starts_with('#') || reference.starts_with('?') {
        return format!("{site}/{page}{reference}");
    }
    let folder = page.rfind('/').map_or("", |end| &page[..end]);
    let (path, rest) = match reference.find(['?', '#']) {
        Some(at) => reference.split_at(at),
        None => (reference, ""),
    };
    let mut segments: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts {
        match *part {
            ".." => {
                segments.pop();
            }
            "." | "" => {}
            part => segments.push(part),
        }
    }
    let folder_like = matches!(parts.last(), Some(&"..") | Some(&".") | Some(&""));
    let trailing = if folder_like && !segments.is_empty() {
        "/"
    } else {
        ""
    };
    format!("{site}/{}{trailing}{rest}", segments.join("/"))
}

/// `https:`, `mailto:`, `data:`: a scheme is letters, digits, `+`, `-`, `.` before a `:`.
fn has_scheme(reference: &str) -> bool {
    let Some((scheme, _)) = reference.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "https://example.com";

    #[test]
    fn site_url_needs_a_scheme_and_host_and_loses_its_trailing_slash() {
        assert_eq!(
            site_url("https://example.com/", "`site.url`").unwrap(),
            SITE
        );
        assert_eq!(
            site_url("http://example.com/blog", "x").unwrap(),
            "http://example.com/blog"
        );
        for bad in ["example.com", "/", "https://", "ftp://example.com"] {
            let error = site_url(bad, "`site.url`").unwrap_err();
            assert!(
                error.contains("`site.url`") && error.contains("https://example.com"),
                "{error}"
            );
        }
    }

    #[test]
    fn page_paths_prefer_the_permalink_folder() {
        assert_eq!(page_path(Some("posts/a"), "posts/a/index.html"), "posts/a/");
        assert_eq!(page_path(Some("posts/a/"), "x"), "posts/a/");
        assert_eq!(page_path(Some(""), "index.html"), "");
        assert_eq!(page_path(None, "index.html"), "");
        assert_eq!(page_path(None, "posts/b/index.html"), "posts/b/");
        assert_eq!(page_path(None, "posts/c.html"), "posts/c.html");
        assert_eq!(page_path(None, "posts/myindex.html"), "posts/myindex.html");
        assert_eq!(page_path(None, "a b/é?.html"), "a%20b/%C3%A9%3F.html");
    }

    #[test]
    fn resolves_each_kind_of_reference() {
        let page = "posts/a/";
        for (reference, expected) in [
            ("/img/x.png", "https://example.com/img/x.png"),
            ("#fn-1", "https://example.com/posts/a/#fn-1"),
            ("?q=1", "https://example.com/posts/a/?q=1"),
            ("pic.png", "https://example.com/posts/a/pic.png"),
            ("../b/", "https://example.com/posts/b/"),
            ("../../../../x", "https://example.com/x"),
            ("./c.html#top", "https://example.com/posts/a/c.html#top"),
            ("..", "https://example.com/posts/"),
            ("https://other.org/x", "https://other.org/x"),
            ("//cdn.org/x.js", "//cdn.org/x.js"),
            ("mailto:ada@example.com", "mailto:ada@example.com"),
            ("", ""),
        ] {
            assert_eq!(resolve(reference, SITE, page), expected, "{reference}");
        }
        assert_eq!(
            resolve("b.html", SITE, "posts/a.html"),
            "https://example.com/posts/b.html"
        );
    }

    #[test]
    fn absolutize_reads_attributes_as_browsers_do() {
        let html = "<A HREF='x?a=1&amp;b=2' href=/ignored>x</A>\
                    <script>let s = '<a href=\"/no\">';</script><!-- <img src=/no> -->";
        assert_eq!(
            absolutize(html, SITE, "p/"),
            "<A href=\"https://example.com/p/x?a=1&amp;b=2\" href=/ignored>x</A>\
             <script>let s = '<a href=\"/no\">';</script><!-- <img src=/no> -->"
        );
    }

    #[test]
    fn absolutize_rewrites_href_and_src_only() {
        let html = r##"<p><a href="/about/">About</a> <img src="pic.png" alt="/x"> <a href="https://a.org">a</a> <sup><a href="#fn-1">1</a></sup> /plain</p>"##;
        let out = absolutize(html, SITE, "posts/a/");
        assert_eq!(
            out,
            r##"<p><a href="https://example.com/about/">About</a> <img src="https://example.com/posts/a/pic.png" alt="/x"> <a href="https://a.org">a</a> <sup><a href="https://example.com/posts/a/#fn-1">1</a></sup> /plain</p>"##
        );
    }
}
