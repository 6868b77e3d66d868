//! ironsmith beside Metalsmith: `fixtures/metalsmith-parity` is a corpus from the shared
//! benchmark generator with Metalsmith's build of it (`bench/metalsmith-parity.sh` makes
//! both). ironsmith, with the configuration the generator writes, must build the same
//! pages: the same paths, and on each page the same title, author, avatar, bio, tags,
//! date, previous/next links, nav and post listing. The markdown bodies are left out:
//! Metalsmith renders them with marked, ironsmith with pulldown-cmark. One difference is
//! expected, and checked: see [`GRAVATAR`].

use std::cell::RefCell;

use chrono::NaiveDate;
use lol_html::{element, text, HtmlRewriter, Settings};

use crate::support::{workspace_root, SiteTest, Tree};

const FIXTURE: &str = "fixtures/metalsmith-parity";

/// The one difference: an author record with an email but no `avatar` gets a Gravatar
/// from the `authors` plugin, where the peer's five-line author lookup gives none.
const GRAVATAR: &str = "img.avatar: https://www.gravatar.com/avatar/";

#[test]
fn corpus_builds_the_same_pages_as_metalsmith() {
    let mut test = SiteTest::new(FIXTURE);
    test.build().assert_success();
    let theirs = Tree::read(&workspace_root().join(FIXTURE).join("expected-metalsmith"));
    let ours = Tree::read(&test.path("build"));
    let mut our_files = ours.files().clone();
    assert!(our_files.remove(".ironsmith-output").is_some());

    let their_paths: Vec<&String> = theirs.files().keys().collect();
    let our_paths: Vec<&String> = our_files.keys().collect();
    assert_eq!(
        our_paths, their_paths,
        "the two builds wrote different files"
    );

    let mut posts_with_neighbours = 0;
    let mut gravatars = 0;
    for (path, their_bytes) in theirs.files() {
        let our_bytes = &our_files[path];
        if !path.ends_with(".html") {
            assert!(our_bytes == their_bytes, "{path}: the static file differs");
            continue;
        }
        let expected = facts(their_bytes);
        let mut actual = facts(our_bytes);
        if !expected.iter().any(|fact| fact.starts_with("img.avatar")) {
            let before = actual.len();
            actual.retain(|fact| !fact.starts_with(GRAVATAR));
            gravatars += before - actual.len();
        }
        assert_eq!(
            actual, expected,
            "{path}: the page differs from Metalsmith's"
        );
        if expected
            .iter()
            .any(|fact| fact.starts_with("nav.post-nav a"))
        {
            posts_with_neighbours += 1;
        }
    }
    // The comparison above must have had something to compare.
    assert_eq!(
        gravatars, 2,
        "two published posts are by an author without an avatar"
    );
    assert_eq!(
        posts_with_neighbours, 18,
        "18 published posts link to a neighbour"
    );
    let home = facts(&our_files["index.html"]);
    let listed = home
        .iter()
        .filter(|f| f.starts_with("ul.post-list a"))
        .count();
    assert_eq!(
        listed, 18,
        "the home page lists every published post: {home:#?}"
    );
}

/// What the layouts put on a page, as `selector: attributes | text` lines in page order.
fn facts(html: &[u8]) -> Vec<String> {
    const SELECTORS: [(&str, &[&str]); 12] = [
        ("title", &[]),
        ("meta[name=description]", &["content"]),
        ("nav.site-nav a", &["href"]),
        ("main h1", &[]),
        ("time", &["datetime"]),
        ("a.author", &["href"]),
        ("img.avatar", &["src", "alt"]),
        ("ul.tags li", &[]),
        ("aside.bio", &[]),
        ("nav.post-nav a", &["rel", "href"]),
        ("ul.post-list a", &["href"]),
        ("ul.post-list li", &[]),
    ];
    let facts: RefCell<Vec<(&str, String, String)>> = RefCell::new(Vec::new());
    let mut handlers = Vec::new();
    for (selector, attributes) in SELECTORS {
        let facts_ref = &facts;
        handlers.push(element!(selector, move |element| {
            let values: Vec<String> = attributes
                .iter()
                .map(|name| element.get_attribute(name).unwrap_or_default())
                .map(|value| normalize_date(&value))
                .collect();
            facts_ref
                .borrow_mut()
                .push((selector, values.join(" "), String::new()));
            Ok(())
        }));
        handlers.push(text!(selector, move |chunk| {
            let mut facts = facts_ref.borrow_mut();
            if let Some(last) = facts.iter_mut().rev().find(|(s, _, _)| *s == selector) {
                last.2.push_str(chunk.as_str());
            }
            Ok(())
        }));
    }
    let mut rewriter = HtmlRewriter::new(
        Settings {
            element_content_handlers: handlers,
            ..Settings::new()
        },
        |_: &[u8]| {},
    );
    rewriter.write(html).expect("the page parses");
    rewriter.end().expect("the page parses");
    facts
        .into_inner()
        .into_iter()
        .map(|(selector, attributes, text)| {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            // A listing row's text also holds its link and date, compared on their own.
            let text = match selector {
                "ul.post-list li" => text
                    .rsplit("&middot;")
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string(),
                _ => normalize_date(&text),
            };
            format!("{selector}: {attributes} | {text}")
        })
        .collect()
}

/// Metalsmith prints a YAML date as JavaScript's `Date.toString()`
/// (`Thu Sep 09 2021 00:00:00 GMT+0000 (Coordinated Universal Time)`); ironsmith prints
/// the front matter's `2021-09-09`. Both become `2021-09-09`.
fn normalize_date(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if let [_weekday, month, day, year, _time, zone, ..] = words.as_slice() {
        if zone.starts_with("GMT") {
            let date = format!("{month} {day} {year}");
            if let Ok(date) = NaiveDate::parse_from_str(&date, "%b %d %Y") {
                return date.format("%Y-%m-%d").to_string();
            }
        }
    }
    text.to_string()
}
