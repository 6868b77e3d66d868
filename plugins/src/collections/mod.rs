//! `collections`: groups files into sorted lists (`@metalsmith/collections` 2.x options).
//!
//! `collections.<name>` in global metadata lists each member once, as a summary (its
//! metadata and `path`, not its contents). With `refer`, each member gets
//! `collection.<name>.{previous, next, first, last}`: summaries too, never copies of the
//! whole collection, so cost grows linearly with the site.

use std::cmp::Ordering;
use std::path::Path;

use chrono::{DateTime, FixedOffset};
use indexmap::IndexMap;
use ironsmith_core::{parse_options, Error, Files, Metadata, Pattern, Plugin, Site};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::Value;

use crate::{data_file, dates, headings, key_path, toc};

mod moves;

pub use moves::follow as follow_moves;

pub const NAME: &str = "collections";

/// One collection's options; a bare glob (or list) is its `pattern`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct CollectionOptions {
    pub pattern: Option<Pattern>,
    /// `key:asc` or `key:desc` (a bare key is descending, as in Metalsmith); dotted key paths.
    pub sort: Option<String>,
    /// Metalsmith 1.x's spelling: `sortBy: date` with `reverse: true`.
    pub sort_by: Option<String>,
    pub reverse: bool,
    /// Keep only the first `limit` members, after sorting.
    pub limit: Option<usize>,
    /// Give members `collection.<name>.previous/next/first/last`.
    pub refer: bool,
    /// Data for the collection itself: a map, or a data file (in the source, or from the site root).
    pub metadata: Option<Value>,
}

impl Default for CollectionOptions {
    fn default() -> Self {
        CollectionOptions {
            pattern: None,
            sort: None,
            sort_by: None,
            reverse: false,
            limit: None,
            refer: true,
            metadata: None,
        }
    }
}

/// How members are ordered.
#[derive(Debug, Clone, PartialEq)]
struct SortOrder {
    key: String,
    descending: bool,
}

impl CollectionOptions {
    fn sort_order(&self) -> SortOrder {
        match (&self.sort, &self.sort_by) {
            (Some(sort), _) => match sort.split_once(':') {
                Some((key, order)) => SortOrder {
                    key: key.to_string(),
                    descending: !order.eq_ignore_ascii_case("asc"),
                },
                None => SortOrder {
                    key: sort.clone(),
                    descending: true,
                },
            },
            (None, Some(key)) => SortOrder {
                key: key.clone(),
                descending: self.reverse,
            },
            (None, None) => SortOrder {
                key: "path".into(),
                descending: self.reverse,
            },
        }
    }
}

#[derive(Debug)]
pub struct Collections {
    collections: IndexMap<String, CollectionOptions>,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let entries: IndexMap<String, Value> = parse_options(options)?;
    let mut collections = IndexMap::new();
    for (name, value) in entries {
        let options = match value {
            Value::String(_) | Value::Array(_) => CollectionOptions {
                pattern: Some(
                    Pattern::deserialize(&value)
                        .map_err(|e| format!("collection `{name}`: {e}"))?,
                ),
                ..CollectionOptions::default()
            },
            other => parse_options(&other).map_err(|e| format!("collection `{name}`: {e}"))?,
        };
        if let Some(sort) = &options.sort {
            if let Some((_, order)) = sort.split_once(':') {
                if !["asc", "desc"].contains(&order.to_ascii_lowercase().as_str()) {
                    return Err(format!(
                        "collection `{name}`: option `sort`: `{sort}` must end in `:asc` or `:desc`"
                    ));
                }
            }
        }
        collections.insert(name, options);
    }
    Ok(Box::new(Collections { collections }))
}

impl Plugin for Collections {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        let defaults = CollectionOptions::default();
        let mut names: Vec<&str> = self.collections.keys().map(String::as_str).collect();
        // Front matter `collection: name` creates a collection the options did not list.
        let declaring: Vec<&Value> = files
            .par_values()
            .filter_map(|file| file.metadata.get("collection"))
            .collect();
        let mut declared: Vec<String> = Vec::new();
        for &value in &declaring {
            for name in declared_names(Some(value)) {
                if !names.contains(&name) && !declared.iter().any(|d| d == name) {
                    declared.push(name.to_string());
                }
            }
        }
        names.extend(declared.iter().map(String::as_str));

