//! `excerpts`: gives each HTML page an `excerpt`, the HTML before a `<!-- more -->` marker or
//! else its first paragraph (`@metalsmith/excerpts` and `metalsmith-excerpts` options).
//!
//! It runs after markdown and before layouts, so that list pages can show each post's
//! excerpt. The excerpt is cut from the page between tokens, never inside a tag, and ends
//! with end tags for the elements the cut leaves open.

mod scan;

use ironsmith_core::{
    for_each_file, parse_options, Error, FileError, Files, Pattern, Plugin, Site,
};
use serde::Deserialize;
use serde_json::Value;

use scan::Finder;

pub const NAME: &str = "excerpts";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// The pages that get an excerpt.
    pub pattern: Pattern,
    /// The comment that ends a hand-picked excerpt.
    pub more_marker: String,
    /// Without a marker, the excerpt is the first element this CSS selector matches.
    pub selector: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pattern: Pattern::new(&["**/*.html"]).unwrap_or_else(|_| unreachable!("a valid glob")),
            more_marker: "<!-- more -->".into(),
            selector: "p".into(),
        }
    }
}

#[derive(Debug)]
pub struct Excerpts {
    pattern: Pattern,
    finder: Finder,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let options: Options = parse_options(options)?;
    let marker = options
        .more_marker
        .strip_prefix("<!--")
        .and_then(|rest| rest.strip_suffix("-->"))
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .ok_or_else(|| {
            format!(
                "option `moreMarker`: `{}` is not an HTML comment with text; write one such as `<!-- more -->`",
                options.more_marker
            )
        })?;
    let selector = options.selector.parse().map_err(|error| {
        format!(
            "option `selector`: `{}` is not a CSS selector this plugin supports ({error})",
            options.selector
        )
    })?;
    Ok(Box::new(Excerpts {
        pattern: options.pattern,
        finder: Finder::new(selector, marker)?,
    }))
}

impl Plugin for Excerpts {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, _site: &mut Site) -> Result<(), Error> {
        for_each_file(files, &self.pattern, |_, file| {
            match file.metadata.get("excerpt") {
                // Front matter's own excerpt wins, as in Metalsmith.
                Some(Value::String(written)) if !written.is_empty() => return Ok(()),
                None | Some(Value::Null | Value::String(_)) => {}
                Some(other) => {
                    return Err(FileError::new(format!(
                        "`excerpt` must be text (HTML), found `{other}`: write it as a string or leave it out"
                    )))
                }
            }
            let html = file.text().ok_or(
                "is not UTF-8 text, so it has no excerpt: leave it out of the excerpts `pattern`",
            )?;
            let excerpt = self.finder.excerpt(html)?;
            file.metadata.insert("excerpt".into(), excerpt.into());
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironsmith_core::File;
    use serde_json::json;

    fn run(options: Value, pages: &[(&str, &str)]) -> Result<Files, Error> {
        crate::test_files::run_over(create, options, pages)
    }

    fn excerpt<'a>(files: &'a Files, path: &str) -> &'a Value {
        &files[path].metadata["excerpt"]
    }

    #[test]
    fn the_marker_wins_over_the_first_paragraph() {
        let files = run(
            json!(null),
            &[
                (
                    "a.html",
                    "<p>One.</p>\n<p>Two.</p>\n<!-- more -->\n<p>Three.</p>",
                ),
                (
                    "b.html",
                    "<h2>Hi</h2><p>First <em>one</em>.</p><p>Second.</p>",
                ),
            ],
        )
        .unwrap();
        assert_eq!(excerpt(&files, "a.html"), "<p>One.</p>\n<p>Two.</p>");
        assert_eq!(excerpt(&files, "b.html"), "<p>First <em>one</em>.</p>");
    }

    #[test]
    fn a_page_without_a_paragraph_gets_an_empty_excerpt() {
        let files = run(json!(null), &[("a.html", "<h1>Only a title</h1>")]).unwrap();
        assert_eq!(excerpt(&files, "a.html"), "");
    }

    #[test]
    fn front_matter_excerpt_is_kept_and_an_empty_one_is_filled() {
        let mut files: Files = [
            ("a.html", json!("<p>Mine</p>")),
            ("b.html", json!("")),
            ("c.html", json!(null)),
        ]
        .into_iter()
        .map(|(path, written)| {
            let mut file = File::new("<p>Found</p>");
            file.metadata.insert("excerpt".into(), written);
            (path.to_string(), file)
        })
        .collect();
        create(&json!(null))
            .unwrap()
            .run(&mut files, &mut Site::default())
            .unwrap();
        assert_eq!(excerpt(&files, "a.html"), "<p>Mine</p>");
        assert_eq!(excerpt(&files, "b.html"), "<p>Found</p>");
        assert_eq!(excerpt(&files, "c.html"), "<p>Found</p>");
    }

    #[test]
    fn pattern_chooses_the_pages() {
        let files = run(
            json!({"pattern": "posts/*.html"}),
            &[("posts/a.html", "<p>A</p>"), ("b.html", "<p>B</p>")],
        )
        .unwrap();
        assert_eq!(excerpt(&files, "posts/a.html"), "<p>A</p>");
        assert!(!files["b.html"].metadata.contains_key("excerpt"));
    }

    #[test]
    fn more_marker_option_matches_whatever_the_spacing() {
        let files = run(
            json!({"moreMarker": "<!--cut-->"}),
            &[
                ("a.html", "<p>A</p><!--   cut --><p>B</p>"),
                ("b.html", "<p>A</p><!-- more --><p>B</p>"),
            ],
        )
        .unwrap();
        assert_eq!(excerpt(&files, "a.html"), "<p>A</p>");
        assert_eq!(excerpt(&files, "b.html"), "<p>A</p>");
    }

    #[test]
    fn selector_option_picks_another_element() {
        let files = run(
            json!({"selector": "p.lead"}),
            &[("a.html", "<p>Skip</p><p class=\"lead\">Lead</p>")],
        )
        .unwrap();
        assert_eq!(excerpt(&files, "a.html"), "<p class=\"lead\">Lead</p>");
    }

    #[test]
    fn bad_options_are_named() {
        let error = create(&json!({"moreMarker": "[more]"})).unwrap_err();
        assert!(error.starts_with("option `moreMarker`"), "{error}");
        let error = create(&json!({"moreMarker": "<!--  -->"})).unwrap_err();
        assert!(error.starts_with("option `moreMarker`"), "{error}");
        let error = create(&json!({"selector": "p::before"})).unwrap_err();
        assert!(error.starts_with("option `selector`"), "{error}");
        let error = create(&json!({"multipleFormats": true})).unwrap_err();
        assert!(error.contains("multipleFormats"), "{error}");
    }

    #[test]
    fn bad_pages_are_named_together() {
        let mut files = Files::new();
        let mut listed = File::new("<p>x</p>");
        listed.metadata.insert("excerpt".into(), json!(["a"]));
        files.insert("a.html".into(), listed);
        files.insert("b.html".into(), File::new(vec![0xff, 0xfe]));
        let error = create(&json!(null))
            .unwrap()
            .run(&mut files, &mut Site::default())
            .unwrap_err();
        let lines = error.lines();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines[0].starts_with("a.html: `excerpt` must be text"),
            "{lines:?}"
        );
        assert!(lines[1].starts_with("b.html: is not UTF-8"), "{lines:?}");
    }
}
