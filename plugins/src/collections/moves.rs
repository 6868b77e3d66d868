//! Keeps the lists of pages pointing at their members when a later step moves them.
//!
//! Metalsmith's collections and tags hold the files themselves, so its usual order,
//! `collections` or `tags` before `markdown` or `permalinks`, lists each member under its
//! final path with its `permalink`. Here those lists hold summaries copied from the files;
//! a step that moves files hands its moves to [`follow`], which puts fresh summaries of the
//! moved members in their place: in `collections.<name>`, in the members' `collection`
//! links (`previous`/`next`/`first`/`last`), in `taxonomies.<key>[].pages`, and in listing
//! pages' `pagination.files`. A listing page that moves (a `rename` of `tags/**`) has the
//! links to it follow: its term's `url` (in `taxonomies` and in its members' term links)
//! and the other pages' `pagination` links.

use std::collections::HashMap;

use ironsmith_core::{Files, Metadata, Site};
use rayon::prelude::*;
use serde_json::Value;

use super::{brief, summary};
use crate::pages;

/// Refreshes the summaries of the moved files (`(from, to)` paths) that a list holds.
pub fn follow(files: &mut Files, site: &mut Site, moves: &[(String, String)]) {
    if moves.is_empty() {
        return;
    }
    relink_listings(files, site, moves);
    let lists = site_lists(&mut site.metadata);
    // Before `collections` runs (markdown renaming every page) there is nothing to follow.
    if lists.is_empty()
        && !files
            .par_values()
            .any(|file| listed_files(&file.metadata).is_some())
    {
        return;
    }
    let moved: HashMap<&str, &str> = moves
        .iter()
        .map(|(from, to)| (from.as_str(), to.as_str()))
        .collect();
    let mut fresh = Fresh {
        moved,
        summaries: HashMap::new(),
    };
    for list in lists {
        for item in list.iter_mut() {
            if let Some(now) = path_of(item).and_then(|from| fresh.of(from, files)) {
                *item = now.clone();
            }
        }
    }
    // Members only a listing page holds (a taxonomy kept out of the metadata).
    let held: Vec<String> = files
        .par_values()
        .filter_map(|file| listed_files(&file.metadata))
        .flatten()
        .filter_map(path_of)
        .filter(|path| fresh.is_stale(path))
        .map(str::to_string)
        .collect();
    for from in &held {
        fresh.of(from, files);
    }
    if fresh.summaries.is_empty() {
        return;
    }
    let summaries = &fresh.summaries;
    files.par_values_mut().for_each(|file| {
        if let Some(Value::Object(links)) = file.metadata.get_mut("collection") {
            for link in links.values_mut().filter_map(Value::as_object_mut) {
                for (key, value) in link.iter_mut() {
                    let Some(now) = path_of(value).and_then(|from| summaries.get(from)) else {
                        continue;
                    };
                    *value = match key.as_str() {
                        "first" | "last" => brief(now),
                        _ => now.clone(),
                    };
                }
            }
        }
        if let Some(list) = listed_files_mut(&mut file.metadata) {
            for item in list.iter_mut() {
                if let Some(now) = path_of(item).and_then(|from| summaries.get(from)) {
                    *item = now.clone();
                }
            }
        }
    });
}

/// Fresh summaries of moved files, made once each and keyed by the path they moved from.
struct Fresh<'a> {
    moved: HashMap<&'a str, &'a str>,
    summaries: HashMap<String, Value>,
}

impl Fresh<'_> {
    /// The fresh summary of the file that moved from `from`, if it moved.
    fn of(&mut self, from: &str, files: &Files) -> Option<&Value> {
        let index = files.get_index_of(*self.moved.get(from)?)?;
        Some(
            self.summaries
                .entry(from.to_string())
                .or_insert_with(|| summary(files, index)),
        )
    }

    fn is_stale(&self, path: &str) -> bool {
        self.moved.contains_key(path) && !self.summaries.contains_key(path)
    }
}

