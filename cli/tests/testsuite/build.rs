//! Sites that build: the output tree must equal the fixture's `expected/` folder.

use crate::support::SiteTest;

#[test]
fn basic() {
    let mut test = SiteTest::new("fixtures/basic");
    // Set here rather than trusted to the checkout: git keeps only the executable bit.
    #[cfg(unix)]
    test.set_mode("src/bin/deploy.sh", 0o755)
        .set_mode("src/robots.txt", 0o644);
    test.build().assert_success().assert_tree("expected");

    // Blessing copies the output into expected/, so check the image against its source too.
    assert_eq!(
        test.read("src/images/pixel.png"),
        test.read("build/images/pixel.png"),
        "the PNG must pass through byte for byte"
    );
    assert!(
        test.path("build/.ironsmith-output").is_file(),
        "every build marks its output"
    );
    #[cfg(unix)]
    {
        assert_eq!(
            test.mode("build/bin/deploy.sh"),
            0o755,
            "the executable stays executable"
        );
        assert_eq!(test.mode("build/robots.txt"), 0o644);
    }
}

#[test]
fn word_count() {
    let mut test = SiteTest::new("fixtures/word-count");
    test.build().assert_success().assert_tree("expected");
    // 9 words before the list of 145, none from the script; 154 at 100 a minute.
    let long = test.read_text("build/posts/long.html");
    assert!(
        long.contains("154 words &middot; 1 minute, 32 seconds"),
        "{long}"
    );
    // 5 characters, then generators, &, friends., then the code's fn, main(), {}.
    let mixed = test.read_text("build/posts/mixed.html");
    assert!(mixed.contains("11 words &middot; 6 seconds"), "{mixed}");
}

#[test]
fn excerpts_sitemap() {
    let mut test = SiteTest::new("fixtures/excerpts-sitemap");
    test.build().assert_success().assert_tree("expected");
    // What the expected files must show, so a re-blessed output cannot silently drop it.
    let home = test.read_text("build/index.html");
    assert!(
        home.contains("<ul>\n<li>one <em>two</em></li></ul>"),
        "{home}"
    );
    assert!(home.contains("<p>The first paragraph with text, &amp; an ampersand.</p>"));
    assert!(home.contains("<p>Written by hand.</p>") && !home.contains("Not this"));
    let sitemap = test.read_text("build/sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.com/posts/image-first/</loc>"));
    assert!(!sitemap.contains("secret"));
    assert!(test
        .read_text("build/robots.txt")
        .ends_with("Disallow: /drafts/\nSitemap: https://example.com/sitemap.xml\n"));
}

#[test]
fn metalsmith_json() {
    SiteTest::new("fixtures/metalsmith-json")
        .build()
        .assert_success()
        .assert_tree("expected");
}

/// Metalsmith's customary order: collections before the steps that move their members.
#[test]
fn metalsmith_order() {
    SiteTest::new("fixtures/metalsmith-order")
        .build()
        .assert_success()
        .assert_tree("expected");
}

#[test]
fn layouts() {
    SiteTest::new("fixtures/layouts")
        .build()
        .assert_success()
        .assert_tree("expected");
}

#[test]
fn feed() {
    SiteTest::new("fixtures/feed")
        .build()
        .assert_success()
        .assert_stderr_contains("warning: feed: items of `posts` without a `date` (the feeds give them no publication date): <site>/src/posts/undated.md")
        .assert_tree("expected");
}

#[test]
fn tags_pagination() {
    SiteTest::new("fixtures/tags-pagination")
        .build()
        .assert_success()
        .assert_tree("expected");
}

#[test]
fn frontmatter_off() {
    SiteTest::new("fixtures/frontmatter-off")
        .build()
        .assert_success()
        .assert_tree("expected");
}

#[test]
fn clean_false() {
    SiteTest::new("fixtures/clean-false")
        // An earlier build's output: the marker, a page this build rewrites, and pages it
        // does not produce, which must stay.
        .write("build/.ironsmith-output", "")
        .write("build/index.html", "<h1>Home, before</h1>\n")
        .write("build/old.html", "<p>from an earlier build</p>\n")
        .write(
            "build/archive/2019/index.html",
            "<p>an old archive page</p>\n",
        )
        .build()
        .assert_success()
        .assert_tree("expected");
}

#[test]
fn clean_true_keeps_version_control_files() {
    let mut test = SiteTest::new("fixtures/clean-true");
    // An earlier build's output inside a git checkout (people deploy from one). No
    // expected/ folder here: git cannot commit a `.git` folder inside a fixture.
    test.write("build/.ironsmith-output", "")
        .write("build/.git/HEAD", "ref: refs/heads/main\n")
        .write("build/.gitignore", "*.tmp\n")
        .write("build/stale.html", "<p>gone after a clean build</p>\n")
        .build()
        .assert_success();
    assert_eq!(test.read_text("build/.git/HEAD"), "ref: refs/heads/main\n");
    assert_eq!(test.read_text("build/.gitignore"), "*.tmp\n");
    assert_eq!(
        test.read_text("build/index.html"),
        "<h1 id=\"home\">Home</h1>\n"
    );
    assert!(
        !test.path("build/stale.html").exists(),
        "a clean build removes stale files"
    );
}

