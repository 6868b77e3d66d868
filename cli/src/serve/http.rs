//! Answering requests from the last good build: folder URLs, redirects, content types, the
//! site's 404 page, and refusals for paths that would leave the build and for foreign hosts.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use ironsmith_core::Files;
use percent_encoding::percent_decode_str;

use crate::serve::reload::{self, EVENTS_PATH, SCRIPT_PATH};
use crate::serve::Shared;

/// Every request comes here: axum's router would only add a second way to match paths.
pub async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    respond(&shared, request.method(), request.uri(), request.headers())
}

fn respond(shared: &Arc<Shared>, method: &Method, uri: &Uri, headers: &HeaderMap) -> Response {
    if let Err(refusal) = check_host(headers, uri, &shared.hosts) {
        return plain(StatusCode::FORBIDDEN, &refusal);
    }
    if method != Method::GET && method != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    match uri.path() {
        SCRIPT_PATH => reload::script(),
        EVENTS_PATH => reload::events(Arc::clone(shared)),
        path => {
            let output = shared.output();
            match resolve(&output.files, path) {
                Ok(Resolved::File(key)) => page(StatusCode::OK, &key, &output.files[&key].contents),
                Ok(Resolved::Redirect(mut location)) => {
                    if let Some(query) = uri.query() {
                        location = format!("{location}?{query}");
                    }
                    redirect(&location)
                }
                Ok(Resolved::NotFound) => not_found(&output.files, path),
                Err(reason) => plain(StatusCode::BAD_REQUEST, reason),
            }
        }
    }
}

/// What a request path names in the build.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// This output file.
    File(String),
    /// A folder asked for without its `/`: go here instead.
    Redirect(String),
    NotFound,
}

/// Maps a request path (as sent, percent-encoded) to an output file. Paths that could
/// leave the build (`..`, `.`, empty segments, backslashes, NUL, bytes that are not UTF-8,
/// each also when percent-encoded) are refused with the reason.
pub fn resolve(files: &Files, path: &str) -> Result<Resolved, &'static str> {
    let rest = path
        .strip_prefix('/')
        .ok_or("the path must start with `/`")?;
    let decoded = percent_decode_str(rest)
        .decode_utf8()
        .map_err(|_| "the path is not UTF-8")?;
    if decoded.contains(['\0', '\\']) {
        return Err("the path contains a backslash or a NUL byte");
    }
    let mut segments = decoded.split('/').peekable();
    while let Some(segment) = segments.next() {
        let last = segments.peek().is_none();
        match segment {
            "." | ".." => return Err("the path contains `.` or `..`"),
            "" if !last => return Err("the path contains an empty segment"),
            _ => {}
        }
    }
    if decoded.is_empty() || decoded.ends_with('/') {
        let key = format!("{decoded}index.html");
        return Ok(match files.contains_key(&key) {
            true => Resolved::File(key),
            false => Resolved::NotFound,
        });
    }
    if files.contains_key(decoded.as_ref()) {
        return Ok(Resolved::File(decoded.into_owned()));
    }
    if files.contains_key(&format!("{decoded}/index.html")) {
        return Ok(Resolved::Redirect(format!("{path}/")));
    }
    Ok(Resolved::NotFound)
}

/// Refuses requests for another host name: a page on any web site could otherwise read
/// this server through a name it points at 127.0.0.1 (DNS rebinding). `localhost`, its
/// subdomains, IP addresses and the names given with `--allow-host` are accepted.
pub fn check_host(headers: &HeaderMap, uri: &Uri, allowed: &[String]) -> Result<(), String> {
    let host = match headers.get(header::HOST).map(HeaderValue::to_str) {
        Some(Ok(host)) => host,
        Some(Err(_)) | None => return Err("the request has no readable Host header".into()),
    };
    for host in std::iter::once(host).chain(uri.authority().map(|a| a.as_str())) {
        if !host_allowed(host, allowed) {
            return Err(format!(
                "ironsmith serve answers only for localhost and IP addresses, not `{host}`: \
                 restart it with `--allow-host NAME` to allow a name"
            ));
        }
    }
    Ok(())
}

fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let name = match host.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once(']') {
            Some((address, port)) if port.is_empty() || is_port(port) => {
                return address.parse::<Ipv6Addr>().is_ok();
            }
            _ => return false,
        },
        None => match host.rsplit_once(':') {
            Some((name, port)) if is_port(port) => name,
            Some(_) => return false,
            None => host,
        },
    };
    let lower = name.to_ascii_lowercase();
    lower == "localhost"
        || lower.ends_with(".localhost")
        || name.parse::<Ipv4Addr>().is_ok()
        || allowed
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(name))
}

fn is_port(text: &str) -> bool {
    text.strip_prefix(':')
        .unwrap_or(text)
        .bytes()
        .all(|b| b.is_ascii_digit())
}

/// The content type for an output path, with the character set for text.
pub fn content_type(key: &str) -> String {
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    let text = mime.type_() == "text" || mime.essence_str() == "application/javascript";
    match text {
        true => format!("{}; charset=utf-8", mime.essence_str()),
        false => mime.essence_str().to_string(),
    }
}

fn is_html(key: &str) -> bool {
    content_type(key).starts_with("text/html")
}

