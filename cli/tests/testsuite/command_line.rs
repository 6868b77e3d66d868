//! The command line itself: what it prints, and its exit codes.

use crate::support::SiteTest;

#[test]
fn verbose_prints_a_row_per_step() {
    let mut test = SiteTest::new("fixtures/basic");
    test.build_with(&["--verbose"]).assert_success();
    let stderr = test.stderr();
    let first_words: Vec<&str> = stderr
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    // A header, then read, each plugin in order, write and the total; then the summary.
    assert_eq!(
        first_words,
        ["step", "read", "markdown", "write", "total", "built"],
        "{stderr}"
    );
    for row in stderr.lines().skip(1).take(4) {
        assert!(row.contains(" ms"), "a row without its time: {row:?}");
    }
    assert_eq!(test.stdout(), "");
}

#[test]
fn default_output_is_one_summary_line() {
    let mut test = SiteTest::new("fixtures/basic");
    test.build().assert_success();
    let stderr = test.stderr();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("built "), "{stderr}");
    assert!(stderr.contains("<site>/build"), "{stderr}");
}

#[test]
fn quiet_prints_nothing_on_success() {
    let mut test = SiteTest::new("fixtures/basic");
    test.build_with(&["--quiet"]).assert_success();
    assert_eq!(test.stdout(), "");
    assert_eq!(test.stderr(), "");
}

#[test]
fn quiet_still_prints_errors() {
    let mut test = SiteTest::new("fixtures/frontmatter-list");
    test.build_with(&["-q"]).assert_failure();
    assert!(test.stderr().starts_with("error: "), "{}", test.stderr());
}

#[test]
fn usage_error_exits_with_2() {
    SiteTest::new("fixtures/basic")
        .build_with(&["--no-such-flag"])
        .assert_usage_error()
        .assert_stderr_contains("--no-such-flag");
    SiteTest::new("fixtures/basic")
        .build_with(&["--verbose", "--quiet"])
        .assert_usage_error();
    SiteTest::new("fixtures/basic")
        .run(&["no-such-command"])
        .assert_usage_error();
}

#[test]
fn missing_site_folder() {
    SiteTest::new("fixtures/basic")
        .run(&["build", "no-such-site"])
        .assert_failure()
        .assert_stderr_contains("error: no-such-site: no such folder");
}

#[test]
fn folder_without_configuration() {
    SiteTest::new("fixtures/basic")
        .run(&["build", "site/src"])
        .assert_failure()
        .assert_stderr_contains("error: site/src: no configuration file");
}

#[test]
fn config_named_without_a_folder_is_found_in_the_current_one() {
    let mut test = SiteTest::new("fixtures/basic");
    test.write(
        "../alt.yaml",
        "source: site/src\ndestination: site/build\nplugins: [markdown]\n",
    );
    test.run(&["build", "-c", "alt.yaml"]).assert_success();
    assert!(test.path("build/index.html").is_file(), "{}", test.stderr());
}
