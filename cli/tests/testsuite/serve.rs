//! `ironsmith serve`, driven as a person uses it: start the real binary on a copy of
//! `fixtures/serve-basic`, request pages over plain TCP (so paths and headers go out exactly
//! as written, attacks included), listen to the reload events as a page does, and edit the
//! site's files.

pub(crate) mod browser;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use std::{fs, thread};

use crate::support::SiteTest;

/// How long anything the server is asked for may take before the test fails.
const PATIENCE: Duration = Duration::from_secs(20);

/// A running `ironsmith serve`, stopped with Ctrl-C (SIGINT) when dropped.
pub struct Server {
    child: Child,
    pub address: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    pub fn start(site: &Path, extra: &[&str]) -> Server {
        Server::start_with_env(site, extra, &[])
    }

    /// Starts `ironsmith serve` with these environment variables added.
    pub fn start_with_env(site: &Path, extra: &[&str], env: &[(&str, &Path)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ironsmith"))
            .arg("serve")
            .arg(site)
            .args(["--port", "0"])
            .args(extra)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the ironsmith binary runs");
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().expect("stderr is piped");
        let collected = Arc::clone(&stderr);
        thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                let mut text = collected.lock().expect("stderr is readable");
                text.push_str(&line);
                text.push('\n');
            }
        });
        let started = Instant::now();
        let address = loop {
            let text = stderr.lock().expect("stderr is readable").clone();
            if let Some(address) = text
                .split_whitespace()
                .find_map(|word| word.strip_prefix("http://"))
                .and_then(|rest| {
                    let rest = rest.trim_end_matches('/');
                    // Listening everywhere, the server prints a name a browser can open.
                    let rest = rest.replace("localhost:", "127.0.0.1:");
                    rest.parse().ok()
                })
            {
                break address;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("serve exited with {status} before serving:\n{text}");
            }
            assert!(started.elapsed() < PATIENCE, "serve did not start:\n{text}");
            thread::sleep(Duration::from_millis(20));
        };
        Server {
            child,
            address,
            stderr,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr is readable").clone()
    }

    /// The stderr read so far, once `ready` holds for it (or after 5 s): an event can
    /// reach the test before the line the server printed with it has been read.
    pub fn stderr_once(&self, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let stderr = self.stderr();
            if ready(&stderr) || Instant::now() > deadline {
                return stderr;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A GET request from a browser on this machine.
    pub fn get(&self, path: &str) -> Response {
        self.request(&format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\n",
            self.address
        ))
    }

    /// Sends a request head as written (a blank line and `Connection: close` are added).
    pub fn request(&self, head: &str) -> Response {
        let mut stream = TcpStream::connect(self.address).expect("the server accepts");
        stream
            .set_read_timeout(Some(PATIENCE))
            .expect("a socket timeout");
        stream
            .write_all(format!("{head}Connection: close\r\n\r\n").as_bytes())
            .expect("the server reads the request");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("a whole response");
        Response::parse(&raw)
    }

    /// Listens to the reload events as the injected script does.
    pub fn events(&self) -> Events {
        let mut stream = TcpStream::connect(self.address).expect("the server accepts");
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .expect("a socket timeout");
        let head = format!(
            "GET /__ironsmith/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            self.address
        );
        stream
            .write_all(head.as_bytes())
            .expect("the server reads the request");
        let mut events = Events {
            stream,
            received: String::new(),
        };
        events.read_until(|text| text.contains(": connected"), PATIENCE);
        events
    }

    /// Stops the server as Ctrl-C does; the exit status and everything it printed.
    pub fn stop(mut self) -> (std::process::ExitStatus, String) {
        interrupt(&self.child);
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("serve's status") {
                // Let the reading thread take the last lines.
                thread::sleep(Duration::from_millis(50));
                return (status, self.stderr());
            }
            assert!(
                started.elapsed() < PATIENCE,
                "serve did not stop on Ctrl-C:\n{}",
                self.stderr()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[cfg(unix)]
fn interrupt(child: &Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

#[cfg(not(unix))]
fn interrupt(_: &Child) {
    panic!("stopping with Ctrl-C is tested on Unix only");
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Response {
    fn parse(raw: &[u8]) -> Response {
        let text = String::from_utf8_lossy(raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP response: {text:?}"));
        Response {
            status,
            head: head.to_ascii_lowercase(),
            body: body.to_string(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        let prefix = format!("{name}: ");
        self.head
            .lines()
            .find_map(|line| line.strip_prefix(prefix.as_str()))
    }
}

/// An open event stream and what it has sent so far.
pub struct Events {
    stream: TcpStream,
    received: String,
}

impl Events {
    fn read_until(&mut self, done: impl Fn(&str) -> bool, patience: Duration) -> bool {
        let started = Instant::now();
        let mut buffer = [0; 4096];
        while !done(&self.received) {
            if started.elapsed() > patience {
                return false;
            }
            match self.stream.read(&mut buffer) {
                Ok(0) => return false,
                Ok(read) => self
                    .received
                    .push_str(&String::from_utf8_lossy(&buffer[..read])),
                Err(_) => {}
            }
        }
        true
    }

    /// Waits for the next event named `name` and returns its data, dropping what came
    /// before it.
    #[track_caller]
    pub fn expect(&mut self, name: &str) -> String {
        let marker = format!("event: {name}\n");
        let found = self.read_until(
            |text| {
                text.find(&marker)
                    .is_some_and(|at| text[at + marker.len() - 1..].contains("\n\n"))
            },
            PATIENCE,
        );
        assert!(
            found,
            "no `{name}` event; the stream sent:\n{}",
            self.received
        );
        // The event ends at the first blank line, which may begin with the marker's own `\n`.
        let at = self.received.find(&marker).unwrap_or_default() + marker.len() - 1;
        let end = at + self.received[at..].find("\n\n").unwrap_or_default();
        let data = self.received[at..end]
            .lines()
            .filter_map(|line| line.strip_prefix("data: ").or(line.strip_prefix("data:")))
            .collect::<Vec<_>>()
            .join("\n");
        self.received.drain(..end);
        data
    }

    /// Fails if any event arrives within `quiet`.
    #[track_caller]
    pub fn expect_none(&mut self, quiet: Duration) {
        let arrived = self.read_until(|text| text.contains("event: "), quiet);
        assert!(!arrived, "an unexpected event: {}", self.received);
    }
}

/// Writes a file as editors do: into a temporary file beside it, then renamed over it.
pub fn save(path: &Path, text: &str) {
    let temporary = path.with_extension("tmp");
    fs::write(&temporary, text)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", temporary.display()));
    fs::rename(&temporary, path)
        .unwrap_or_else(|e| panic!("cannot rename over {}: {e}", path.display()));
}

pub fn site() -> SiteTest {
    SiteTest::new("fixtures/serve-basic")
}

#[test]
fn edits_reload_the_page_and_errors_keep_the_last_good_build() {
    let test = site();
    let server = Server::start(&test.path(""), &[]);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(home.body.contains("<p>Welcome home.</p>"), "{}", home.body);
    assert!(
        home.body
            .contains("<script src=\"/__ironsmith/live.js\"></script></body>"),
        "the reload script goes before </body>: {}",
        home.body
    );
    let script = server.get("/__ironsmith/live.js");
    assert!(script.body.contains("EventSource"), "{}", script.body);

    let mut events = server.events();
    save(
        &test.path("src/index.md"),
        "---\ntitle: Home\n---\nWelcome back.\n",
    );
    events.expect("reload");
    assert!(server.get("/").body.contains("<p>Welcome back.</p>"));

    // A stylesheet alone is swapped in place.
    save(
        &test.path("src/style.css"),
        "h1 { color: rgb(128, 0, 0); }\n",
    );
    assert_eq!(events.expect("styles"), r#"["/style.css"]"#);
    let style = server.get("/style.css");
    assert_eq!(
        style.header("content-type"),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(style.body, "h1 { color: rgb(128, 0, 0); }\n");

    // A broken layout: the error goes to the page and, once, to the terminal.
    let layout = test.read_text("layouts/page.hbs");
    save(
        &test.path("layouts/page.hbs"),
        &layout.replace("{{/each}}", ""),
    );
    let error = events.expect("build-error");
    assert!(
        error.contains("page.hbs:14:1: invalid handlebars syntax"),
        "{error}"
    );
    assert!(server.get("/").body.contains("<p>Welcome back.</p>"));
    let is_error = |line: &str| line.starts_with("error: ") && line.contains("page.hbs");
    let printed = server
        .stderr_once(|stderr| stderr.lines().any(is_error))
        .lines()
        .filter(|line| is_error(line))
        .count();
    assert_eq!(printed, 1, "{}", server.stderr());
    // A page opened now learns of the error at once.
    server.events().expect("build-error");

    // The same layout as before the error: nothing to reload, the error goes away.
    save(&test.path("layouts/page.hbs"), &layout);
    events.expect("build-ok");
    // After every rebuild, each post is listed once.
    let home = server.get("/").body;
    assert_eq!(home.matches("<li>First</li>").count(), 1, "{home}");
    let (status, stderr) = server.stop();
    assert!(status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn folders_redirects_not_found_and_methods() {
    let test = site();
    let server = Server::start(&test.path(""), &[]);
    let redirect = server.get("/docs?x=1");
    assert_eq!(redirect.status, 307);
    assert_eq!(redirect.header("location"), Some("/docs/?x=1"));
    let docs = server.get("/docs/");
    assert_eq!(docs.status, 200);
    assert!(docs.body.contains("The documentation."));
    assert_eq!(server.get("/posts/first.html").status, 200);

    let missing = server.get("/no/such/page");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("This page does not exist."),
        "{}",
        missing.body
    );
    assert!(missing.body.contains("/__ironsmith/live.js"));

    let head = server.request(&format!("HEAD / HTTP/1.1\r\nHost: {}\r\n", server.address));
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let post = server.request(&format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\n",
        server.address
    ));
    assert_eq!(post.status, 405);
}

#[test]
fn no_request_leaves_the_build_and_foreign_hosts_are_refused() {
    let mut test = site();
    test.write("secret.txt", "SECRET beside the source");
    let server = Server::start(&test.path(""), &[]);
    for path in [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%2Fsecret.txt",
        "/posts/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/posts\\..\\..\\secret.txt",
        "/index.html%00",
        "/%00/../secret.txt",
        "//secret.txt",
        "/./index.html",
        "/.%2e/secret.txt",
    ] {
        let response = server.get(path);
        assert!(
            matches!(response.status, 400 | 404),
            "{path}: {} {}",
            response.status,
            response.body
        );
        assert!(!response.body.contains("SECRET"), "{path} leaked the file");
    }

    for host in ["evil.example", "evil.example:80", "localhost.evil.example"] {
        let response = server.request(&format!("GET / HTTP/1.1\r\nHost: {host}\r\n"));
        assert_eq!(response.status, 403, "{host}");
        assert!(!response.body.contains("Welcome"), "{host}");
    }
    for host in [
        "localhost".to_string(),
        format!("127.0.0.1:{}", server.address.port()),
    ] {
        let response = server.request(&format!("GET / HTTP/1.1\r\nHost: {host}\r\n"));
        assert_eq!(response.status, 200, "{host}");
    }
}

#[test]
fn temporary_files_output_writes_and_bursts() {
    let test = site();
    fs::create_dir_all(test.path("build")).unwrap();
    let server = Server::start(&test.path(""), &[]);
    let mut events = server.events();

    // Swap, backup and temporary files, and writes into the output: no rebuild.
    for name in [
        ".index.md.swp",
        "index.md~",
        "4913",
        "index.md___jb_tmp___",
        ".#index.md",
    ] {
        fs::write(test.path("src").join(name), "not a page").unwrap();
    }
    fs::write(test.path("build/index.html"), "written by someone else").unwrap();
    events.expect_none(Duration::from_millis(600));

    // A real change after them: they still do not reach the output.
    save(
        &test.path("src/posts/first.md"),
        "---\ntitle: First\n---\nEdited.\n",
    );
    events.expect("reload");
    assert_eq!(server.get("/.index.md.swp").status, 404);
    assert_eq!(server.get("/index.md~").status, 404);

    // 300 new posts at once (as a `git checkout` writes them): one rebuild.
    let rebuilds = |server: &Server| server.stderr().matches("pages reloaded").count();
    let before = server
        .stderr_once(|stderr| stderr.contains("pages reloaded"))
        .matches("pages reloaded")
        .count();
    assert_eq!(before, 1, "{}", server.stderr());
    // Written beside the site first and moved in by renames: the burst takes a few
    // milliseconds, so a loaded machine pausing this thread cannot split it in two.
    let incoming = tempfile::tempdir_in(test.path("..")).unwrap();
    let outside = incoming.path();
    for number in 0..300 {
        fs::write(
            outside.join(format!("many-{number:03}.md")),
            format!("---\ntitle: Many {number:03}\n---\nPost {number}.\n"),
        )
        .unwrap();
    }
    for number in 0..300 {
        let name = format!("many-{number:03}.md");
        fs::rename(outside.join(&name), test.path("src/posts").join(&name)).unwrap();
    }
    events.expect("reload");
    events.expect_none(Duration::from_millis(600));
    assert_eq!(rebuilds(&server), before + 1, "{}", server.stderr());
    assert_eq!(server.get("/posts/many-299.html").status, 200);

    // A folder renamed, then a new folder: pages move with them.
    fs::rename(test.path("src/posts"), test.path("src/articles")).unwrap();
    events.expect("reload");
    assert_eq!(server.get("/articles/first.html").status, 200);
    assert_eq!(server.get("/posts/first.html").status, 404);
    fs::create_dir_all(test.path("src/new/deeper")).unwrap();
    fs::write(
        test.path("src/new/deeper/page.md"),
        "---\ntitle: New\n---\nNew.\n",
    )
    .unwrap();
    events.expect("reload");
    assert_eq!(server.get("/new/deeper/page.html").status, 200);

    // A deleted page is gone.
    fs::remove_file(test.path("src/new/deeper/page.md")).unwrap();
    events.expect("reload");
    assert_eq!(server.get("/new/deeper/page.html").status, 404);
}

#[test]
fn a_site_broken_from_the_start_is_served_with_its_error() {
    let mut test = site();
    test.write("src/index.md", "---\ntitle: [unclosed\n---\n");
    let server = Server::start(&test.path(""), &[]);
    let mut events = server.events();
    let error = events.expect("build-error");
    assert!(
        error.contains("index.md:") && error.contains("front matter"),
        "{error}"
    );
    assert_eq!(server.get("/").status, 404);
    save(
        &test.path("src/index.md"),
        "---\ntitle: Fixed\n---\nFixed.\n",
    );
    events.expect("reload");
    assert!(server.get("/").body.contains("<h1>Fixed</h1>"));
}

#[test]
fn a_changed_configuration_is_read_again() {
    let test = site();
    let server = Server::start(&test.path(""), &[]);
    let mut events = server.events();
    let config = test.read_text("ironsmith.yaml");
    save(
        &test.path("ironsmith.yaml"),
        &format!("{config}  - no-such-plugin\n"),
    );
    let error = events.expect("build-error");
    assert!(error.contains("no-such-plugin"), "{error}");
    save(
        &test.path("ironsmith.yaml"),
        &config.replace("sort: \"title:asc\"", "sort: \"title:desc\""),
    );
    events.expect("reload");
    let home = server.get("/").body;
    assert!(home.contains("<li>Second</li><li>First</li>"), "{home}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_deletes_nothing() {
    let mut test = site();
    test.write("build/old.html", "an earlier build");
    let server = Server::start(&test.path(""), &[]);
    let _events = server.events();
    let (status, stderr) = server.stop();
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("stopped"), "{stderr}");
    assert_eq!(test.read_text("build/old.html"), "an earlier build");
    assert!(
        !test.path("build/index.html").exists(),
        "serve writes nothing"
    );
}

#[test]
fn listening_everywhere_warns() {
    let test = site();
    let server = Server::start(&test.path(""), &["--bind", "0.0.0.0"]);
    assert!(
        server
            .stderr()
            .contains("warning: listening on every network interface"),
        "{}",
        server.stderr()
    );
    assert!(
        server.stderr().contains("http://localhost:"),
        "{}",
        server.stderr()
    );
}

#[cfg(unix)]
#[test]
fn open_starts_the_browser_on_the_served_address() {
    use std::os::unix::fs::PermissionsExt;
    let test = site();
    // A stand-in browser, outside the watched site: it writes down the address it is given.
    let browser_home = tempfile::tempdir().expect("a temporary folder");
    let opened = browser_home.path().join("opened.txt");
    let browser = browser_home.path().join("browser.sh");
    let script = format!("#!/bin/sh\necho \"$1\" > '{}'\n", opened.display());
    std::fs::write(&browser, script).expect("the stand-in browser is written");
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755))
        .expect("the stand-in browser is executable");
    let server = Server::start_with_env(&test.path(""), &["--open"], &[("BROWSER", &browser)]);
    let started = Instant::now();
    let address = loop {
        match std::fs::read_to_string(&opened) {
            Ok(text) if text.ends_with('\n') => break text,
            _ => {
                assert!(
                    started.elapsed() < PATIENCE,
                    "--open started no browser:\n{}",
                    server.stderr()
                );
                thread::sleep(Duration::from_millis(20));
            }
        }
    };
    assert_eq!(address.trim_end(), server.url("/"));
    assert!(
        !server.stderr().contains("cannot open a browser"),
        "{}",
        server.stderr()
    );
}