/// The member lists in global metadata: `collections.<name>` and `taxonomies.<key>[].pages`.
fn site_lists(metadata: &mut Metadata) -> Vec<&mut Vec<Value>> {
    let mut lists = Vec::new();
    for (key, value) in metadata.iter_mut() {
        match (key.as_str(), value) {
            ("collections", Value::Object(collections)) => {
                lists.extend(collections.values_mut().filter_map(Value::as_array_mut));
            }
            ("taxonomies", Value::Object(taxonomies)) => lists.extend(
                taxonomies
                    .values_mut()
                    .filter_map(Value::as_array_mut)
                    .flatten()
                    .filter_map(|term| term.get_mut("pages"))
                    .filter_map(Value::as_array_mut),
            ),
            _ => {}
        }
    }
    lists
}

/// Points the links to moved listing pages (those with `pagination`) at their new place:
/// page links (`path`, `permalink`, `url`) in every `pagination`, and term links (`url`)
/// in `taxonomies`, in members' term lists and in term pages' `term`.
fn relink_listings(files: &mut Files, site: &mut Site, moves: &[(String, String)]) {
    let read: &Files = files;
    let listings: Vec<(&str, &str)> = moves
        .par_iter()
        .filter(|(_, to)| {
            read.get(to.as_str())
                .is_some_and(|file| file.metadata.contains_key("pagination"))
        })
        .map(|(from, to)| (from.as_str(), to.as_str()))
        .collect();
    if listings.is_empty() {
        return;
    }
    let by_path: HashMap<&str, &str> = listings.iter().copied().collect();
    let by_url: HashMap<String, String> = listings
        .iter()
        .map(|(from, to)| (pages::url(from), pages::url(to)))
        .collect();
    if let Some(Value::Object(taxonomies)) = site.metadata.get_mut("taxonomies") {
        for terms in taxonomies.values_mut().filter_map(Value::as_array_mut) {
            terms.iter_mut().for_each(|term| relink_url(term, &by_url));
        }
    }
    files.par_values_mut().for_each(|file| {
        for (key, value) in file.metadata.iter_mut() {
            match (key.as_str(), value) {
                ("pagination", Value::Object(pagination)) => {
                    for (key, link) in pagination.iter_mut() {
                        match (key.as_str(), link) {
                            ("previous" | "next" | "first" | "last", link) => {
                                relink_page(link, &by_path);
                            }
                            ("pages", Value::Array(links)) => {
                                links.iter_mut().for_each(|l| relink_page(l, &by_path));
                            }
                            _ => {}
                        }
                    }
                }
                ("term", term) => relink_url(term, &by_url),
                (_, Value::Array(items)) => items
                    .iter_mut()
                    .filter(|item| item.get("slug").is_some())
                    .for_each(|item| relink_url(item, &by_url)),
                _ => {}
            }
        }
    });
}

/// A page link (`{num, path, permalink, url}`) to a moved page, moved with it.
fn relink_page(link: &mut Value, by_path: &HashMap<&str, &str>) {
    let Some(&to) = path_of(link).and_then(|path| by_path.get(path)) else {
        return;
    };
    if let Value::Object(link) = link {
        link.insert("path".into(), to.into());
        link.insert("permalink".into(), pages::permalink(to).into());
        link.insert("url".into(), pages::url(to).into());
    }
}

/// A term link (`{name, slug, url}`) whose `url` led to a moved page, leading there again.
fn relink_url(link: &mut Value, by_url: &HashMap<String, String>) {
    let Some(Value::String(url)) = link.get_mut("url") else {
        return;
    };
    if let Some(to) = by_url.get(url.as_str()) {
        url.clone_from(to);
    }
}

/// A listing page's members: `pagination.files`.
fn listed_files(metadata: &Metadata) -> Option<&Vec<Value>> {
    metadata.get("pagination")?.get("files")?.as_array()
}

fn listed_files_mut(metadata: &mut Metadata) -> Option<&mut Vec<Value>> {
    metadata
        .get_mut("pagination")?
        .get_mut("files")?
        .as_array_mut()
}

