//! `markdown`: CommonMark + GFM to HTML with pulldown-cmark; `a.md` becomes `a.html`.
//!
//! Accepts `@metalsmith/markdown`'s options (`keys`, `globalRefs`, `engineOptions`), so a
//! Metalsmith configuration moves over unchanged.

use std::collections::HashMap;

use ironsmith_core::{
    for_each_file_moving, parse_options, Error, File, FileError, Files, Metadata, Pattern, Plugin,
    Site,
};
use pulldown_cmark::{html, CowStr, Event, Options as Extensions, Parser};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::headings::{self, Heading, Headings};
use crate::highlight::{self, Highlight};

mod fences;
mod outline;

use fences::push_highlighted;
use outline::{name_headings, outline, Outline, WithLinks};

pub const NAME: &str = "markdown";

/// The plugin's options, as written in the configuration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// Which files to render.
    pub pattern: Pattern,
    /// Curly quotes, en and em dashes, ellipses.
    #[serde(alias = "smartPunctuation")]
    pub smartypants: bool,
    /// An `id` on every heading, unique within the page (author-given `{#id}`s are kept).
    #[serde(alias = "headerIds")]
    pub heading_ids: bool,
    /// Front matter keys (dotted paths) rendered as markdown too, such as `summary`.
    pub keys: Keys,
    /// Link reference definitions shared by every page: `{name: url}`.
    pub global_refs: HashMap<String, String>,
    /// Metalsmith's marked options that have a pulldown-cmark equivalent.
    pub engine_options: EngineOptions,
    /// `metalsmith-markdown` 1.x took marked's options at the top level, beside `pattern`.
    pub gfm: Option<bool>,
    pub tables: Option<bool>,
    pub breaks: Option<bool>,
    pub header_prefix: Option<String>,
    /// Marked's list tidying, which CommonMark lists always have: accepted, changes nothing.
    pub smart_lists: Option<bool>,
    /// Fenced code blocks highlighted as they are written, as the `highlight` plugin would.
    pub highlight: WhileRendering<highlight::Options>,
    /// Heading anchors and the `headings` list made as the page is written, as the
    /// `headings` plugin would.
    pub headings: WhileRendering<headings::Options>,
}

/// A plugin's work done while markdown writes each page: `true` for that plugin's
/// defaults, or its options but `pattern`.
#[derive(Debug)]
pub struct WhileRendering<T>(pub Option<T>);

impl<T> Default for WhileRendering<T> {
    fn default() -> Self {
        WhileRendering(None)
    }
}

impl<'de, T: Default + DeserializeOwned> Deserialize<'de> for WhileRendering<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        match Value::deserialize(deserializer)? {
            Value::Null | Value::Bool(false) => Ok(WhileRendering(None)),
            Value::Bool(true) => Ok(WhileRendering(Some(T::default()))),
            Value::Object(options) if options.contains_key("pattern") => Err(D::Error::custom(
                "`pattern` has no place here: markdown does this for the pages it renders \
                 (the plugin of the same name does it for other HTML)",
            )),
            options => T::deserialize(options)
                .map(|options| WhileRendering(Some(options)))
                .map_err(D::Error::custom),
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pattern: default_pattern(),
            smartypants: false,
            heading_ids: true,
            keys: Keys::default(),
            global_refs: HashMap::new(),
            engine_options: EngineOptions::default(),
            gfm: None,
            tables: None,
            breaks: None,
            header_prefix: None,
            smart_lists: None,
            highlight: WhileRendering::default(),
            headings: WhileRendering::default(),
        }
    }
}

fn default_pattern() -> Pattern {
    Pattern::new(&["**/*.{md,markdown}"]).unwrap_or_else(|_| unreachable!("a valid glob"))
}

/// `keys: [a, b]`, or Metalsmith's `keys: {files: [a], global: [b]}`.
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
pub enum Keys {
    #[default]
    None,
    Files(Vec<String>),
    Split {
        #[serde(default)]
        files: Vec<String>,
        #[serde(default)]
        global: Vec<String>,
    },
}

