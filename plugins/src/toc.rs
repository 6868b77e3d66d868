//! `toc`: a page's table of contents, as nested data for templates (`toc`) and in place of
//! a `<!-- toc -->` marker in its contents.
//!
//! The headings come from the `headings` list the `headings` plugin leaves on each page,
//! so a chain with both reads each page once; a page without that list is read here. The
//! list is replaced by `toc`: a page in a collection is copied into it (and into its
//! neighbours' links), and at 10,000 pages every key a page carries costs.

use ironsmith_core::{
    for_each_file, parse_options, Error, File, FileError, Files, Pattern, Plugin, Site,
};
use memchr::memmem;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::headings::{self, Heading, Levels};
use crate::html_text;
use crate::html_tokens::{splice, Token, Tokenizer};

pub const NAME: &str = "toc";

/// The per-page key holding the table of contents.
pub const KEY: &str = "toc";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// Which files get a table of contents.
    pub pattern: Pattern,
    /// The heading levels listed.
    pub levels: Levels,
    /// The text of the comment replaced by the rendered list: `<!-- toc -->`.
    pub marker: String,
    /// `ul` or `ol`.
    pub list_type: ListType,
    /// The class of the `<nav>` around the rendered list.
    pub class: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pattern: Pattern::new(&["**/*.html"]).unwrap_or_else(|_| unreachable!("a valid glob")),
            levels: Levels::new(&[2, 3]).unwrap_or_else(|_| unreachable!("valid levels")),
            marker: "toc".into(),
            list_type: ListType::Ul,
            class: "toc".into(),
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListType {
    #[default]
    Ul,
    Ol,
}

impl ListType {
    fn tag(self) -> &'static str {
        match self {
            ListType::Ul => "ul",
            ListType::Ol => "ol",
        }
    }
}

/// A heading with the headings below it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    heading: Heading,
    children: Vec<Entry>,
}

impl Entry {
    fn into_value(self) -> Value {
        let mut map = Map::with_capacity(4);
        map.insert("level".into(), Value::from(self.heading.level));
        map.insert(
            "id".into(),
            self.heading.id.map_or(Value::Null, Value::String),
        );
        map.insert("text".into(), Value::String(self.heading.text));
        map.insert(
            "children".into(),
            Value::Array(self.children.into_iter().map(Entry::into_value).collect()),
        );
        Value::Object(map)
    }
}

#[derive(Debug)]
pub struct Toc {
    options: Options,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let options: Options = parse_options(options)?;
    if options.marker.trim().is_empty() {
        return Err("option `marker`: the marker is empty: give the text of the comment to replace, such as `toc`".into());
    }
    Ok(Box::new(Toc { options }))
}

impl Plugin for Toc {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, _site: &mut Site) -> Result<(), Error> {
        for_each_file(files, &self.options.pattern, |_, file| {
            self.process_file(file)
        })
    }
}

impl Toc {
    fn process_file(&self, file: &mut File) -> Result<(), FileError> {
        // A page is read only for what the `headings` list does not give: its headings
        // when there is no list, its marker when it may have one.
        let listed = match take_recorded(&mut file.metadata) {
            Some(list) => list,
            None => {
                let html = html_text::page(file, NAME)?;
                match headings::has_heading(html) {
                    true => headings::scan(html),
                    false => Vec::new(),
                }
            }
        };
        let entries = nest(
            listed
                .into_iter()
                .filter(|heading| self.options.levels.contains(heading.level)),
        );
        if self.may_have_marker(&file.contents) {
            let html = html_text::page(file, NAME)?;
            if let Some(rewritten) = self.replace_marker(html, &entries) {
                file.contents = rewritten.into_bytes();
            }
        }
        let toc = entries.into_iter().map(Entry::into_value).collect();
        file.metadata.insert(KEY.into(), Value::Array(toc));
        Ok(())
    }

    /// Whether a page holds a comment and the marker's text: most pages do not, and are
    /// ruled out without reading them.
    fn may_have_marker(&self, contents: &[u8]) -> bool {
        let marker = self.options.marker.trim().as_bytes();
        memmem::find(contents, b"<!--").is_some() && memmem::find(contents, marker).is_some()
    }

