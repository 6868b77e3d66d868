//! `sitemap`: writes `sitemap.xml`, listing the site's HTML pages for search engines
//! (`metalsmith-sitemap` options), and can point `robots.txt` at it.
//!
//! Each page's URL is its `permalink` when the permalinks plugin gave it one, else its
//! path; its `<lastmod>` comes from `lastmod`, `updated` or `date`. The XML is built by
//! quick-xml's writer, so every URL is escaped.

mod entry;
mod output;
mod url;

use ironsmith_core::{
    check_output_path, parse_options, Error, File, FileError, Files, Pattern, Plugin, Site,
};
use serde::Deserialize;
use serde_json::Value;

use crate::key_path;
use entry::Entry;
use output::{add_robots_line, render};

pub const NAME: &str = "sitemap";

/// The sitemap protocol's limit of URLs in one file.
const MAX_URLS: usize = 50_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// The site's base URL; global metadata `site.url` when missing.
    pub hostname: Option<String>,
    /// The pages to list.
    pub pattern: Pattern,
    /// Where the sitemap is written.
    pub output: String,
    /// `<changefreq>` for pages whose front matter sets none.
    pub changefreq: Option<Value>,
    /// `<priority>` for pages whose front matter sets none.
    pub priority: Option<Value>,
    /// `<lastmod>` for pages without a date of their own.
    pub lastmod: Option<Value>,
    /// Path-based URLs end at the folder: `docs/index.html` is `docs/`.
    pub omit_index: bool,
    /// Path-based URLs lose their extension: `about.html` is `about`.
    pub omit_extension: bool,
    /// The front matter key (a dotted path) that overrides a page's URL.
    pub url_property: String,
    /// The front matter key (a dotted path) read first for `<lastmod>`.
    pub modified_property: String,
    /// The front matter key (a dotted path) that leaves a page out when true.
    pub private_property: String,
    /// The front matter key (a dotted path) for the page's `<priority>`.
    pub priority_property: String,
    /// `true` (for `robots.txt`) or a path: add a `Sitemap:` line to that file, creating it
    /// if the site has none.
    pub robots: Robots,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            hostname: None,
            pattern: Pattern::new(&["**/*.html"]).unwrap_or_else(|_| unreachable!("a valid glob")),
            output: "sitemap.xml".into(),
            changefreq: None,
            priority: None,
            lastmod: None,
            omit_index: false,
            omit_extension: false,
            url_property: "canonical".into(),
            modified_property: "lastmod".into(),
            private_property: "private".into(),
            priority_property: "priority".into(),
            robots: Robots::Flag(false),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "true, false, or the path of a robots.txt file")]
pub enum Robots {
    Flag(bool),
    Path(String),
}

#[derive(Debug)]
pub struct Sitemap {
    options: Options,
    /// `hostname`, checked.
    hostname: Option<String>,
    /// The defaults, checked and written as the sitemap shows them.
    changefreq: Option<String>,
    priority: Option<String>,
    lastmod: Option<String>,
    robots: Option<String>,
}

/// Options may also be just the hostname, as in Metalsmith.
pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let options: Options = match options {
        Value::String(hostname) => Options {
            hostname: Some(hostname.clone()),
            ..Options::default()
        },
        other => parse_options(other)?,
    };
    let hostname = options
        .hostname
        .as_deref()
        .map(url::base)
        .transpose()
        .map_err(option("hostname"))?;
    check_output_path(&options.output).map_err(option("output"))?;
    let robots = match &options.robots {
        Robots::Flag(false) => None,
        Robots::Flag(true) => Some("robots.txt".to_string()),
        Robots::Path(path) => {
            check_output_path(path).map_err(option("robots"))?;
            Some(path.clone())
        }
    };
    let changefreq = options
        .changefreq
        .as_ref()
        .map(|value| entry::changefreq(value, "changefreq"))
        .transpose()
        .map_err(option("changefreq"))?;
    let priority = options
        .priority
        .as_ref()
        .map(|value| entry::priority(value, "priority"))
        .transpose()
        .map_err(option("priority"))?;
    let lastmod = options
        .lastmod
        .as_ref()
        .map(|value| entry::lastmod(value, "lastmod"))
        .transpose()
        .map_err(option("lastmod"))?;
    Ok(Box::new(Sitemap {
        options,
        hostname,
        changefreq,
        priority,
        lastmod,
        robots,
    }))
}

/// Prefixes an option's error with the option's name.
fn option(name: &'static str) -> impl Fn(String) -> String {
    move |error| format!("option `{name}`: {error}")
}

