//! `minify`: smaller pages, stylesheets and scripts, with [minify-html] for HTML and the
//! minifiers it is built on for the rest: [lightningcss] for CSS, [oxc] for JavaScript.
//!
//! Minifying only ever shrinks a file: a stylesheet or script that does not parse is left
//! as it is and named in a warning, never an error, so a vendored file with a syntax the
//! minifier does not know cannot stop a build. List it after `layouts`, before `links`.
//!
//! [minify-html]: https://docs.rs/minify-html
//! [lightningcss]: https://docs.rs/lightningcss
//! [oxc]: https://oxc.rs

use std::fmt;

use ironsmith_core::{parse_options, Error, File, Files, Pattern, Plugin, Site};
use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
use oxc_allocator::Allocator;
use oxc_codegen::{Codegen, CodegenOptions, CommentOptions, LegalComment};
use oxc_minifier::{CompressOptions, MangleOptions, Minifier, MinifierOptions};
use oxc_parser::Parser;
use oxc_span::SourceType;
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

pub const NAME: &str = "minify";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// Pages; `false` leaves them alone.
    pub html: Section<HtmlOptions>,
    /// Stylesheets; `false` leaves them alone.
    pub css: Section<CssOptions>,
    /// Scripts; `false` leaves them alone.
    pub js: Section<JsOptions>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct HtmlOptions {
    pub pattern: Pattern,
    /// Minify `<style>` and `<script>` contents and `style` attributes too.
    pub inline: bool,
    pub keep_comments: bool,
    /// Keep end tags HTML lets a page leave out (`</p>`, `</li>`, `</body>`).
    pub keep_closing_tags: bool,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions {
            pattern: glob("**/*.{html,htm}"),
            inline: true,
            keep_comments: false,
            keep_closing_tags: false,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct CssOptions {
    pub pattern: Pattern,
}

impl Default for CssOptions {
    fn default() -> Self {
        CssOptions {
            pattern: glob("**/*.css"),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct JsOptions {
    pub pattern: Pattern,
    /// Shorten local names (never top-level ones, which other scripts may use).
    pub mangle: bool,
}

impl Default for JsOptions {
    fn default() -> Self {
        JsOptions {
            pattern: glob("**/*.{js,mjs}"),
            mangle: true,
        }
    }
}

fn glob(glob: &str) -> Pattern {
    Pattern::new(&[glob]).unwrap_or_else(|_| unreachable!("a valid glob"))
}

/// One kind of file's options: `true` (the defaults), `false` (off), or a map.
#[derive(Debug)]
pub struct Section<T>(pub Option<T>);

impl<T: Default> Default for Section<T> {
    fn default() -> Self {
        Section(Some(T::default()))
    }
}

impl<'de, T: Default + DeserializeOwned> Deserialize<'de> for Section<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Bool(false) => Ok(Section(None)),
            Value::Bool(true) | Value::Null => Ok(Section(Some(T::default()))),
            options => parse_options(&options)
                .map(|options| Section(Some(options)))
                .map_err(serde::de::Error::custom),
        }
    }
}

pub struct Minify {
    options: Options,
    html: minify_html::Cfg,
}

impl fmt::Debug for Minify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Minify")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let options: Options = parse_options(options)?;
    let mut html = minify_html::Cfg::new();
    if let Some(page) = &options.html.0 {
        html.minify_css = page.inline;
        html.minify_js = page.inline;
        html.keep_comments = page.keep_comments;
        html.keep_closing_tags = page.keep_closing_tags;
    }
    Ok(Box::new(Minify { options, html }))
}

/// What minifying one file gave.
enum Outcome {
    Smaller(Vec<u8>),
    Unchanged,
    /// It does not parse: why, for the warning.
    Skipped(String),
}

impl Plugin for Minify {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        let skipped: Vec<String> = files
            .par_iter_mut()
            .filter_map(|(key, file)| {
                let outcome = self.minify(key, file)?;
                match outcome {
                    Outcome::Smaller(contents) => {
                        file.contents = contents;
                        None
                    }
                    Outcome::Unchanged => None,
                    Outcome::Skipped(why) => Some(format!(
                        "{NAME}: {}: left as it is: {why}",
                        file.display_path(key)
                    )),
                }
            })
            .collect();
        for warning in skipped {
            site.warn(warning);
        }
        Ok(())
    }
}