/// An output file; HTML gets the reload script.
fn page(status: StatusCode, key: &str, contents: &[u8]) -> Response {
    let body = match is_html(key) {
        true => reload::inject(contents),
        false => contents.to_vec(),
    };
    let content_type = HeaderValue::from_str(&content_type(key))
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    (
        status,
        [
            (header::CONTENT_TYPE, content_type),
            // Every response is fresh: a reload must show the new build.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
        .into_response()
}

/// The site's own `404.html`, or a plain page; both get the reload script, so a page
/// added later shows up without a manual reload.
fn not_found(files: &Files, path: &str) -> Response {
    match files.get("404.html") {
        Some(file) => page(StatusCode::NOT_FOUND, "404.html", &file.contents),
        None => {
            let html = format!(
                "<!doctype html>\n<meta charset=\"utf-8\">\n<title>Not found</title>\n\
                 <body><h1>Not found</h1><p>Nothing in this build answers <code>{}</code>.</p></body>\n",
                escape(path)
            );
            page(StatusCode::NOT_FOUND, "404.html", html.as_bytes())
        }
    }
}

fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (
            StatusCode::TEMPORARY_REDIRECT,
            [
                (header::LOCATION, value),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
        )
            .into_response(),
        Err(_) => plain(StatusCode::BAD_REQUEST, "the path cannot be redirected"),
    }
}

fn plain(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "{} {}: {message}\n",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        ),
    )
        .into_response()
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironsmith_core::File;

    fn files() -> Files {
        [
            "index.html",
            "a/index.html",
            "a/b.css",
            "posts/é.html",
            "404.html",
        ]
        .iter()
        .map(|key| (key.to_string(), File::new(*key)))
        .collect()
    }

    fn file(key: &str) -> Result<Resolved, &'static str> {
        Ok(Resolved::File(key.into()))
    }

    #[test]
    fn folders_serve_their_index_and_files_themselves() {
        let files = files();
        assert_eq!(resolve(&files, "/"), file("index.html"));
        assert_eq!(resolve(&files, "/a/"), file("a/index.html"));
        assert_eq!(resolve(&files, "/a/index.html"), file("a/index.html"));
        assert_eq!(resolve(&files, "/a/b.css"), file("a/b.css"));
        assert_eq!(resolve(&files, "/posts/%C3%A9.html"), file("posts/é.html"));
        assert_eq!(resolve(&files, "/a%2fb.css"), file("a/b.css"));
    }

    #[test]
    fn a_folder_without_its_slash_redirects() {
        let files = files();
        assert_eq!(resolve(&files, "/a"), Ok(Resolved::Redirect("/a/".into())));
        assert_eq!(resolve(&files, "/missing"), Ok(Resolved::NotFound));
        assert_eq!(resolve(&files, "/posts/"), Ok(Resolved::NotFound));
        assert_eq!(resolve(&files, "/a/b.css/"), Ok(Resolved::NotFound));
    }

    #[test]
    fn every_way_out_of_the_build_is_refused() {
        let files = files();
        for attack in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/..",
            "/a/..",
            "/./index.html",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/.%2e/etc/passwd",
            "/a/%2e%2e%2f%2e%2e%2fetc/passwd",
            "/..%2fetc/passwd",
            "/..%2Fetc/passwd",
            "/..%5cetc/passwd",
            "/a\\..\\..\\etc\\passwd",
            "/%5c%5cserver%5cshare",
            "/index.html%00.css",
            "/%00",
            "//etc/passwd",
            "/a//b.css",
            "/%2f%2fetc/passwd",
            "/%ff%fe",
            "relative/index.html",
            "",
        ] {
            assert!(
                resolve(&files, attack).is_err(),
                "{attack:?} was not refused"
            );
        }
    }

    fn headers(host: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(host) = host {
            headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        }
        headers
    }

    #[test]
    fn local_names_and_addresses_are_accepted() {
        let uri = Uri::from_static("/");
        for host in [
            "localhost",
            "localhost:8080",
            "LOCALHOST:1",
            "site.localhost:8080",
            "127.0.0.1:8080",
            "127.0.0.1",
            "192.168.1.20:8080",
            "[::1]:8080",
            "[::1]",
        ] {
            assert!(
                check_host(&headers(Some(host)), &uri, &[]).is_ok(),
                "{host}"
            );
        }
        let allowed = ["laptop.lan".to_string()];
        assert!(check_host(&headers(Some("Laptop.lan:8080")), &uri, &allowed).is_ok());
    }

    #[test]
    fn foreign_hosts_are_refused() {
        let uri = Uri::from_static("/");
        for host in [
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "127.0.0.1.evil.example:8080",
            "[::1]evil:80",
            "[not-an-address]:80",
            "localhost:80:80",
            "localhost:http",
        ] {
            let error = check_host(&headers(Some(host)), &uri, &[]).unwrap_err();
            assert!(error.contains("--allow-host"), "{host}: {error}");
        }
        assert!(check_host(&headers(None), &uri, &[]).is_err());
        // An absolute request target names the host too.
        let uri = Uri::from_static("http://evil.example/");
        assert!(check_host(&headers(Some("localhost")), &uri, &[]).is_err());
    }

    #[test]
    fn content_types_name_the_character_set_of_text() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("a/site.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("app.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("feed.json"), "application/json");
        assert_eq!(content_type("logo.png"), "image/png");
        assert_eq!(content_type("logo.svg"), "image/svg+xml");
        assert_eq!(content_type("font.woff2"), "font/woff2");
        assert_eq!(content_type("CNAME"), "application/octet-stream");
    }

    #[test]
    fn the_plain_not_found_page_escapes_the_path() {
        let response = not_found(&Files::new(), "/<script>");
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