        let mut global = Metadata::new();
        let mut info = Metadata::new();
        // Each file's links, by the index of their collection's name in `names`.
        let mut refers: Vec<Vec<(usize, Metadata)>> = vec![Vec::new(); files.len()];
        for (number, &name) in names.iter().enumerate() {
            let options = self.collections.get(name).unwrap_or(&defaults);
            let members = self.members(name, options, files, site)?;
            // Copying metadata is most of this plugin's time: spread it over the workers.
            let summaries: Vec<Value> = members.par_iter().map(|&i| summary(files, i)).collect();
            let ends = summaries
                .first()
                .map(brief)
                .zip(summaries.last().map(brief));
            if options.refer {
                let links: Vec<Metadata> = (0..members.len())
                    .into_par_iter()
                    .map(|position| neighbours(&summaries, position, ends.as_ref()))
                    .collect();
                for (&index, links) in members.iter().zip(links) {
                    refers[index].push((number, links));
                }
            }
            if let Some(metadata) = &options.metadata {
                info.insert(
                    name.to_string(),
                    collection_metadata(name, metadata, files, site)?,
                );
            }
            global.insert(name.to_string(), Value::Array(summaries));
        }
        files
            .par_values_mut()
            .zip(refers)
            .filter(|(_, links)| !links.is_empty())
            .for_each(|(file, links)| {
                let collection: Metadata = links
                    .into_iter()
                    .map(|(number, l)| (names[number].to_string(), Value::Object(l)))
                    .collect();
                file.metadata
                    .insert("collection".into(), Value::Object(collection));
            });
        site.metadata
            .insert("collections".into(), Value::Object(global));
        if !info.is_empty() {
            site.metadata
                .insert("collections_metadata".into(), Value::Object(info));
        }
        Ok(())
    }
}