impl Minify {
    /// The file minified by the first kind whose pattern matches it; `None` for none.
    fn minify(&self, key: &str, file: &File) -> Option<Outcome> {
        let matches = |pattern: &Pattern| pattern.is_match(key);
        let text = || match file.text() {
            Some(text) => Ok(text),
            None => Err(Outcome::Skipped("it is not UTF-8 text".into())),
        };
        let outcome = if self
            .options
            .html
            .0
            .as_ref()
            .is_some_and(|o| matches(&o.pattern))
        {
            text().map(|_| {
                smaller(
                    &file.contents,
                    minify_html::minify(&file.contents, &self.html),
                )
            })
        } else if self
            .options
            .css
            .0
            .as_ref()
            .is_some_and(|o| matches(&o.pattern))
        {
            text().map(|text| {
                css(text).map_or_else(Outcome::Skipped, |css| smaller(&file.contents, css))
            })
        } else if let Some(options) = self.options.js.0.as_ref().filter(|o| matches(&o.pattern)) {
            text().map(|text| {
                js(key, text, options)
                    .map_or_else(Outcome::Skipped, |js| smaller(&file.contents, js))
            })
        } else {
            return None;
        };
        Some(outcome.unwrap_or_else(|skipped| skipped))
    }
}

/// The minified bytes, when they are fewer.
fn smaller(original: &[u8], minified: impl Into<Vec<u8>>) -> Outcome {
    let minified = minified.into();
    match minified.len() < original.len() {
        true => Outcome::Smaller(minified),
        false => Outcome::Unchanged,
    }
}

fn css(text: &str) -> Result<String, String> {
    let mut sheet = StyleSheet::parse(text, ParserOptions::default()).map_err(|error| {
        let at = error
            .loc
            .as_ref()
            .map(|loc| format!(" (line {}, column {})", loc.line + 1, loc.column))
            .unwrap_or_default();
        format!("it does not parse as CSS: {}{at}", error.kind)
    })?;
    sheet
        .minify(MinifyOptions::default())
        .map_err(|error| format!("it cannot be minified: {}", error.kind))?;
    let printed = sheet
        .to_css(PrinterOptions {
            minify: true,
            ..PrinterOptions::default()
        })
        .map_err(|error| format!("it cannot be minified: {}", error.kind))?;
    Ok(printed.code)
}

