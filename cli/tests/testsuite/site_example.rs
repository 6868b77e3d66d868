//! `site-example/` builds as the README's quick start promises: every plugin in one chain,
//! `links` last at level `error`, so a build that succeeds has no broken internal link.

use crate::support::SiteTest;

#[test]
fn site_example_builds_without_warnings_or_broken_links() {
    let mut test = SiteTest::new("site-example");
    test.build().assert_success();
    let stderr = test.stderr();
    assert!(
        stderr.starts_with("built ") && stderr.lines().count() == 1,
        "the example site builds without a warning: {stderr}"
    );

    let post = test.read_text("build/posts/atomic-writes/index.html");
    let words = post
        .split(" words")
        .next()
        .and_then(|before| before.rsplit(' ').next())
        .and_then(|count| count.parse::<u32>().ok());
    assert!(
        words.is_some_and(|n| n > 50),
        "a post shows its word count: {post}"
    );

    let docs = test.read_text("build/docs/index.html");
    for (what, needle) in [
        ("the search box", "search"),
        ("the sidebar", "nav"),
        ("heading anchors", "aria-hidden"),
    ] {
        assert!(docs.contains(needle), "the docs page lacks {what}: {docs}");
    }
    for page in [
        "build/blog/index.html",
        "build/blog/page/2/index.html",
        "build/tags/plugins/index.html",
        "build/rss.xml",
        "build/atom.xml",
        "build/sitemap.xml",
        "build/search-index.json",
        "build/assets/style.css",
        "build/assets/highlight.css",
    ] {
        assert!(test.path(page).is_file(), "{page} is missing");
    }
}
