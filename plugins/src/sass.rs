//! `sass`: compiles `.scss` and `.sass` files to `.css` with [grass], a Sass compiler in
//! pure Rust (`@metalsmith/sass` options).
//!
//! `@use` and `@import` are resolved from the file map first, so a stylesheet made or
//! changed by an earlier plugin is seen as it is now, then from the load paths on disk.
//! Partials (`_name.scss`) are imported, never written. Errors name the file (the partial,
//! when the error is in one) with its line and column.
//!
//! [grass]: https://docs.rs/grass

use std::collections::HashMap;
use std::io;
use std::path::{Component, Path, PathBuf};

use grass_compiler::codemap::SpanLoc;
use grass_compiler::{self as grass, ErrorKind, Fs, Logger, OutputStyle};
use indexmap::IndexMap;
use ironsmith_core::{
    check_output_path, for_each_file_moving, parse_options, Error, File, FileError, Files,
    Location, Mode, Pattern, Plugin, Site,
};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::Value;

pub const NAME: &str = "sass";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// The stylesheets to compile; partials among them are dropped from the output.
    pub pattern: Pattern,
    /// `expanded` or `compressed`; by default compressed for `build`, expanded for `serve`.
    pub style: Option<Style>,
    /// Folders (relative to the site root) searched for imports not found beside the file.
    pub load_paths: Vec<PathBuf>,
    /// Stylesheets outside the source (relative to the site root) and their output paths.
    pub entries: IndexMap<PathBuf, String>,
    /// Accepted for `@metalsmith/sass` configurations; grass writes no source maps.
    pub source_map: bool,
    pub source_map_include_sources: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pattern: Pattern::new(&["**/*.{scss,sass}"])
                .unwrap_or_else(|_| unreachable!("a valid glob")),
            style: None,
            load_paths: vec![PathBuf::from("node_modules")],
            entries: IndexMap::new(),
            source_map: false,
            source_map_include_sources: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    Expanded,
    Compressed,
}

#[derive(Debug)]
pub struct Sass {
    options: Options,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let options: Options = parse_options(options)?;
    for output in options.entries.values() {
        check_output_path(output).map_err(|e| format!("option `entries`: {e}"))?;
    }
    Ok(Box::new(Sass { options }))
}

impl Plugin for Sass {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        if self.options.source_map || self.options.source_map_include_sources {
            site.warn("sass: source maps are not written (grass has none): `sourceMap` is ignored");
        }
        let load_paths = self.load_paths(site)?;
        let style = match self.options.style {
            Some(Style::Expanded) => OutputStyle::Expanded,
            Some(Style::Compressed) => OutputStyle::Compressed,
            None if site.mode == Mode::Serve => OutputStyle::Expanded,
            None => OutputStyle::Compressed,
        };
        let fs = SiteFs {
            source: absolute(&site.source),
            files,
        };
        let logger = SiteLogger { site, fs: &fs };
        // grass's options hold `&dyn` references that are not `Sync`: one set per stylesheet.
        let compile = |path: &Path| {
            let options = grass::Options::default()
                .fs(&fs)
                .logger(&logger)
                .style(style)
                .load_paths(&load_paths);
            grass::from_path(path, &options).map_err(|error| sass_error(*error))
        };
        let roots: Vec<&String> = files
            .keys()
            .filter(|key| self.options.pattern.is_match(key) && !is_partial(key))
            .collect();
        let compiled: Vec<Result<(String, Vec<u8>), Error>> = roots
            .par_iter()
            .map(|&key| {
                let path = fs.source.join(key);
                compile(&path)
                    .map(|css| (key.clone(), css.into_bytes()))
                    .map_err(|error| error.reported(&path, &fs))
            })
            .collect();
        let entries: Vec<Result<(String, Vec<u8>), Error>> = self
            .options
            .entries
            .par_iter()
            .map(|(input, output)| {
                let path = absolute(&site.resolve(input));
                compile(&path)
                    .map(|css| (output.clone(), css.into_bytes()))
                    .map_err(|error| error.reported(&path, &fs))
            })
            .collect();

        let mut css = HashMap::new();
        let mut errors = Vec::new();
        for result in compiled.into_iter().chain(entries) {
            match result {
                Ok((key, contents)) => {
                    css.insert(key, contents);
                }
                Err(error) => errors.push(error),
            }
        }
        if let Some(error) = Error::from_many(errors) {
            return Err(error);
        }

