//! `search`: a JSON index of the site's pages for searching in the browser, and a small
//! script that queries it.
//!
//! The index is one array, one object per page, with the fields the options list:
//!
//! ```json
//! [{"title": "Install", "url": "/docs/install/",
//!   "headings": [{"id": "from-source", "text": "From source"}],
//!   "text": "ironsmith is one binary. From source ..."}]
//! ```
//!
//! `text` is the page's words without markup, cut after `textLength` characters so the
//! index stays small enough to download; headings keep their ids so a result can link to
//! its section. List it after `markdown` (and `permalinks`) and before `layouts`, so it
//! reads each page's own content rather than the navigation around it. After `headings`
//! (and before `toc`, which drops it) the `headings` list that plugin leaves on each page
//! stands for the page's headings, so the page is not read for them again.

mod extract;

use std::collections::HashSet;

use ironsmith_core::{
    check_output_path, parse_options, Error, File, FileError, Files, Pattern, Plugin, Site,
};
use rayon::prelude::*;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde::Deserialize;
use serde_json::Value;

use crate::{headings, html_text, key_path, pages};
use extract::{Extract, Wanted};

pub const NAME: &str = "search";

/// The client: plain JavaScript, no library.
const SCRIPT: &str = include_str!("search.js");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// The pages to index; a page with `search: false` in its front matter is left out.
    pub pattern: Pattern,
    /// Where the index is written.
    pub output: String,
    /// Where the client script is written; `false` writes none.
    pub script: Script,
    /// What each entry holds: `title`, `url`, `headings`, `text`, or any front matter
    /// key (a dotted path).
    pub fields: Vec<String>,
    /// The most characters of text kept per page.
    pub text_length: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pattern: Pattern::new(&["**/*.html"]).unwrap_or_else(|_| unreachable!("a valid glob")),
            output: "search-index.json".into(),
            script: Script::Path("search.js".into()),
            fields: ["title", "url", "headings", "text"]
                .map(String::from)
                .to_vec(),
            text_length: 500,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged, expecting = "a path for the script, or false for none")]
pub enum Script {
    Path(String),
    Off(bool),
}

#[derive(Debug)]
pub struct Search {
    options: Options,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let mut options: Options = parse_options(options)?;
    check_output_path(&options.output).map_err(|e| format!("option `output`: {e}"))?;
    match &options.script {
        Script::Path(path) => {
            check_output_path(path).map_err(|e| format!("option `script`: {e}"))?;
        }
        Script::Off(true) => {
            return Err("option `script`: give a path, or false for no script".into());
        }
        Script::Off(false) => {}
    }
    // A field listed twice is written once, where it is first listed.
    let mut listed = HashSet::new();
    options.fields.retain(|field| listed.insert(field.clone()));
    if options.fields.is_empty() {
        return Err("option `fields`: list at least one field, such as `url`".into());
    }
    Ok(Box::new(Search { options }))
}

impl Plugin for Search {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, _site: &mut Site) -> Result<(), Error> {
        let fields = &self.options.fields;
        let wants = |name: &str| fields.iter().any(|field| field == name);
        let (text, headings, title) = (wants("text"), wants("headings"), wants("title"));
        // Each entry is serialized by the worker that read its page: one index, many writers.
        let entries: Vec<Result<Vec<u8>, Error>> = files
            .par_iter()
            .filter(|(key, file)| self.options.pattern.is_match(key) && !excluded(file))
            .map(|(key, file)| {
                let untitled = !file.metadata.get("title").is_some_and(Value::is_string);
                let needs_headings = headings || (title && untitled);
                let recorded = match needs_headings {
                    true => extract::recorded_headings(file.metadata.get(headings::KEY)),
                    false => None,
                };
                let wanted = Wanted {
                    text: text.then_some(self.options.text_length),
                    headings: needs_headings && recorded.is_none(),
                };
                let mut extract = Extract::read(&html_text::lossy(&file.contents), wanted);
                if let Some((h1, list)) = recorded {
                    (extract.h1, extract.headings) = (h1, list);
                }
                let entry = Entry {
                    fields: &self.options.fields,
                    key,
                    file,
                    extract,
                };
                serde_json::to_vec(&entry)
                    .map_err(|e| Error::Message(format!("cannot write the index: {e}")))
            })
            .collect();
        let mut json = Vec::with_capacity(
            entries.iter().flatten().map(Vec::len).sum::<usize>() + entries.len() + 1,
        );
        let mut errors = Vec::new();
        json.push(b'[');
        for entry in entries {
            match entry {
                Ok(entry) => {
                    if json.len() > 1 {
                        json.push(b',');
                    }
                    json.extend_from_slice(&entry);
                }
                Err(error) => errors.push(error),
            }
        }
        json.push(b']');
        if let Some(error) = Error::from_many(errors) {
            return Err(error);
        }
        add(files, &self.options.output, json, "output")?;
        if let Script::Path(path) = &self.options.script {
            add(files, path, SCRIPT.as_bytes().to_vec(), "script")?;
        }
        Ok(())
    }
}