impl Plugin for Sitemap {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        let base = self.base(site)?;
        let output = &self.options.output;
        if let Some(existing) = files.get(output) {
            return Err(Error::file(
                existing.display_path(output),
                FileError::new(
                    "the sitemap would replace this file: remove it, or set the sitemap's `output` to another path",
                ),
            ));
        }
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        for (path, file) in files.iter() {
            if !self.options.pattern.is_match(path) {
                continue;
            }
            match self.entry(&base, path, file) {
                Ok(Some(entry)) => entries.push((entry, file.display_path(path))),
                Ok(None) => {}
                Err(error) => errors.push(Error::file(file.display_path(path), error)),
            }
        }
        if let Some(error) = Error::from_many(errors) {
            return Err(error);
        }
        // Sorted by URL: the order a reader scans, and the same whatever moved the files.
        entries.sort_by(|(a, _), (b, _)| a.loc.cmp(&b.loc));
        entries.dedup_by(|(later, later_file), (kept, kept_file)| {
            let same = later.loc == kept.loc;
            if same {
                site.warn(format!(
                    "{kept_file} and {later_file} both have the URL {}: the sitemap lists it once",
                    kept.loc
                ));
            }
            same
        });
        if entries.len() > MAX_URLS {
            site.warn(format!(
                "{output} lists {} URLs; search engines read at most {MAX_URLS} from one sitemap",
                entries.len()
            ));
        }
        let entries: Vec<Entry> = entries.into_iter().map(|(entry, _)| entry).collect();
        let xml = render(&entries)
            .map_err(|error| Error::Message(format!("cannot write {output}: {error}")))?;
        files.insert(output.clone(), File::new(xml));
        if let Some(robots) = &self.robots {
            add_robots_line(files, robots, &url::join(&base, output))?;
        }
        Ok(())
    }
}

impl Sitemap {
    /// The base URL: the `hostname` option, else global metadata `site.url`.
    fn base(&self, site: &Site) -> Result<String, Error> {
        if let Some(hostname) = &self.hostname {
            return Ok(hostname.clone());
        }
        match key_path::get(&site.metadata, "site.url") {
            Some(Value::String(url)) => url::base(url).map_err(|error| {
                Error::Message(format!(
                    "global metadata `site.url`: {error}, or set the sitemap's `hostname` option"
                ))
            }),
            _ => Err(Error::Message(
                "no site URL: set the sitemap's `hostname` option (such as `https://example.com`) or `site.url` in the global metadata".into(),
            )),
        }
    }

    /// The page's `<url>`, or `None` when it stays out of the sitemap.
    fn entry(&self, base: &str, path: &str, file: &File) -> Result<Option<Entry>, FileError> {
        let metadata = &file.metadata;
        let private_key = &self.options.private_property;
        if entry::flag(key_path::get(metadata, private_key), private_key)? {
            return Ok(None);
        }
        if metadata.get("sitemap").is_some() && !entry::flag(metadata.get("sitemap"), "sitemap")? {
            return Ok(None);
        }
        let lastmod = [self.options.modified_property.as_str(), "updated", "date"]
            .into_iter()
            .find_map(|key| {
                key_path::get(metadata, key)
                    .filter(|value| !value.is_null())
                    .map(|value| entry::lastmod(value, key))
            })
            .transpose()?
            .or_else(|| self.lastmod.clone());
        let changefreq = match metadata.get("changefreq") {
            Some(value) => Some(entry::changefreq(value, "changefreq")?),
            None => self.changefreq.clone(),
        };
        let priority_key = &self.options.priority_property;
        let priority = match key_path::get(metadata, priority_key) {
            Some(value) => Some(entry::priority(value, priority_key)?),
            None => self.priority.clone(),
        };
        Ok(Some(Entry {
            loc: self.location(base, path, file)?,
            lastmod,
            changefreq,
            priority,
        }))
    }

