//! `links`: checks that every internal link and `#anchor` in the output resolves: to a
//! page, a file, or an element id on the page it names. External links are not fetched.
//!
//! It reads the finished pages, so it goes last in the chain, after `layouts`. Pages are
//! scanned in parallel (`html_tokens`), then every link is checked against the file map and
//! the ids found, so a 10,000-page site costs two passes over its HTML, not a crawl. A
//! link that leads to the same place from every page (a layout's `/about/`) is resolved
//! once per worker, not once per page, and reported once when many pages share it.

mod resolve;
mod scan;

use std::collections::HashMap;

use ironsmith_core::{parse_options, Error, Files, Pattern, Plugin, Site};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::Value;

use crate::key_path;
use resolve::{below, target, Target};
use scan::Page;

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
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(Links {
        options: parse_options(options)?,
    }))
}

impl Plugin for Links {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        let pages: Vec<(&str, Page)> = files
            .par_iter()
            .filter(|(key, _)| self.options.pattern.is_match(key))
            .map(|(key, file)| (key.as_str(), Page::scan(&file.contents)))
            .collect();

        let checker = Checker {
            files,
            pages: pages.iter().map(|(key, page)| (*key, page)).collect(),
            options: &self.options,
            prefix: match self.options.level {
                Level::Warn => format!("{NAME}: "),
                Level::Error => String::new(),
            },
            site_url: self.options.site_url.clone().or_else(|| {
                key_path::get(&site.metadata, "site.url")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            }),
        };
        // Each worker keeps what the links that read the same from every page came to.
        let broken: Vec<Vec<Broken>> = pages
            .par_iter()
            .map_init(HashMap::new, |known, (key, page)| {
                checker.broken(key, page, known)
            })
            .collect();
        let lines = checker.report(&pages, &broken);
        match self.options.level {
            Level::Warn => {
                for line in lines {
                    site.warn(line);
                }
                Ok(())
            }
            Level::Error => match Error::from_many(lines.into_iter().map(Error::Message).collect())
            {
                Some(error) => Err(error),
                None => Ok(()),
            },
        }
    }
}

/// A link from one page that does not resolve, and why.
struct Broken<'a> {
    url: &'a str,
    problem: String,
    /// Whether it leads to the same place from every page (a layout's `/docs/`), so its
    /// pages can be listed together.
    shared: bool,
}

/// How many pages one broken link is named on, line by line, before they are folded into
/// one line: a layout's broken link would otherwise print a line for every page.
const PAGES_LISTED: usize = 3;

/// Everything a link is checked against.
struct Checker<'a> {
    files: &'a Files,
    /// The pages checked, whose ids anchors may point at.
    pages: HashMap<&'a str, &'a Page>,
    options: &'a Options,
    /// What each line starts with: the plugin's name for a warning.
    prefix: String,
    site_url: Option<String>,
}