/// One page's entry, written straight into the index: the fields in the order the options
/// list them, front matter values borrowed rather than copied.
struct Entry<'a> {
    fields: &'a [String],
    key: &'a str,
    file: &'a File,
    extract: Extract<'a>,
}

impl Serialize for Entry<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Extract { h1, headings, text } = &self.extract;
        let mut entry = serializer.serialize_map(None)?;
        for field in self.fields {
            match field.as_str() {
                "url" => entry.serialize_entry(field, &pages::url(self.key))?,
                "title" => match self.file.metadata.get("title").and_then(Value::as_str) {
                    Some(title) => entry.serialize_entry(field, title)?,
                    None => match h1 {
                        Some(h1) => entry.serialize_entry(field, h1)?,
                        None => entry.serialize_entry(field, &pages::url(self.key))?,
                    },
                },
                "headings" => entry.serialize_entry(field, headings)?,
                "text" => entry.serialize_entry(field, text)?,
                other => {
                    if let Some(value) = key_path::get(&self.file.metadata, other) {
                        entry.serialize_entry(field, value)?;
                    }
                }
            }
        }
        entry.end()
    }
}

/// `search: false` in front matter leaves a page out.
fn excluded(file: &File) -> bool {
    file.metadata.get("search") == Some(&Value::Bool(false))
}

