//! Keeps collections pointing at their members when a later step moves them.
//!
//! Metalsmith's collections hold the files themselves, so its usual order, `collections`
//! before `markdown` or `permalinks`, lists each member under its final path with its
//! `permalink`. Here a collection holds summaries copied from the files; a step that moves
//! files hands its moves to [`follow`], which puts fresh summaries of the moved members in
//! their place, in `collections.<name>` and in the members' `previous`/`next`/`first`/`last`.

use std::collections::HashMap;

use ironsmith_core::{Files, Site};
use rayon::prelude::*;
use serde_json::Value;

use super::{brief, summary};

/// Refreshes the summaries of the moved files (`(from, to)` paths) that are in a collection.
pub fn follow(files: &mut Files, site: &mut Site, moves: &[(String, String)]) {
    let Some(Value::Object(collections)) = site.metadata.get_mut("collections") else {
        return;
    };
    if moves.is_empty() {
        return;
    }
    let moved: HashMap<&str, &str> = moves
        .iter()
        .map(|(from, to)| (from.as_str(), to.as_str()))
        .collect();
    let mut fresh: HashMap<String, Value> = HashMap::new();
    for summaries in collections.values_mut().filter_map(Value::as_array_mut) {
        for item in summaries.iter_mut() {
            let Some(to) = path_of(item).and_then(|from| moved.get(from)) else {
                continue;
            };
            let Some(index) = files.get_index_of(*to) else {
                continue;
            };
            let from = path_of(item).unwrap_or_default().to_string();
            let now = fresh
                .entry(from)
                .or_insert_with(|| summary(files, index))
                .clone();
            *item = now;
        }
    }
    if fresh.is_empty() {
        return;
    }
    files.par_values_mut().for_each(|file| {
        let Some(Value::Object(links)) = file.metadata.get_mut("collection") else {
            return;
        };
        for link in links.values_mut().filter_map(Value::as_object_mut) {
            for (key, value) in link.iter_mut() {
                let Some(now) = path_of(value).and_then(|from| fresh.get(from)) else {
                    continue;
                };
                *value = match key.as_str() {
                    "first" | "last" => brief(now),
                    _ => now.clone(),
                };
            }
        }
    });
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
