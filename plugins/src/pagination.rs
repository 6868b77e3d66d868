//! `pagination`: listing pages for a collection (`metalsmith-pagination`'s options).
//!
//! Options are keyed by the list's path in global metadata (`collections.posts`). Each page
//! gets `pagination` (see `pages.rs`) and a `permalink` as the permalinks plugin would give it,
//! and is rendered by the layouts plugin run after this one.

use indexmap::IndexMap;
use ironsmith_core::{parse_options, Error, File, Files, Metadata, Plugin, Site};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::{key_path, pages};

pub const NAME: &str = "pagination";

/// What `path` and `first` may contain.
const PLACEHOLDERS: [&str; 2] = ["num", "index"];

/// One paginated list's options.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// Members per page.
    pub per_page: usize,
    /// The `layout` every page gets; without it the layouts plugin's `default` applies.
    pub layout: Option<String>,
    /// Where page one goes instead of `path` (`index.html`); an existing file there becomes page one.
    pub first: Option<String>,
    /// Where each page goes: `:num` is the page number, `:index` the number minus one.
    pub path: String,
    /// With `first`, do not also write page one at `path`.
    pub no_page_one: bool,
    /// Metadata every created page gets.
    pub page_metadata: Metadata,
    /// The contents of created pages.
    pub page_contents: String,
    /// Which members to list: `key`, `!key`, `key == value` or `key != value`.
    pub filter: Option<Filter>,
    /// How many page summaries `pagination.pages` holds, centred on the current page; `0`: all.
    pub page_links: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            per_page: 10,
            layout: None,
            first: None,
            path: "page/:num/index.html".into(),
            no_page_one: false,
            page_metadata: Metadata::new(),
            page_contents: String::new(),
            filter: None,
            page_links: pages::PAGE_LINKS,
        }
    }
}

impl Options {
    fn check(&self) -> Result<(), String> {
        if self.per_page == 0 {
            return Err("option `perPage` must be at least 1".into());
        }
        pages::check_pattern("path", &self.path, &PLACEHOLDERS, &PLACEHOLDERS)?;
        match &self.first {
            Some(first) => pages::check_pattern("first", first, &PLACEHOLDERS, &[]),
            None if self.no_page_one => {
                Err("option `noPageOne` needs `first`: page one must be written somewhere".into())
            }
            None => Ok(()),
        }
    }

    /// Where page `num` is written when it is not the first page.
    fn page_path(&self, num: usize) -> String {
        let (num, index) = (num.to_string(), (num - 1).to_string());
        pages::fill(&self.path, &[("num", &num), ("index", &index)])
    }
}

#[derive(Debug)]
pub struct Pagination {
    lists: IndexMap<String, Options>,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let entries: IndexMap<String, Value> = parse_options(options)?;
    if entries.is_empty() {
        return Err(
            "name the lists to paginate, such as `collections.posts: {perPage: 10, layout: blog.hbs}`"
                .into(),
        );
    }
    let mut lists = IndexMap::new();
    for (key, value) in entries {
        let options: Options = parse_options(&value).map_err(|e| format!("`{key}`: {e}"))?;
        options.check().map_err(|e| format!("`{key}`: {e}"))?;
        lists.insert(key, options);
    }
    Ok(Box::new(Pagination { lists }))
}

impl Plugin for Pagination {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        for (key, options) in &self.lists {
            let members = members(key, options, site)?;
            paginate(options, members, files)
                .map_err(|message| Error::Message(format!("`{key}`: {message}")))?;
        }
        Ok(())
    }
}

/// The list at `key` in global metadata, filtered.
fn members(key: &str, options: &Options, site: &Site) -> Result<Vec<Value>, Error> {
    let list = match key_path::get(&site.metadata, key) {
        Some(Value::Array(list)) => list,
        Some(_) => {
            return Err(Error::Message(format!(
                "`{key}` in global metadata is not a list of files"
            )))
        }
        None => return Err(Error::Message(unknown_list(key, site))),
    };
    Ok(list
        .iter()
        .filter(|member| options.filter.as_ref().map_or(true, |f| f.keeps(member)))
        .cloned()
        .collect())
}