/// Adds a generated file; one already there is an error naming the option.
fn add(files: &mut Files, path: &str, contents: Vec<u8>, option: &str) -> Result<(), Error> {
    if files.contains_key(path) {
        return Err(Error::file(
            path,
            FileError::new(format!(
                "the site already has this file: set `{option}` to another path"
            )),
        ));
    }
    files.insert(path.to_string(), File::new(contents));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(html: &str, metadata: Value) -> File {
        let mut file = File::new(html);
        if let Value::Object(map) = metadata {
            file.metadata = map;
        }
        file
    }

    fn site() -> Files {
        [
            (
                "docs/install/index.html",
                page(
                    "<p>Get the <em>binary</em>.</p><h2 id=\"source\">From source</h2><p>cargo</p>",
                    json!({"title": "Install", "description": "How to install", "nav": {"order": 2}}),
                ),
            ),
            ("about.html", page("<h1>About us</h1><p>We write.</p>", json!({}))),
            ("secret.html", page("<p>hidden</p>", json!({"search": false}))),
            ("style.css", page("p {}", json!({}))),
        ]
        .into_iter()
        .map(|(path, file)| (path.to_string(), file))
        .collect()
    }

    fn index(options: Value) -> (Files, Value) {
        let mut files = site();
        create(&options)
            .unwrap()
            .run(&mut files, &mut Site::default())
            .unwrap();
        let index = serde_json::from_slice(&files["search-index.json"].contents).unwrap();
        (files, index)
    }

    #[test]
    fn indexes_title_url_headings_and_text_of_each_page() {
        let (files, index) = index(json!(null));
        assert_eq!(
            index,
            json!([
                {
                    "title": "Install",
                    "url": "/docs/install/",
                    "headings": [{"id": "source", "text": "From source"}],
                    "text": "Get the binary. From source cargo"
                },
                {"title": "About us", "url": "/about.html", "headings": [], "text": "About us We write."}
            ])
        );
        assert_eq!(files["search.js"].text(), Some(SCRIPT));
        assert!(SCRIPT.contains("form[data-search]"));
    }

    #[test]
    fn fields_choose_and_order_what_entries_hold() {
        let (_, index) = index(json!({"fields": ["url", "description", "nav.order"]}));
        assert_eq!(
            index,
            json!([
                {"url": "/docs/install/", "description": "How to install", "nav.order": 2},
                {"url": "/about.html"}
            ])
        );
        assert!(create(&json!({"fields": []}))
            .unwrap_err()
            .contains("at least one field"));
    }

    #[test]
    fn a_field_listed_twice_is_written_once() {
        let (_, index) = index(json!({"fields": ["url", "title", "url", "title"]}));
        assert_eq!(
            index,
            json!([
                {"url": "/docs/install/", "title": "Install"},
                {"url": "/about.html", "title": "About us"}
            ])
        );
    }

    #[test]
    fn after_headings_the_list_it_leaves_gives_the_same_index() {
        let html = "<h1>Guide</h1><p>Intro</p><h2 id=\"a\">A &amp; <em>b</em></h2>\
                    <h3>Three</h3><h4 id=\"d\">Four</h4><h2>Two</h2>";
        let build = |first: Option<&str>| {
            let mut files: Files = [("guide.html".to_string(), page(html, json!({})))]
                .into_iter()
                .collect();
            let mut site = Site::default();
            if let Some(name) = first {
                let options = json!({"anchor": name});
                crate::headings::create(&options)
                    .unwrap()
                    .run(&mut files, &mut site)
                    .unwrap();
            }
            create(&json!(null))
                .unwrap()
                .run(&mut files, &mut site)
                .unwrap();
            let index: Value =
                serde_json::from_slice(&files["search-index.json"].contents).unwrap();
            index
        };
        let alone = build(None);
        assert_eq!(alone[0]["title"], "Guide");
        assert_eq!(
            alone[0]["headings"],
            json!([{"id": "a", "text": "A & b"}, {"text": "Three"}, {"text": "Two"}])
        );
        // Headings gives ids and anchors; the index reads its list, and the same text.
        let after = build(Some("after"));
        assert_eq!(after[0]["title"], "Guide");
        assert_eq!(
            after[0]["headings"],
            json!([
                {"id": "a", "text": "A & b"},
                {"id": "three", "text": "Three"},
                {"id": "two", "text": "Two"}
            ])
        );
        assert_eq!(after[0]["text"], alone[0]["text"]);

        // The list is what is read: the page is not parsed for its headings again.
        let mut files: Files = [("guide.html".to_string(), page(html, json!({})))]
            .into_iter()
            .collect();
        let mut site = Site::default();
        crate::headings::create(&json!(null))
            .unwrap()
            .run(&mut files, &mut site)
            .unwrap();
        files["guide.html"].contents = b"<p>Intro</p>".to_vec();
        create(&json!(null))
            .unwrap()
            .run(&mut files, &mut site)
            .unwrap();
        let index: Value = serde_json::from_slice(&files["search-index.json"].contents).unwrap();
        assert_eq!(index[0]["title"], "Guide");
        assert_eq!(index[0]["headings"], after[0]["headings"]);
        assert_eq!(index[0]["text"], "Intro");
    }

    #[test]
    fn a_headings_key_of_another_shape_is_not_read_as_the_list() {
        let mut files: Files = [(
            "a.html".to_string(),
            page("<h2 id=\"x\">Real</h2>", json!({"headings": ["mine"]})),
        )]
        .into_iter()
        .collect();
        create(&json!({"fields": ["headings"]}))
            .unwrap()
            .run(&mut files, &mut Site::default())
            .unwrap();
        let index: Value = serde_json::from_slice(&files["search-index.json"].contents).unwrap();
        assert_eq!(index, json!([{"headings": [{"id": "x", "text": "Real"}]}]));
    }

    #[test]
    fn text_length_bounds_each_page_text() {
        let (_, index) = index(json!({"textLength": 10, "fields": ["text"]}));
        assert_eq!(index, json!([{"text": "Get the"}, {"text": "About us"}]));
    }

    #[test]
    fn pattern_output_and_script_choose_files() {
        let mut files = site();
        create(&json!({
            "pattern": "docs/**",
            "output": "assets/index.json",
            "script": "assets/find.js",
            "fields": ["url"]
        }))
        .unwrap()
        .run(&mut files, &mut Site::default())
        .unwrap();
        assert!(files.contains_key("assets/find.js") && !files.contains_key("search.js"));
        let index: Value = serde_json::from_slice(&files["assets/index.json"].contents).unwrap();
        assert_eq!(index, json!([{"url": "/docs/install/"}]));
        let mut files = site();
        create(&json!({"script": false}))
            .unwrap()
            .run(&mut files, &mut Site::default())
            .unwrap();
        assert!(!files.contains_key("search.js"));
    }

    #[test]
    fn unsafe_paths_and_taken_paths_are_errors() {
        let error = create(&json!({"output": "../index.json"})).unwrap_err();
        assert!(error.starts_with("option `output`: output path"), "{error}");
        let error = create(&json!({"script": "/abs.js"})).unwrap_err();
        assert!(error.starts_with("option `script`: output path"), "{error}");
        let error = create(&json!({"script": true})).unwrap_err();
        assert!(error.contains("give a path"), "{error}");
        let mut files = site();
        let error = create(&json!({"output": "style.css"}))
            .unwrap()
            .run(&mut files, &mut Site::default())
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "style.css: the site already has this file: set `output` to another path"
        );
        assert!(create(&json!({"textLenght": 3}))
            .unwrap_err()
            .contains("textLenght"));
    }
}
