//! The `exec` plugin through the real binary: the README's word-count plugin in Python
//! and in JavaScript gives the same site, and a failing command fails the build cleanly.
//!
//! Needs `python3` and `node` on PATH. Without one, its tests are skipped with a message,
//! except when `CI` is set: there they fail.

use std::process::{Command, Stdio};

use crate::support::{workspace_root, SiteTest};

/// Whether `program` runs; prints a loud notice (or fails in CI) when it does not.
fn available(program: &str, test: &str) -> bool {
    let runs = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !runs {
        assert!(
            std::env::var_os("CI").is_none(),
            "{program} is needed by exec::{test} in CI: install it"
        );
        eprintln!(
            "\n\n*** SKIPPED exec::{test}: `{program}` cannot run; install it to run this test.\n"
        );
    }
    runs
}

#[test]
fn word_count_in_python() {
    if !available("python3", "word_count_in_python") {
        return;
    }
    let mut test = SiteTest::new("fixtures/exec");
    test.build().assert_success().assert_tree("expected");
    // What expected/ must show, so a re-blessed output cannot silently lose it.
    let page = test.read_text("build/posts/hello.html");
    assert!(page.contains("<p>8 words, of 17 on the site</p>"), "{page}");
}

#[test]
fn word_count_in_javascript() {
    if !available("node", "word_count_in_javascript") {
        return;
    }
    let mut test = SiteTest::new("fixtures/exec");
    test.build_with(&["--config", "site/node.yaml"])
        .assert_success()
        .assert_tree("expected");
}

#[test]
fn the_readme_quotes_the_examples_verbatim() {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).expect("README.md");
    for script in ["word_count.py", "word_count.mjs"] {
        let path = workspace_root().join("fixtures/exec/plugins").join(script);
        let text = std::fs::read_to_string(&path).expect("the example plugin");
        assert!(
            readme.contains(&text),
            "README.md's copy of {script} differs from fixtures/exec/plugins/{script}: copy the file into the README"
        );
    }
}

#[test]
fn exec_malformed() {
    if !available("python3", "exec_malformed") {
        return;
    }
    SiteTest::new("fixtures/exec-malformed")
        .build()
        .assert_error();
}

#[test]
fn a_failing_command_keeps_the_previous_output() {
    if !available("python3", "a_failing_command_keeps_the_previous_output") {
        return;
    }
    let mut test = SiteTest::new("fixtures/exec");
    test.build().assert_success();
    let before = test.snapshot("build");
    test.write(
        "plugins/word_count.py",
        "import sys\nsys.stdin.read()\nprint('{\"op\": \"remove\", \"path\": \"index.html\"}')\nsys.exit('cannot count today')\n",
    )
    .build()
    .assert_failure()
    .assert_stderr_contains("error: exec: `python3 plugins/word_count.py` exited with code 1\nerror: exec: stderr: cannot count today\n");
    if let Some(difference) = before.difference(&test.snapshot("build")) {
        panic!("a failed exec step changed the previous output:\n{difference}");
    }
}

#[test]
fn a_timeout_fails_the_build() {
    if !available("python3", "a_timeout_fails_the_build") {
        return;
    }
    let mut test = SiteTest::new("fixtures/exec");
    test.write("plugins/word_count.py", "import time\ntime.sleep(30)\n")
        .write(
            "slow.yaml",
            "plugins:\n  - exec: {command: [python3, plugins/word_count.py], timeout: 300ms}\n",
        )
        .build_with(&["--config", "site/slow.yaml"])
        .assert_failure()
        .assert_stderr_contains("error: exec: `python3 plugins/word_count.py` did not finish within 300ms: it and the processes it started were killed");
}