    /// The front matter URL, else the permalink (`""` is the home page), else the path.
    fn location(&self, base: &str, path: &str, file: &File) -> Result<String, FileError> {
        let url_key = &self.options.url_property;
        match key_path::get(&file.metadata, url_key) {
            Some(Value::String(url)) if url::is_absolute(url) => return Ok(url.clone()),
            Some(Value::String(url)) => return Ok(url::join(base, url)),
            None | Some(Value::Null) => {}
            Some(other) => {
                return Err(FileError::new(format!(
                    "`{url_key}` must be a URL or a path on this site, found `{other}`"
                )))
            }
        }
        if let Some(Value::String(permalink)) = file.metadata.get("permalink") {
            let permalink = permalink.trim_matches('/');
            return Ok(if permalink.is_empty() {
                url::join(base, "")
            } else {
                url::join(base, &format!("{permalink}/"))
            });
        }
        let name_start = path.rfind('/').map_or(0, |slash| slash + 1);
        let name = &path[name_start..];
        let shown = if self.options.omit_index && name == "index.html" {
            &path[..name_start]
        } else if self.options.omit_extension {
            name.rfind('.')
                .filter(|&dot| dot > 0)
                .map_or(path, |dot| &path[..name_start + dot])
        } else {
            path
        };
        Ok(url::join(base, shown))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use quick_xml::escape::unescape;
    use quick_xml::events::Event;
    use quick_xml::Reader;
    use serde_json::json;

    fn page(metadata: Value) -> File {
        let mut file = File::new("<p>x</p>");
        if let Value::Object(map) = metadata {
            file.metadata = map;
        }
        file
    }

    fn site() -> Site {
        let mut site = Site::default();
        site.metadata
            .insert("site".into(), json!({"url": "https://example.com/"}));
        site
    }

    fn build(options: Value, pages: Vec<(&str, Value)>) -> Result<Files, Error> {
        build_in(options, pages, &mut site())
    }

    fn build_in(
        options: Value,
        pages: Vec<(&str, Value)>,
        site: &mut Site,
    ) -> Result<Files, Error> {
        let mut files: Files = pages
            .into_iter()
            .map(|(path, metadata)| (path.to_string(), page(metadata)))
            .collect();
        create(&options)
            .map_err(Error::Message)?
            .run(&mut files, site)
            .map(|()| files)
    }

    /// Each `<url>` of the sitemap, parsed back: its fields by name, unescaped.
    fn urls(files: &Files, output: &str) -> Vec<BTreeMap<String, String>> {
        let xml = files[output].text().unwrap();
        let mut reader = Reader::from_str(xml);
        let (mut urls, mut fields, mut text) = (Vec::new(), BTreeMap::new(), String::new());
        loop {
            match reader.read_event().unwrap() {
                Event::Start(_) => text.clear(),
                Event::Text(chunk) => text.push_str(&chunk.decode().unwrap()),
                Event::GeneralRef(reference) => {
                    text.push_str(&format!("&{};", reference.decode().unwrap()))
                }
                Event::End(end) => match end.name().as_ref() {
                    b"url" => urls.push(std::mem::take(&mut fields)),
                    b"urlset" => {}
                    name => {
                        let name = String::from_utf8(name.to_vec()).unwrap();
                        fields.insert(name, unescape(&text).unwrap().into_owned());
                    }
                },
                Event::Eof => break,
                _ => {}
            }
        }
        urls
    }

    fn locs(files: &Files) -> Vec<String> {
        urls(files, "sitemap.xml")
            .into_iter()
            .map(|mut url| url.remove("loc").unwrap())
            .collect()
    }

    #[test]
    fn lists_pages_by_url_with_their_dates() {
        let files = build(
            json!(null),
            vec![
                ("index.html", json!({"permalink": ""})),
                ("posts/b.html", json!({"date": "2024-03-05"})),
                (
                    "posts/a.html",
                    json!({"updated": "2024-04-01 10:00", "date": "2024-03-01"}),
                ),
                ("about/index.html", json!({"permalink": "about"})),
                ("style.css", json!({})),
            ],
        )
        .unwrap();
        let xml = files["sitemap.xml"].text().unwrap();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"), "{xml}");
        let found: Vec<(String, Option<String>)> = urls(&files, "sitemap.xml")
            .into_iter()
            .map(|mut url| (url.remove("loc").unwrap(), url.remove("lastmod")))
            .collect();
        assert_eq!(
            found,
            [
                ("https://example.com/".to_string(), None),
                ("https://example.com/about/".to_string(), None),
                (
                    "https://example.com/posts/a.html".to_string(),
                    Some("2024-04-01T10:00:00Z".to_string())
                ),
                (
                    "https://example.com/posts/b.html".to_string(),
                    Some("2024-03-05".to_string())
                ),
            ]
        );
    }

    #[test]
    fn urls_are_escaped_in_the_xml() {
        let files = build(json!(null), vec![("q&a <1>.html", json!({}))]).unwrap();
        let xml = files["sitemap.xml"].text().unwrap();
        assert!(
            xml.contains("<loc>https://example.com/q&amp;a%20%3C1%3E.html</loc>"),
            "{xml}"
        );
        assert_eq!(locs(&files), ["https://example.com/q&a%20%3C1%3E.html"]);
    }

    #[test]
    fn hostname_option_wins_over_site_url_and_one_is_needed() {
        let files = build(json!("https://other.example"), vec![("a.html", json!({}))]).unwrap();
        assert_eq!(locs(&files), ["https://other.example/a.html"]);

        let error = build_in(
            json!(null),
            vec![("a.html", json!({}))],
            &mut Site::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.starts_with("no site URL: set the sitemap's `hostname` option"),
            "{error}"
        );

        let mut bad = Site::default();
        bad.metadata
            .insert("site".into(), json!({"url": "example.com"}));
        let error = build_in(json!(null), vec![("a.html", json!({}))], &mut bad)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(
                "global metadata `site.url`: `example.com` is not an absolute http(s) URL"
            ) && error.contains("`hostname`"),
            "{error}"
        );

        let error = create(&json!({"hostname": "ftp://example.com"})).unwrap_err();
        assert!(
            error.starts_with("option `hostname`: `ftp://example.com`"),
            "{error}"
        );
    }

