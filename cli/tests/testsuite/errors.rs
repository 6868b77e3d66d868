//! Sites that must not build: exit code 1, the messages of the fixture's
//! `expected-stderr.txt` (each naming the file, and its line where there is one), no panic,
//! and nothing written.

use crate::support::SiteTest;

/// One test per fixture whose only check is `build` + `assert_error`.
macro_rules! error_cases {
    ($($name:ident => $fixture:literal,)*) => {$(
        #[test]
        fn $name() {
            SiteTest::new($fixture).build().assert_error();
        }
    )*};
}

error_cases! {
    frontmatter_yaml_syntax => "fixtures/frontmatter-yaml-syntax",
    frontmatter_list => "fixtures/frontmatter-list",
    frontmatter_string => "fixtures/frontmatter-string",
    frontmatter_unclosed => "fixtures/frontmatter-unclosed",
    frontmatter_many_errors => "fixtures/frontmatter-many-errors",
    config_unknown_key => "fixtures/config-unknown-key",
    metalsmith_json_syntax => "fixtures/metalsmith-json-syntax",
    plugin_unknown => "fixtures/plugin-unknown",
    plugin_option_type => "fixtures/plugin-option-type",
    source_missing => "fixtures/source-missing",
    destination_is_source => "fixtures/destination-is-source",
    destination_inside_source => "fixtures/destination-inside-source",
    destination_is_a_file => "fixtures/destination-is-a-file",
    output_collision => "fixtures/output-collision",
    markdown_not_utf8 => "fixtures/markdown-not-utf8",
    sitemap_no_site_url => "fixtures/sitemap-no-site-url",
    tags_empty_slug => "fixtures/tags-empty-slug",
    pagination_unknown_collection => "fixtures/pagination-unknown-collection",
    feed_no_site_url => "fixtures/feed-no-site-url",
    navigation_front_matter => "fixtures/navigation-front-matter",
    in_place_errors => "fixtures/in-place-errors",
    highlight_theme_unknown => "fixtures/highlight-theme-unknown",
    sass_error => "fixtures/sass-error",
    links_broken => "fixtures/links-broken",
}

#[cfg(target_os = "linux")]
#[test]
fn file_name_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let mut test = SiteTest::new("fixtures/file-name-not-utf8");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    std::fs::write(test.path("src").join(name), "# Caf\u{e9}\n").expect("a Latin-1 file name");
    test.build().assert_error();
}

#[test]
fn destination_foreign_needs_force() {
    let mut test = SiteTest::new("fixtures/destination-foreign");
    test.output("public").write(
        "public/notes.txt",
        "not ironsmith's: must survive a refused build\n",
    );
    test.build().assert_error();
    assert_eq!(
        test.read_text("public/notes.txt"),
        "not ironsmith's: must survive a refused build\n"
    );
    test.build_with(&["--force"])
        .assert_success()
        .assert_tree("expected");
}

#[test]
fn failed_build_keeps_output() {
    let mut test = SiteTest::new("fixtures/failed-build-keeps-output");
    test.build().assert_success().assert_tree("expected");
    let before = test.snapshot("build");
    // Fails in the middle of the chain: read succeeds, markdown refuses the page.
    test.write("src/posts/broken.md", b"# Caf\xe9, saved as Latin-1\n")
        .build()
        .assert_error();
    if let Some(difference) = before.difference(&test.snapshot("build")) {
        panic!("a failed build changed the previous output:\n{difference}");
    }
}

/// A failure while writing, after the staging folder exists and holds some files.
#[cfg(unix)]
#[test]
fn failed_write_keeps_output() {
    let mut test = SiteTest::new("fixtures/failed-build-keeps-output");
    test.build().assert_success();
    let before = test.snapshot("build");
    // 252 + `.md` fits the usual 255-byte limit for a name; 252 + `.html` does not.
    let name = format!("src/{}.md", "x".repeat(252));
    test.write(&name, "# Too long once renamed\n")
        .build()
        .assert_failure()
        .assert_stderr_contains("File name too long");
    if let Some(difference) = before.difference(&test.snapshot("build")) {
        panic!("a failed write changed the previous output:\n{difference}");
    }
}

// Layouts. Beyond expected-stderr.txt, the checks in code are the README's requirements,
// which a re-blessed message must keep: each error names the page, the template and its line.

#[test]
fn layout_missing() {
    SiteTest::new("fixtures/layout-missing")
        .build()
        .assert_error()
        .assert_stderr_contains("<site>/src/posts/lost.md")
        .assert_stderr_contains("missing.hbs");
}

#[test]
fn layout_outside_the_layouts_folder() {
    SiteTest::new("fixtures/layout-escape")
        .build()
        .assert_error()
        .assert_stderr_contains("<site>/src/sneaky.md")
        .assert_stderr_contains("../secret.hbs");
}

#[test]
fn partial_missing() {
    SiteTest::new("fixtures/partial-missing")
        .build()
        .assert_error()
        .assert_stderr_contains("sidebar")
        // `{{> sidebar}}` is on line 4 of page.hbs.
        .assert_stderr_contains("page.hbs:4");
}

#[test]
fn template_syntax_error() {
    SiteTest::new("fixtures/template-syntax")
        .build()
        .assert_error()
        .assert_stderr_contains("<site>/src/index.md")
        // Line 5 of the file, even though the 4-line `{{> head}}` partial above it is inlined.
        .assert_stderr_contains("<site>/layouts/page.hbs:5");
}