/// A script is minified as a classic script unless it uses `import` or `export` (or is an
/// `.mjs` file): names at the top of a classic script are shared with the page's other
/// scripts, so they are neither renamed nor dropped.
fn js(key: &str, text: &str, options: &JsOptions) -> Result<String, String> {
    let allocator = Allocator::default();
    let source_type = match key.ends_with(".mjs") {
        true => SourceType::mjs(),
        false => SourceType::unambiguous(),
    };
    let parsed = Parser::new(&allocator, text, source_type).parse();
    if let Some(error) = parsed.errors.first() {
        let at = error
            .labels
            .as_ref()
            .and_then(|labels| labels.first())
            .map(|label| {
                let before = text.get(..label.offset()).unwrap_or_default();
                let line = before.matches('\n').count() + 1;
                let column = before.chars().rev().take_while(|&c| c != '\n').count() + 1;
                format!(" (line {line}, column {column})")
            })
            .unwrap_or_default();
        return Err(format!(
            "it does not parse as JavaScript: {}{at}",
            error.message
        ));
    }
    let mut program = parsed.program;
    let minified = Minifier::new(MinifierOptions {
        mangle: options.mangle.then(MangleOptions::default),
        compress: Some(CompressOptions::safest()),
    })
    .minify(&allocator, &mut program);
    // Licence comments (`/*! ... */`, `@license`) stay, as esbuild and terser keep them.
    let comments = CommentOptions {
        legal: LegalComment::Inline,
        ..CommentOptions::disabled()
    };
    let code = Codegen::new()
        .with_options(CodegenOptions {
            comments,
            ..CodegenOptions::minify()
        })
        .with_scoping(minified.scoping)
        .build(&program)
        .code;
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PAGE: &str = "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>T</title>\n  <style> p { color : red } </style>\n</head>\n<body>\n  <!-- note -->\n  <p>One   two</p>\n  <ul><li>a</li></ul>\n  <script> var  x = 1 + 2; console.log( x ) </script>\n</body>\n</html>\n";
    const CSS: &str = "a {\n  color: #ff0000;\n  margin: 0px 0px 0px 0px;\n}\n";
    const JS: &str = "/*! greet v1 | MIT */\n// How to greet.\nfunction greet(name) {\n  var message = 'hello ' + name;\n  return message;\n}\n(function () {\n  var local = 40 + 2;\n  console.log(local);\n})();\n";

    fn site() -> Files {
        [
            ("index.html", PAGE),
            ("style.css", CSS),
            ("app.js", JS),
            ("notes.txt", "  spaced   out  "),
        ]
        .into_iter()
        .map(|(path, text)| (path.to_string(), File::new(text)))
        .collect()
    }

    fn run(options: Value) -> (Files, Vec<String>) {
        let mut files = site();
        let mut site = Site::default();
        create(&options)
            .unwrap()
            .run(&mut files, &mut site)
            .unwrap();
        (files, site.take_warnings())
    }

    fn text(files: &Files, key: &str) -> String {
        files[key].text().unwrap().to_string()
    }

    #[test]
    fn minifies_pages_stylesheets_and_scripts_by_default() {
        let (files, warnings) = run(json!(null));
        assert!(warnings.is_empty(), "{warnings:?}");
        let page = text(&files, "index.html");
        assert!(page.contains("<p>One two"), "{page}");
        assert!(page.contains("<style>p{color:red}</style>"), "{page}");
        assert!(!page.contains("note") && !page.contains("</li>"), "{page}");
        assert!(!page.contains("var  x"), "{page}");
        assert_eq!(text(&files, "style.css"), "a{color:red;margin:0}");
        let js = text(&files, "app.js");
        assert!(
            js.len() < JS.len() && js.contains("function greet("),
            "{js}"
        );
        assert!(!js.contains("name"), "local names are mangled: {js}");
        assert!(
            js.starts_with("/*! greet v1 | MIT */") && !js.contains("How to"),
            "{js}"
        );
        assert_eq!(text(&files, "notes.txt"), "  spaced   out  ");
    }

    #[test]
    fn each_kind_can_be_switched_off() {
        let (files, _) = run(json!({"html": false, "css": false, "js": false}));
        assert_eq!(text(&files, "index.html"), PAGE);
        assert_eq!(text(&files, "style.css"), CSS);
        assert_eq!(text(&files, "app.js"), JS);
        let (files, _) = run(json!({"css": true, "js": null}));
        assert_ne!(text(&files, "style.css"), CSS);
    }

    #[test]
    fn html_options_keep_comments_closing_tags_and_inline_code() {
        let (files, _) =
            run(json!({"html": {"keepComments": true, "keepClosingTags": true, "inline": false}}));
        let page = text(&files, "index.html");
        assert!(page.contains("<!-- note -->"), "{page}");
        assert!(page.contains("</li>"), "{page}");
        assert!(page.contains("var  x = 1 + 2"), "{page}");
    }

    #[test]
    fn patterns_choose_the_files_and_mangle_can_be_off() {
        let (files, _) = run(
            json!({"html": {"pattern": "none/*"}, "css": {"pattern": "*.txt"}, "js": {"mangle": false}}),
        );
        assert_eq!(text(&files, "index.html"), PAGE);
        assert_eq!(text(&files, "style.css"), CSS);
        assert!(text(&files, "app.js").contains("name"));
    }

    #[test]
    fn top_level_names_of_a_classic_script_are_kept() {
        let minified = js(
            "a.js",
            "function used_elsewhere() { return 1 }\nvar shared = 2;\n",
            &JsOptions::default(),
        )
        .unwrap();
        assert!(
            minified.contains("used_elsewhere") && minified.contains("shared"),
            "{minified}"
        );
    }

    #[test]
    fn what_does_not_parse_is_left_as_it_is_with_a_warning() {
        let mut files: Files = [
            ("bad.css", "a { color: red;\n  }}} @media {"),
            ("bad.js", "let x = ;\n"),
            ("latin1.html", "caf\u{e9}"),
        ]
        .into_iter()
        .map(|(path, text)| (path.to_string(), File::new(text)))
        .collect();
        files["latin1.html"].contents = b"caf\xe9".to_vec();
        let mut site = Site::default();
        create(&json!(null))
            .unwrap()
            .run(&mut files, &mut site)
            .unwrap();
        assert_eq!(files["bad.js"].contents, b"let x = ;\n");
        let warnings = site.take_warnings();
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(
            warnings[0].starts_with("minify: bad.css: left as it is: it does not parse as CSS: "),
            "{warnings:?}"
        );
        assert!(
            warnings[1]
                .starts_with("minify: bad.js: left as it is: it does not parse as JavaScript: "),
            "{warnings:?}"
        );
        assert!(warnings[1].ends_with("(line 1, column 9)"), "{warnings:?}");
        assert_eq!(
            warnings[2],
            "minify: latin1.html: left as it is: it is not UTF-8 text"
        );
    }

    #[test]
    fn unknown_options_are_refused() {
        let error = create(&json!({"html": {"collapseWhitespace": true}})).unwrap_err();
        assert!(error.contains("collapseWhitespace"), "{error}");
        assert!(create(&json!({"svg": true})).unwrap_err().contains("svg"));
    }
}
