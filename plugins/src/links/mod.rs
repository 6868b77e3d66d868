//! `links`: checks that every internal link and `#anchor` in the output resolves: to a
//! page, a file, or an element id on the page it names. External links are not fetched.
//!
//! It reads the finished pages, so it goes last in the chain, after `layouts`. Pages are
//! scanned in parallel with lol_html, then every link is checked against the file map and
//! the ids found, so a 10,000-page site costs two passes over its HTML, not a crawl.

mod resolve;
mod scan;

use std::collections::{HashMap, HashSet};

use ironsmith_core::{parse_options, Error, FileError, Files, Pattern, Plugin, Site};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::Value;

use crate::key_path;
use resolve::{target, Target};
use scan::{Page, Scanner};

pub const NAME: &str = "links";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// The pages whose links are checked, and whose ids anchors may point at.
    pub pattern: Pattern,
    /// `error` fails the build on a broken link; `warn` lists them and goes on.
    pub level: Level,
    /// Link targets not to check (globs over the resolved path, such as `api/**`).
    pub ignore: Option<Pattern>,
    /// Check `#fragment`s against the ids of the page they point at.
    pub anchors: bool,
    /// The site's own address, so absolute links to it are checked too; `site.url` when
    /// missing.
    pub site_url: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pattern: Pattern::new(&["**/*.html"]).unwrap_or_else(|_| unreachable!("a valid glob")),
            level: Level::Error,
            ignore: None,
            anchors: true,
            site_url: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    #[serde(alias = "warning")]
    Warn,
}

#[derive(Debug)]
pub struct Links {
    options: Options,
    scanner: Scanner,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(Links {
        options: parse_options(options)?,
        scanner: Scanner::new(),
    }))
}

impl Plugin for Links {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        let scanned: Vec<(&str, Result<Page, String>)> = files
            .par_iter()
            .filter(|(key, _)| self.options.pattern.is_match(key))
            .map(|(key, file)| (key.as_str(), self.scanner.scan(&file.contents)))
            .collect();
        let mut pages = Vec::with_capacity(scanned.len());
        let mut errors = Vec::new();
        for (key, page) in scanned {
            match page {
                Ok(page) => pages.push((key, page)),
                Err(message) => errors.push(Error::file(
                    files[key].display_path(key),
                    FileError::new(message),
                )),
            }
        }
        if let Some(error) = Error::from_many(errors) {
            return Err(error);
        }

        let ids: HashMap<&str, HashSet<&str>> = pages
            .iter()
            .map(|(key, page)| (*key, page.ids.iter().map(String::as_str).collect()))
            .collect();
        let checker = Checker {
            files,
            ids: &ids,
            options: &self.options,
            site_url: self.options.site_url.clone().or_else(|| {
                key_path::get(&site.metadata, "site.url")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            }),
        };
        let broken: Vec<String> = pages
            .par_iter()
            .flat_map_iter(|(key, page)| checker.broken(key, page))
            .collect();
        match self.options.level {
            Level::Warn => {
                for line in broken {
                    site.warn(format!("{NAME}: {line}"));
                }
                Ok(())
            }
            Level::Error => {
                match Error::from_many(broken.into_iter().map(Error::Message).collect()) {
                    Some(error) => Err(error),
                    None => Ok(()),
                }
            }
        }
    }
}

/// Everything a link is checked against.
struct Checker<'a> {
    files: &'a Files,
    ids: &'a HashMap<&'a str, HashSet<&'a str>>,
    options: &'a Options,
    site_url: Option<String>,
}

impl Checker<'_> {
    /// One line per distinct broken link of the page: where it is, the link, what is wrong.
    fn broken(&self, key: &str, page: &Page) -> Vec<String> {
        let mut seen = HashSet::new();
        let shown = self.files[key].display_path(key);
        let place = match shown == key {
            true => shown,
            false => format!("{shown} (on {key})"),
        };
        page.urls
            .iter()
            .filter(|url| seen.insert(url.as_str()))
            .filter_map(|url| {
                self.problem(url, key)
                    .map(|problem| format!("{place}: broken link `{url}`: {problem}"))
            })
            .collect()
    }

    /// Why `url` on the page `key` does not resolve, if it does not.
    fn problem(&self, url: &str, key: &str) -> Option<String> {
        let (path, fragment) = match target(url, key, self.site_url.as_deref()) {
            Target::External => return None,
            Target::Outside => return Some("it leads above the site's root".into()),
            Target::Internal { path, fragment } => (path, fragment),
        };
        let file = match path {
            None => key.to_string(),
            Some(path) => {
                if self
                    .options
                    .ignore
                    .as_ref()
                    .is_some_and(|p| p.is_match(&path))
                {
                    return None;
                }
                match self.find(&path) {
                    Some(file) => file,
                    None => return Some(format!("there is no `{}`", wanted(&path))),
                }
            }
        };
        let fragment = fragment.filter(|f| !f.is_empty() && !f.eq_ignore_ascii_case("top"))?;
        if !self.options.anchors {
            return None;
        }
        let ids = self.ids.get(file.as_str())?;
        match ids.contains(fragment.as_str()) {
            true => None,
            false => Some(format!("`{file}` has no element with id `{fragment}`")),
        }
    }

    /// The output file a path names, as a static server finds it: a folder by its
    /// `index.html`, and a path without its `/` or `.html` (`/about` for `about/index.html`
    /// or `about.html`).
    fn find(&self, path: &str) -> Option<String> {
        if path.is_empty() || path.ends_with('/') {
            let index = format!("{path}index.html");
            return self.files.contains_key(&index).then_some(index);
        }
        [
            path.to_string(),
            format!("{path}/index.html"),
            format!("{path}.html"),
        ]
        .into_iter()
        .find(|candidate| self.files.contains_key(candidate))
    }
}