fn unknown_list(key: &str, site: &Site) -> String {
    match site.metadata.get("collections") {
        Some(Value::Object(collections)) if !collections.is_empty() => {
            let known: Vec<String> = collections
                .keys()
                .map(|name| format!("`collections.{name}`"))
                .collect();
            format!(
                "`{key}` is not in global metadata; the collections are {}",
                known.join(", ")
            )
        }
        _ => format!(
            "`{key}` is not in global metadata, and there are no collections: \
             run the `collections` plugin before `pagination`"
        ),
    }
}

/// Creates the pages of one list (merging page one into an existing `first` file).
fn paginate(options: &Options, members: Vec<Value>, files: &mut Files) -> Result<(), String> {
    let count = pages::page_count(members.len(), options.per_page);
    let page_one = options.page_path(1);
    let first = options
        .first
        .as_ref()
        .map(|first| pages::fill(first, &[("num", "1"), ("index", "0")]));
    let paths: Vec<String> = (1..=count)
        .map(|num| match &first {
            Some(first) if num == 1 => first.clone(),
            _ => options.page_path(num),
        })
        .collect();
    let paginations = pages::paginate(members, options.per_page, &paths, options.page_links);
    for (index, (path, pagination)) in paths.into_iter().zip(paginations).enumerate() {
        let shown = |e: String| format!("page {}: {e}", index + 1);
        if index > 0 || first.is_none() {
            let page = new_page(options, &path, pagination);
            pages::insert(files, path, page).map_err(shown)?;
            continue;
        }
        if !options.no_page_one && page_one != path {
            let page = new_page(options, &page_one, pagination.clone());
            pages::insert(files, page_one.clone(), page).map_err(shown)?;
        }
        match files.get_mut(&path) {
            Some(existing) => merge(options, &path, existing, pagination),
            None => {
                let page = new_page(options, &path, pagination);
                pages::insert(files, path, page).map_err(shown)?;
            }
        }
    }
    Ok(())
}

/// A listing page: `pageMetadata`, then `layout`, `permalink` and `pagination`.
fn new_page(options: &Options, path: &str, pagination: Metadata) -> File {
    let mut page = File::new(options.page_contents.as_bytes());
    page.metadata = options.page_metadata.clone();
    if let Some(layout) = &options.layout {
        page.metadata
            .insert("layout".into(), layout.as_str().into());
    }
    page.metadata
        .insert("permalink".into(), pages::permalink(path).into());
    page.metadata
        .insert("pagination".into(), Value::Object(pagination));
    page
}

/// Makes an existing file page one: its own metadata and contents win; it gains `pagination`,
/// and `layout`, `permalink` and `pageMetadata` keys it does not have.
fn merge(options: &Options, path: &str, file: &mut File, pagination: Metadata) {
    let metadata = &mut file.metadata;
    for (key, value) in &options.page_metadata {
        metadata.entry(key.clone()).or_insert_with(|| value.clone());
    }
    if let Some(layout) = &options.layout {
        metadata
            .entry("layout")
            .or_insert_with(|| layout.as_str().into());
    }
    metadata
        .entry("permalink")
        .or_insert_with(|| pages::permalink(path).into());
    metadata.insert("pagination".into(), Value::Object(pagination));
}

/// Metalsmith's `filter` is a JavaScript expression (`private !== true`); these are the forms
/// such filters take.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    key: String,
    test: Test,
}

#[derive(Debug, Clone, PartialEq)]
enum Test {
    Truthy,
    Falsy,
    Equal(Value),
    NotEqual(Value),
}