fn path_of(summary: &Value) -> Option<&str> {
    summary.get("path").and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use ironsmith_core::Plugin;
    use serde_json::json;

    use super::*;
    use crate::test_files::files;

    fn run(plugin: Box<dyn Plugin>, map: &mut Files, site: &mut Site) {
        plugin.run(map, site).unwrap();
    }

    fn collections() -> Box<dyn Plugin> {
        crate::collections::create(&json!({"posts": {"pattern": "posts/*", "sort": "date:desc"}}))
            .unwrap()
    }

    fn posts() -> Files {
        files(vec![
            ("posts/a.md", json!({"title": "A", "date": "2024-01-01"})),
            ("posts/b.md", json!({"title": "B", "date": "2024-02-01"})),
            ("posts/c.md", json!({"title": "C", "date": "2024-03-01"})),
        ])
    }

    fn listed(site: &Site, key: &str) -> Vec<Value> {
        site.metadata["collections"]["posts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|summary| summary[key].clone())
            .collect()
    }

    #[test]
    fn permalinks_after_collections_reach_the_lists_and_the_links() {
        let (mut map, mut site) = (posts(), Site::default());
        run(collections(), &mut map, &mut site);
        run(
            crate::markdown::create(&json!({})).unwrap(),
            &mut map,
            &mut site,
        );
        run(
            crate::permalinks::create(&json!({})).unwrap(),
            &mut map,
            &mut site,
        );

        assert_eq!(
            listed(&site, "path"),
            [
                "posts/c/index.html",
                "posts/b/index.html",
                "posts/a/index.html"
            ]
        );
        assert_eq!(
            listed(&site, "permalink"),
            ["posts/c", "posts/b", "posts/a"]
        );
        let links = &map["posts/b/index.html"].metadata["collection"]["posts"];
        assert_eq!(links["previous"]["permalink"], "posts/c");
        assert_eq!(links["next"]["permalink"], "posts/a");
        assert_eq!(links["next"]["title"], "A");
        assert_eq!(links["first"]["permalink"], "posts/c");
        assert_eq!(links["last"]["path"], "posts/a/index.html");
        assert!(links["next"].get("collection").is_none());
    }

    #[test]
    fn renamed_members_are_followed_and_others_left_alone() {
        let mut map = posts();
        map.insert("about.md".into(), ironsmith_core::File::new("about"));
        let mut site = Site::default();
        run(collections(), &mut map, &mut site);
        let rename = crate::rename::create(&json!([{"from": "posts/a.md", "to": {"ext": ".txt"}}]));
        run(rename.unwrap(), &mut map, &mut site);
        assert_eq!(
            listed(&site, "path"),
            ["posts/c.md", "posts/b.md", "posts/a.txt"]
        );
        let links = &map["posts/b.md"].metadata["collection"]["posts"];
        assert_eq!(links["next"]["path"], "posts/a.txt");
        assert_eq!(links["previous"]["path"], "posts/c.md");
    }

    #[test]
    fn in_place_and_sass_renames_are_followed() {
        let mut map = files(vec![
            (
                "posts/a.md.hbs",
                json!({"title": "A", "date": "2024-01-01"}),
            ),
            ("posts/b.scss", json!({"title": "B", "date": "2024-02-01"})),
        ]);
        map["posts/b.scss"].contents = b"a { b: c }".to_vec();
        let dir = tempfile::tempdir().unwrap();
        let mut site = Site::new(dir.path().into(), dir.path().into(), dir.path().join("out"));
        run(collections(), &mut map, &mut site);
        let in_place = crate::in_place::create(&json!({"pattern": "**/*.hbs"}));
        run(in_place.unwrap(), &mut map, &mut site);
        run(
            crate::sass::create(&json!({})).unwrap(),
            &mut map,
            &mut site,
        );
        assert_eq!(listed(&site, "path"), ["posts/b.css", "posts/a.md"]);
        let links = &map["posts/b.css"].metadata["collection"]["posts"];
        assert_eq!(links["next"]["path"], "posts/a.md");
    }

    fn tagged() -> Files {
        files(vec![
            (
                "posts/a.html",
                json!({"title": "A", "date": "2024-01-01", "tags": ["rust"]}),
            ),
            (
                "posts/b.html",
                json!({"title": "B", "date": "2024-02-01", "tags": ["rust"]}),
            ),
        ])
    }

    #[test]
    fn tags_before_permalinks_list_the_moved_members() {
        for skip_metadata in [false, true] {
            let (mut map, mut site) = (tagged(), Site::default());
            let tags = crate::tags::create(&json!({"skipMetadata": skip_metadata})).unwrap();
            run(tags, &mut map, &mut site);
            run(
                crate::permalinks::create(&json!({})).unwrap(),
                &mut map,
                &mut site,
            );
            let page = &map["tags/rust/index.html"].metadata["pagination"]["files"];
            let permalinks: Vec<&Value> = page
                .as_array()
                .unwrap()
                .iter()
                .map(|member| &member["permalink"])
                .collect();
            assert_eq!(
                permalinks,
                ["posts/b", "posts/a"],
                "skipMetadata: {skip_metadata}"
            );
            if !skip_metadata {
                let listed = &site.metadata["taxonomies"]["tags"][0]["pages"][0];
                assert_eq!(listed["path"], "posts/b/index.html");
            }
            assert!(site.take_warnings().is_empty());
        }
    }

    #[test]
    fn a_moved_listing_page_is_linked_where_it_went() {
        let (mut map, mut site) = (tagged(), Site::default());
        run(
            crate::tags::create(&json!({"perPage": 1})).unwrap(),
            &mut map,
            &mut site,
        );
        let rename = json!([{"from": "tags/rust/index.html", "to": "/topics/rust/index.html"}]);
        run(crate::rename::create(&rename).unwrap(), &mut map, &mut site);

        assert_eq!(
            site.metadata["taxonomies"]["tags"][0]["url"],
            "/topics/rust/"
        );
        for post in ["posts/a.html", "posts/b.html"] {
            assert_eq!(
                map[post].metadata["tags"][0]["url"], "/topics/rust/",
                "{post}"
            );
        }
        let first = &map["topics/rust/index.html"].metadata;
        assert_eq!(first["term"]["url"], "/topics/rust/");
        assert_eq!(
            first["pagination"]["first"]["path"],
            "topics/rust/index.html"
        );
        let second = &map["tags/rust/2/index.html"].metadata["pagination"];
        assert_eq!(
            second["previous"],
            json!({"num": 1, "index": 0, "path": "topics/rust/index.html", "permalink": "topics/rust", "url": "/topics/rust/"})
        );
        assert_eq!(second["pages"][0]["url"], "/topics/rust/");
        assert_eq!(second["next"], Value::Null);
        assert_eq!(first["pagination"]["next"]["url"], "/tags/rust/2/");
    }

    #[test]
    fn listing_pages_at_their_own_permalink_stay() {
        let (mut map, mut site) = (tagged(), Site::default());
        let tags = crate::tags::create(&json!({"path": "topics/:tag.html"})).unwrap();
        run(tags, &mut map, &mut site);
        run(
            crate::permalinks::create(&json!({})).unwrap(),
            &mut map,
            &mut site,
        );
        let paths: Vec<&str> = map.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
                "posts/a/index.html",
                "posts/b/index.html",
                "topics/rust.html"
            ]
        );
        let page = &map["topics/rust.html"].metadata["pagination"]["files"][0];
        assert_eq!(page["path"], "posts/b/index.html");
    }

    #[test]
    fn moves_without_collections_change_nothing() {
        let mut map = posts();
        let mut site = Site::default();
        follow(
            &mut map,
            &mut site,
            &[("posts/a.md".into(), "posts/a.html".into())],
        );
        assert!(site.metadata.is_empty());
        assert!(map
            .values()
            .all(|file| file.metadata.get("collection").is_none()));
    }
}