        let pattern = &self.options.pattern;
        files.retain(|key, _| !(pattern.is_match(key) && is_partial(key)));
        let moves = for_each_file_moving(files, pattern, |path, file| {
            if let Some(contents) = css.get(path.as_str()) {
                file.contents.clone_from(contents);
                *path = css_path(path);
            }
            Ok(())
        })?;
        crate::collections::follow_moves(files, site, &moves);
        for output in self.options.entries.values() {
            let Some(contents) = css.remove(output) else {
                continue;
            };
            if files.contains_key(output) {
                return Err(Error::config(
                    output.clone(),
                    "option `entries` writes here, as does a file of the site: choose another output path",
                ));
            }
            files.insert(output.clone(), File::new(contents));
        }
        Ok(())
    }
}

impl Sass {
    /// The load paths as absolute folders; a configured one that is missing is an error,
    /// the default `node_modules` is only used when it exists.
    fn load_paths(&self, site: &Site) -> Result<Vec<PathBuf>, Error> {
        let mut paths = Vec::new();
        for path in &self.options.load_paths {
            let resolved = absolute(&site.resolve(path));
            if resolved.is_dir() {
                paths.push(resolved);
            } else if path != Path::new("node_modules") {
                return Err(Error::config(
                    resolved.display().to_string(),
                    "option `loadPaths`: this folder does not exist: create it or fix the path",
                ));
            }
        }
        Ok(paths)
    }
}

/// `_name.scss`: a partial, only ever imported.
fn is_partial(key: &str) -> bool {
    key.rsplit('/')
        .next()
        .is_some_and(|name| name.starts_with('_'))
}

/// `a/style.scss` -> `a/style.css`.
fn css_path(key: &str) -> String {
    match key.rsplit_once('.') {
        Some((stem, _)) if !stem.ends_with('/') && !stem.is_empty() => format!("{stem}.css"),
        _ => format!("{key}.css"),
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A compile error with where it happened; `file` is the path grass read.
struct SassError {
    file: Option<PathBuf>,
    location: Option<Location>,
    message: String,
}

impl SassError {
    /// The error as the build reports it: in the file at fault, naming the stylesheet
    /// being compiled when the fault is in a file it imports.
    fn reported(self, compiled: &Path, fs: &SiteFs) -> Error {
        let root = fs.display(compiled);
        let (path, message) = match self.file {
            Some(file) if file != compiled => (
                fs.display(&file),
                format!("{} (imported by {root})", self.message),
            ),
            _ => (root, self.message),
        };
        let mut error = FileError::new(message);
        error.location = self.location;
        Error::file(path, error)
    }
}

fn sass_error(error: grass::Error) -> SassError {
    match error.kind() {
        ErrorKind::ParseError { message, loc, .. } => SassError {
            file: Some(PathBuf::from(loc.file.name())),
            location: Some(Location {
                line: loc.begin.line + 1,
                column: loc.begin.column + 1,
            }),
            message,
        },
        ErrorKind::IoError(io) => SassError {
            file: None,
            location: None,
            message: format!("cannot read the stylesheet: {io}"),
        },
        ErrorKind::FromUtf8Error(_) => SassError {
            file: None,
            location: None,
            message: "a stylesheet is not UTF-8 text: save it as UTF-8".into(),
        },
        _ => SassError {
            file: None,
            location: None,
            message: "the stylesheet could not be compiled".into(),
        },
    }
}

/// What grass sees: the site's files under the source folder, the disk elsewhere (load
/// paths and `entries`).
#[derive(Debug)]
struct SiteFs<'a> {
    source: PathBuf,
    files: &'a Files,
}

impl SiteFs<'_> {
    /// The file map's key for a path under the source folder (`..` resolved by its text).
    fn key(&self, path: &Path) -> Option<String> {
        let relative = path.strip_prefix(&self.source).ok()?;
        let mut parts: Vec<&str> = Vec::new();
        for component in relative.components() {
            match component {
                Component::Normal(part) => parts.push(part.to_str()?),
                Component::ParentDir => {
                    parts.pop()?;
                }
                Component::CurDir => {}
                Component::RootDir | Component::Prefix(_) => return None,
            }
        }
        Some(parts.join("/"))
    }
}

