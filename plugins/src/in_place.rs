//! `in-place`: renders handlebars inside a file's own contents, with `@metalsmith/in-place`'s
//! options, so a page can use data, partials and helpers in its body (before markdown).
//!
//! It shares the `layouts` engine: the same helpers (built-in and `helpers/*.rhai`), the
//! same partials (`layouts/partials` by default), and the same per-thread contexts, so a
//! page sees the global metadata without a copy of it. `page.md.hbs` becomes `page.md`, and
//! `page.hbs` becomes `page.html`, as Metalsmith names them.

use ironsmith_core::{
    for_each_file_moving, parse_options, Error, File, FileError, Files, Pattern, Plugin, Site,
};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::layouts::context::{Contexts, CONTENTS};
use crate::layouts::templates::Templates;
use crate::layouts::{EngineOptions, Options as LayoutOptions, Transform};

pub const NAME: &str = "in-place";

/// The extensions of the files in-place renders, as jstransformer-handlebars lists them.
const EXTENSIONS: [&str; 2] = ["hbs", "handlebars"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// Which files to render.
    pub pattern: Pattern,
    /// The template engine; only handlebars is built in.
    #[serde(alias = "engine")]
    pub transform: Transform,
    /// `partials` (a map or a folder), `strict`, `noEscape`, as for `layouts`.
    pub engine_options: EngineOptions,
    /// What a file named only `x.hbs` becomes: `x` plus this; `false` keeps every name.
    pub extname: Extname,
    /// Where partials live, relative to the site root (`layouts/partials`).
    pub partials: Option<String>,
    /// Where `*.rhai` helpers live, relative to the site root (`helpers`).
    pub helpers: Option<String>,
    /// Metalsmith fails a build where no file matches `pattern`; this allows it.
    pub suppress_no_files_error: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pattern: Pattern::new(&["**/*.{hbs,handlebars}"])
                .unwrap_or_else(|_| unreachable!("a valid glob")),
            transform: Transform::Handlebars,
            engine_options: EngineOptions::default(),
            extname: Extname(Some(".html".into())),
            partials: None,
            helpers: None,
            suppress_no_files_error: false,
        }
    }
}

/// `extname`: an extension such as `.html`, or `false`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extname(pub Option<String>);

impl<'de> Deserialize<'de> for Extname {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Off(bool),
            Extension(String),
        }
        match Shape::deserialize(deserializer) {
            Ok(Shape::Off(false)) => Ok(Extname(None)),
            Ok(Shape::Extension(extension))
                if extension.starts_with('.')
                    && extension.len() > 1
                    && !extension.contains('/') =>
            {
                Ok(Extname(Some(extension)))
            }
            _ => Err(serde::de::Error::custom(
                "expected an extension such as \".html\", or false to keep file names",
            )),
        }
    }
}

#[derive(Debug)]
pub struct InPlace {
    options: Options,
    /// The same settings as `layouts` options, for its template loader.
    engine: LayoutOptions,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(InPlace::new(parse_options(options)?)?))
}

impl InPlace {
    pub fn new(options: Options) -> Result<Self, String> {
        let engine = LayoutOptions {
            pattern: options.pattern.clone(),
            partials: options.partials.clone(),
            helpers: options.helpers.clone(),
            engine_options: options.engine_options.clone(),
            ..LayoutOptions::default()
        };
        engine.check()?;
        Ok(InPlace { options, engine })
    }

    /// Where a rendered file goes: `a.md.hbs` -> `a.md`, `a.hbs` -> `a` + `extname`.
    fn renamed(&self, path: &str) -> Option<String> {
        let extname = self.options.extname.0.as_ref()?;
        let name_start = path.rfind('/').map_or(0, |slash| slash + 1);
        let dot = path[name_start..].rfind('.').map(|dot| name_start + dot)?;
        if dot == name_start || !EXTENSIONS.contains(&&path[dot + 1..]) {
            return None;
        }
        let stem = &path[..dot];
        Some(if stem[name_start..].contains('.') {
            stem.to_string()
        } else {
            format!("{stem}{extname}")
        })
    }
}