#[test]
fn config_flag() {
    let mut test = SiteTest::new("fixtures/config-flag");
    // Relative to the current folder (around the site); the file's folder is the site root.
    test.output("deploy/public")
        .run(&["build", "--config", "site/deploy/production.yaml"])
        .assert_success()
        .assert_tree("expected");
    assert!(
        !test.path("wrong-output").exists(),
        "the site's own ironsmith.yaml was used"
    );
}

#[test]
fn destination_flag() {
    let mut test = SiteTest::new("fixtures/destination-flag");
    // Commands run in the folder around the site, so `out` is `<site>/../out`.
    test.output("../out")
        .build_with(&["--destination", "out"])
        .assert_success()
        .assert_tree("expected");
    assert!(
        !test.path("out").exists(),
        "--destination is not relative to the site"
    );
    assert!(
        !test.path("public").exists(),
        "the configured destination was used"
    );
}

#[test]
fn assets() {
    let mut test = SiteTest::new("fixtures/assets");
    #[cfg(unix)]
    test.set_mode("static/bin/tool.sh", 0o755);
    test.build().assert_success().assert_tree("expected");
    #[cfg(unix)]
    assert_eq!(
        test.mode("build/bin/tool.sh"),
        0o755,
        "a copied file keeps its mode"
    );
}

#[test]
fn sass() {
    let mut test = SiteTest::new("fixtures/sass");
    test.build().assert_success().assert_tree("expected");
    let css = test.read_text("build/css/style.css");
    assert!(css.contains("a {\n  color: #b4461b;\n}"), "{css}");
    assert!(
        css.contains("grid-template-columns: repeat(3, 1fr);"),
        "{css}"
    );
    assert!(!test.path("build/css/_colors.scss").exists());
}

#[test]
fn search_links() {
    let mut test = SiteTest::new("fixtures/search-links");
    test.build().assert_success().assert_tree("expected");
    let index = test.read_text("build/search-index.json");
    assert!(
        index.contains(r#""headings":[{"id":"from-source","text":"From source"}"#),
        "{index}"
    );
    assert!(!index.contains("Not in the search index"), "{index}");
    assert!(test
        .read_text("build/search.js")
        .contains("form[data-search]"));
}

#[test]
fn docs_site() {
    let mut test = SiteTest::new("fixtures/docs-site");
    test.build().assert_success().assert_tree("expected");
    // What the expected files must show, so a re-blessed output cannot silently drop it.
    let install = test.read_text("build/guide/install/index.html");
    for part in [
        "<p class=\"crumbs\">Home / Guide / Installing</p>",
        "<a href=\"/guide/install/\" aria-current=\"page\">Installing</a>",
        "<a href=\"/guide/\" class=\"active\">Guide</a>",
        "<nav class=\"toc\"><ul><li><a href=\"#download\">Download</a><ul><li><a href=\"#from-source\">",
        "<h2 id=\"download\"><a class=\"anchor\" href=\"#download\" aria-hidden=\"true\">#</a>Download</h2>",
        "<span class=\"hl-comment\"># fetch</span>",
        "<pre><code class=\"language-cobol\">MOVE A TO B.\n</code></pre>",
        "prev: Guide /guide/ | next: Using it /guide/usage/",
        "<script>document.title = \"<h2>Not a heading</h2>\";</script>",
        "<!-- <h2>Commented out</h2> -->",
        "<textarea><h3>Typed, not shown</h3></textarea>",
    ] {
        assert!(install.contains(part), "{part}\n{install}");
    }
    for id in ["not-a-heading", "commented-out", "typed-not-shown"] {
        assert!(!install.contains(id), "{id}\n{install}");
    }
    let usage = test.read_text("build/guide/usage/index.html");
    assert!(usage.contains("This is version 2.1 of Using it. (Rendered by in-place.)"));
    assert!(usage.contains("<span class=\"hl-string\">&quot;2.1&quot;</span>"));
    assert!(test
        .read_text("build/highlight.css")
        .contains("background: #fdf6e3"));
    assert!(!test
        .read_text("build/hidden/index.html")
        .contains("aria-current"));
}

/// Markdown's `headings` and `highlight` options leave the pages as the plugins do, the
/// install page's raw HTML (a script and a textarea holding heading tags) included.
#[test]
fn docs_site_with_markdown_doing_the_headings_and_highlighting() {
    let mut test = SiteTest::new("fixtures/docs-site");
    test.build_with(&["--config", "site/markdown-options.yaml"])
        .assert_success()
        .assert_tree("expected");
}

#[test]
fn minify() {
    let mut test = SiteTest::new("fixtures/minify");
    test.build()
        .assert_success()
        .assert_stderr_contains("warning: minify: <site>/src/js/broken.js: left as it is: it does not parse as JavaScript: ")
        .assert_tree("expected");
    let page = test.read_text("build/index.html");
    assert!(page.contains("<p>Some text, spaced out.</p>"), "{page}");
    assert!(!page.contains("comment"), "{page}");
    assert_eq!(test.read_text("build/js/broken.js"), "let broken = ;\n");
}
