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
//! reads each page's own content rather than the navigation around it.

mod extract;

use ironsmith_core::{
    check_output_path, parse_options, Error, File, FileError, Files, Pattern, Plugin, Site,
};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::{key_path, pages};
use extract::{Extract, Extractor, Wanted};

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
    extractor: Extractor,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let options: Options = parse_options(options)?;
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
    if options.fields.is_empty() {
        return Err("option `fields`: list at least one field, such as `url`".into());
    }
    Ok(Box::new(Search {
        options,
        extractor: Extractor::new(),
    }))
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
                let wanted = Wanted {
                    text: text.then_some(self.options.text_length),
                    headings: headings || (title && untitled),
                };
                let extract = self
                    .extractor
                    .extract(&file.contents, wanted)
                    .map_err(|e| Error::file(file.display_path(key), FileError::new(e)))?;
                serde_json::to_vec(&self.entry(key, file, extract))
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

impl Search {
    /// One page's entry, with the fields in the order the options list them.
    fn entry(&self, key: &str, file: &File, extract: Extract) -> Value {
        let Extract {
            mut h1,
            headings,
            text,
        } = extract;
        let (mut headings, mut text) = (Some(headings), Some(text));
        let mut entry = Map::new();
        for field in &self.options.fields {
            let value = match field.as_str() {
                "url" => Value::String(pages::url(key)),
                "title" => match file.metadata.get("title").and_then(Value::as_str) {
                    Some(title) => Value::String(title.to_string()),
                    None => Value::String(h1.take().unwrap_or_else(|| pages::url(key))),
                },
                "headings" => {
                    serde_json::to_value(headings.take().unwrap_or_default()).unwrap_or_default()
                }
                "text" => Value::String(text.take().unwrap_or_default()),
                other => match key_path::get(&file.metadata, other) {
                    Some(value) => value.clone(),
                    None => continue,
                },
            };
            entry.insert(field.clone(), value);
        }
        Value::Object(entry)
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
