//! `tags`: a taxonomy over any front matter key (`tags`, `categories`), with a listing page
//! per term (`metalsmith-tags`' options).
//!
//! Terms are keyed by their slug, so `Rust` and `rust` are one term, shown with the first
//! spelling met in path order. Each file's list becomes `[{name, slug, url}]` (Metalsmith's
//! `{name, slug}`, plus the term page's URL); `taxonomies.<metadataKey>` lists the terms.

use std::cmp::Ordering;

use indexmap::IndexMap;
use ironsmith_core::{
    parse_options, Error, File, FileError, Files, Metadata, Pattern, Plugin, Site,
};
use serde::Deserialize;
use serde_json::Value;

use crate::collections::{summary, SortKey};
use crate::slug::{slugify_with, SlugStyle};
use crate::{key_path, pages};

pub const NAME: &str = "tags";

/// What the path patterns may contain: `:tag` and `:term` are both the term's slug.
const PLACEHOLDERS: [&str; 3] = ["tag", "term", "num"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// The front matter key holding a file's terms: a list, or a comma-separated string.
    pub handle: String,
    /// Where a term's first page goes.
    pub path: String,
    /// Where its pages 2 and up go; by default `:num/` is added to `path`'s folder.
    #[serde(alias = "pagePath")]
    pub path_page: Option<String>,
    /// The `layout` term pages get; without it the layouts plugin's `default` applies.
    pub layout: Option<String>,
    /// The member key to sort by (dotted key paths, dates as dates); `date` by default.
    pub sort_by: Option<String>,
    /// Descending order; by default only when `sortBy` is not given (newest first).
    pub reverse: Option<bool>,
    /// Members per term page; `0` puts them all on one page.
    pub per_page: usize,
    /// Leave the taxonomy out of global metadata.
    pub skip_metadata: bool,
    /// The name under `taxonomies` in global metadata; `handle` by default.
    pub metadata_key: Option<String>,
    /// How terms are slugged.
    pub slug: SlugOptions,
    /// Which files' terms count; every file by default.
    pub pattern: Option<Pattern>,
    /// How many page summaries `pagination.pages` holds, centred on the current page; `0`: all.
    pub page_links: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            handle: "tags".into(),
            path: "tags/:tag/index.html".into(),
            path_page: None,
            layout: None,
            sort_by: None,
            reverse: None,
            per_page: 0,
            skip_metadata: false,
            metadata_key: None,
            slug: SlugOptions::default(),
            pattern: None,
            page_links: pages::PAGE_LINKS,
        }
    }
}

/// The `slug` package's options that have a meaning here.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SlugOptions {
    /// `rfc3986` lowercases (the default), `pretty` keeps the case.
    pub mode: Option<SlugMode>,
    pub lower: Option<bool>,
    /// What joins the words (the `slug` package calls it `replacement`).
    #[serde(alias = "replacement")]
    pub separator: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlugMode {
    Rfc3986,
    Pretty,
}

impl SlugOptions {
    fn style(&self) -> SlugStyle {
        SlugStyle {
            lower: self.lower.unwrap_or(self.mode != Some(SlugMode::Pretty)),
            separator: self.separator.clone().unwrap_or_else(|| "-".into()),
        }
    }
}

#[derive(Debug)]
pub struct Tags {
    options: Options,
    path_page: String,
    style: SlugStyle,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let options: Options = parse_options(options)?;
    if options.handle.is_empty() {
        return Err("option `handle` must name a front matter key, such as `tags`".into());
    }
    let path_page = options
        .path_page
        .clone()
        .unwrap_or_else(|| default_path_page(&options.path));
    pages::check_pattern("path", &options.path, &PLACEHOLDERS, &["tag", "term"])?;
    pages::check_pattern("pathPage", &path_page, &PLACEHOLDERS, &["tag", "term"])?;
    pages::check_pattern("pathPage", &path_page, &PLACEHOLDERS, &["num"])?;
    let style = options.slug.style();
    if style.separator.contains(['/', '\\']) {
        return Err("option `slug.separator` cannot contain `/` or `\\`".into());
    }
    Ok(Box::new(Tags {
        options,
        path_page,
        style,
    }))
}