impl<'a> Checker<'a> {
    /// The page's distinct broken links. `known` holds the problems (or none) of links
    /// that read the same from every page, such as a layout's `/about/`, so each is
    /// resolved once per worker.
    fn broken(
        &self,
        key: &str,
        page: &'a Page,
        known: &mut HashMap<&'a str, Option<String>>,
    ) -> Vec<Broken<'a>> {
        let mut broken: Vec<Broken<'a>> = Vec::new();
        for url in page.urls() {
            let shared = self.reads_the_same_from_every_page(url);
            let problem = match shared {
                true => known
                    .entry(url)
                    .or_insert_with(|| self.problem(url, key, page))
                    .clone(),
                false => self.problem(url, key, page),
            };
            let Some(problem) = problem else {
                continue;
            };
            if broken.iter().any(|seen| seen.url == url) {
                continue;
            }
            broken.push(Broken {
                url,
                problem,
                shared,
            });
        }
        broken
    }

    /// One line per broken link of each page, in page order: where it is, the link, what is
    /// wrong. A shared link broken on more than [`PAGES_LISTED`] pages gets one line, where
    /// it first appears, naming the first few pages and counting the rest.
    fn report(&self, pages: &[(&str, Page)], broken: &[Vec<Broken<'_>>]) -> Vec<String> {
        let mut on_pages: HashMap<&str, Vec<&str>> = HashMap::new();
        for ((key, _), links) in pages.iter().zip(broken) {
            for link in links.iter().filter(|link| link.shared) {
                on_pages.entry(link.url).or_default().push(key);
            }
        }
        let prefix = &self.prefix;
        let mut lines = Vec::new();
        for ((key, _), links) in pages.iter().zip(broken) {
            for Broken { url, problem, .. } in links {
                match on_pages.get(url).filter(|keys| keys.len() > PAGES_LISTED) {
                    None => lines.push(format!(
                        "{prefix}{}: broken link `{url}`: {problem}",
                        self.place(key)
                    )),
                    Some(keys) if keys[0] == *key => {
                        let named: Vec<String> =
                            keys[..PAGES_LISTED].iter().map(|k| self.place(k)).collect();
                        lines.push(format!(
                            "{prefix}broken link `{url}` on {} pages ({} and {} more): {problem}",
                            keys.len(),
                            named.join(", "),
                            keys.len() - PAGES_LISTED
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        lines
    }

    /// A page as an author knows it: its source file, and the output path when they differ.
    fn place(&self, key: &str) -> String {
        let shown = self.files[key].display_path(key);
        match shown == key {
            true => shown,
            false => format!("{shown} (on {key})"),
        }
    }

    /// A path from the site's root (`/about/`), or an address below the site's own: where
    /// it leads does not depend on the page it is on.
    fn reads_the_same_from_every_page(&self, url: &str) -> bool {
        let url = url.trim_matches(|c: char| c.is_ascii_whitespace());
        match self.site_url.as_deref().and_then(|base| below(url, base)) {
            Some(path) => path.starts_with('/'),
            None => url.starts_with('/') && !url.starts_with("//"),
        }
    }

    /// Why `url` on the page `key` does not resolve, if it does not.
    fn problem(&self, url: &str, key: &str, page: &Page) -> Option<String> {
        let (path, fragment) = match target(url, key, self.site_url.as_deref()) {
            Target::External => return None,
            Target::Outside => return Some("it leads above the site's root".into()),
            Target::Internal { path, fragment } => (path, fragment),
        };
        let (file, target_page) = match path {
            // `#id` alone: the page's own ids, without looking the page up.
            None => (key, Some(page)),
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
                    Some(file) => (file, self.pages.get(file).copied()),
                    None => return Some(format!("there is no `{}`", wanted(&path))),
                }
            }
        };
        let fragment = fragment.filter(|f| !f.is_empty() && !f.eq_ignore_ascii_case("top"))?;
        if !self.options.anchors {
            return None;
        }
        match target_page?.has_id(&fragment) {
            true => None,
            false => Some(format!("`{file}` has no element with id `{fragment}`")),
        }
    }

    /// The output file a path names, as a static server finds it: a folder by its
    /// `index.html`, and a path without its `/` or `.html` (`/about` for `about/index.html`
    /// or `about.html`).
    fn find(&self, path: &str) -> Option<&str> {
        let key = |candidate: &str| self.files.get_key_value(candidate).map(|(k, _)| k.as_str());
        if path.is_empty() || path.ends_with('/') {
            return key(&format!("{path}index.html"));
        }
        key(path)
            .or_else(|| key(&format!("{path}/index.html")))
            .or_else(|| key(&format!("{path}.html")))
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
    fn links_shared_by_pages_are_listed_for_each_page() {
        let pages = [
            (
                "a.html",
                "<a href='/gone/'>g</a><a href='gone/'>r</a><a href='/b/#x'>x</a><a href='/b/'>b</a>",
            ),
            (
                "b/index.html",
                "<a href='/gone/'>g</a><a href='gone/'>r</a><a href='/b/#x'>x</a><p id='y'></p>",
            ),
        ];
        assert_eq!(
            errors(json!({"siteUrl": "https://example.com"}), &pages),
            [
                "a.html: broken link `/gone/`: there is no `gone/index.html`",
                "a.html: broken link `gone/`: there is no `gone/index.html`",
                "a.html: broken link `/b/#x`: `b/index.html` has no element with id `x`",
                "b/index.html: broken link `/gone/`: there is no `gone/index.html`",
                "b/index.html: broken link `gone/`: there is no `b/gone/index.html`",
                "b/index.html: broken link `/b/#x`: `b/index.html` has no element with id `x`",
            ]
        );
    }

    #[test]
    fn a_shared_link_broken_on_many_pages_is_one_line() {
        let nav = "<a href='/gone/'>g</a><a href='gone/'>r</a>";
        let keys = ["a.html", "b.html", "c.html", "d.html", "e.html"];
        let pages: Vec<(&str, &str)> = keys.iter().map(|key| (*key, nav)).collect();
        let mut files = site(&pages);
        files[0].origin = Some("src/a.md".into());
        let mut site_state = Site::default();
        check(json!({"level": "warn"}), &mut files, &mut site_state).unwrap();
        let mut expected = vec![
            "links: broken link `/gone/` on 5 pages (src/a.md (on a.html), b.html, c.html \
             and 2 more): there is no `gone/index.html`"
                .to_string(),
            "links: src/a.md (on a.html): broken link `gone/`: there is no `gone/index.html`"
                .to_string(),
        ];
        expected.extend(keys[1..].iter().map(|key| {
            format!("links: {key}: broken link `gone/`: there is no `gone/index.html`")
        }));
        assert_eq!(site_state.take_warnings(), expected);

        let three: Vec<(&str, &str)> = keys[..3].iter().map(|key| (*key, nav)).collect();
        let lines = errors(json!(null), &three);
        assert_eq!(lines.len(), 6, "{lines:?}");
        assert_eq!(
            lines[0],
            "a.html: broken link `/gone/`: there is no `gone/index.html`"
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