impl Filter {
    fn parse(text: &str) -> Result<Filter, String> {
        let text = text.trim();
        let (key, test) = if let Some((key, value)) = split_operator(text, &["!==", "!="]) {
            (key, Test::NotEqual(literal(value)))
        } else if let Some((key, value)) = split_operator(text, &["===", "=="]) {
            (key, Test::Equal(literal(value)))
        } else if let Some(key) = text.strip_prefix('!') {
            (key.trim(), Test::Falsy)
        } else {
            (text, Test::Truthy)
        };
        let valid = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        if !valid {
            return Err(format!(
                "filter `{text}`: write `key`, `!key`, `key == value` or `key != value` (a dotted key path)"
            ));
        }
        Ok(Filter {
            key: key.to_string(),
            test,
        })
    }

    fn keeps(&self, member: &Value) -> bool {
        let value = match member {
            Value::Object(map) => key_path::get(map, &self.key),
            _ => None,
        };
        match &self.test {
            Test::Truthy => value.is_some_and(truthy),
            Test::Falsy => !value.is_some_and(truthy),
            Test::Equal(want) => value == Some(want),
            Test::NotEqual(want) => value != Some(want),
        }
    }
}

impl<'de> Deserialize<'de> for Filter {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Filter::parse(&text).map_err(serde::de::Error::custom)
    }
}

fn split_operator<'a>(text: &'a str, operators: &[&str]) -> Option<(&'a str, &'a str)> {
    operators.iter().find_map(|operator| {
        text.split_once(operator)
            .map(|(key, value)| (key.trim(), value.trim()))
    })
}

/// `true`, `3`, `null`, `"draft"` as JSON; `'draft'` and a bare word as text.
fn literal(text: &str) -> Value {
    if let Ok(value) = serde_json::from_str(text) {
        return value;
    }
    let unquoted = text
        .strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .unwrap_or(text);
    Value::from(unquoted)
}