/// `tags/:tag/:num/index.html` for `tags/:tag/index.html`; `topics/:tag/:num/index.html`
/// for `topics/:tag.html`.
fn default_path_page(path: &str) -> String {
    if let Some(folder) = path.strip_suffix("index.html") {
        return format!("{folder}:num/index.html");
    }
    let name_start = path.rfind('/').map_or(0, |slash| slash + 1);
    let stem = match path[name_start..].rfind('.') {
        Some(dot) if dot > 0 => &path[..name_start + dot],
        _ => path,
    };
    format!("{stem}/:num/index.html")
}

/// One term: the spelling shown, and the files that have it, in path order.
#[derive(Debug)]
struct Term {
    name: String,
    members: Vec<usize>,
}

impl Plugin for Tags {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        let (mut terms, tagged) = self.collect(files)?;
        terms.sort_unstable_keys();
        let urls: IndexMap<&str, String> = terms
            .keys()
            .map(|slug| (slug.as_str(), pages::url(&self.page_path(slug, 1))))
            .collect();
        let handle = &self.options.handle;
        for (index, slugs) in tagged {
            let links: Vec<Value> = slugs
                .iter()
                .filter_map(|slug| {
                    let term = terms.get(slug)?;
                    let mut link = Metadata::new();
                    link.insert("name".into(), term.name.clone().into());
                    link.insert("slug".into(), slug.clone().into());
                    link.insert("url".into(), urls.get(slug.as_str())?.clone().into());
                    Some(Value::Object(link))
                })
                .collect();
            if let Some((_, file)) = files.get_index_mut(index) {
                file.metadata.insert(handle.clone(), Value::Array(links));
            }
        }

        let mut taxonomy = Vec::with_capacity(terms.len());
        for (slug, term) in &terms {
            let members = self.sorted(files, &term.members);
            let url = urls.get(slug.as_str()).cloned().unwrap_or_default();
            let summaries: Vec<Value> = members.iter().map(|&i| summary(files, i)).collect();
            if !self.options.skip_metadata {
                let mut entry = Metadata::new();
                entry.insert("term".into(), term.name.clone().into());
                entry.insert("slug".into(), slug.clone().into());
                entry.insert("url".into(), url.clone().into());
                entry.insert("count".into(), members.len().into());
                entry.insert("pages".into(), Value::Array(summaries.clone()));
                taxonomy.push(Value::Object(entry));
            }
            self.term_pages(files, slug, term, &url, summaries)
                .map_err(|message| Error::Message(format!("term `{}`: {message}", term.name)))?;
        }
        if !self.options.skip_metadata {
            let key = self.options.metadata_key.as_ref().unwrap_or(handle);
            let taxonomies = site
                .metadata
                .entry("taxonomies")
                .or_insert_with(|| Value::Object(Metadata::new()));
            if !taxonomies.is_object() {
                *taxonomies = Value::Object(Metadata::new());
            }
            if let Value::Object(taxonomies) = taxonomies {
                taxonomies.insert(key.clone(), Value::Array(taxonomy));
            }
        }
        Ok(())
    }
}

/// The terms by slug, and each tagged file's slugs in its own order.
type Collected = (IndexMap<String, Term>, Vec<(usize, Vec<String>)>);