impl Plugin for InPlace {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        let pages = files
            .keys()
            .filter(|key| self.options.pattern.is_match(key))
            .count();
        if pages == 0 {
            if self.options.suppress_no_files_error {
                return Ok(());
            }
            return Err(Error::Message(format!(
                "no file to process: none matches {}; change `pattern`, or set \
                 `suppressNoFilesError: true`",
                self.options.pattern.globs().join(", ")
            )));
        }
        let templates = Templates::without_layouts(site, &self.engine)?;
        let threads = rayon::current_num_threads().min(pages);
        let contexts = Contexts::new(std::mem::take(&mut site.metadata), threads);
        let rendered = for_each_file_moving(files, &self.options.pattern, |path, file| {
            render(file, path, &templates, &contexts)?;
            if let Some(renamed) = self.renamed(path) {
                *path = renamed;
            }
            Ok(())
        });
        site.metadata = contexts.finish().unwrap_or_default();
        // `post.md.hbs` became `post.md`: lists made before (collections) follow it.
        crate::collections::follow_moves(files, site, &rendered?);
        Ok(())
    }
}

fn render(
    file: &mut File,
    path: &str,
    templates: &Templates,
    contexts: &Contexts,
) -> Result<(), FileError> {
    let text = match String::from_utf8(std::mem::take(&mut file.contents)) {
        Ok(text) => text,
        Err(error) => {
            file.contents = error.into_bytes();
            return Err(FileError::new(
                "is not UTF-8 text, so in-place cannot render it: save it as UTF-8 or leave \
                 it out of the in-place `pattern`",
            ));
        }
    };
    let (rendered, text) = contexts.with_page(file, text, |context| {
        let source = context
            .data()
            .get(CONTENTS)
            .and_then(Value::as_str)
            .unwrap_or_default();
        templates.render_text(source, path, context)
    });
    match rendered {
        Ok(output) => {
            file.contents = output.into_bytes();
            Ok(())
        }
        Err(mut error) => {
            file.contents = text.into_bytes();
            // Lines count in the file the author edits, front matter included.
            error.location = error.location.map(|at| file.source_location(at));
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn site(files: &[(&str, &str)], metadata: Value) -> (tempfile::TempDir, Site) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let root = dir.path().to_path_buf();
        let mut site = Site::new(root.clone(), root.join("src"), root.join("build"));
        if let Value::Object(map) = metadata {
            site.metadata = map;
        }
        (dir, site)
    }

    fn pages(list: &[(&str, &str, Value)]) -> Files {
        list.iter()
            .map(|(path, text, metadata)| {
                let mut file = File::new(*text);
                if let Value::Object(map) = metadata {
                    file.metadata = map.clone();
                }
                (path.to_string(), file)
            })
            .collect()
    }

    fn run(options: Value, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        create(&options).unwrap().run(files, site)
    }

    fn text(files: &Files, path: &str) -> String {
        files[path].text().unwrap().to_string()
    }

    #[test]
    fn renders_with_page_and_global_metadata_partials_and_helpers_and_renames() {
        let (_dir, mut site) = site(
            &[
                ("layouts/partials/note.hbs", "<aside>{{site.title}}</aside>"),
                ("helpers/shout.rhai", "params[0].to_upper()"),
            ],
            json!({"site": {"title": "Docs"}, "version": "1.2"}),
        );
        let mut files = pages(&[
            (
                "guide.md.hbs",
                "# {{title}} v{{version}}\n{{> note}} {{shout title}} {{slug title}}",
                json!({"title": "Hi there"}),
            ),
            (
                "plain.hbs",
                "{{#each tags}}{{this}},{{/each}}",
                json!({"tags": ["a", "b"]}),
            ),
            ("dir.v2/readme.handlebars", "{{version}}", json!({})),
            ("other.md", "{{title}}", json!({"title": "untouched"})),
        ]);
        run(json!(null), &mut files, &mut site).unwrap();
        assert_eq!(
            text(&files, "guide.md"),
            "# Hi there v1.2\n<aside>Docs</aside> HI THERE hi-there"
        );
        assert_eq!(text(&files, "plain.html"), "a,b,");
        assert_eq!(text(&files, "dir.v2/readme.html"), "1.2");
        assert_eq!(text(&files, "other.md"), "{{title}}");
        assert_eq!(files["guide.md"].metadata["title"], "Hi there");
        assert_eq!(site.metadata["version"], "1.2");
        assert!(site.metadata.get("title").is_none());
    }

    #[test]
    fn pattern_extname_and_engine_options() {
        let (_dir, mut site) = site(&[], json!({}));
        let mut files = pages(&[
            ("a.md", "{{html}}", json!({"html": "<b>"})),
            ("b.hbs", "{{html}}", json!({"html": "<b>"})),
        ]);
        run(
            json!({"pattern": ["*.md", "*.hbs"], "extname": false, "engineOptions": {"noEscape": true, "partials": {"x": "X"}}}),
            &mut files,
            &mut site,
        )
        .unwrap();
        assert_eq!(text(&files, "a.md"), "<b>");
        assert_eq!(text(&files, "b.hbs"), "<b>");
        let mut files = pages(&[("c.hbs", "{{> x}}", json!({}))]);
        run(
            json!({"extname": ".htm", "engineOptions": {"partials": {"x": "X"}}}),
            &mut files,
            &mut site,
        )
        .unwrap();
        assert_eq!(text(&files, "c.htm"), "X");
    }

    #[test]
    fn partials_and_helpers_folders_can_be_moved() {
        let (_dir, mut site) = site(
            &[
                ("parts/p.hbs", "part"),
                ("lib/twice.rhai", "params[0] + params[0]"),
            ],
            json!({}),
        );
        let mut files = pages(&[("a.hbs", "{{> p}} {{twice \"x\"}}", json!({}))]);
        run(
            json!({"partials": "parts", "helpers": "lib"}),
            &mut files,
            &mut site,
        )
        .unwrap();
        assert_eq!(text(&files, "a.html"), "part xx");
        let mut files = pages(&[("a.hbs", "", json!({}))]);
        let error = run(json!({"partials": "none"}), &mut files, &mut site).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("the partials folder does not exist"),
            "{error}"
        );
    }

    #[test]
    fn errors_name_the_page_line_and_partial() {
        let (dir, mut site) = site(
            &[("layouts/partials/card.hbs", "<b>\n{{date when \"%Y\"}}</b>")],
            json!({}),
        );
        let mut files = pages(&[
            ("syntax.hbs", "ok\n{{#if x}}\n", json!({})),
            ("missing.hbs", "a\n  {{> nope}}", json!({})),
            ("strict.hbs", "{{> card}}", json!({"when": "soon"})),
            ("fine.hbs", "fine", json!({})),
        ]);
        // Its contents start on line 3 of its file, after front matter.
        files["missing.hbs"].body_line = Some(3);
        let mut error = run(json!(null), &mut files, &mut site).unwrap_err().lines();
        error.sort();
        let card = dir.path().join("layouts/partials/card.hbs");
        assert_eq!(error.len(), 3, "{error:#?}");
        assert!(
            error[0].starts_with("missing.hbs:4:3: partial `nope` not found: add it to "),
            "{}",
            error[0]
        );
        assert!(
            error[1].starts_with(&format!(
                "strict.hbs: {}:2:1: `date` cannot read `soon`",
                card.display()
            )),
            "{}",
            error[1]
        );
        assert!(error[2].starts_with("syntax.hbs:3:1: "), "{}", error[2]);
        assert_eq!(
            text(&files, "syntax.hbs"),
            "ok\n{{#if x}}\n",
            "a failed page keeps its text"
        );
        assert_eq!(text(&files, "fine.hbs"), "fine");
    }

    #[test]
    fn no_files_non_utf8_and_bad_options() {
        let (_dir, mut site) = site(&[], json!({}));
        let mut files = pages(&[("a.md", "x", json!({}))]);
        let error = run(json!(null), &mut files, &mut site).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("no file to process: none matches **/*.{hbs,handlebars}"),
            "{error}"
        );
        run(json!({"suppressNoFilesError": true}), &mut files, &mut site).unwrap();
        let mut files = pages(&[("a.hbs", "", json!({}))]);
        files["a.hbs"].contents = vec![0xff];
        let error = run(json!(null), &mut files, &mut site).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("a.hbs: is not UTF-8 text, so in-place cannot render it"),
            "{error}"
        );
        assert_eq!(files["a.hbs"].contents, [0xff]);
        for (options, expected) in [
            (
                json!({"transform": "nunjucks"}),
                "option `transform`: `nunjucks` is not available",
            ),
            (
                json!({"extname": "html"}),
                "option `extname`: expected an extension",
            ),
            (json!({"directory": "x"}), "unknown field `directory`"),
        ] {
            let error = create(&options).unwrap_err();
            assert!(error.contains(expected), "{error}");
        }
        let registry = crate::registry();
        for name in ["in-place", "@metalsmith/in-place", "metalsmith-in-place"] {
            let spec = ironsmith_core::PluginSpec::new(name, json!({"transform": "handlebars"}));
            assert_eq!(registry.create(&spec).unwrap().unwrap().name(), NAME);
        }
    }
}