/// The file a missing path would have been.
fn wanted(path: &str) -> String {
    match path.is_empty() || path.ends_with('/') {
        true => format!("{path}index.html"),
        false => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironsmith_core::File;
    use serde_json::json;

    fn site(pages: &[(&str, &str)]) -> Files {
        pages
            .iter()
            .map(|(path, html)| (path.to_string(), File::new(*html)))
            .collect()
    }

    fn check(options: Value, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        create(&options).unwrap().run(files, site)
    }

    fn errors(options: Value, pages: &[(&str, &str)]) -> Vec<String> {
        match check(options, &mut site(pages), &mut Site::default()) {
            Ok(()) => Vec::new(),
            Err(error) => error.lines(),
        }
    }

    #[test]
    fn links_to_pages_files_folders_and_ids_pass() {
        let pages = [
            (
                "index.html",
                r##"<a href="/docs/">d</a><a href="docs/">d</a><a href="/docs">d</a>
                <a href="about">a</a><a href="/docs/#install">i</a><a href="#top">t</a><a href="#">t</a>
                <img src="img/a%20b.png"><a href="https://example.org/x">x</a><a href="mailto:a@b">m</a>"##,
            ),
            (
                "about.html",
                "<a href=\"index.html\">home</a><a href='/'>home</a><a href='.'>home</a>",
            ),
            (
                "docs/index.html",
                r##"<h2 id="install">Install</h2><a href="../about.html#">a</a><a href="..">up</a>"##,
            ),
            ("img/a b.png", ""),
        ];
        assert_eq!(errors(json!(null), &pages), Vec::<String>::new());
    }

    #[test]
    fn missing_targets_and_anchors_are_listed_once_per_page() {
        let pages = [
            (
                "index.html",
                r##"<a href="/gone/">g</a><a href="/gone/">again</a><a href="#nope">n</a>
                <a href="docs/#missing">m</a><link rel="stylesheet" href="/style.css"><a href="../../x">x</a>"##,
            ),
            ("docs/index.html", "<h2 id=\"present\">P</h2>"),
        ];
        assert_eq!(
            errors(json!(null), &pages),
            [
                "index.html: broken link `/gone/`: there is no `gone/index.html`",
                "index.html: broken link `#nope`: `index.html` has no element with id `nope`",
                "index.html: broken link `docs/#missing`: `docs/index.html` has no element with id `missing`",
                "index.html: broken link `/style.css`: there is no `style.css`",
                "index.html: broken link `../../x`: it leads above the site's root",
            ]
        );
    }

    #[test]
    fn errors_name_the_source_file_and_the_output_page() {
        let mut files = site(&[("about/index.html", "<a href='/x'>x</a>")]);
        files[0].origin = Some("src/about.md".into());
        let error = check(json!(null), &mut files, &mut Site::default()).unwrap_err();
        assert_eq!(
            error.lines(),
            ["src/about.md (on about/index.html): broken link `/x`: there is no `x`"]
        );
    }

    #[test]
    fn level_warn_lists_them_as_warnings() {
        let mut site_state = Site::default();
        let mut files = site(&[("a.html", "<a href='b.html'>b</a>")]);
        check(json!({"level": "warn"}), &mut files, &mut site_state).unwrap();
        assert_eq!(
            site_state.take_warnings(),
            ["links: a.html: broken link `b.html`: there is no `b.html`"]
        );
        assert!(create(&json!({"level": "warning"})).is_ok());
        assert!(create(&json!({"level": "fatal"}))
            .unwrap_err()
            .contains("unknown variant `fatal`"));
    }

    #[test]
    fn pattern_chooses_the_pages_checked_and_the_ids_known() {
        let pages = [
            ("a.html", "<a href='/b.htm#x'>b</a><a href='gone'>g</a>"),
            ("b.htm", "<p>no ids</p><a href='nowhere'>n</a>"),
        ];
        assert_eq!(
            errors(json!({"pattern": "*.htm"}), &pages),
            ["b.htm: broken link `nowhere`: there is no `nowhere`"]
        );
        assert_eq!(
            errors(json!({"pattern": ["*.html", "*.htm"]}), &pages).len(),
            3
        );
    }

    #[test]
    fn ignore_skips_targets_and_anchors_false_skips_fragments() {
        let pages = [("a.html", "<a href='/api/v1/'>api</a><a href='#x'>x</a>")];
        assert_eq!(
            errors(json!({"ignore": "api/**", "anchors": false}), &pages),
            Vec::<String>::new()
        );
        assert_eq!(errors(json!({"ignore": "api/**"}), &pages).len(), 1);
    }

    #[test]
    fn absolute_links_to_the_site_itself_are_checked() {
        let pages = [("a.html", "<a href='https://example.com/b/'>b</a>")];
        let line = "a.html: broken link `https://example.com/b/`: there is no `b/index.html`";
        assert_eq!(
            errors(json!({"siteUrl": "https://example.com"}), &pages),
            [line]
        );
        let mut state = Site::default();
        state.metadata = json!({"site": {"url": "https://example.com/"}})
            .as_object()
            .unwrap()
            .clone();
        let error = check(json!(null), &mut site(&pages), &mut state).unwrap_err();
        assert_eq!(error.lines(), [line]);
        assert_eq!(errors(json!(null), &pages), Vec::<String>::new());
    }

    #[test]
    fn unknown_options_are_refused() {
        assert!(create(&json!({"failOn": "error"}))
            .unwrap_err()
            .contains("failOn"));
    }
}