impl SiteFs<'_> {
    /// How errors name a file grass read: as the site names it when it is one of the
    /// site's files, else by its path.
    fn display(&self, path: &Path) -> String {
        match self.key(path) {
            Some(key) => match self.files.get(&key) {
                Some(file) => file.display_path(&key),
                None => key,
            },
            None => path.display().to_string(),
        }
    }
}

impl Fs for SiteFs<'_> {
    fn is_dir(&self, path: &Path) -> bool {
        match self.key(path) {
            Some(key) if key.is_empty() => true,
            Some(key) => {
                let folder = format!("{key}/");
                self.files.keys().any(|k| k.starts_with(&folder))
            }
            None => !path.starts_with(&self.source) && path.is_dir(),
        }
    }

    fn is_file(&self, path: &Path) -> bool {
        match self.key(path) {
            Some(key) => self.files.contains_key(&key),
            None => !path.starts_with(&self.source) && path.is_file(),
        }
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.key(path) {
            Some(key) => match self.files.get(&key) {
                Some(file) => Ok(file.contents.clone()),
                None => Err(io::Error::new(io::ErrorKind::NotFound, "not in the site")),
            },
            None if path.starts_with(&self.source) => {
                Err(io::Error::new(io::ErrorKind::NotFound, "not in the site"))
            }
            None => std::fs::read(path),
        }
    }
}

/// `@warn` and `@debug` become build warnings naming the file and line.
#[derive(Debug)]
struct SiteLogger<'a> {
    site: &'a Site,
    fs: &'a SiteFs<'a>,
}

