//! `feed`: RSS 2.0 and Atom feeds for a collection, with metalsmith-feed's options.
//!
//! The collection (`collections.<name>`, from the collections plugin) gives the items and
//! their order; each item is then read from its page in the files, so metadata added after
//! `collections` ran (an `excerpt`) still counts. Run it before `layouts`: `content: full`
//! publishes the page's HTML as it is when the feed runs, not the page wrapped in a layout.

mod atom;
mod entry;
mod links;
mod options;
mod rss;

use chrono::{DateTime, FixedOffset, Utc};
use ironsmith_core::{
    check_output_path, parse_options, Error, File, FileError, Files, Plugin, Site,
};
use serde_json::Value;

use self::entry::Entry;
pub use self::options::{ContentKind, FeedPath, Limit, Options};
use crate::key_path;

pub const NAME: &str = "feed";

/// How many files a warning lists before it says "and N more".
const LISTED: usize = 10;

/// What a feed says about itself, from the options or the global `site` metadata.
#[derive(Debug)]
struct Info {
    title: String,
    description: String,
    /// The site's URL, without a trailing `/`.
    site: String,
    language: Option<String>,
    copyright: Option<String>,
    author: Option<String>,
    /// The newest item's date.
    updated: Option<DateTime<FixedOffset>>,
}

#[derive(Debug)]
pub struct Feed {
    options: Options,
    collection: String,
    rss: Option<String>,
    atom: Option<String>,
}

/// Options may be a map, or a bare collection name (`feed: posts`).
pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let options: Options = match options {
        Value::String(collection) => Options {
            collection: Some(collection.clone()),
            ..Options::default()
        },
        other => parse_options(other)?,
    };
    let collection = options.collection.clone().ok_or(
        "option `collection` is required: name the collection to publish, such as `collection: posts`",
    )?;
    let rss = options.rss.resolve("rss.xml");
    let atom = options.atom.resolve("atom.xml");
    for (option, path) in [("rss", &rss), ("atom", &atom)] {
        if let Some(path) = path {
            check_output_path(path).map_err(|error| format!("option `{option}`: {error}"))?;
        }
    }
    match (&rss, &atom) {
        (None, None) => Err(
            "options `rss` and `atom` are both false, so there is nothing to write: give one of them a path"
                .to_string(),
        ),
        (Some(rss), Some(atom)) if rss == atom => Err(format!(
            "options `rss` and `atom` are both `{rss}`: give the two feeds different paths"
        )),
        _ => Ok(Box::new(Feed {
            options,
            collection,
            rss,
            atom,
        })),
    }
}

impl Plugin for Feed {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        let members = self.members(site)?;
        let mut info = self.info(site)?;
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        let mut undated = Vec::new();
        let mut unsummarised = Vec::new();
        for path in members {
            let Some(file) = files.get(&path) else {
                errors.push(Error::Message(format!(
                    "`{path}` of collection `{}` is no longer among the files: list `feed` before the plugin that removes or renames it",
                    self.collection
                )));
                continue;
            };
            match Entry::read(&path, file, &info.site, self.options.content) {
                Ok(entry) => {
                    if entry.published.is_none() {
                        undated.push(file.display_path(&path));
                    }
                    if entry.content.is_none() && entry.summary.is_none() {
                        unsummarised.push(file.display_path(&path));
                    }
                    entries.push(entry);
                }
                Err(error) => errors.push(Error::file(file.display_path(&path), error)),
            }
        }
        if let Some(error) = Error::from_many(errors) {
            return Err(error);
        }
        if !undated.is_empty() {
            site.warn(format!(
                "feed: items of `{}` without a `date` (the feeds give them no publication date): {}",
                self.collection,
                listed(&undated)
            ));
        }
        if !unsummarised.is_empty() {
            site.warn(format!(
                "feed: items of `{}` without an `excerpt` or a `description` (with `content: excerpt`, the feeds give them no text): {}",
                self.collection,
                listed(&unsummarised)
            ));
        }
        info.updated = entries.iter().filter_map(Entry::last_change).max();