impl Collections {
    /// Indexes of the collection's files, sorted and limited.
    fn members(
        &self,
        name: &str,
        options: &CollectionOptions,
        files: &Files,
        site: &Site,
    ) -> Result<Vec<usize>, Error> {
        let order = options.sort_order();
        // Matching paths and parsing dates is per file: spread it over the workers.
        let mut keyed: Vec<(Option<SortKey>, usize)> = files
            .par_iter()
            .enumerate()
            .filter_map(|(index, (path, file))| {
                let by_pattern = options.pattern.as_ref().is_some_and(|p| p.is_match(path));
                let by_front_matter =
                    declared_names(file.metadata.get("collection")).any(|n| n == name);
                if !(by_pattern || by_front_matter) {
                    return None;
                }
                let key = if order.key == "path" {
                    Some(SortKey::Text(path.clone()))
                } else {
                    key_path::get(&file.metadata, &order.key).and_then(SortKey::of)
                };
                Some((key, index))
            })
            .collect();
        let missing: Vec<String> = keyed
            .iter()
            .filter(|(key, _)| key.is_none())
            .filter_map(|&(_, index)| files.get_index(index))
            .map(|(path, file)| file.display_path(path))
            .collect();
        keyed.sort_by(|(a, _), (b, _)| match (a, b) {
            (Some(a), Some(b)) if order.descending => b.cmp(a),
            (Some(a), Some(b)) => a.cmp(b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        });
        if !missing.is_empty() {
            let shown = missing
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            let more = missing.len().saturating_sub(10);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            site.warn(format!(
                "collection `{name}`: {} files have no `{}` to sort by and come last: {shown}{more}",
                missing.len(),
                order.key
            ));
        }
        let limit = options.limit.unwrap_or(usize::MAX);
        Ok(keyed
            .into_iter()
            .take(limit)
            .map(|(_, index)| index)
            .collect())
    }
}

/// What a collection list or a neighbour link holds: the file's metadata and output `path`.
pub(crate) fn summary(files: &Files, index: usize) -> Value {
    let Some((path, file)) = files.get_index(index) else {
        return Value::Null;
    };
    let mut summary = Metadata::with_capacity(file.metadata.len() + 1);
    for (key, value) in &file.metadata {
        // Left out: the member's own links, and its `headings` and `toc`, which are its
        // contents in other shapes and, like its contents, as long as the page.
        if !matches!(key.as_str(), "collection" | headings::KEY | toc::KEY) {
            summary.insert(key.clone(), value.clone());
        }
    }
    summary.insert("path".into(), Value::from(path.clone()));
    Value::Object(summary)
}

/// A member's `previous`, `next`, `first` and `last` links.
fn neighbours(summaries: &[Value], position: usize, ends: Option<&(Value, Value)>) -> Metadata {
    let mut links = Metadata::with_capacity(4);
    if let Some(previous) = position.checked_sub(1).and_then(|p| summaries.get(p)) {
        links.insert("previous".into(), previous.clone());
    }
    if let Some(next) = summaries.get(position + 1) {
        links.insert("next".into(), next.clone());
    }
    if let Some((first, last)) = ends {
        links.insert("first".into(), first.clone());
        links.insert("last".into(), last.clone());
    }
    links
}

/// The keys a `first`/`last` link keeps. Every member holds both ends, so full summaries
/// there would cost two copies of a member's metadata per member (60 MB at 10,000 pages);
/// these are enough to link to the ends.
const BRIEF_KEYS: [&str; 5] = ["path", "permalink", "title", "date", "description"];

/// A summary cut down to [`BRIEF_KEYS`].
fn brief(summary: &Value) -> Value {
    let Value::Object(full) = summary else {
        return summary.clone();
    };
    let kept: Metadata = BRIEF_KEYS
        .iter()
        .filter_map(|&key| full.get(key).map(|value| (key.to_string(), value.clone())))
        .collect();
    Value::Object(kept)
}

/// The collection names a file's front matter gives (`collection: posts` or a list).
fn declared_names(value: Option<&Value>) -> impl Iterator<Item = &str> {
    let names: Vec<&str> = match value {
        Some(Value::String(name)) => vec![name.as_str()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    names.into_iter()
}

fn collection_metadata(
    name: &str,
    metadata: &Value,
    files: &Files,
    site: &Site,
) -> Result<Value, Error> {
    let Value::String(path) = metadata else {
        return Ok(metadata.clone());
    };
    let in_source = site.source.join(path);
    let key = path.trim_start_matches("./");
    if let Some(file) = files.get(key) {
        let text = String::from_utf8_lossy(&file.contents);
        return data_file::parse(Path::new(key), &text)
            .map_err(|e| Error::file(file.display_path(key), e));
    }
    let on_disk = if in_source.is_file() {
        in_source
    } else {
        site.resolve(path)
    };
    let text = std::fs::read_to_string(&on_disk).map_err(|e| {
        Error::Message(format!(
            "collection `{name}`: metadata file {}: {e}: check its path (relative to the source or the site root)",
            on_disk.display()
        ))
    })?;
    data_file::parse(&on_disk, &text).map_err(|e| Error::file(on_disk.display().to_string(), e))
}

/// A sortable metadata value: dates as instants (whatever their zone), numbers as numbers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SortKey {
    Date(DateTime<FixedOffset>),
    Number(f64),
    Text(String),
}

impl SortKey {
    pub(crate) fn of(value: &Value) -> Option<SortKey> {
        match value {
            Value::String(text) => Some(match dates::parse(text) {
                Some(date) => SortKey::Date(date),
                None => SortKey::Text(text.clone()),
            }),
            Value::Number(n) => n.as_f64().map(SortKey::Number),
            Value::Bool(b) => Some(SortKey::Number(f64::from(u8::from(*b)))),
            _ => None,
        }
    }

    fn rank(&self) -> u8 {
        match self {
            SortKey::Date(_) => 0,
            SortKey::Number(_) => 1,
            SortKey::Text(_) => 2,
        }
    }
}

impl Eq for SortKey {}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (SortKey::Date(a), SortKey::Date(b)) => a.cmp(b),
            (SortKey::Number(a), SortKey::Number(b)) => a.total_cmp(b),
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            (a, b) => a.rank().cmp(&b.rank()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_files::files;
    use serde_json::json;

    fn run(options: Value, map: &mut Files) -> Site {
        let mut site = Site::default();
        create(&options).unwrap().run(map, &mut site).unwrap();
        site
    }

    fn titles(site: &Site, name: &str) -> Vec<String> {
        site.metadata["collections"][name]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["title"].as_str().unwrap_or("?").to_string())
            .collect()
    }

    #[test]
    fn sorts_dates_as_dates_whatever_their_form() {
        let mut map = files(vec![
            ("posts/a.html", json!({"title": "A", "date": "2024-01-02"})),
            (
                "posts/b.html",
                json!({"title": "B", "date": "2024-01-02T10:00:00+02:00"}),
            ),
            (
                "posts/c.html",
                json!({"title": "C", "date": "2024-01-02 09:00"}),
            ),
            (
                "posts/d.html",
                json!({"title": "D", "date": "2023-12-31T23:00:00-05:00"}),
            ),
            ("about.html", json!({"title": "About"})),
        ]);
        let site = run(
            json!({"posts": {"pattern": "posts/*.html", "sort": "date:desc"}}),
            &mut map,
        );
        // In UTC: C 2024-01-02 09:00, B 08:00, A 00:00, D 2024-01-01 04:00.
        assert_eq!(titles(&site, "posts"), ["C", "B", "A", "D"]);
    }

    #[test]
    fn refer_links_neighbours_with_summaries_without_contents() {
        let mut map = files(vec![
            ("a.html", json!({"title": "A", "n": 1})),
            ("b.html", json!({"title": "B", "n": 2})),
            (
                "c.html",
                json!({"title": "C", "n": 3, "headings": [], "toc": []}),
            ),
        ]);
        run(
            json!({"all": {"pattern": "*.html", "sort": "n:asc"}}),
            &mut map,
        );
        let b = &map["b.html"].metadata["collection"]["all"];
        assert_eq!(b["previous"]["title"], "A");
        assert_eq!(b["next"]["title"], "C");
        assert_eq!(b["first"]["title"], "A");
        assert_eq!(b["last"]["title"], "C");
        assert_eq!(b["previous"]["path"], "a.html");
        assert_eq!(
            b["previous"]["n"], 1,
            "previous/next carry all the metadata"
        );
        assert_eq!(b["first"]["path"], "a.html");
        assert!(b["first"].get("n").is_none(), "first/last are brief");
        assert!(b["previous"].get("contents").is_none());
        assert!(b["previous"].get("collection").is_none());
        assert!(b["next"].get("headings").is_none() && b["next"].get("toc").is_none());
        let a = &map["a.html"].metadata["collection"]["all"];
        assert!(a.get("previous").is_none());
    }

    #[test]
    fn every_member_links_its_neighbours_in_order() {
        let count = 200;
        let pages: Vec<(String, Value)> = (0..count)
            .map(|i| (format!("p{i:04}.html"), json!({"title": format!("t{i}")})))
            .collect();
        let mut map = files(pages.iter().map(|(p, m)| (p.as_str(), m.clone())).collect());
        let site = run(
            json!({"all": {"pattern": "*.html", "sort": "path:asc"}}),
            &mut map,
        );
        let titles: Vec<String> = (0..count).map(|i| format!("t{i}")).collect();
        assert_eq!(self::titles(&site, "all"), titles);
        for (i, file) in map.values().enumerate() {
            let links = &file.metadata["collection"]["all"];
            let title = |key: &str| links.get(key).map(|l| l["title"].clone());
            assert_eq!(
                title("previous"),
                i.checked_sub(1).map(|p| json!(titles[p]))
            );
            assert_eq!(title("next"), titles.get(i + 1).map(|t| json!(t)));
            assert_eq!(title("first"), Some(json!("t0")));
            assert_eq!(title("last"), Some(json!(titles[count - 1])));
        }
    }

    #[test]
    fn refer_false_adds_no_links() {
        let mut map = files(vec![("a.html", json!({"title": "A"}))]);
        let site = run(
            json!({"all": {"pattern": "*.html", "refer": false}}),
            &mut map,
        );
        assert!(map["a.html"].metadata.get("collection").is_none());
        assert_eq!(titles(&site, "all"), ["A"]);
    }

    #[test]
    fn bare_glob_list_limit_and_default_path_order() {
        let mut map = files(vec![
            ("c.html", json!({"title": "C"})),
            ("a.html", json!({"title": "A"})),
            ("b.md", json!({"title": "B"})),
        ]);
        let site = run(
            json!({"pages": ["*.html", "*.md"], "top": {"pattern": "*.html", "limit": 1}}),
            &mut map,
        );
        assert_eq!(titles(&site, "pages"), ["A", "B", "C"]);
        assert_eq!(titles(&site, "top"), ["A"]);
    }

    #[test]
    fn a_bare_sort_key_is_descending_and_sort_by_reverse_works() {
        let mut map = files(vec![
            ("a.html", json!({"title": "A", "n": 1})),
            ("b.html", json!({"title": "B", "n": 2})),
        ]);
        let site = run(
            json!({"x": {"pattern": "*.html", "sort": "n"}, "y": {"pattern": "*.html", "sortBy": "n", "reverse": false}}),
            &mut map,
        );
        assert_eq!(titles(&site, "x"), ["B", "A"]);
        assert_eq!(titles(&site, "y"), ["A", "B"]);
    }

    #[test]
    fn front_matter_collection_adds_files_and_creates_collections() {
        let mut map = files(vec![
            ("a.html", json!({"title": "A", "collection": "featured"})),
            (
                "b.html",
                json!({"title": "B", "collection": ["featured", "posts"]}),
            ),
            ("c.html", json!({"title": "C"})),
        ]);
        let site = run(json!({"posts": {"pattern": "c.html"}}), &mut map);
        assert_eq!(titles(&site, "posts"), ["B", "C"]);
        assert_eq!(titles(&site, "featured"), ["A", "B"]);
        assert!(map["b.html"].metadata["collection"]["featured"].is_object());
    }

    #[test]
    fn missing_sort_keys_come_last_in_one_warning() {
        let mut map = files(vec![
            ("a.html", json!({"title": "A"})),
            ("b.html", json!({"title": "B", "date": "2024-01-01"})),
            ("c.html", json!({"title": "C"})),
        ]);
        let site = run(
            json!({"posts": {"pattern": "*.html", "sort": "date:asc"}}),
            &mut map,
        );
        assert_eq!(titles(&site, "posts"), ["B", "A", "C"]);
        let warnings = site.take_warnings();
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].contains("2 files have no `date`")
                && warnings[0].contains("a.html, c.html"),
            "{warnings:?}"
        );
    }

    #[test]
    fn running_twice_never_duplicates_members() {
        let plugin = create(&json!({"all": "*.html"})).unwrap();
        let mut site = Site::default();
        for _ in 0..2 {
            let mut map = files(vec![("a.html", json!({"title": "A"}))]);
            plugin.run(&mut map, &mut site).unwrap();
        }
        assert_eq!(titles(&site, "all"), ["A"]);
    }

    #[test]
    fn metadata_option_from_a_map_or_a_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("posts.yaml"), "title: The Blog\n").unwrap();
        let mut site = Site::new(
            dir.path().into(),
            dir.path().join("src"),
            dir.path().join("build"),
        );
        let mut map = files(vec![("a.html", json!({"title": "A"}))]);
        create(&json!({"a": {"pattern": "*.html", "metadata": {"title": "Inline"}}, "b": {"pattern": "*.html", "metadata": "posts.yaml"}}))
            .unwrap()
            .run(&mut map, &mut site)
            .unwrap();
        assert_eq!(
            site.metadata["collections_metadata"]["a"]["title"],
            "Inline"
        );
        assert_eq!(
            site.metadata["collections_metadata"]["b"]["title"],
            "The Blog"
        );
        let error = create(&json!({"c": {"pattern": "*.html", "metadata": "nope.yaml"}}))
            .unwrap()
            .run(&mut map, &mut site)
            .unwrap_err();
        assert!(error.to_string().contains("nope.yaml"), "{error}");
    }

    #[test]
    fn option_errors_name_the_collection() {
        let error = create(&json!({"posts": {"pattern": "*.md", "sortt": "x"}})).unwrap_err();
        assert!(
            error.starts_with("collection `posts`:") && error.contains("sortt"),
            "{error}"
        );
        let error = create(&json!({"posts": {"sort": "date:up"}})).unwrap_err();
        assert!(error.contains(":asc"), "{error}");
    }
}