    #[test]
    fn private_pages_and_sitemap_false_are_left_out() {
        let files = build(
            json!({"privateProperty": "seo.hidden"}),
            vec![
                ("a.html", json!({"seo": {"hidden": true}})),
                ("b.html", json!({"sitemap": false})),
                ("c.html", json!({"private": true, "sitemap": true})),
            ],
        )
        .unwrap();
        assert_eq!(locs(&files), ["https://example.com/c.html"]);
        let files = build(json!(null), vec![("a.html", json!({"private": "yes"}))]).unwrap();
        assert!(locs(&files).is_empty());
    }

    #[test]
    fn changefreq_and_priority_defaults_and_front_matter_overrides() {
        let files = build(
            json!({"changefreq": "weekly", "priority": "0.5", "priorityProperty": "seo.priority"}),
            vec![
                ("a.html", json!({})),
                (
                    "b.html",
                    json!({"changefreq": "daily", "seo": {"priority": 1}}),
                ),
            ],
        )
        .unwrap();
        let found = urls(&files, "sitemap.xml");
        assert_eq!(found[0]["changefreq"], "weekly");
        assert_eq!(found[0]["priority"], "0.5");
        assert_eq!(found[1]["changefreq"], "daily");
        assert_eq!(found[1]["priority"], "1.0");
        let files = build(json!(null), vec![("a.html", json!({}))]).unwrap();
        let found = urls(&files, "sitemap.xml");
        assert!(!found[0].contains_key("changefreq") && !found[0].contains_key("priority"));
    }

    #[test]
    fn every_bad_page_value_is_reported_with_its_file() {
        let error = build(
            json!(null),
            vec![
                ("a.html", json!({"changefreq": "often"})),
                ("b.html", json!({"priority": 2})),
                ("c.html", json!({"date": "soon"})),
                ("d.html", json!({"sitemap": "maybe"})),
                ("e.html", json!({"canonical": 3})),
            ],
        )
        .unwrap_err();
        let lines = error.lines();
        assert_eq!(lines.len(), 5, "{lines:?}");
        assert!(
            lines[0].starts_with("a.html: `changefreq` must be one of"),
            "{lines:?}"
        );
        assert!(
            lines[1].starts_with("b.html: `priority` must be a number"),
            "{lines:?}"
        );
        assert!(
            lines[2].starts_with("c.html: `date` is not a date: `soon`"),
            "{lines:?}"
        );
        assert!(
            lines[3].starts_with("d.html: `sitemap` must be true or false"),
            "{lines:?}"
        );
        assert!(
            lines[4].starts_with("e.html: `canonical` must be a URL"),
            "{lines:?}"
        );
    }

    #[test]
    fn bad_options_are_named() {
        for (options, option) in [
            (json!({"changefreq": "often"}), "changefreq"),
            (json!({"priority": 7}), "priority"),
            (json!({"lastmod": "yesterday"}), "lastmod"),
            (json!({"output": "../sitemap.xml"}), "output"),
            (json!({"robots": "/robots.txt"}), "robots"),
        ] {
            let error = create(&options).unwrap_err();
            assert!(error.starts_with(&format!("option `{option}`")), "{error}");
        }
        let error = create(&json!({"robots": 3})).unwrap_err();
        assert!(error.contains("robots.txt"), "{error}");
        let error = create(&json!({"links": "alternates"})).unwrap_err();
        assert!(error.contains("links"), "{error}");
    }