impl Tags {
    /// Reads every file's terms; every malformed one is reported, each naming its file.
    fn collect(&self, files: &Files) -> Result<Collected, Error> {
        let handle = &self.options.handle;
        let mut terms: IndexMap<String, Term> = IndexMap::new();
        let mut tagged = Vec::new();
        let mut errors = Vec::new();
        for (index, (path, file)) in files.iter().enumerate() {
            if !self
                .options
                .pattern
                .as_ref()
                .map_or(true, |p| p.is_match(path))
            {
                continue;
            }
            let Some(value) = file.metadata.get(handle) else {
                continue;
            };
            let names = match names(handle, value) {
                Ok(names) => names,
                Err(error) => {
                    errors.push(Error::file(file.display_path(path), error));
                    continue;
                }
            };
            let mut own: Vec<String> = Vec::with_capacity(names.len());
            for name in names {
                let slug = slugify_with(&name, &self.style);
                if slug.is_empty() {
                    errors.push(Error::file(
                        file.display_path(path),
                        FileError::new(format!(
                            "`{handle}`: `{name}` has no letter or digit to make a URL from: reword or remove it"
                        )),
                    ));
                    continue;
                }
                if own.contains(&slug) {
                    continue;
                }
                terms
                    .entry(slug.clone())
                    .or_insert_with(|| Term {
                        name,
                        members: Vec::new(),
                    })
                    .members
                    .push(index);
                own.push(slug);
            }
            tagged.push((index, own));
        }
        match Error::from_many(errors) {
            Some(error) => Err(error),
            None => Ok((terms, tagged)),
        }
    }

    fn page_path(&self, slug: &str, num: usize) -> String {
        let pattern = if num == 1 {
            &self.options.path
        } else {
            &self.path_page
        };
        let num = num.to_string();
        pages::fill(pattern, &[("tag", slug), ("term", slug), ("num", &num)])
    }