        if let Some(path) = &self.rss {
            let url = format!("{}/{}", info.site, links::page_path(None, path));
            let xml = rss::render(&info, &entries, &url).map_err(|error| {
                Error::Message(format!("cannot write the RSS feed `{path}`: {error}"))
            })?;
            add(files, path, xml, "rss")?;
        }
        if let Some(path) = &self.atom {
            let url = format!("{}/{}", info.site, links::page_path(None, path));
            let xml = atom::render(&info, &entries, &url, Utc::now().fixed_offset()).map_err(
                |error| Error::Message(format!("cannot write the Atom feed `{path}`: {error}")),
            )?;
            add(files, path, xml, "atom")?;
        }
        Ok(())
    }
}

impl Feed {
    /// The feed's own description: options first, then global `site` metadata.
    fn info(&self, site: &Site) -> Result<Info, Error> {
        let global = |key: &str| {
            key_path::get(&site.metadata, key)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let options = &self.options;
        let url = match (&options.site_url, global("site.url")) {
            (Some(url), _) => links::site_url(url, "option `siteUrl`"),
            (None, Some(url)) => links::site_url(&url, "`site.url`"),
            (None, None) => Err(
                "a feed needs the site's address for its links: set `site.url` in global metadata \
                 (such as `metadata: {site: {url: \"https://example.com\"}}`) or the `siteUrl` option"
                    .to_string(),
            ),
        }
        .map_err(Error::Message)?;
        let title = options.title.clone().or_else(|| global("site.title")).ok_or_else(|| {
            Error::Message(
                "a feed needs a title: set `site.title` in global metadata or the `title` option".into(),
            )
        })?;
        let author = match &options.author {
            Some(author) => Some(author.clone()),
            None => entry::people(key_path::get(&site.metadata, "site.author"))
                .map_err(|error| Error::Message(format!("global metadata `site.author`: {error}")))?
                .into_iter()
                .next()
                .map(|person| person.name),
        };
        Ok(Info {
            title,
            description: options
                .description
                .clone()
                .or_else(|| global("site.description"))
                .unwrap_or_default(),
            site: url,
            language: options.language.clone().or_else(|| global("site.language")),
            copyright: options
                .copyright
                .clone()
                .or_else(|| global("site.copyright")),
            author,
            updated: None,
        })
    }

    /// The paths of the collection's first `limit` members, in the collection's order.
    fn members(&self, site: &Site) -> Result<Vec<String>, Error> {
        let name = &self.collection;
        let collections = site.metadata.get("collections").and_then(Value::as_object);
        let Some(members) = collections.and_then(|all| all.get(name)) else {
            let known: Vec<String> = collections
                .into_iter()
                .flat_map(|all| all.keys().map(|key| format!("`{key}`")))
                .collect();
            return Err(Error::Message(if known.is_empty() {
                format!(
                    "option `collection`: there is no collection `{name}`: define it with the `collections` plugin, listed before `feed`"
                )
            } else {
                format!(
                    "option `collection`: there is no collection `{name}`; the collections are {}",
                    known.join(", ")
                )
            }));
        };
        let Value::Array(members) = members else {
            return Err(Error::Message(format!(
                "global metadata `collections.{name}` is not a list of pages: let the `collections` plugin make it"
            )));
        };
        let limit = match self.options.limit {
            Limit::Count(count) => count,
            Limit::All => usize::MAX,
        };
        members
            .iter()
            .take(limit)
            .map(|member| {
                member
                    .get("path")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| {
                        Error::Message(format!(
                            "collection `{name}` has an item without a `path`: let the `collections` plugin make it"
                        ))
                    })
            })
            .collect()
    }
}

/// Adds a feed to the files; a source file at its path is an error, never overwritten.
fn add(files: &mut Files, path: &str, xml: Vec<u8>, option: &str) -> Result<(), Error> {
    if let Some(existing) = files.get(path) {
        return Err(Error::file(
            existing.display_path(path),
            FileError::new(format!(
                "is where the feed would be written: set the `{option}` option to another path, or rename this file"
            )),
        ));
    }
    files.insert(path.to_string(), File::new(xml));
    Ok(())
}