    /// The page with each marker comment replaced by the rendered list; `None` without one.
    fn replace_marker(&self, html: &str, entries: &[Entry]) -> Option<String> {
        let marker = self.options.marker.trim();
        let rendered = self.render(entries);
        let edits: Vec<_> = Tokenizer::new(html)
            .filter_map(|token| match token {
                Token::Comment(comment) if comment.text.trim() == marker => {
                    Some((comment.span, rendered.clone()))
                }
                _ => None,
            })
            .collect();
        (!edits.is_empty()).then(|| splice(html, &edits))
    }

    /// `<nav class="toc"><ul><li><a href="#id">text</a><ul>...</ul></li></ul></nav>`; empty
    /// when the page has no heading to list.
    fn render(&self, entries: &[Entry]) -> String {
        if entries.is_empty() {
            return String::new();
        }
        let mut out = String::from("<nav class=\"");
        html_text::escape_into(&mut out, &self.options.class);
        out.push_str("\">");
        self.render_list(&mut out, entries);
        out.push_str("</nav>");
        out
    }

    fn render_list(&self, out: &mut String, entries: &[Entry]) {
        let tag = self.options.list_type.tag();
        out.push('<');
        out.push_str(tag);
        out.push('>');
        for entry in entries {
            out.push_str("<li>");
            match &entry.heading.id {
                Some(id) => {
                    out.push_str("<a href=\"#");
                    html_text::escape_into(out, id);
                    out.push_str("\">");
                    html_text::escape_into(out, &entry.heading.text);
                    out.push_str("</a>");
                }
                None => html_text::escape_into(out, &entry.heading.text),
            }
            if !entry.children.is_empty() {
                self.render_list(out, &entry.children);
            }
            out.push_str("</li>");
        }
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
    }
}

/// The list the `headings` plugin left, taken off the page; a `headings` key of another
/// shape (the author's own) stays.
fn take_recorded(metadata: &mut Map<String, Value>) -> Option<Vec<Heading>> {
    let list = Heading::take_list(metadata.get_mut(headings::KEY)?)?;
    metadata.remove(headings::KEY);
    Some(list)
}

/// Headings in document order as a tree: each heading holds the deeper ones after it, up
/// to the next one of its level or higher. A skipped level (h2 then h4) nests one step.
fn nest(headings: impl Iterator<Item = Heading>) -> Vec<Entry> {
    let mut roots = Vec::new();
    let mut open: Vec<Entry> = Vec::new();
    for heading in headings {
        while open
            .last()
            .is_some_and(|top| top.heading.level >= heading.level)
        {
            close(&mut open, &mut roots);
        }
        open.push(Entry {
            heading,
            children: Vec::new(),
        });
    }
    while !open.is_empty() {
        close(&mut open, &mut roots);
    }
    roots
}