impl Keys {
    fn files(&self) -> &[String] {
        match self {
            Keys::None => &[],
            Keys::Files(files) | Keys::Split { files, .. } => files,
        }
    }

    fn global(&self) -> &[String] {
        match self {
            Keys::Split { global, .. } => global,
            _ => &[],
        }
    }
}

/// The marked options Metalsmith sites set, mapped onto pulldown-cmark.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct EngineOptions {
    /// GitHub extensions: tables, strikethrough, task lists, footnotes.
    pub gfm: bool,
    /// Single line breaks become `<br>`.
    pub breaks: bool,
    pub smartypants: Option<bool>,
    pub header_ids: Option<bool>,
    /// Prepended to generated heading ids.
    pub header_prefix: String,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            gfm: true,
            breaks: false,
            smartypants: None,
            header_ids: None,
            header_prefix: String::new(),
        }
    }
}

/// Renders markdown files to HTML.
#[derive(Debug)]
pub struct Markdown {
    options: Options,
    renderer: Renderer,
}

/// Builds the plugin from configuration options.
pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(Markdown::new(parse_options(options)?)?))
}

impl Markdown {
    /// The plugin; an error names the `highlight` option that cannot be used.
    pub fn new(mut options: Options) -> Result<Self, String> {
        let headings = options.headings.0.take().map(Headings::new);
        let highlight = match options.highlight.0.take() {
            Some(highlight) => Some(
                Highlight::new(highlight)
                    .map_err(|problem| problem.replacen("option `", "option `highlight.", 1))?,
            ),
            None => None,
        };
        let engine = &options.engine_options;
        let gfm = options.gfm.unwrap_or(engine.gfm);
        let mut extensions = Extensions::ENABLE_HEADING_ATTRIBUTES;
        if gfm {
            extensions |= Extensions::ENABLE_FOOTNOTES
                | Extensions::ENABLE_STRIKETHROUGH
                | Extensions::ENABLE_TASKLISTS;
        }
        if options.tables.unwrap_or(gfm) {
            extensions |= Extensions::ENABLE_TABLES;
        }
        if engine.smartypants.unwrap_or(options.smartypants) {
            extensions |= Extensions::ENABLE_SMART_PUNCTUATION;
        }
        let renderer = Renderer {
            extensions,
            heading_ids: engine.header_ids.unwrap_or(options.heading_ids),
            heading_prefix: options
                .header_prefix
                .clone()
                .unwrap_or_else(|| engine.header_prefix.clone()),
            hard_breaks: options.breaks.unwrap_or(engine.breaks),
            global_refs: options.global_refs.clone(),
            highlight,
            headings,
        };
        Ok(Markdown { options, renderer })
    }
}

impl Plugin for Markdown {
    fn name(&self) -> &str {
        NAME
    }

    /// Starts compiling the grammars the sources name, when fenced blocks are highlighted.
    fn start(&self, site: &Site) {
        if let Some(highlight) = &self.renderer.highlight {
            highlight.start(site);
        }
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        match &self.renderer.highlight {
            Some(highlight) => {
                highlight.one_build(|| self.render_all(files, site))?;
                highlight.add_stylesheet(files)
            }
            None => self.render_all(files, site),
        }
    }
}

impl Markdown {
    fn render_all(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        let moves = for_each_file_moving(files, &self.options.pattern, |path, file| {
            self.render_file(file)?;
            *path = html_path(path);
            Ok(())
        })?;
        crate::collections::follow_moves(files, site, &moves);
        for key in self.options.keys.global() {
            render_key(&self.renderer, &mut site.metadata, key)
                .map_err(|problem| Error::Message(format!("global `{key}`: {problem}")))?;
        }
        Ok(())
    }