/// `a, b, c and 4 more`.
fn listed(paths: &[String]) -> String {
    let shown = paths[..paths.len().min(LISTED)].join(", ");
    match paths.len().saturating_sub(LISTED) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collections;
    use serde_json::json;

    fn page(metadata: Value, html: &str) -> File {
        let mut file = File::new(html);
        if let Value::Object(map) = metadata {
            file.metadata = map;
        }
        file
    }

    /// Three dated posts and an about page, with `site` metadata, collected as `posts`.
    fn blog() -> (Files, Site) {
        let mut files = Files::new();
        for (n, day) in [(1, "01"), (2, "02"), (3, "03")] {
            files.insert(
                format!("posts/p{n}/index.html"),
                page(
                    json!({"title": format!("Post {n}"), "date": format!("2024-03-{day}"),
                           "permalink": format!("posts/p{n}"), "author": {"name": "Ada"}}),
                    &format!("<p>Post {n} <img src=\"/img/{n}.png\"></p>"),
                ),
            );
        }
        files.insert(
            "about.html".into(),
            page(json!({"title": "About"}), "<p>About</p>"),
        );
        let mut site = Site::default();
        site.metadata.insert(
            "site".into(),
            json!({"title": "Forge Notes", "description": "Notes", "url": "https://example.com/", "language": "en"}),
        );
        collect(
            &mut files,
            &mut site,
            json!({"posts": {"pattern": "posts/**/*.html", "sort": "date:desc"}}),
        );
        (files, site)
    }

    fn collect(files: &mut Files, site: &mut Site, options: Value) {
        collections::create(&options)
            .unwrap()
            .run(files, site)
            .unwrap();
    }

    fn run(options: Value, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        create(&options).map_err(Error::Message)?.run(files, site)
    }

    fn rss_of(files: &Files, path: &str) -> ::rss::Channel {
        ::rss::Channel::read_from(&files[path].contents[..]).unwrap()
    }

    fn atom_of(files: &Files, path: &str) -> atom_syndication::Feed {
        atom_syndication::Feed::read_from(&files[path].contents[..]).unwrap()
    }

    #[test]
    fn writes_both_feeds_in_collection_order_with_absolute_urls() {
        let (mut files, mut site) = blog();
        run(json!({"collection": "posts"}), &mut files, &mut site).unwrap();

        let channel = rss_of(&files, "rss.xml");
        assert_eq!(channel.title(), "Forge Notes");
        assert_eq!(channel.description(), "Notes");
        assert_eq!(channel.link(), "https://example.com/");
        assert_eq!(channel.language(), Some("en"));
        assert_eq!(
            channel.last_build_date(),
            Some("Sun, 3 Mar 2024 00:00:00 +0000")
        );
        let titles: Vec<_> = channel.items().iter().filter_map(|i| i.title()).collect();
        assert_eq!(titles, ["Post 3", "Post 2", "Post 1"]);
        let first = &channel.items()[0];
        assert_eq!(first.link(), Some("https://example.com/posts/p3/"));
        assert_eq!(first.pub_date(), Some("Sun, 3 Mar 2024 00:00:00 +0000"));
        assert_eq!(
            first.description(),
            Some("<p>Post 3 <img src=\"https://example.com/img/3.png\"></p>")
        );

        let feed = atom_of(&files, "atom.xml");
        assert_eq!(feed.title().as_str(), "Forge Notes");
        assert_eq!(feed.id(), "https://example.com/atom.xml");
        assert_eq!(feed.updated().to_rfc3339(), "2024-03-03T00:00:00+00:00");
        let entry = &feed.entries()[2];
        assert_eq!(entry.title().as_str(), "Post 1");
        assert_eq!(entry.id(), "https://example.com/posts/p1/");
        assert_eq!(entry.authors()[0].name(), "Ada");
        assert_eq!(
            entry.published().map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-03-01T00:00:00+00:00")
        );
        assert_eq!(
            entry.content().and_then(|c| c.value()),
            Some("<p>Post 1 <img src=\"https://example.com/img/1.png\"></p>")
        );
        assert!(site.take_warnings().is_empty());
    }

    #[test]
    fn limit_keeps_the_first_items_and_false_keeps_all() {
        let (mut files, mut site) = blog();
        run(
            json!({"collection": "posts", "limit": 2, "atom": false}),
            &mut files,
            &mut site,
        )
        .unwrap();
        let titles: Vec<String> = rss_of(&files, "rss.xml")
            .items()
            .iter()
            .filter_map(|i| i.title().map(str::to_string))
            .collect();
        assert_eq!(titles, ["Post 3", "Post 2"]);
        assert!(!files.contains_key("atom.xml"));

        let (mut files, mut site) = blog();
        run(
            json!({"collection": "posts", "limit": false, "rss": false}),
            &mut files,
            &mut site,
        )
        .unwrap();
        assert_eq!(atom_of(&files, "atom.xml").entries().len(), 3);
        assert!(!files.contains_key("rss.xml"));
    }

    #[test]
    fn the_default_limit_is_twenty() {
        let mut files = Files::new();
        for n in 0..25 {
            files.insert(
                format!("p{n:02}.html"),
                page(json!({"title": n, "date": "2024-01-01"}), "x"),
            );
        }
        let mut site = Site::default();
        site.metadata
            .insert("site".into(), json!({"title": "T", "url": "https://a.org"}));
        collect(&mut files, &mut site, json!({"all": "*.html"}));
        run(json!("all"), &mut files, &mut site).unwrap();
        assert_eq!(rss_of(&files, "rss.xml").items().len(), 20);
        assert_eq!(atom_of(&files, "atom.xml").entries().len(), 20);
    }

    #[test]
    fn options_override_site_metadata_and_paths_are_configurable() {
        let (mut files, mut site) = blog();
        run(
            json!({"collection": "posts", "destination": "feeds/blog.rss", "atom": "feeds/blog.atom",
                   "title": "Only posts", "description": "Mine", "site_url": "https://blog.example.org/",
                   "language": "fr", "copyright": "CC0", "author": "The Team"}),
            &mut files,
            &mut site,
        )
        .unwrap();
        let channel = rss_of(&files, "feeds/blog.rss");
        assert_eq!(channel.title(), "Only posts");
        assert_eq!(channel.description(), "Mine");
        assert_eq!(channel.language(), Some("fr"));
        assert_eq!(channel.copyright(), Some("CC0"));
        assert_eq!(
            channel.extensions()["atom"]["link"][0].attrs()["href"],
            "https://blog.example.org/feeds/blog.rss"
        );
        assert_eq!(
            channel.items()[0].link(),
            Some("https://blog.example.org/posts/p3/")
        );
        let feed = atom_of(&files, "feeds/blog.atom");
        assert_eq!(feed.id(), "https://blog.example.org/feeds/blog.atom");
        assert_eq!(feed.authors()[0].name(), "The Team");
        assert_eq!(feed.rights().map(|r| r.as_str()), Some("CC0"));
    }

    #[test]
    fn excerpt_content_uses_excerpt_then_description_and_warns_when_neither() {
        let (mut files, mut site) = blog();
        // Set after `collections` ran: the feed reads the page, not the summary.
        files["posts/p3/index.html"].metadata.insert(
            "excerpt".into(),
            json!("<p>Three <a href=\"#more\">more</a></p>"),
        );
        files["posts/p2/index.html"]
            .metadata
            .insert("description".into(), json!("Two & two"));
        run(
            json!({"collection": "posts", "content": "excerpt"}),
            &mut files,
            &mut site,
        )
        .unwrap();
        let items = rss_of(&files, "rss.xml").items().to_vec();
        assert_eq!(
            items[0].description(),
            Some("<p>Three <a href=\"https://example.com/posts/p3/#more\">more</a></p>")
        );
        assert_eq!(items[1].description(), Some("Two &amp; two"));
        assert_eq!(items[2].description(), None);
        let feed = atom_of(&files, "atom.xml");
        assert!(feed.entries().iter().all(|e| e.content().is_none()));
        assert_eq!(
            feed.entries()[1].summary().map(|s| s.as_str()),
            Some("Two & two")
        );
        let warnings = site.take_warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("items of `posts` without an `excerpt` or a `description`")
                && warnings[0].contains("posts/p1/index.html"),
            "{warnings:?}"
        );
    }

    #[test]
    fn undated_items_have_no_pub_date_and_are_reported() {
        let (mut files, mut site) = blog();
        files["posts/p2/index.html"].metadata.remove("date");
        run(json!({"collection": "posts"}), &mut files, &mut site).unwrap();
        let channel = rss_of(&files, "rss.xml");
        let undated: Vec<_> = channel
            .items()
            .iter()
            .filter(|i| i.pub_date().is_none())
            .collect();
        assert_eq!(undated.len(), 1);
        assert_eq!(undated[0].title(), Some("Post 2"));
        let feed = atom_of(&files, "atom.xml");
        let entry = feed
            .entries()
            .iter()
            .find(|e| e.title().as_str() == "Post 2")
            .unwrap();
        assert_eq!(entry.updated(), feed.updated());
        let warnings = site.take_warnings();
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("without a `date`") && w.contains("posts/p2/index.html")),
            "{warnings:?}"
        );
    }

    #[test]
    fn authors_from_the_authors_plugin_and_site_author() {
        let (mut files, mut site) = blog();
        files["posts/p3/index.html"].metadata.insert(
            "author".into(),
            json!([{"name": "Grace", "email": "grace@example.com"}, "Ada"]),
        );
        site.metadata["site"]["author"] = json!({"name": "Forge Team"});
        run(json!({"collection": "posts"}), &mut files, &mut site).unwrap();
        let channel = rss_of(&files, "rss.xml");
        assert_eq!(
            channel.items()[0].author(),
            Some("grace@example.com (Grace)")
        );
        let feed = atom_of(&files, "atom.xml");
        assert_eq!(feed.authors()[0].name(), "Forge Team");
        let names: Vec<_> = feed.entries()[0]
            .authors()
            .iter()
            .map(|p| p.name())
            .collect();
        assert_eq!(names, ["Grace", "Ada"]);
    }

    #[test]
    fn metalsmith_names_resolve_through_the_registry() {
        let registry = crate::registry();
        for name in ["feed", "@metalsmith/feed", "metalsmith-feed"] {
            let spec = ironsmith_core::PluginSpec::new(name, json!({"collection": "posts"}));
            let plugin = registry.create(&spec).unwrap().unwrap();
            assert_eq!(plugin.name(), NAME);
        }
    }

    #[test]
    fn option_errors_say_what_to_set() {
        for (options, expected) in [
            (json!({}), "option `collection` is required"),
            (json!(true), "option `collection` is required"),
            (
                json!({"collection": "posts", "rss": false, "atom": false}),
                "nothing to write",
            ),
            (
                json!({"collection": "posts", "rss": "feed.xml", "atom": "feed.xml"}),
                "both `feed.xml`",
            ),
            (
                json!({"collection": "posts", "rss": "../rss.xml"}),
                "option `rss`: output path `../rss.xml`",
            ),
            (
                json!({"collection": "posts", "atom": "/atom.xml"}),
                "option `atom`: output path `/atom.xml` is absolute",
            ),
            (
                json!({"collection": "posts", "postDescription": "x"}),
                "unknown field `postDescription`",
            ),
        ] {
            let error = create(&options).unwrap_err();
            assert!(error.contains(expected), "{options}: {error}");
        }
    }

    fn run_error(options: Value, files: &mut Files, site: &mut Site) -> String {
        run(options, files, site).unwrap_err().to_string()
    }

    #[test]
    fn a_missing_or_unknown_collection_is_named() {
        let (mut files, mut site) = blog();
        let error = run_error(json!({"collection": "news"}), &mut files, &mut site);
        assert!(
            error.contains("no collection `news`") && error.contains("the collections are `posts`"),
            "{error}"
        );
        let mut site = Site::default();
        let error = run_error(json!({"collection": "posts"}), &mut files, &mut site);
        assert!(
            error.contains("no collection `posts`") && error.contains("`collections` plugin"),
            "{error}"
        );
    }

    #[test]
    fn site_url_and_title_are_required_and_checked() {
        let (mut files, mut site) = blog();
        site.metadata["site"].as_object_mut().unwrap().remove("url");
        let error = run_error(json!({"collection": "posts"}), &mut files, &mut site);
        assert!(
            error.contains("set `site.url`") && error.contains("`siteUrl` option"),
            "{error}"
        );
        let error = run_error(
            json!({"collection": "posts", "siteUrl": "example.com"}),
            &mut files,
            &mut site,
        );
        assert!(
            error.contains("option `siteUrl` `example.com` is not an absolute URL"),
            "{error}"
        );
        site.metadata["site"]["url"] = json!("www.example.com");
        let error = run_error(json!({"collection": "posts"}), &mut files, &mut site);
        assert!(
            error.contains("`site.url` `www.example.com` is not an absolute URL"),
            "{error}"
        );
        site.metadata["site"] = json!({"url": "https://example.com"});
        let error = run_error(json!({"collection": "posts"}), &mut files, &mut site);
        assert!(
            error.contains("set `site.title`") && error.contains("`title` option"),
            "{error}"
        );
        site.metadata["site"] = json!({"url": "https://example.com", "title": "T", "author": 7});
        let error = run_error(json!({"collection": "posts"}), &mut files, &mut site);
        assert!(error.contains("`site.author`"), "{error}");
    }

    #[test]
    fn bad_pages_are_all_reported_by_path() {
        let (mut files, mut site) = blog();
        files["posts/p1/index.html"].metadata.remove("title");
        files["posts/p2/index.html"]
            .metadata
            .insert("date".into(), json!("soon"));
        let error = run(json!({"collection": "posts"}), &mut files, &mut site).unwrap_err();
        assert_eq!(
            error.lines(),
            [
                "posts/p2/index.html: `date` is `soon`, which is not a date: write it as 2024-03-05, 2024-03-05 10:30 or 2024-03-05T10:30:00+02:00",
                "posts/p1/index.html: has no `title`: every feed item needs one, so give it a `title` in front matter",
            ]
        );
        assert!(!files.contains_key("rss.xml"));
    }

    #[test]
    fn members_must_still_exist_and_feeds_never_overwrite_files() {
        let (mut files, mut site) = blog();
        files.shift_remove("posts/p2/index.html");
        let error = run_error(json!({"collection": "posts"}), &mut files, &mut site);
        assert!(
            error.contains(
                "`posts/p2/index.html` of collection `posts` is no longer among the files"
            ),
            "{error}"
        );

        let (mut files, mut site) = blog();
        files.insert("atom.xml".into(), File::new("mine"));
        let error = run_error(json!({"collection": "posts"}), &mut files, &mut site);
        assert!(
            error.contains("atom.xml: is where the feed would be written: set the `atom` option"),
            "{error}"
        );
        assert_eq!(files["atom.xml"].contents, b"mine");

        let (mut files, mut site) = blog();
        site.metadata
            .insert("collections".into(), json!({"posts": {"a": 1}}));
        let error = run_error(json!({"collection": "posts"}), &mut files, &mut site);
        assert!(
            error.contains("`collections.posts` is not a list"),
            "{error}"
        );
        site.metadata
            .insert("collections".into(), json!({"posts": [{"title": "x"}]}));
        let error = run_error(json!({"collection": "posts"}), &mut files, &mut site);
        assert!(error.contains("an item without a `path`"), "{error}");
    }

    #[test]
    fn listed_caps_long_lists() {
        let paths: Vec<String> = (0..12).map(|n| n.to_string()).collect();
        assert_eq!(listed(&paths[..2]), "0, 1");
        assert_eq!(listed(&paths), "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 2 more");
    }
}