fn close(open: &mut Vec<Entry>, roots: &mut Vec<Entry>) {
    if let Some(done) = open.pop() {
        match open.last_mut() {
            Some(parent) => parent.children.push(done),
            None => roots.push(done),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(options: Value, html: &str, metadata: Value) -> File {
        let mut files = crate::test_files::files(vec![("page.html", metadata)]);
        files["page.html"].contents = html.as_bytes().to_vec();
        create(&options)
            .unwrap()
            .run(&mut files, &mut Site::default())
            .unwrap();
        files.swap_remove("page.html").unwrap()
    }

    const PAGE: &str = "<h1>Title</h1><!-- toc --><h2 id=\"a\">A</h2><h3 id=\"a1\">A &amp; 1</h3>\
                        <h4 id=\"deep\">Deep</h4><h2 id=\"b\">B</h2><h3>No id</h3>";

    #[test]
    fn nests_h2_and_h3_by_default_and_replaces_the_marker() {
        let file = run(json!(null), PAGE, json!({}));
        assert_eq!(
            file.metadata[KEY],
            json!([
                {"level": 2, "id": "a", "text": "A", "children": [
                    {"level": 3, "id": "a1", "text": "A & 1", "children": []}
                ]},
                {"level": 2, "id": "b", "text": "B", "children": [
                    {"level": 3, "id": null, "text": "No id", "children": []}
                ]}
            ])
        );
        assert_eq!(
            file.text().unwrap(),
            "<h1>Title</h1><nav class=\"toc\"><ul><li><a href=\"#a\">A</a><ul><li><a href=\"#a1\">A &amp; 1</a></li></ul></li>\
             <li><a href=\"#b\">B</a><ul><li>No id</li></ul></li></ul></nav><h2 id=\"a\">A</h2><h3 id=\"a1\">A &amp; 1</h3>\
             <h4 id=\"deep\">Deep</h4><h2 id=\"b\">B</h2><h3>No id</h3>"
        );
    }

    #[test]
    fn levels_list_type_class_and_marker_options() {
        let html = "<!--contents--><h2 id=\"a\">A</h2><h4 id=\"d\">D</h4><!-- toc -->";
        let file = run(
            json!({"levels": [2, 4], "listType": "ol", "class": "contents", "marker": " contents "}),
            html,
            json!({}),
        );
        assert_eq!(
            file.text().unwrap(),
            "<nav class=\"contents\"><ol><li><a href=\"#a\">A</a><ol><li><a href=\"#d\">D</a></li></ol></li></ol></nav>\
             <h2 id=\"a\">A</h2><h4 id=\"d\">D</h4><!-- toc -->"
        );
    }

    #[test]
    fn reads_the_headings_plugin_list_when_there_is_one() {
        let recorded = json!({"headings": [
            {"level": 2, "id": "from-list", "text": "Listed"},
            {"level": 1, "id": null, "text": "Skipped"}
        ]});
        let file = run(json!(null), "<h2 id=\"x\">In the HTML</h2>", recorded);
        assert_eq!(
            file.metadata[KEY],
            json!([{"level": 2, "id": "from-list", "text": "Listed", "children": []}])
        );
        assert!(
            file.metadata.get(headings::KEY).is_none(),
            "replaced by the toc"
        );
        let own = json!({"headings": "the author's own"});
        let file = run(json!(null), "<h2 id=\"x\">In the HTML</h2>", own);
        assert_eq!(file.metadata[KEY][0]["id"], "x");
        assert_eq!(file.metadata[headings::KEY], "the author's own");
        let odd = json!({"headings": [{"level": 2, "id": "a", "text": "A"}, {"text": "no level"}]});
        let file = run(json!(null), "<h2 id=\"x\">In the HTML</h2>", odd);
        assert_eq!(file.metadata[KEY][0]["id"], "x");
        assert_eq!(file.metadata[headings::KEY][1]["text"], "no level");
    }

    #[test]
    fn a_page_without_headings_gets_an_empty_toc_and_loses_its_marker() {
        let file = run(
            json!(null),
            "<p>x</p><!-- toc --><pre>&lt;!-- toc --&gt;</pre>",
            json!({}),
        );
        assert_eq!(file.metadata[KEY], json!([]));
        assert_eq!(
            file.text().unwrap(),
            "<p>x</p><pre>&lt;!-- toc --&gt;</pre>"
        );
    }

    #[test]
    fn a_skipped_level_nests_one_step_and_a_shallower_start_is_a_root() {
        let list = |levels: &[u8]| {
            levels
                .iter()
                .map(|&level| Heading {
                    level,
                    id: None,
                    text: level.to_string(),
                })
                .collect::<Vec<_>>()
        };
        let tree = nest(list(&[3, 2, 4, 3, 2]).into_iter());
        let shape: Vec<(u8, Vec<u8>)> = tree
            .iter()
            .map(|e| {
                (
                    e.heading.level,
                    e.children.iter().map(|c| c.heading.level).collect(),
                )
            })
            .collect();
        assert_eq!(shape, [(3, vec![]), (2, vec![4, 3]), (2, vec![])]);
    }

    #[test]
    fn non_utf8_files_and_bad_options_are_errors() {
        let mut files = crate::test_files::files(vec![("a.html", json!({}))]);
        files["a.html"].contents = vec![0xc3];
        let error = create(&json!(null))
            .unwrap()
            .run(&mut files, &mut Site::default())
            .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("a.html: is not UTF-8 text, so toc cannot read it"),
            "{error}"
        );
        let error = create(&json!({"marker": " "})).unwrap_err();
        assert!(error.contains("the marker is empty"), "{error}");
        let error = create(&json!({"listType": "dl"})).unwrap_err();
        assert!(
            error.starts_with("option `listType`: unknown variant `dl`"),
            "{error}"
        );
        let error = create(&json!({"levels": [0]})).unwrap_err();
        assert!(error.contains("`levels` holds 0"), "{error}");
    }
}
