//! `permalinks`: pretty URLs, with `@metalsmith/permalinks` 3.x options and semantics.
//!
//! `about.html` moves to `about/index.html` with `permalink: about`; a pattern such as
//! `blog/:date/:title` builds the path from metadata. Every path built here comes from
//! untrusted text and is checked before the file moves.

use std::collections::HashMap;

use ironsmith_core::{
    check_output_path, parse_options, Error, File, FileError, Files, Moves, Pattern, Plugin, Site,
};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::slug::{slugify_with, SlugStyle};
use crate::{dates, key_path};

pub const NAME: &str = "permalinks";

const DEFAULT_PATTERN: &str = ":dirname?/:basename";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// Which files get a permalink.
    #[serde(rename = "match")]
    pub matches: Pattern,
    /// `:key` placeholders (dotted key paths allowed; `:key?` may be missing), `/` separated.
    pub pattern: String,
    /// How dates in placeholders are written: `YYYY`, `YY`, `MM`, `M`, `DD`, `D` tokens.
    pub date: String,
    /// How placeholder values are slugged.
    pub slug: SlugStyle,
    /// `permalink` ends with `/`.
    pub trailing_slash: bool,
    /// The file name a permalink's folder gets (2.x's `indexFile`).
    #[serde(alias = "indexFile")]
    pub directory_index: String,
    /// What to do when two files get the same permalink.
    pub duplicates: Option<Duplicates>,
    /// Other patterns for files whose metadata matches: `[{match: {collection: posts}, pattern: ...}]`.
    pub linksets: Vec<Linkset>,
    /// 2.x's spellings of `duplicates`: `unique: true` is `index`, `duplicatesFail: true`
    /// is `error`, and `duplicatesFail: false` (2.x's default: the later file wins) is
    /// `overwrite`.
    pub unique: Option<bool>,
    pub duplicates_fail: Option<bool>,
    /// 2.x copied a page's sibling files into its new folder unless `relative: false`;
    /// 3.x removed that, and so does ironsmith: only `false` is accepted.
    pub relative: Option<bool>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            matches: Pattern::new(&["**/*.html"]).unwrap_or_else(|_| unreachable!("a valid glob")),
            pattern: DEFAULT_PATTERN.into(),
            date: "YYYY/MM/DD".into(),
            slug: SlugStyle::default(),
            trailing_slash: false,
            directory_index: "index.html".into(),
            duplicates: None,
            linksets: Vec::new(),
            unique: None,
            duplicates_fail: None,
            relative: None,
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Duplicates {
    /// Two files with one permalink is an error naming both.
    #[default]
    Error,
    /// The later file gets `-1`, `-2`, ... appended.
    Index,
    /// The later file replaces the earlier one.
    Overwrite,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Linkset {
    /// Metadata the file must have (a list value matches when it contains the value).
    #[serde(rename = "match")]
    pub matches: Map<String, Value>,
    pub pattern: String,
    pub date: Option<String>,
}

#[derive(Debug)]
pub struct Permalinks {
    options: Options,
}

/// Options may also be the bare pattern string, as in `metalsmith.json`.
pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let options = match options {
        Value::String(pattern) => Options {
            pattern: pattern.clone(),
            ..Options::default()
        },
        other => parse_options(other)?,
    };
    if options.directory_index.contains('/') || options.directory_index.is_empty() {
        return Err("option `directoryIndex` must be a file name such as `index.html`".into());
    }
    if options.relative == Some(true) {
        return Err(
            "option `relative: true` (copying a page's sibling files into its permalink \
             folder) was removed in @metalsmith/permalinks 3, and ironsmith does not do it: \
             link to shared files from the site root (`/css/style.css`) and remove the option"
                .into(),
        );
    }
    Ok(Box::new(Permalinks { options }))
}