    fn render_file(&self, file: &mut File) -> Result<(), FileError> {
        let text = file.text().ok_or_else(|| {
            FileError::new(
                "is not UTF-8 text, so markdown cannot render it: \
                 save it as UTF-8 or leave it out of the markdown `pattern`",
            )
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let (html, headings) = self.renderer.render_page(text).map_err(FileError::new)?;
        file.set_text(html);
        if let Some(headings) = headings {
            headings::record(file, headings);
        }
        for key in self.options.keys.files() {
            render_key(&self.renderer, &mut file.metadata, key)
                .map_err(|problem| FileError::new(format!("`{key}`: {problem}")))?;
        }
        Ok(())
    }
}

/// `posts/a.md` -> `posts/a.html`, as Metalsmith names them.
fn html_path(path: &str) -> String {
    let name_start = path.rfind('/').map_or(0, |slash| slash + 1);
    match path[name_start..].rfind('.') {
        Some(dot) if dot > 0 => format!("{}.html", &path[..name_start + dot]),
        _ => format!("{path}.html"),
    }
}

/// Renders the string at a dotted key path in place; other values are left alone.
fn render_key(renderer: &Renderer, metadata: &mut Metadata, key: &str) -> Result<(), String> {
    let mut parts = key.split('.');
    let Some(first) = parts.next() else {
        return Ok(());
    };
    let mut value = metadata.get_mut(first);
    for part in parts {
        value = value.and_then(|v| v.get_mut(part));
    }
    if let Some(Value::String(text)) = value {
        *text = renderer.render(text)?;
    }
    Ok(())
}

/// pulldown-cmark with the configured extensions, plus heading ids and global references.
#[derive(Debug)]
struct Renderer {
    extensions: Extensions,
    heading_ids: bool,
    heading_prefix: String,
    hard_breaks: bool,
    global_refs: HashMap<String, String>,
    highlight: Option<Highlight>,
    /// The `headings` plugin whose work is done while a page is written.
    headings: Option<Headings>,
}

impl Renderer {
    /// A page as HTML, and its headings when they are listed; an error says which fenced
    /// block could not be highlighted.
    fn render_page(&self, markdown: &str) -> Result<(String, Option<Vec<Heading>>), String> {
        self.write(markdown, self.headings.as_ref())
    }

    /// A front matter value as HTML: its headings are not the page's.
    fn render(&self, markdown: &str) -> Result<String, String> {
        self.write(markdown, None).map(|(html, _)| html)
    }

    fn write(
        &self,
        markdown: &str,
        headings: Option<&Headings>,
    ) -> Result<(String, Option<Vec<Heading>>), String> {
        let mut out = String::with_capacity(markdown.len() + markdown.len() / 2);
        let mut resolve = |link: pulldown_cmark::BrokenLink<'_>| {
            let url = self.global_refs.get(link.reference.as_ref())?;
            Some((CowStr::from(url.clone()), CowStr::from("")))
        };
        let parser = Parser::new_with_broken_link_callback(
            markdown,
            self.extensions,
            (!self.global_refs.is_empty()).then_some(&mut resolve),
        );
        if !self.heading_ids && self.highlight.is_none() && headings.is_none() {
            let events = parser.map(|event| match event {
                Event::SoftBreak if self.hard_breaks => Event::HardBreak,
                other => other,
            });
            html::push_html(&mut out, events);
            return Ok((out, None));
        }
        // A heading's id comes from its text, which follows its start: the page's events
        // are collected once and named in place, cheaper than an adapter buffering each.
        // Sized up front: grown from empty, the list is copied about once more in all.
        // Collected from the parser itself: through an adapter, collecting takes longer.
        let mut events = Vec::with_capacity(markdown.len() / BYTES_PER_EVENT);
        events.extend(parser);
        if self.hard_breaks {
            for event in &mut events {
                if matches!(event, Event::SoftBreak) {
                    *event = Event::HardBreak;
                }
            }
        }
        if self.heading_ids {
            name_headings(&mut events, &self.heading_prefix);
        }
        let outlined = headings.map(|plugin| outline(&events, plugin));
        let (listed, links) = match outlined {
            Some(Some(Outline { headings, links })) => (Some(headings), links),
            _ => (None, Vec::new()),
        };
        // Only pages with anchors pay for passing each event through one more iterator.
        match links.is_empty() {
            true => self.push_events(&mut out, events.into_iter())?,
            false => self.push_events(&mut out, WithLinks::new(events, links))?,
        }
        match (headings, listed) {
            (Some(plugin), None) => {
                // Raw HTML could change what the plugin finds: it reads the page.
                let (rewritten, listed) = plugin.process(&out);
                if let Some(rewritten) = rewritten {
                    out = rewritten;
                }
                Ok((out, Some(listed)))
            }
            (_, listed) => Ok((out, listed)),
        }
    }

    /// Writes a page's events as HTML, highlighting fenced blocks when told to.
    fn push_events<'e>(
        &self,
        out: &mut String,
        events: impl Iterator<Item = Event<'e>>,
    ) -> Result<(), String> {
        match &self.highlight {
            Some(highlight) => push_highlighted(out, events, highlight),
            None => {
                html::push_html(out, events);
                Ok(())
            }
        }
    }
}