    #[test]
    fn omit_index_and_omit_extension_shorten_path_urls() {
        let pages = || {
            vec![
                ("index.html", json!({})),
                ("docs/index.html", json!({})),
                ("docs/setup.html", json!({})),
            ]
        };
        let files = build(json!({"omitIndex": true}), pages()).unwrap();
        assert_eq!(
            locs(&files),
            [
                "https://example.com/",
                "https://example.com/docs/",
                "https://example.com/docs/setup.html"
            ]
        );
        let files = build(json!({"omitExtension": true}), pages()).unwrap();
        assert_eq!(
            locs(&files),
            [
                "https://example.com/docs/index",
                "https://example.com/docs/setup",
                "https://example.com/index"
            ]
        );
    }

    #[test]
    fn url_property_overrides_the_url() {
        let files = build(
            json!({"urlProperty": "seo.url"}),
            vec![
                ("a.html", json!({"seo": {"url": "/elsewhere/"}})),
                ("b.html", json!({"seo": {"url": "https://cdn.example/b"}})),
                (
                    "c.html",
                    json!({"canonical": "ignored", "permalink": false}),
                ),
            ],
        )
        .unwrap();
        assert_eq!(
            locs(&files),
            [
                "https://cdn.example/b",
                "https://example.com/c.html",
                "https://example.com/elsewhere/"
            ]
        );
    }

    #[test]
    fn lastmod_option_and_modified_property() {
        let files = build(
            json!({"lastmod": "2024-01-01", "modifiedProperty": "seo.modified"}),
            vec![
                ("a.html", json!({})),
                (
                    "b.html",
                    json!({"seo": {"modified": "2024-06-01T08:00:00+02:00"}, "date": "2020-01-01"}),
                ),
            ],
        )
        .unwrap();
        let found = urls(&files, "sitemap.xml");
        assert_eq!(found[0]["lastmod"], "2024-01-01");
        assert_eq!(found[1]["lastmod"], "2024-06-01T08:00:00+02:00");
    }

    #[test]
    fn output_option_and_an_existing_output_file() {
        let files = build(
            json!({"output": "maps/site.xml"}),
            vec![("a.html", json!({}))],
        )
        .unwrap();
        assert_eq!(urls(&files, "maps/site.xml").len(), 1);
        let error = build(json!(null), vec![("sitemap.xml", json!({}))]).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("sitemap.xml: the sitemap would replace this file"),
            "{error}"
        );
    }

    #[test]
    fn more_urls_than_one_sitemap_may_hold_is_a_warning() {
        let mut files: Files = (0..=MAX_URLS)
            .map(|n| (format!("{n}.html"), File::new("")))
            .collect();
        let mut site = site();
        create(&json!(null))
            .unwrap()
            .run(&mut files, &mut site)
            .unwrap();
        assert_eq!(
            site.take_warnings(),
            ["sitemap.xml lists 50001 URLs; search engines read at most 50000 from one sitemap"]
        );
    }

    #[test]
    fn robots_option_names_the_file_and_the_sitemap_url() {
        let files = build(json!({"robots": true}), vec![("a.html", json!({}))]).unwrap();
        assert!(files["robots.txt"]
            .text()
            .unwrap()
            .ends_with("Sitemap: https://example.com/sitemap.xml\n"));
        let files = build(
            json!({"robots": "static/robots.txt", "output": "maps/site.xml"}),
            vec![("a.html", json!({}))],
        )
        .unwrap();
        assert!(!files.contains_key("robots.txt"));
        assert!(files["static/robots.txt"]
            .text()
            .unwrap()
            .ends_with("Sitemap: https://example.com/maps/site.xml\n"));
        let files = build(json!(null), vec![("a.html", json!({}))]).unwrap();
        assert!(!files.contains_key("robots.txt"));
    }

    #[test]
    fn two_pages_with_one_url_are_listed_once_with_a_warning() {
        let mut site = site();
        let files = build_in(
            json!(null),
            vec![
                ("a.html", json!({"canonical": "same/"})),
                ("b.html", json!({"canonical": "same/"})),
            ],
            &mut site,
        )
        .unwrap();
        assert_eq!(locs(&files), ["https://example.com/same/"]);
        let warnings = site.take_warnings();
        assert_eq!(
            warnings,
            ["a.html and b.html both have the URL https://example.com/same/: the sitemap lists it once"]
        );
    }
}