impl Options {
    /// `duplicates`, or what 2.x's `unique` and `duplicatesFail` say, or `error`.
    fn duplicates(&self) -> Duplicates {
        match (self.duplicates, self.unique, self.duplicates_fail) {
            (Some(duplicates), _, _) => duplicates,
            (None, Some(true), _) => Duplicates::Index,
            (None, _, Some(false)) => Duplicates::Overwrite,
            _ => Duplicates::Error,
        }
    }
}

impl Plugin for Permalinks {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        // Expanding patterns, slugging and formatting dates is per file: spread it out.
        let outcomes: Vec<Result<Option<String>, Error>> = files
            .par_iter_mut()
            .map(|(path, file)| {
                if !self.options.matches.is_match(path) {
                    return Ok(None);
                }
                match self.permalink_of(path, file) {
                    // Already where its permalink says, such as a listing page `tags` made
                    // at `topics/rust.html`: moving it would make `topics/rust.html/index.html`.
                    Ok(Some(permalink)) if permalink == *path => Ok(None),
                    Ok(Some(permalink)) => {
                        let shown = if self.options.trailing_slash && !permalink.is_empty() {
                            format!("{permalink}/")
                        } else {
                            permalink.clone()
                        };
                        file.metadata.insert("permalink".into(), shown.into());
                        Ok(Some(permalink))
                    }
                    Ok(None) => Ok(None),
                    Err(error) => Err(Error::file(file.display_path(path), error)),
                }
            })
            .collect();
        let mut targets = Vec::with_capacity(outcomes.len());
        let mut errors = Vec::new();
        for outcome in outcomes {
            match outcome {
                Ok(target) => targets.push(target),
                Err(error) => {
                    targets.push(None);
                    errors.push(error);
                }
            }
        }
        if let Some(error) = Error::from_many(errors) {
            return Err(error);
        }
        let moves = self.move_files(files, targets)?;
        crate::collections::follow_moves(files, site, &moves);
        Ok(())
    }
}

impl Permalinks {
    /// The file's permalink (no leading or trailing `/`), or `None` for `permalink: false`.
    fn permalink_of(&self, path: &str, file: &File) -> Result<Option<String>, FileError> {
        match file.metadata.get("permalink") {
            Some(Value::Bool(false)) => return Ok(None),
            Some(Value::String(written)) => {
                let permalink = written.trim_matches('/').to_string();
                check_permalink(&permalink, "permalink")?;
                return Ok(Some(permalink));
            }
            Some(Value::Null) | None => {}
            Some(other) => {
                return Err(FileError::new(format!(
                    "`permalink` must be a path or false, found `{other}`"
                )))
            }
        }
        let (dirname, basename) = split_path(path);
        let linkset = self
            .options
            .linksets
            .iter()
            .find(|set| matches(&set.matches, &file.metadata));
        if linkset.is_none() && basename == "index" {
            return Ok(Some(dirname.to_string()));
        }
        let (pattern, date) = match linkset {
            Some(set) => (
                &set.pattern,
                set.date.as_deref().unwrap_or(&self.options.date),
            ),
            None => (&self.options.pattern, self.options.date.as_str()),
        };
        let permalink = self.expand(pattern, date, dirname, basename, &file.metadata)?;
        check_permalink(&permalink, &format!("pattern `{pattern}`"))?;
        Ok(Some(permalink))
    }