impl Logger for SiteLogger<'_> {
    fn debug(&self, location: SpanLoc, message: &str) {
        self.warn(location, message);
    }

    fn warn(&self, location: SpanLoc, message: &str) {
        self.site.warn(format!(
            "sass: {}:{}:{}: {message}",
            self.fs.display(Path::new(location.file.name())),
            location.begin.line + 1,
            location.begin.column + 1
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::fs;

    fn site() -> (tempfile::TempDir, Site) {
        let dir = tempfile::tempdir().unwrap();
        let site = Site::new(
            dir.path().into(),
            dir.path().join("src"),
            dir.path().join("build"),
        );
        (dir, site)
    }

    fn files(entries: &[(&str, &str)]) -> Files {
        entries
            .iter()
            .map(|(path, text)| (path.to_string(), File::new(*text)))
            .collect()
    }

    fn run(options: Value, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        create(&options).unwrap().run(files, site)
    }

    fn text(files: &Files, key: &str) -> String {
        String::from_utf8(files[key].contents.clone()).unwrap()
    }

    #[test]
    fn compiles_scss_and_sass_and_drops_partials() {
        let (_dir, mut site) = site();
        let mut map = files(&[
            ("css/_colors.scss", "$accent: #b4461b;"),
            (
                "css/style.scss",
                "@use 'colors';\na { color: colors.$accent; b { x: y } }",
            ),
            ("css/plain.sass", "p\n  margin: 0"),
            ("index.html", "<p>"),
        ]);
        run(json!({"style": "expanded"}), &mut map, &mut site).unwrap();
        assert_eq!(
            map.keys().collect::<Vec<_>>(),
            ["css/style.css", "css/plain.css", "index.html"]
        );
        assert_eq!(
            text(&map, "css/style.css"),
            "a {\n  color: #b4461b;\n}\na b {\n  x: y;\n}\n"
        );
        assert_eq!(text(&map, "css/plain.css"), "p {\n  margin: 0;\n}\n");
    }

    #[test]
    fn style_defaults_to_compressed_for_build_and_expanded_for_serve() {
        let (_dir, mut site) = site();
        let mut map = files(&[("a.scss", "a { b { c: d } }")]);
        run(json!(null), &mut map, &mut site).unwrap();
        assert_eq!(text(&map, "a.css"), "a b{c:d}");
        site.mode = Mode::Serve;
        let mut map = files(&[("a.scss", "a { b { c: d } }")]);
        run(json!(null), &mut map, &mut site).unwrap();
        assert_eq!(text(&map, "a.css"), "a b {\n  c: d;\n}\n");
        let mut map = files(&[("a.scss", "a { b { c: d } }")]);
        run(json!({"style": "compressed"}), &mut map, &mut site).unwrap();
        assert_eq!(text(&map, "a.css"), "a b{c:d}");
    }

    #[test]
    fn imports_resolve_relative_paths_index_files_and_load_paths() {
        let (dir, mut site) = site();
        fs::create_dir_all(dir.path().join("lib/kit")).unwrap();
        fs::write(dir.path().join("lib/kit/_index.scss"), "$size: 2px;").unwrap();
        let mut map = files(&[
            (
                "a/b/style.scss",
                "@import '../../shared/mixins', 'kit';\nq { r: $size; @include m; }",
            ),
            ("shared/_mixins.scss", "@mixin m { s: t; }"),
        ]);
        run(
            json!({"style": "compressed", "loadPaths": ["lib"]}),
            &mut map,
            &mut site,
        )
        .unwrap();
        assert_eq!(text(&map, "a/b/style.css"), "q{r:2px;s:t}");
    }

    #[test]
    fn pattern_limits_what_is_compiled() {
        let (_dir, mut site) = site();
        let mut map = files(&[("a.scss", "a{b:c}"), ("vendor/_x.scss", "x{y:z}")]);
        run(json!({"pattern": "vendor/*.scss"}), &mut map, &mut site).unwrap();
        assert_eq!(map.keys().collect::<Vec<_>>(), ["a.scss"]);
    }

    #[test]
    fn entries_compile_stylesheets_from_outside_the_source() {
        let (dir, mut site) = site();
        fs::create_dir_all(dir.path().join("styles")).unwrap();
        fs::write(dir.path().join("styles/_base.scss"), "$c: red;").unwrap();
        fs::write(
            dir.path().join("styles/main.scss"),
            "@use 'base';\nh1 { color: base.$c }",
        )
        .unwrap();
        let mut map = Files::new();
        run(
            json!({"entries": {"styles/main.scss": "css/main.css"}}),
            &mut map,
            &mut site,
        )
        .unwrap();
        assert_eq!(text(&map, "css/main.css"), "h1{color:red}");

        let mut map = files(&[("css/main.css", "")]);
        let error = run(
            json!({"entries": {"styles/main.scss": "css/main.css"}}),
            &mut map,
            &mut site,
        )
        .unwrap_err();
        assert!(error
            .to_string()
            .contains("css/main.css: option `entries` writes here"));
        let error = create(&json!({"entries": {"a.scss": "../a.css"}})).unwrap_err();
        assert!(
            error.starts_with("option `entries`: output path `../a.css`"),
            "{error}"
        );
    }

    #[test]
    fn errors_name_the_file_line_and_column_and_the_importer() {
        let (_dir, mut site) = site();
        let mut map = files(&[
            ("a.scss", "a {\n  b: $missing;\n}"),
            ("b.scss", "@import 'broken';"),
            ("_broken.scss", "\n\nx { y: }"),
            ("c.scss", "@use 'nowhere';"),
        ]);
        let error = run(json!(null), &mut map, &mut site).unwrap_err();
        assert_eq!(
            error.lines(),
            [
                "a.scss:2:6: Undefined variable.",
                "_broken.scss:3:7: Expected expression. (imported by b.scss)",
                "c.scss:1:1: Can't find stylesheet to import.",
            ]
        );
    }

    #[test]
    fn a_missing_load_path_is_an_error_but_the_default_one_may_be_missing() {
        let (_dir, mut site) = site();
        let mut map = files(&[("a.scss", "a{b:c}")]);
        run(json!({}), &mut map, &mut site).unwrap();
        let error = run(json!({"loadPaths": ["sass"]}), &mut files(&[]), &mut site).unwrap_err();
        assert!(
            error.to_string().ends_with(
                "sass: option `loadPaths`: this folder does not exist: create it or fix the path"
            ),
            "{error}"
        );
    }

    #[test]
    fn warn_rules_become_warnings_and_source_maps_are_refused_politely() {
        let (_dir, mut site) = site();
        let mut map = files(&[("a.scss", "@warn 'careful';\na{b:c}")]);
        run(json!({"sourceMap": true}), &mut map, &mut site).unwrap();
        assert_eq!(
            site.take_warnings(),
            [
                "sass: source maps are not written (grass has none): `sourceMap` is ignored",
                "sass: a.scss:1:7: \"careful\"",
            ]
        );
    }

    #[test]
    fn unknown_options_and_styles_are_refused() {
        assert!(create(&json!({"outputStyle": "nested"}))
            .unwrap_err()
            .contains("outputStyle"));
        assert!(create(&json!({"style": "nested"}))
            .unwrap_err()
            .contains("unknown variant `nested`"));
    }
}