/// Markdown bytes per parser event, a little under what prose and code average (about 15).
const BYTES_PER_EVENT: usize = 12;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub(super) fn render_with(options: Value, files: &[(&str, &str)]) -> (Files, Site) {
        let plugin = create(&options).unwrap();
        let mut map: Files = files
            .iter()
            .map(|(path, text)| (path.to_string(), File::new(text.as_bytes())))
            .collect();
        let mut site = Site::default();
        plugin.run(&mut map, &mut site).unwrap();
        (map, site)
    }

    pub(super) fn html(files: &Files, path: &str) -> String {
        String::from_utf8(files[path].contents.clone()).unwrap()
    }

    #[test]
    fn renders_gfm_and_renames_to_html() {
        let source = "# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ [^1]\n\n- [x] done\n\n[^1]: note\n";
        let (files, _) = render_with(json!(null), &[("posts/a.md", source), ("b.txt", "x")]);
        let out = html(&files, "posts/a.html");
        assert!(out.contains("<h1 id=\"title\">Title</h1>"), "{out}");
        assert!(out.contains("<table>"), "{out}");
        assert!(out.contains("<del>gone</del>"), "{out}");
        assert!(out.contains("type=\"checkbox\""), "{out}");
        assert!(out.contains("footnote-definition"), "{out}");
        assert!(files.contains_key("b.txt"));
    }

    #[test]
    fn raw_html_passes_through() {
        let (files, _) = render_with(json!(null), &[("a.md", "<div class=\"x\">hi</div>\n")]);
        assert_eq!(html(&files, "a.html"), "<div class=\"x\">hi</div>\n");
    }

    #[test]
    fn heading_ids_are_unique_and_respect_custom_ones() {
        let source = "## Setup\n\n## Setup\n\n## Install {#setup-1}\n\n## `code` *and* text\n";
        let (files, _) = render_with(json!({}), &[("a.md", source)]);
        let out = html(&files, "a.html");
        assert!(out.contains("<h2 id=\"setup\">Setup</h2>"), "{out}");
        assert!(out.contains("<h2 id=\"setup-2\">Setup</h2>"), "{out}");
        assert_eq!(out.matches("id=\"setup-1\"").count(), 1, "{out}");
        assert!(out.contains("<h2 id=\"setup-1\">Install</h2>"), "{out}");
        assert!(out.contains("id=\"code-and-text\""), "{out}");
    }

    #[test]
    fn heading_ids_can_be_turned_off_or_prefixed() {
        let (files, _) = render_with(json!({"headingIds": false}), &[("a.md", "# T\n")]);
        assert_eq!(html(&files, "a.html"), "<h1>T</h1>\n");
        let (files, _) = render_with(
            json!({"engineOptions": {"headerPrefix": "h-"}}),
            &[("a.md", "# T\n")],
        );
        assert_eq!(html(&files, "a.html"), "<h1 id=\"h-t\">T</h1>\n");
    }

    /// Fences in every place a block can start: after a paragraph, first in a list item (where
    /// pulldown-cmark starts it on a new line), after text in a tight list, in a quote and a
    /// footnote; unknown, missing and rustdoc-style languages; markup characters in the code.
    const FENCES: &str = "Intro\n\n```rust\nfn main() { let s = \"<b>&amp;\"; }\n```\n\
        - ```python\n  def f(): pass\n  ```\n- item\n  ```bash\n  echo $HOME\n  ```\n\n\
        > ```json\n> {\"a\": [1, 2]}\n> ```\n\n\
        Note[^1].\n\n[^1]: ```yaml\n    a: 1\n    ```\n\n\
        ```nolang\n<kept>\n```\n\n```\nplain\n```\n\n    indented\n\n\
        ```Rust,ignore extra words\nlet x = 1;\n```\n\n~~~console\n$ ls\n~~~\n\n```toml\n```\n";

    #[test]
    fn highlighted_fences_are_what_the_highlight_plugin_makes_of_the_page() {
        let option_sets = [
            json!({}),
            json!({"inline": true, "theme": "monokai"}),
            json!({"classPrefix": "x-", "aliases": {"console": "bash"}}),
        ];
        for highlight in option_sets {
            for heading_ids in [true, false] {
                let plain_options = json!({"headingIds": heading_ids});
                let (files, _) = render_with(plain_options, &[("a.md", FENCES)]);
                let plain = html(&files, "a.html");
                let plugin = Highlight::new(parse_options(&highlight).unwrap()).unwrap();
                let expected = plugin.process(&plain).unwrap().unwrap_or(plain);

                let options = json!({"headingIds": heading_ids, "highlight": highlight});
                let (files, _) = render_with(options, &[("a.md", FENCES)]);
                assert_eq!(html(&files, "a.html"), expected, "{highlight}");
            }
        }
    }

    #[test]
    fn highlighting_fences_adds_the_stylesheet_unless_told_not_to() {
        let (files, _) = render_with(json!({"highlight": true}), &[("a.md", FENCES)]);
        assert!(html(&files, "a.html").contains("<span class=\"hl-keyword\">fn</span>"));
        let css = html(&files, "highlight.css");
        assert!(css.contains(".hl-keyword {"), "{css}");

        let options = json!({"highlight": {"stylesheet": "css/code.css"}});
        let (files, _) = render_with(options, &[("a.md", FENCES)]);
        assert!(files.contains_key("css/code.css"));

        for options in [
            json!({"highlight": {"stylesheet": false}}),
            json!({"highlight": {"inline": true}}),
        ] {
            let (files, _) = render_with(options, &[("a.md", FENCES)]);
            assert_eq!(files.keys().collect::<Vec<_>>(), ["a.html"]);
        }
    }

    #[test]
    fn fences_stay_plain_without_the_option() {
        for options in [json!({}), json!({"highlight": false})] {
            let (files, _) = render_with(options, &[("a.md", "```rust\nfn f() {}\n```\n")]);
            assert_eq!(
                html(&files, "a.html"),
                "<pre><code class=\"language-rust\">fn f() {}\n</code></pre>\n"
            );
            assert_eq!(files.len(), 1);
        }
    }

    #[test]
    fn highlight_options_that_cannot_work_are_errors() {
        let error = |options: Value| create(&options).unwrap_err();
        let problem = error(json!({"highlight": {"pattern": "**/*.html"}}));
        assert!(problem.contains("`pattern` has no place here"), "{problem}");
        let problem = error(json!({"highlight": {"theme": "neon"}}));
        assert!(
            problem.starts_with("option `highlight.theme`: there is no theme `neon`"),
            "{problem}"
        );
        let problem = error(json!({"highlight": {"colour": "red"}}));
        assert!(problem.contains("unknown field `colour`"), "{problem}");
        let problem = error(json!({"highlight": 3}));
        assert!(problem.starts_with("option `highlight`"), "{problem}");

        let mut files: Files = [("a.md", FENCES), ("highlight.css", "taken")]
            .iter()
            .map(|(path, text)| (path.to_string(), File::new(text.as_bytes())))
            .collect();
        let problem = create(&json!({"highlight": true}))
            .unwrap()
            .run(&mut files, &mut Site::default())
            .unwrap_err()
            .to_string();
        assert!(
            problem.contains("the site already has a file `highlight.css`"),
            "{problem}"
        );
    }

    #[test]
    fn headings_options_that_cannot_work_are_errors() {
        let error = |options: Value| create(&options).unwrap_err();
        let problem = error(json!({"headings": {"pattern": "**/*.html"}}));
        assert!(problem.contains("`pattern` has no place here"), "{problem}");
        let problem = error(json!({"headings": {"levels": [2, 9]}}));
        assert!(
            problem.starts_with("option `headings`: `levels` holds 9"),
            "{problem}"
        );
        let problem = error(json!({"headings": {"anchor": "left"}}));
        assert!(problem.contains("unknown variant `left`"), "{problem}");
        let problem = error(json!({"headings": "yes"}));
        assert!(problem.starts_with("option `headings`"), "{problem}");
    }

    #[test]
    fn headings_are_listed_only_with_the_option() {
        let (files, _) = render_with(json!({}), &[("a.md", "## Hi\n")]);
        assert!(files["a.html"].metadata.get("headings").is_none());
        let options = json!({"headings": true, "keys": ["summary"]});
        let plugin = create(&options).unwrap();
        let mut page = File::new("## Hi\n");
        page.metadata
            .insert("summary".into(), json!("## Not the page's"));
        let mut files: Files = [("a.md".to_string(), page)].into_iter().collect();
        plugin.run(&mut files, &mut Site::default()).unwrap();
        assert_eq!(
            files["a.html"].metadata["headings"],
            json!([{"level": 2, "id": "hi", "text": "Hi"}])
        );
    }

    #[test]
    fn smart_punctuation_is_optional() {
        let source = "\"Hi\" -- it's...\n";
        let (files, _) = render_with(json!({}), &[("a.md", source)]);
        assert_eq!(html(&files, "a.html"), "<p>\"Hi\" -- it's...</p>\n");
        let (files, _) = render_with(json!({"smartypants": true}), &[("a.md", source)]);
        assert!(
            html(&files, "a.html").contains("“Hi” – it’s…"),
            "{}",
            html(&files, "a.html")
        );
    }

    #[test]
    fn metalsmith_markdown_1_options_at_the_top_level() {
        let source = "## Hi\nthere\n\n| a |\n|---|\n| 1 |\n\n~~x~~\n";
        let options = json!({"gfm": true, "tables": false, "breaks": true, "headerPrefix": "h-", "smartLists": true});
        let (files, _) = render_with(options, &[("a.md", source)]);
        let out = html(&files, "a.html");
        assert!(out.contains("<h2 id=\"h-hi\">"), "{out}");
        assert!(out.contains("<br />"), "{out}");
        assert!(!out.contains("<table>"), "{out}");
        assert!(out.contains("<del>x</del>"), "{out}");
        let (files, _) = render_with(json!({"gfm": false}), &[("a.md", source)]);
        let out = html(&files, "a.html");
        assert!(!out.contains("<table>") && !out.contains("<del>"), "{out}");
        let (files, _) = render_with(json!({"gfm": false, "tables": true}), &[("a.md", source)]);
        assert!(html(&files, "a.html").contains("<table>"));
    }

    #[test]
    fn gfm_off_and_breaks_on() {
        let (files, _) = render_with(
            json!({"engineOptions": {"gfm": false, "breaks": true}}),
            &[("a.md", "a\nb ~~c~~\n")],
        );
        assert_eq!(html(&files, "a.html"), "<p>a<br />\nb ~~c~~</p>\n");
    }

    #[test]
    fn keys_render_front_matter_fields() {
        let plugin =
            create(&json!({"keys": {"files": ["summary", "seo.lead"], "global": ["tagline"]}}))
                .unwrap();
        let mut file = File::new("body");
        file.metadata.insert("summary".into(), json!("*short*"));
        file.metadata
            .insert("seo".into(), json!({"lead": "**big**"}));
        file.metadata.insert("count".into(), json!(3));
        let mut files: Files = [("a.md".to_string(), file)].into_iter().collect();
        let mut site = Site::default();
        site.metadata.insert("tagline".into(), json!("_hi_"));
        plugin.run(&mut files, &mut site).unwrap();
        let metadata = &files["a.html"].metadata;
        assert_eq!(metadata["summary"], "<p><em>short</em></p>\n");
        assert_eq!(metadata["seo"]["lead"], "<p><strong>big</strong></p>\n");
        assert_eq!(metadata["count"], 3);
        assert_eq!(site.metadata["tagline"], "<p><em>hi</em></p>\n");
        let (files, _) = render_with(json!({"keys": ["title"]}), &[("b.md", "x")]);
        assert!(files["b.html"].metadata.get("title").is_none());
    }

    #[test]
    fn global_refs_resolve_reference_links() {
        let (files, _) = render_with(
            json!({"globalRefs": {"home": "https://example.com/"}}),
            &[("a.md", "see [the site][home] and [missing][nope]\n")],
        );
        let out = html(&files, "a.html");
        assert!(
            out.contains("<a href=\"https://example.com/\">the site</a>"),
            "{out}"
        );
        assert!(out.contains("[missing][nope]"), "{out}");
    }

    #[test]
    fn pattern_option_and_naming() {
        let (files, _) = render_with(
            json!({"pattern": "*.txt"}),
            &[("a.txt", "*x*"), ("b.md", "y")],
        );
        assert!(files.contains_key("a.html") && files.contains_key("b.md"));
        assert_eq!(html_path("x/y.tar.md"), "x/y.tar.html");
        assert_eq!(html_path("x.y/readme"), "x.y/readme.html");
        assert_eq!(html_path(".hidden"), ".hidden.html");
    }

    #[test]
    fn bom_is_dropped() {
        let (files, _) = render_with(json!(null), &[("a.md", "\u{feff}# T\n")]);
        assert_eq!(html(&files, "a.html"), "<h1 id=\"t\">T</h1>\n");
    }

    #[test]
    fn non_utf8_is_an_error_naming_the_file() {
        let plugin = create(&json!(null)).unwrap();
        let mut files: Files = [("img.md".to_string(), File::new(vec![0xff, 0xfe]))]
            .into_iter()
            .collect();
        let error = plugin.run(&mut files, &mut Site::default()).unwrap_err();
        assert!(
            error.to_string().starts_with("img.md: is not UTF-8"),
            "{error}"
        );
    }

    #[test]
    fn a_markdown_and_an_html_file_with_one_name_collide() {
        let plugin = create(&json!(null)).unwrap();
        let mut files: Files = [("a.html", "x"), ("a.md", "y")]
            .into_iter()
            .map(|(p, c)| (p.to_string(), File::new(c)))
            .collect();
        let error = plugin.run(&mut files, &mut Site::default()).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("a.md") && message.contains("a.html"),
            "{message}"
        );
    }

    #[test]
    fn unknown_options_are_named() {
        let error = create(&json!({"smartypant": true})).unwrap_err();
        assert!(error.contains("unknown field `smartypant`"), "{error}");
        let error = create(&json!({"engineOptions": {"mangle": true}})).unwrap_err();
        assert!(error.contains("engineOptions"), "{error}");
        let error = create(&json!({"pattern": 3})).unwrap_err();
        assert!(error.contains("option `pattern`"), "{error}");
    }
}