/// JavaScript's truthiness, which Metalsmith's filters use.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(flag) => *flag,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0 && !n.is_nan()),
        Value::String(text) => !text.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn site_with(posts: usize) -> Site {
        let mut site = Site::default();
        let list: Vec<Value> = (1..=posts)
            .map(|n| json!({"title": format!("Post {n}"), "path": format!("posts/{n}/index.html")}))
            .collect();
        site.metadata
            .insert("collections".into(), json!({"posts": list, "pages": []}));
        site
    }

    fn run(options: Value, site: &mut Site, files: &mut Files) -> Result<(), Error> {
        create(&options).map_err(Error::Message)?.run(files, site)
    }

    fn built(options: Value, posts: usize) -> Files {
        let mut files = Files::new();
        run(options, &mut site_with(posts), &mut files).unwrap();
        files
    }

    fn titles(file: &File) -> Vec<String> {
        file.metadata["pagination"]["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["title"].as_str().unwrap().to_string())
            .collect()
    }

    fn keys(files: &Files) -> Vec<&str> {
        files.keys().map(String::as_str).collect()
    }

    #[test]
    fn defaults_ten_per_page_at_page_num() {
        let files = built(json!({"collections.posts": {}}), 25);
        assert_eq!(
            keys(&files),
            [
                "page/1/index.html",
                "page/2/index.html",
                "page/3/index.html"
            ]
        );
        let second = &files["page/2/index.html"];
        assert_eq!(titles(second).len(), 10);
        assert_eq!(titles(second)[0], "Post 11");
        assert_eq!(second.metadata["permalink"], "page/2");
        let pagination = &second.metadata["pagination"];
        assert_eq!(pagination["num"], 2);
        assert_eq!(pagination["total"], 25);
        assert_eq!(pagination["numPages"], 3);
        assert_eq!(pagination["previous"]["url"], "/page/1/");
        assert_eq!(pagination["next"]["permalink"], "page/3");
        assert_eq!(pagination["pages"].as_array().unwrap().len(), 3);
        assert!(second.metadata.get("layout").is_none());
        assert!(second.contents.is_empty());
    }

    #[test]
    fn per_page_layout_page_metadata_and_contents() {
        let files = built(
            json!({"collections.posts": {
                "perPage": 2, "layout": "blog.hbs", "path": "blog/:num.html",
                "pageMetadata": {"title": "Blog", "layout": "ignored.hbs"}, "pageContents": "Hi"
            }}),
            3,
        );
        assert_eq!(keys(&files), ["blog/1.html", "blog/2.html"]);
        let page = &files["blog/2.html"];
        assert_eq!(titles(page), ["Post 3"]);
        assert_eq!(page.metadata["layout"], "blog.hbs");
        assert_eq!(page.metadata["title"], "Blog");
        assert_eq!(page.metadata["permalink"], "blog/2.html");
        assert_eq!(page.contents, b"Hi");
    }

    #[test]
    fn first_is_page_one_and_page_one_is_also_written_unless_no_page_one() {
        let files = built(
            json!({"collections.posts": {"perPage": 2, "first": "blog/index.html", "path": "blog/page/:num/index.html"}}),
            3,
        );
        assert_eq!(
            keys(&files),
            [
                "blog/page/1/index.html",
                "blog/index.html",
                "blog/page/2/index.html"
            ]
        );
        let second = &files["blog/page/2/index.html"].metadata["pagination"];
        assert_eq!(second["previous"]["url"], "/blog/");
        assert_eq!(second["first"]["path"], "blog/index.html");
        assert_eq!(files["blog/index.html"].metadata["permalink"], "blog");

        let files = built(
            json!({"collections.posts": {"perPage": 2, "first": "index.html", "noPageOne": true}}),
            3,
        );
        assert_eq!(keys(&files), ["index.html", "page/2/index.html"]);
        assert_eq!(files["index.html"].metadata["permalink"], "");
    }

    #[test]
    fn an_existing_first_file_keeps_its_metadata_and_contents() {
        let mut files = Files::new();
        let mut home = File::new("<p>Welcome</p>");
        home.metadata.insert("title".into(), "Home".into());
        home.metadata.insert("permalink".into(), "".into());
        files.insert("index.html".into(), home);
        run(
            json!({"collections.posts": {
                "perPage": 2, "first": "index.html", "noPageOne": true, "layout": "list.hbs",
                "pageMetadata": {"title": "Archive", "kind": "listing"}
            }}),
            &mut site_with(3),
            &mut files,
        )
        .unwrap();
        let home = &files["index.html"];
        assert_eq!(home.contents, b"<p>Welcome</p>");
        assert_eq!(home.metadata["title"], "Home");
        assert_eq!(home.metadata["kind"], "listing");
        assert_eq!(home.metadata["layout"], "list.hbs");
        assert_eq!(titles(home), ["Post 1", "Post 2"]);
        assert_eq!(files["page/2/index.html"].metadata["title"], "Archive");
    }

    #[test]
    fn an_empty_list_gets_one_empty_page() {
        let files = built(json!({"collections.pages": {"first": "all.html"}}), 0);
        assert_eq!(keys(&files), ["page/1/index.html", "all.html"]);
        assert_eq!(files["all.html"].metadata["pagination"]["files"], json!([]));
    }

    #[test]
    fn page_links_bounds_the_pages_list_and_zero_lists_all() {
        let listed = |options: Value| {
            let files = built(options, 15);
            files["page/8/index.html"].metadata["pagination"]["pages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["num"].as_u64().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            listed(json!({"collections.posts": {"perPage": 1, "pageLinks": 3}})),
            [7, 8, 9]
        );
        assert_eq!(
            listed(json!({"collections.posts": {"perPage": 1}})),
            (3..=12).collect::<Vec<_>>()
        );
        assert_eq!(
            listed(json!({"collections.posts": {"perPage": 1, "pageLinks": 0}})),
            (1..=15).collect::<Vec<_>>()
        );
    }

    #[test]
    fn index_placeholder_counts_from_zero() {
        let files = built(
            json!({"collections.posts": {"perPage": 5, "path": "p:index.html"}}),
            6,
        );
        assert_eq!(keys(&files), ["p0.html", "p1.html"]);
    }

    #[test]
    fn filters_take_metalsmith_expression_forms() {
        let mut site = Site::default();
        site.metadata.insert(
            "collections".into(),
            json!({"posts": [
                {"title": "A", "private": true, "lang": "en"},
                {"title": "B", "lang": "fr", "meta": {"featured": 1}},
                {"title": "C", "private": false, "lang": "en"}
            ]}),
        );
        for (filter, want) in [
            ("private !== true", vec!["B", "C"]),
            ("!private", vec!["B", "C"]),
            ("private", vec!["A"]),
            ("lang == 'en'", vec!["A", "C"]),
            ("lang === \"fr\"", vec!["B"]),
            ("lang != en", vec!["B"]),
            ("meta.featured", vec!["B"]),
        ] {
            let mut files = Files::new();
            run(
                json!({"collections.posts": {"filter": filter}}),
                &mut site,
                &mut files,
            )
            .unwrap();
            assert_eq!(titles(&files["page/1/index.html"]), want, "{filter}");
        }
        let error = create(&json!({"collections.posts": {"filter": "a < 3"}})).unwrap_err();
        assert!(
            error.starts_with("`collections.posts`: option `filter`: filter `a < 3`"),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_list_names_the_known_collections() {
        let mut files = Files::new();
        let error = run(
            json!({"collections.post": {}}),
            &mut site_with(1),
            &mut files,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "`collections.post` is not in global metadata; the collections are `collections.posts`, `collections.pages`"
        );
        let error = run(
            json!({"collections.posts": {}}),
            &mut Site::default(),
            &mut files,
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("run the `collections` plugin before"),
            "{error}"
        );
        let mut site = Site::default();
        site.metadata.insert("title".into(), "x".into());
        let error = run(json!({"title": {}}), &mut site, &mut files).unwrap_err();
        assert!(error.to_string().contains("not a list"), "{error}");
    }

    #[test]
    fn a_page_on_an_existing_file_is_an_error_naming_it() {
        let mut files = Files::new();
        files.insert("page/2/index.html".into(), File::new("taken"));
        let error = run(
            json!({"collections.posts": {"perPage": 1}}),
            &mut site_with(2),
            &mut files,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "`collections.posts`: page 2: `page/2/index.html` is already a file of the site: change the path pattern"
        );
    }

    #[test]
    fn option_errors_name_the_list_and_the_option() {
        let cases = [
            (json!({}), "name the lists to paginate"),
            (
                json!({"collections.posts": {"perPage": 0}}),
                "`perPage` must be at least 1",
            ),
            (
                json!({"collections.posts": {"path": "all.html"}}),
                "needs one of `:num`, `:index`",
            ),
            (
                json!({"collections.posts": {"path": "p/:page.html"}}),
                "placeholder `:page`",
            ),
            (
                json!({"collections.posts": {"first": ":name.html"}}),
                "placeholder `:name`",
            ),
            (
                json!({"collections.posts": {"noPageOne": true}}),
                "`noPageOne` needs `first`",
            ),
            (
                json!({"collections.posts": {"template": "x.hbs"}}),
                "unknown field `template`",
            ),
        ];
        for (options, want) in cases {
            let error = create(&options).unwrap_err();
            assert!(error.contains(want), "{options}: {error}");
        }
    }

    #[test]
    fn a_page_path_that_leaves_the_destination_is_an_error() {
        let mut files = Files::new();
        let error = run(
            json!({"collections.posts": {"path": "../:num.html"}}),
            &mut site_with(1),
            &mut files,
        )
        .unwrap_err();
        assert!(error.to_string().contains("`..`"), "{error}");
    }
}