    /// Members in `sortBy` order; files without the key come last, in path order.
    fn sorted(&self, files: &Files, members: &[usize]) -> Vec<usize> {
        let key = self.options.sort_by.as_deref().unwrap_or("date");
        let descending = self
            .options
            .reverse
            .unwrap_or(self.options.sort_by.is_none());
        let mut keyed: Vec<(Option<SortKey>, usize)> = members
            .iter()
            .filter_map(|&index| {
                let (path, file) = files.get_index(index)?;
                let sort_key = if key == "path" {
                    Some(SortKey::Text(path.clone()))
                } else {
                    key_path::get(&file.metadata, key).and_then(SortKey::of)
                };
                Some((sort_key, index))
            })
            .collect();
        keyed.sort_by(|(a, _), (b, _)| match (a, b) {
            (Some(a), Some(b)) if descending => b.cmp(a),
            (Some(a), Some(b)) => a.cmp(b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        });
        keyed.into_iter().map(|(_, index)| index).collect()
    }

    /// Writes one term's listing pages.
    fn term_pages(
        &self,
        files: &mut Files,
        slug: &str,
        term: &Term,
        url: &str,
        members: Vec<Value>,
    ) -> Result<(), String> {
        let count = pages::page_count(members.len(), self.options.per_page);
        let paths: Vec<String> = (1..=count).map(|num| self.page_path(slug, num)).collect();
        let mut link = Metadata::new();
        link.insert("name".into(), term.name.clone().into());
        link.insert("slug".into(), slug.into());
        link.insert("url".into(), url.into());
        link.insert("count".into(), members.len().into());
        let paginations = pages::paginate(
            members,
            self.options.per_page,
            &paths,
            self.options.page_links,
        );
        for (path, pagination) in paths.into_iter().zip(paginations) {
            let mut page = File::new("");
            if let Some(layout) = &self.options.layout {
                page.metadata
                    .insert("layout".into(), layout.as_str().into());
            }
            page.metadata
                .insert("permalink".into(), pages::permalink(&path).into());
            page.metadata
                .insert("title".into(), term.name.clone().into());
            page.metadata.insert("tag".into(), term.name.clone().into());
            page.metadata
                .insert("term".into(), Value::Object(link.clone()));
            page.metadata
                .insert("pagination".into(), Value::Object(pagination));
            pages::insert(files, path, page)?;
        }
        Ok(())
    }
}

/// A file's terms as written: a list, or one string of comma-separated names; blank names
/// are skipped.
fn names(handle: &str, value: &Value) -> Result<Vec<String>, FileError> {
    let mut names = match value {
        Value::Null => Vec::new(),
        Value::String(text) => text
            .split(',')
            .map(|name| name.trim().to_string())
            .collect(),
        Value::Array(items) => items
            .iter()
            .map(|item| name(handle, item))
            .collect::<Result<_, _>>()?,
        single => vec![name(handle, single)?],
    };
    names.retain(|name| !name.is_empty());
    Ok(names)
}

/// One list item: a name, a number, or an earlier run's `{name, ...}` read back as its name.
fn name(handle: &str, item: &Value) -> Result<String, FileError> {
    let text = match item {
        Value::String(text) => text,
        Value::Number(number) => return Ok(number.to_string()),
        Value::Object(map) => match map.get("name") {
            Some(Value::String(text)) => text,
            _ => return Err(not_names(handle, item)),
        },
        other => return Err(not_names(handle, other)),
    };
    Ok(text.trim().to_string())
}

fn not_names(handle: &str, found: &Value) -> FileError {
    FileError::new(format!(
        "`{handle}` must be a list of names or a comma-separated string, found `{found}`"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_files::files;
    use serde_json::json;

    fn run(options: Value, map: &mut Files) -> Result<Site, Error> {
        let mut site = Site::default();
        create(&options)
            .map_err(Error::Message)?
            .run(map, &mut site)?;
        Ok(site)
    }

    fn titles(page: &File) -> Vec<&str> {
        page.metadata["pagination"]["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["title"].as_str().unwrap())
            .collect()
    }

    fn posts() -> Files {
        files(vec![
            (
                "posts/a/index.html",
                json!({"title": "A", "date": "2024-01-01", "tags": ["Rust", "web"]}),
            ),
            (
                "posts/b/index.html",
                json!({"title": "B", "date": "2024-03-01", "tags": "rust, Design"}),
            ),
            (
                "posts/c/index.html",
                json!({"title": "C", "date": "2024-02-01", "tags": ["RUST"]}),
            ),
            ("about/index.html", json!({"title": "About"})),
        ])
    }

    #[test]
    fn one_page_per_term_newest_first_with_the_first_spelling() {
        let mut map = posts();
        run(json!({"layout": "tag.hbs"}), &mut map).unwrap();
        let rust = &map["tags/rust/index.html"];
        assert_eq!(titles(rust), ["B", "C", "A"]);
        assert_eq!(rust.metadata["tag"], "Rust");
        assert_eq!(rust.metadata["title"], "Rust");
        assert_eq!(rust.metadata["layout"], "tag.hbs");
        assert_eq!(rust.metadata["permalink"], "tags/rust");
        assert_eq!(
            rust.metadata["term"],
            json!({"name": "Rust", "slug": "rust", "url": "/tags/rust/", "count": 3})
        );
        assert_eq!(rust.metadata["pagination"]["numPages"], 1);
        assert!(map.contains_key("tags/design/index.html"));
        assert!(map.contains_key("tags/web/index.html"));
        assert_eq!(map.len(), 7);
    }

    #[test]
    fn each_file_gets_name_slug_and_url_for_its_terms() {
        let mut map = posts();
        run(json!(null), &mut map).unwrap();
        assert_eq!(
            map["posts/b/index.html"].metadata["tags"],
            json!([
                {"name": "Rust", "slug": "rust", "url": "/tags/rust/"},
                {"name": "Design", "slug": "design", "url": "/tags/design/"}
            ])
        );
        assert!(map["about/index.html"].metadata.get("tags").is_none());
        let member = &map["tags/web/index.html"].metadata["pagination"]["files"][0];
        assert_eq!(member["path"], "posts/a/index.html");
        assert_eq!(member["tags"][0]["url"], "/tags/rust/");
    }

    #[test]
    fn global_taxonomy_is_sorted_by_slug_with_counts_and_members() {
        let mut map = posts();
        let site = run(json!(null), &mut map).unwrap();
        let terms = site.metadata["taxonomies"]["tags"].as_array().unwrap();
        let slugs: Vec<_> = terms.iter().map(|t| t["slug"].as_str().unwrap()).collect();
        assert_eq!(slugs, ["design", "rust", "web"]);
        assert_eq!(terms[1]["term"], "Rust");
        assert_eq!(terms[1]["count"], 3);
        assert_eq!(terms[1]["url"], "/tags/rust/");
        assert_eq!(terms[1]["pages"][0]["title"], "B");
    }

    #[test]
    fn skip_metadata_and_metadata_key() {
        let mut map = posts();
        let site = run(json!({"skipMetadata": true}), &mut map).unwrap();
        assert!(site.metadata.get("taxonomies").is_none());
        assert!(map.contains_key("tags/rust/index.html"));
        let mut map = posts();
        let site = run(json!({"metadataKey": "topics"}), &mut map).unwrap();
        assert_eq!(site.metadata["taxonomies"]["topics"][0]["slug"], "design");
    }

    #[test]
    fn per_page_paginates_under_path_page() {
        let mut map = posts();
        run(json!({"perPage": 2}), &mut map).unwrap();
        assert_eq!(titles(&map["tags/rust/index.html"]), ["B", "C"]);
        let second = &map["tags/rust/2/index.html"];
        assert_eq!(titles(second), ["A"]);
        assert_eq!(second.metadata["permalink"], "tags/rust/2");
        assert_eq!(
            second.metadata["pagination"]["previous"]["url"],
            "/tags/rust/"
        );
        assert_eq!(
            map["tags/rust/index.html"].metadata["pagination"]["next"]["path"],
            "tags/rust/2/index.html"
        );

        let mut map = posts();
        run(
            json!({"perPage": 1, "path": "topics/:term.html", "pageLinks": 2}),
            &mut map,
        )
        .unwrap();
        assert!(map.contains_key("topics/rust.html"));
        assert!(map.contains_key("topics/rust/2/index.html"));
        assert_eq!(
            map["posts/a/index.html"].metadata["tags"][0]["url"],
            "/topics/rust.html"
        );
        let pages = &map["topics/rust/3/index.html"].metadata["pagination"]["pages"];
        assert_eq!(pages.as_array().unwrap().len(), 2);

        let mut map = posts();
        run(
            json!({"perPage": 2, "pagePath": "t/:tag/p:num.html", "path": "t/:tag/index.html"}),
            &mut map,
        )
        .unwrap();
        assert!(map.contains_key("t/rust/p2.html"));
    }

    #[test]
    fn sort_by_and_reverse_follow_metalsmith() {
        let mut map = posts();
        run(json!({"sortBy": "title"}), &mut map).unwrap();
        assert_eq!(titles(&map["tags/rust/index.html"]), ["A", "B", "C"]);
        let mut map = posts();
        run(json!({"sortBy": "title", "reverse": true}), &mut map).unwrap();
        assert_eq!(titles(&map["tags/rust/index.html"]), ["C", "B", "A"]);
        let mut map = posts();
        run(json!({"reverse": false}), &mut map).unwrap();
        assert_eq!(titles(&map["tags/rust/index.html"]), ["A", "C", "B"]);
    }

    #[test]
    fn two_instances_make_two_taxonomies() {
        let mut map = files(vec![(
            "a.html",
            json!({"title": "A", "tags": ["x"], "categories": "News"}),
        )]);
        let mut site = Site::default();
        for options in [
            json!(null),
            json!({"handle": "categories", "path": "categories/:term/index.html"}),
        ] {
            create(&options).unwrap().run(&mut map, &mut site).unwrap();
        }
        assert!(map.contains_key("tags/x/index.html"));
        assert!(map.contains_key("categories/news/index.html"));
        assert_eq!(site.metadata["taxonomies"]["tags"][0]["term"], "x");
        assert_eq!(site.metadata["taxonomies"]["categories"][0]["term"], "News");
        assert_eq!(
            map["a.html"].metadata["categories"][0]["url"],
            "/categories/news/"
        );
    }

    #[test]
    fn slug_options_and_pattern() {
        let mut map = posts();
        run(
            json!({"slug": {"mode": "pretty", "replacement": "_"}, "pattern": "posts/[ab]/*"}),
            &mut map,
        )
        .unwrap();
        assert!(map.contains_key("tags/Rust/index.html"));
        assert!(map.contains_key("tags/rust/index.html"));
        assert!(!map.contains_key("tags/RUST/index.html"));
        let mut map = files(vec![("a.html", json!({"tags": "Big Data"}))]);
        run(
            json!({"slug": {"separator": "_", "lower": false}}),
            &mut map,
        )
        .unwrap();
        assert!(map.contains_key("tags/Big_Data/index.html"));
    }

    #[test]
    fn running_again_reads_back_the_rewritten_list() {
        let mut map = posts();
        let plugin = create(&json!(null)).unwrap();
        plugin.run(&mut map, &mut Site::default()).unwrap();
        map.retain(|path, _| !path.starts_with("tags/"));
        plugin.run(&mut map, &mut Site::default()).unwrap();
        assert_eq!(titles(&map["tags/rust/index.html"]), ["B", "C", "A"]);
    }

    #[test]
    fn blank_names_are_skipped_and_duplicates_within_a_file_count_once() {
        let mut map = files(vec![(
            "a.html",
            json!({"tags": "rust, ,Rust,", "title": "A"}),
        )]);
        run(json!(null), &mut map).unwrap();
        assert_eq!(map["a.html"].metadata["tags"].as_array().unwrap().len(), 1);
        assert_eq!(titles(&map["tags/rust/index.html"]), ["A"]);
    }

    #[test]
    fn bad_terms_are_errors_naming_each_file() {
        let mut map = files(vec![
            ("a.html", json!({"tags": ["ok", "!!!"]})),
            ("b.html", json!({"tags": [true]})),
            ("c.html", json!({"tags": {"x": 1}})),
        ]);
        let error = run(json!(null), &mut map).unwrap_err();
        assert_eq!(
            error.lines(),
            [
                "a.html: `tags`: `!!!` has no letter or digit to make a URL from: reword or remove it",
                "b.html: `tags` must be a list of names or a comma-separated string, found `true`",
                "c.html: `tags` must be a list of names or a comma-separated string, found `{\"x\":1}`",
            ]
        );
    }

    #[test]
    fn a_term_page_on_an_existing_file_is_an_error() {
        let mut map = files(vec![
            ("a.html", json!({"tags": ["x"]})),
            ("tags/x/index.html", json!({})),
        ]);
        let error = run(json!(null), &mut map).unwrap_err();
        assert_eq!(
            error.to_string(),
            "term `x`: `tags/x/index.html` is already a file of the site: change the path pattern"
        );
    }

    #[test]
    fn option_errors_name_the_option() {
        let cases = [
            (
                json!({"path": "tags/index.html"}),
                "option `path`: `tags/index.html` needs one of `:tag`, `:term`",
            ),
            (
                json!({"pathPage": "tags/:tag/index.html"}),
                "needs one of `:num`",
            ),
            (json!({"path": "t/:slug.html"}), "placeholder `:slug`"),
            (json!({"handle": ""}), "option `handle`"),
            (json!({"slug": {"separator": "/"}}), "`slug.separator`"),
            (json!({"slug": {"mode": "loud"}}), "option `slug.mode`"),
            (json!({"template": "tag.hbs"}), "unknown field `template`"),
        ];
        for (options, want) in cases {
            let error = create(&options).unwrap_err();
            assert!(error.contains(want), "{options}: {error}");
        }
    }

    #[test]
    fn default_page_path_follows_the_first_page() {
        assert_eq!(
            default_path_page("tags/:tag/index.html"),
            "tags/:tag/:num/index.html"
        );
        assert_eq!(
            default_path_page("topics/:tag.html"),
            "topics/:tag/:num/index.html"
        );
        assert_eq!(default_path_page(":tag"), ":tag/:num/index.html");
    }
}
