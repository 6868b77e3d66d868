//! `ironsmith build --timings`: the report lands beside the output, its numbers add up to
//! the build's total, and the HTML page renders in a real browser (headless Chromium,
//! set up as in `serve::browser`).

use std::path::Path;

use fantoccini::Locator;
use serde_json::Value;

use crate::serve::browser::{browser, start_driver};
use crate::support::SiteTest;

/// Enough pages that the steps, not the start-up, make the build's time.
const POSTS: usize = 300;

fn site() -> SiteTest {
    let mut test = SiteTest::new("fixtures/timings");
    for n in 0..POSTS {
        let body =
            "Some *markdown* with a [link](https://example.com) and `code`.\n\n".repeat(n % 7 + 1);
        test.write(
            &format!("src/posts/post-{n:03}.md"),
            format!("---\ntitle: Post {n:03}\n---\n# Post {n}\n\n{body}"),
        );
    }
    test
}

/// The seconds of the `built N files into OUT in S s` line.
fn printed_total(stderr: &str) -> f64 {
    let line = stderr
        .lines()
        .find(|line| line.starts_with("built "))
        .unwrap_or_else(|| panic!("no `built` line in:\n{stderr}"));
    let seconds = line
        .trim_end_matches(" s")
        .rsplit(' ')
        .next()
        .and_then(|s| s.parse().ok());
    seconds.unwrap_or_else(|| panic!("no time in {line:?}"))
}

fn ms(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"))
}

#[test]
fn json_report_adds_up_to_the_build() {
    let mut test = site();
    test.build_with(&["--timings=json"])
        .assert_success()
        .assert_stderr_contains("wrote the build report to ");
    assert!(
        !test.path("build/ironsmith-timings.json").exists(),
        "never inside the output"
    );
    let report: Value =
        serde_json::from_slice(&test.read("ironsmith-timings.json")).expect("the report is JSON");
    let steps = report["steps"].as_array().expect("a list of steps");
    let names: Vec<&str> = steps.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(
        names,
        ["read", "markdown", "collections", "layouts", "write"]
    );

    // The times: the steps and the rest make the total, and the total is the one printed.
    let total = ms(&report["totalMs"]);
    let sum: f64 = steps.iter().map(|s| ms(&s["ms"])).sum();
    assert!((sum - ms(&report["stepsMs"])).abs() < 0.01, "{report:#}");
    assert!(
        (sum + ms(&report["otherMs"]) - total).abs() < 0.01,
        "{report:#}"
    );
    assert!(
        (total / 1000.0 - printed_total(&test.stderr())).abs() <= 0.006,
        "the report's total is not the printed one: {total} ms\n{}",
        test.stderr()
    );
    assert!(
        sum >= total * 0.5,
        "the steps should be most of the build: {sum} of {total} ms"
    );

    // Files and bytes: each step starts where the one before ended, and the last one
    // is what is on disk.
    for pair in steps.windows(2) {
        assert_eq!(pair[0]["filesOut"], pair[1]["filesIn"], "{pair:?}");
        assert_eq!(pair[0]["bytesOut"], pair[1]["bytesIn"], "{pair:?}");
    }
    let written = test.snapshot("build");
    let on_disk: Vec<(&String, &Vec<u8>)> = written
        .files()
        .iter()
        .filter(|(path, _)| path.as_str() != ".ironsmith-output")
        .collect();
    let bytes: usize = on_disk.iter().map(|(_, b)| b.len()).sum();
    assert_eq!(report["files"], on_disk.len());
    assert_eq!(report["bytes"], bytes);
    assert_eq!(steps[0]["filesOut"], POSTS + 1);

    // The slowest files: only for the plugins that work file by file, at most 10, slowest
    // first, each within its step's time.
    for step in steps {
        let slowest = step["slowest"].as_array().expect("a list");
        match step["name"].as_str() {
            Some("markdown" | "layouts") => {
                assert_eq!(slowest.len(), 10, "{step:#}");
                let times: Vec<f64> = slowest.iter().map(|f| ms(&f["ms"])).collect();
                assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
                assert!(times[0] <= ms(&step["ms"]));
            }
            _ => assert!(slowest.is_empty(), "{step:#}"),
        }
    }
}

#[test]
fn without_the_flag_no_report_is_written() {
    let mut test = site();
    test.build().assert_success();
    assert!(!test.path("ironsmith-timings.html").exists());
    assert!(!test.path("ironsmith-timings.json").exists());
    test.build_with(&["--timings=csv"])
        .assert_usage_error()
        .assert_stderr_contains("possible values: html, json");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_report_renders_in_chromium() {
    let mut test = site();
    test.build_with(&["--timings"]).assert_success();
    let page = test.path("ironsmith-timings.html");
    assert!(page.is_file() && !test.path("build/ironsmith-timings.html").exists());
    let Some((_driver, port)) = start_driver() else {
        return;
    };
    let client = browser(port).await;
    client.goto(&file_url(&page)).await.expect("the page opens");
    let heading = client.find(Locator::Css("h1")).await.expect("a heading");
    assert_eq!(heading.text().await.unwrap(), "ironsmith build report");

    // What the browser shows: one row per step whose times, with the rest, make the total.
    let sums = client
        .execute(
            "const ms = (el) => parseFloat(el.dataset.ms);
             const steps = [...document.querySelectorAll('#steps tbody tr.step td[data-ms]')];
             return {
               steps: steps.length,
               sum: steps.reduce((a, el) => a + ms(el), 0),
               other: ms(document.querySelector('#steps tr.other td[data-ms]')),
               total: ms(document.querySelector('#steps tr.total td[data-ms]')),
               card: ms(document.getElementById('total')),
               bars: document.querySelectorAll('#chart rect').length,
               chartWidth: document.getElementById('chart').getBoundingClientRect().width,
               slowTables: document.querySelectorAll('table.slowest').length,
             };",
            Vec::new(),
        )
        .await
        .expect("the script runs");
    let get = |key: &str| ms(&sums[key]);
    assert_eq!(get("steps"), 5.0, "{sums}");
    assert!(
        (get("sum") + get("other") - get("total")).abs() < 0.01,
        "{sums}"
    );
    assert_eq!(get("card"), get("total"));
    assert_eq!(
        get("bars"),
        6.0,
        "a bar per step and one for the rest: {sums}"
    );
    assert!(get("chartWidth") > 300.0, "the chart is drawn: {sums}");
    assert_eq!(get("slowTables"), 2.0, "markdown and layouts: {sums}");
    let png = client.screenshot().await.expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "the page renders");
    client.close().await.unwrap();
}

fn file_url(path: &Path) -> String {
    let path = std::fs::canonicalize(path).expect("the report exists");
    format!("file://{}", path.display())
}