    /// Fills in a pattern's placeholders; a segment whose optional values are all missing goes.
    fn expand(
        &self,
        pattern: &str,
        date_format: &str,
        dirname: &str,
        basename: &str,
        metadata: &Map<String, Value>,
    ) -> Result<String, FileError> {
        let mut segments = Vec::new();
        for segment in pattern.split('/') {
            let mut out = String::new();
            let mut rest = segment;
            while let Some(start) = rest.find(':') {
                out.push_str(&rest[..start]);
                let name_len = rest[start + 1..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                    .unwrap_or(rest.len() - start - 1);
                let name = rest[start + 1..start + 1 + name_len].trim_end_matches('.');
                let mut end = start + 1 + name.len();
                let optional = rest[end..].starts_with('?');
                if optional {
                    end += 1;
                }
                if name.is_empty() {
                    out.push(':');
                    rest = &rest[start + 1..];
                    continue;
                }
                let value = match name {
                    "dirname" => Some(dirname.to_string()).filter(|d| !d.is_empty()),
                    "basename" => Some(basename.to_string()),
                    _ => {
                        key_path::get(metadata, name).and_then(|v| self.placeholder(v, date_format))
                    }
                };
                match value {
                    Some(value) => out.push_str(&value),
                    None if optional => {}
                    None => {
                        return Err(FileError::new(format!(
                            "permalink pattern `{pattern}` needs `{name}`, which this file does not have: \
                             add it to the front matter, or write `:{name}?` to make it optional"
                        )))
                    }
                }
                rest = &rest[end..];
            }
            out.push_str(rest);
            if !out.is_empty() {
                segments.push(out);
            }
        }
        Ok(segments.join("/"))
    }

    /// A metadata value as it appears in a path: dates formatted, text slugged.
    fn placeholder(&self, value: &Value, date_format: &str) -> Option<String> {
        let text = match value {
            Value::String(text) => match dates::parse(text) {
                Some(date) => return Some(format_date(&date, date_format)),
                None => text.clone(),
            },
            Value::Number(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            Value::Array(items) => items
                .iter()
                .filter_map(|item| {
                    item.as_str()
                        .map(str::to_string)
                        .or_else(|| item.as_number().map(|n| n.to_string()))
                })
                .collect::<Vec<_>>()
                .join(" "),
            Value::Null | Value::Object(_) => return None,
        };
        Some(slugify_with(&text, &self.options.slug)).filter(|slug| !slug.is_empty())
    }

    /// Moves each file given a permalink (by index) to `<permalink>/<directoryIndex>`,
    /// keeping the map's order and resolving duplicates as configured; returns the moves.
    fn move_files(&self, files: &mut Files, targets: Vec<Option<String>>) -> Result<Moves, Error> {
        let old = std::mem::take(files);
        files.reserve(old.len());
        // For each file placed, its path before any move: errors name files by it, and only
        // an error needs the name itself.
        let mut placed_from: Vec<Option<usize>> = Vec::with_capacity(old.len());
        let mut errors = Vec::new();
        let mut moves = Moves::new();
        let mut next_number: HashMap<String, usize> = HashMap::new();
        for ((path, mut file), permalink) in old.into_iter().zip(targets) {
            let Some(mut permalink) = permalink else {
                placed_from.push(None);
                files.insert(path, file);
                continue;
            };
            let mut target = self.target(&permalink);
            if let Some((taken, taken_path, taken_file)) = files.get_full(&target) {
                match self.options.duplicates() {
                    Duplicates::Error => {
                        let taken_from = placed_from[taken].map_or(taken_path, |m| &moves[m].0);
                        errors.push(Error::file(
                            file.display_path(&path),
                            FileError::new(format!(
                                "has the permalink `{permalink}`, as does {}: give one of them another `permalink`, \
                                 or set the `duplicates` option to `index` or `overwrite`",
                                taken_file.display_path(taken_from)
                            )),
                        ));
                        continue;
                    }
                    Duplicates::Overwrite => {
                        // The file written later wins; the one it replaces keeps no place.
                        files.shift_remove_index(taken);
                        placed_from.remove(taken);
                    }
                    Duplicates::Index => {
                        let base = permalink.clone();
                        // Numbers below the last one given are all taken (files are only
                        // added here), so the search starts after it: a thousand pages
                        // titled alike cost a thousand lookups, not half a million.
                        let n = next_number.entry(base.clone()).or_insert(1);
                        while files.contains_key(&target) {
                            permalink = format!("{base}-{n}");
                            target = self.target(&permalink);
                            *n += 1;
                        }
                        let link = if self.options.trailing_slash {
                            format!("{permalink}/")
                        } else {
                            permalink.clone()
                        };
                        file.metadata.insert("permalink".into(), link.into());
                    }
                }
            }
            if target == path {
                placed_from.push(None);
            } else {
                moves.push((path, target.clone()));
                placed_from.push(Some(moves.len() - 1));
            }
            files.insert(target, file);
        }
        match Error::from_many(errors) {
            Some(error) => Err(error),
            None => Ok(moves),
        }
    }

    fn target(&self, permalink: &str) -> String {
        if permalink.is_empty() {
            self.options.directory_index.clone()
        } else {
            format!("{permalink}/{}", self.options.directory_index)
        }
    }
}

/// A permalink from front matter or a pattern must stay inside the destination.
fn check_permalink(permalink: &str, from: &str) -> Result<(), FileError> {
    if permalink.is_empty() {
        return Ok(());
    }
    check_output_path(permalink).map_err(|reason| FileError::new(format!("{from}: {reason}")))
}

/// (`posts/2024`, `hello`) for `posts/2024/hello.html`.
fn split_path(path: &str) -> (&str, &str) {
    let (dirname, name) = path.rsplit_once('/').unwrap_or(("", path));
    let basename = match name.rfind('.') {
        Some(dot) if dot > 0 => &name[..dot],
        _ => name,
    };
    (dirname, basename)
}

/// Whether metadata has every key-value pair of a linkset's `match`.
fn matches(wanted: &Map<String, Value>, metadata: &Map<String, Value>) -> bool {
    wanted
        .iter()
        .all(|(key, want)| match key_path::get(metadata, key) {
            Some(Value::Array(items)) => items.contains(want),
            // After `collections`, `collection` maps each collection's name to its links.
            Some(Value::Object(map)) => want.as_str().is_some_and(|name| map.contains_key(name)),
            Some(have) => have == want,
            None => false,
        })
}

/// Metalsmith's date tokens (`YYYY/MM/DD`) over a parsed date.
fn format_date(date: &chrono::DateTime<chrono::FixedOffset>, format: &str) -> String {
    use chrono::Datelike;
    let mut out = String::new();
    let mut rest = format;
    while !rest.is_empty() {
        let (piece, len) = if rest.starts_with("YYYY") {
            (format!("{:04}", date.year()), 4)
        } else if rest.starts_with("YY") {
            (format!("{:02}", date.year() % 100), 2)
        } else if rest.starts_with("MM") {
            (format!("{:02}", date.month()), 2)
        } else if rest.starts_with('M') {
            (date.month().to_string(), 1)
        } else if rest.starts_with("DD") {
            (format!("{:02}", date.day()), 2)
        } else if rest.starts_with('D') {
            (date.day().to_string(), 1)
        } else {
            let c = rest.chars().next().unwrap_or_default();
            (c.to_string(), c.len_utf8())
        };
        out.push_str(&piece);
        rest = &rest[len..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(metadata: Value) -> File {
        let mut file = File::new("x");
        if let Value::Object(map) = metadata {
            file.metadata = map;
        }
        file
    }

    fn run(options: Value, pages: Vec<(&str, Value)>) -> Result<Files, Error> {
        let mut files: Files = pages
            .into_iter()
            .map(|(p, m)| (p.to_string(), page(m)))
            .collect();
        create(&options)
            .map_err(Error::Message)?
            .run(&mut files, &mut Site::default())?;
        Ok(files)
    }

    fn paths(files: &Files) -> Vec<&str> {
        files.keys().map(String::as_str).collect()
    }

    #[test]
    fn default_pattern_gives_pretty_urls_and_keeps_index_files() {
        let files = run(
            json!(null),
            vec![
                ("index.html", json!({})),
                ("about.html", json!({})),
                ("posts/hello.html", json!({})),
                ("docs/index.html", json!({})),
                ("style.css", json!({})),
            ],
        )
        .unwrap();
        assert_eq!(
            paths(&files),
            [
                "index.html",
                "about/index.html",
                "posts/hello/index.html",
                "docs/index.html",
                "style.css"
            ]
        );
        assert_eq!(files["index.html"].metadata["permalink"], "");
        assert_eq!(files["about/index.html"].metadata["permalink"], "about");
        assert_eq!(files["docs/index.html"].metadata["permalink"], "docs");
        assert!(files["style.css"].metadata.get("permalink").is_none());
    }

    #[test]
    fn placeholders_slug_values_and_format_dates() {
        let files = run(
            json!({"pattern": "blog/:date/:title", "date": "YYYY/MM"}),
            vec![(
                "a.html",
                json!({"title": "Héllo Wörld!", "date": "2024-03-05T10:00:00Z"}),
            )],
        )
        .unwrap();
        assert_eq!(paths(&files), ["blog/2024/03/hello-world/index.html"]);
    }

    #[test]
    fn bare_string_options_are_the_pattern_and_key_paths_work() {
        let files = run(
            json!(":author.name/:title"),
            vec![(
                "a.html",
                json!({"title": "T", "author": {"name": "Zoë Lin"}}),
            )],
        )
        .unwrap();
        assert_eq!(paths(&files), ["zoe-lin/t/index.html"]);
    }

    #[test]
    fn optional_placeholders_drop_their_segment() {
        let files = run(
            json!({"pattern": ":category?/:title"}),
            vec![
                ("a.html", json!({"title": "A"})),
                ("b.html", json!({"title": "B", "category": "News"})),
            ],
        )
        .unwrap();
        assert_eq!(paths(&files), ["a/index.html", "news/b/index.html"]);
    }

    #[test]
    fn a_missing_required_key_is_an_error_naming_it() {
        let error = run(json!({"pattern": ":title"}), vec![("a.html", json!({}))]).unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("a.html: permalink pattern `:title` needs `title`"),
            "{message}"
        );
    }

    #[test]
    fn front_matter_permalink_and_false() {
        let files = run(
            json!(null),
            vec![
                ("a.html", json!({"permalink": "/custom/place/"})),
                ("b.html", json!({"permalink": false})),
            ],
        )
        .unwrap();
        assert_eq!(paths(&files), ["custom/place/index.html", "b.html"]);
        assert_eq!(
            files["custom/place/index.html"].metadata["permalink"],
            "custom/place"
        );
    }

    #[test]
    fn untrusted_permalinks_cannot_leave_the_destination() {
        for bad in ["../../etc/passwd", "a/../../b", "a\\b", "a\0b", "a/./b"] {
            let error = run(json!(null), vec![("a.html", json!({"permalink": bad}))]).unwrap_err();
            assert!(
                error.to_string().starts_with("a.html: permalink:"),
                "{bad:?}: {error}"
            );
        }
    }

    #[test]
    fn trailing_slash_and_directory_index() {
        let files = run(
            json!({"trailingSlash": true, "directoryIndex": "index.htm"}),
            vec![("a.html", json!({}))],
        )
        .unwrap();
        assert_eq!(paths(&files), ["a/index.htm"]);
        assert_eq!(files["a/index.htm"].metadata["permalink"], "a/");
        assert!(create(&json!({"directoryIndex": "../x"})).is_err());
    }

    #[test]
    fn duplicates_error_index_and_overwrite() {
        let pages = || {
            vec![
                ("a.html", json!({"title": "Same", "n": 1})),
                ("b.html", json!({"title": "Same", "n": 2})),
            ]
        };
        let error = run(json!({"pattern": ":title"}), pages()).unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("b.html: has the permalink `same`, as does a.html"),
            "{message}"
        );

        let files = run(json!({"pattern": ":title", "duplicates": "index"}), pages()).unwrap();
        assert_eq!(paths(&files), ["same/index.html", "same-1/index.html"]);
        assert_eq!(files["same-1/index.html"].metadata["permalink"], "same-1");

        let mut crowded = pages();
        crowded.push(("c.html", json!({"permalink": "same-2"})));
        crowded.push(("d.html", json!({"title": "Same", "n": 4})));
        crowded.push(("e.html", json!({"title": "Same", "n": 5})));
        let files = run(json!({"pattern": ":title", "duplicates": "index"}), crowded).unwrap();
        assert_eq!(
            paths(&files),
            [
                "same/index.html",
                "same-1/index.html",
                "same-2/index.html",
                "same-3/index.html",
                "same-4/index.html"
            ]
        );
        assert_eq!(files["same-4/index.html"].metadata["n"], 5);

        let files = run(
            json!({"pattern": ":title", "duplicates": "overwrite"}),
            pages(),
        )
        .unwrap();
        assert_eq!(paths(&files), ["same/index.html"]);
        assert_eq!(files["same/index.html"].metadata["n"], 2);

        let mut three = pages();
        three.insert(1, ("c.html", json!({"title": "Other"})));
        three.push(("d.html", json!({"title": "Same", "n": 3})));
        let files = run(
            json!({"pattern": ":title", "duplicates": "overwrite"}),
            three,
        )
        .unwrap();
        assert_eq!(paths(&files), ["other/index.html", "same/index.html"]);
        assert_eq!(files["same/index.html"].metadata["n"], 3);
    }

    #[test]
    fn a_permalink_naming_the_file_itself_leaves_it_there() {
        let files = run(
            json!({"trailingSlash": true}),
            vec![
                ("feed.html", json!({"permalink": "/feed.html"})),
                ("b.html", json!({})),
            ],
        )
        .unwrap();
        assert_eq!(paths(&files), ["feed.html", "b/index.html"]);
        assert_eq!(files["feed.html"].metadata["permalink"], "/feed.html");
    }

    #[test]
    fn metalsmith_2_options_are_read() {
        let pages = || {
            vec![
                ("a.html", json!({"title": "Same"})),
                ("b.html", json!({"title": "Same"})),
            ]
        };
        let options = json!({"pattern": ":title", "unique": true, "relative": false, "indexFile": "home.html"});
        let files = run(options, pages()).unwrap();
        assert_eq!(paths(&files), ["same/home.html", "same-1/home.html"]);
        let error = run(
            json!({"pattern": ":title", "duplicatesFail": true}),
            pages(),
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("has the permalink `same`"),
            "{error}"
        );
        let files = run(
            json!({"pattern": ":title", "duplicatesFail": false}),
            pages(),
        )
        .unwrap();
        assert_eq!(paths(&files), ["same/index.html"]);
        let files = run(
            json!({"pattern": ":title", "unique": true, "duplicates": "overwrite"}),
            pages(),
        )
        .unwrap();
        assert_eq!(paths(&files), ["same/index.html"]);

        let relative = create(&json!({"relative": true})).err().unwrap();
        assert!(
            relative.contains("removed in @metalsmith/permalinks 3"),
            "{relative}"
        );
    }

    #[test]
    fn linksets_pick_a_pattern_by_metadata() {
        let files = run(
            json!({"linksets": [{"match": {"collection": "posts"}, "pattern": "blog/:date/:title", "date": "YYYY"}]}),
            vec![
                ("about.html", json!({})),
                ("p.html", json!({"collection": ["posts"], "title": "P", "date": "2023-01-02"})),
                ("q.html", json!({"collection": {"posts": {}}, "title": "Q", "date": "2023-01-03"})),
            ],
        )
        .unwrap();
        assert_eq!(
            paths(&files),
            [
                "about/index.html",
                "blog/2023/p/index.html",
                "blog/2023/q/index.html"
            ]
        );
    }

    #[test]
    fn slug_options_apply() {
        let files = run(
            json!({"pattern": ":title", "slug": {"lower": false, "separator": "_"}}),
            vec![("a.html", json!({"title": "Hello World"}))],
        )
        .unwrap();
        assert_eq!(paths(&files), ["Hello_World/index.html"]);
    }

    #[test]
    fn unknown_options_are_refused() {
        assert!(create(&json!({"patern": ":title"}))
            .unwrap_err()
            .contains("patern"));
        assert!(create(&json!({"duplicates": "merge"}))
            .unwrap_err()
            .contains("duplicates"));
    }
}
