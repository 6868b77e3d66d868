//! A real browser: headless Chromium, driven over chromedriver, sees an edit without a
//! manual reload, a stylesheet swapped without one, and a build error come and go.
//!
//! Needs `chromium` and `chromedriver` on PATH (Debian: `apt-get install chromium
//! chromium-driver`; `.ci/run` installs them). Without chromedriver the test is skipped
//! with a message, except when `CI` is set: there it fails.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use super::{save, site, Server, PATIENCE};

const OVERLAY: &str = "ironsmith-error-overlay";

/// chromedriver, stopped when dropped.
pub(crate) struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts chromedriver on a free port; `None` (after a loud message) when it is not
/// installed and this is not CI.
pub(crate) fn start_driver() -> Option<(Driver, u16)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match child {
        Ok(child) => child,
        Err(error) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "\n\n*** SKIPPED a real-browser test: chromedriver cannot run ({error}).\n\
                 *** Install it (Debian: apt-get install chromium chromium-driver) to run\n\
                 *** the real-browser test; in CI (CI set) this is a failure.\n"
            );
            return None;
        }
        Err(error) => panic!("chromedriver cannot run in CI: {error}"),
    };
    let driver = Driver(child);
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < PATIENCE, "chromedriver did not start");
        thread::sleep(Duration::from_millis(50));
    }
    Some((driver, port))
}

pub(crate) async fn browser(port: u16) -> Client {
    let mut capabilities = serde_json::Map::new();
    let mut options = json!({
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
    });
    if std::path::Path::new("/usr/bin/chromium").exists() {
        options["binary"] = json!("/usr/bin/chromium");
    }
    capabilities.insert("goog:chromeOptions".into(), options);
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("chromedriver starts a headless Chromium")
}

/// Polls the page with `script` until it returns `true`.
async fn wait_for(client: &Client, what: &str, script: &str) {
    let started = Instant::now();
    loop {
        let value = client.execute(script, Vec::new()).await;
        if matches!(value, Ok(serde_json::Value::Bool(true))) {
            return;
        }
        if started.elapsed() > PATIENCE {
            let page = client.source().await.unwrap_or_default();
            panic!("{what} never happened; the page:\n{page}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_follows_edits_styles_and_errors() {
    let Some((_driver, port)) = start_driver() else {
        return;
    };
    let test = site();
    let server = Server::start(&test.path(""), &[]);
    let client = browser(port).await;
    client.goto(&server.url("/")).await.unwrap();
    let heading = client.find(Locator::Css("h1")).await.unwrap();
    assert_eq!(heading.text().await.unwrap(), "Home");
    // Wait for the page's event stream, so the first edit is not missed.
    wait_for(
        &client,
        "the event stream opening",
        "return window.ironsmithEvents?.readyState === EventSource.OPEN;",
    )
    .await;

    save(
        &test.path("src/index.md"),
        "---\ntitle: Home, edited\n---\nWelcome back.\n",
    );
    wait_for(
        &client,
        "the edit showing",
        "return document.querySelector('h1').textContent === 'Home, edited';",
    )
    .await;

    // A stylesheet changes the page's colour without a reload: the marker survives.
    client
        .execute("window.ironsmithMarker = 1; return true;", Vec::new())
        .await
        .unwrap();
    save(
        &test.path("src/style.css"),
        "h1 { color: rgb(128, 0, 0); }\n",
    );
    wait_for(
        &client,
        "the new stylesheet applying",
        "return getComputedStyle(document.querySelector('h1')).color === 'rgb(128, 0, 0)';",
    )
    .await;
    let marker = client
        .execute("return window.ironsmithMarker === 1;", Vec::new())
        .await
        .unwrap();
    assert_eq!(marker, json!(true), "the page reloaded for a stylesheet");

    let layout = test.read_text("layouts/page.hbs");
    save(
        &test.path("layouts/page.hbs"),
        &layout.replace("{{/each}}", ""),
    );
    let overlay = client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Id(OVERLAY))
        .await
        .expect("the error overlay appears");
    let text = overlay.text().await.unwrap();
    assert!(
        text.contains("page.hbs:14:1: invalid handlebars syntax"),
        "{text}"
    );
    assert_eq!(
        client
            .find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "Home, edited",
        "the last good page stays under the overlay"
    );

    save(&test.path("layouts/page.hbs"), &layout);
    wait_for(
        &client,
        "the overlay going away",
        &format!("return document.getElementById('{OVERLAY}') === null;"),
    )
    .await;
    client.close().await.unwrap();
}
