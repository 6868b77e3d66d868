//! `highlight`: syntax highlighting of code blocks at build time, so pages need no script.
//!
//! A block is `<pre><code class="language-x">` (what markdown writes for a fenced block);
//! its text is parsed by the language's tree-sitter grammar and written back as spans with
//! classes (`hl-keyword`), styled by a generated stylesheet, or with `style` attributes.
//! Blocks in a language the highlighter does not know are left exactly as they are.
//!
//! Grammars compile once per process, for the languages a site uses: those its sources
//! name start compiling when a run starts (`hint.rs`), the others on first use. Identical
//! blocks are highlighted once per build, and a rebuild in `ironsmith serve` re-highlights
//! only the blocks that changed.

mod hint;
mod languages;
mod themes;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use ironsmith_core::{
    check_output_path, for_each_file, parse_options, Error, File, FileError, Files, Pattern,
    Plugin, Site,
};
use rayon::prelude::*;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use tree_sitter_highlight::{HighlightEvent, Highlighter};

use crate::html_text;
use crate::html_tokens::{splice, write_attribute, OpenElements, StartTag, Token, Tokenizer};
use themes::{Theme, NAMES};

pub const NAME: &str = "highlight";

const DEFAULT_STYLESHEET: &str = "highlight.css";

/// How many pages are searched for the languages to load before highlighting starts.
const PRELOAD_PAGES: usize = 256;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// Which files to process.
    pub pattern: Pattern,
    /// The colour theme: `github-light`, `github-dark`, `solarized-light` or `monokai`.
    pub theme: String,
    /// `style` attributes instead of classes and a stylesheet.
    pub inline: bool,
    /// What class names start with: `hl-keyword`, and `hl-code` on each highlighted `<code>`.
    pub class_prefix: String,
    /// Where the theme's stylesheet is written (classes only); `false` for none.
    pub stylesheet: Stylesheet,
    /// More names for known languages: `{console: bash}`.
    pub aliases: BTreeMap<String, String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pattern: Pattern::new(&["**/*.html"]).unwrap_or_else(|_| unreachable!("a valid glob")),
            theme: "github-light".into(),
            inline: false,
            class_prefix: "hl-".into(),
            stylesheet: Stylesheet(Some(DEFAULT_STYLESHEET.into())),
            aliases: BTreeMap::new(),
        }
    }
}

/// The stylesheet's output path: a path, `true` for the default one, or `false`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stylesheet(pub Option<String>);

impl<'de> Deserialize<'de> for Stylesheet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Switch(bool),
            Path(String),
        }
        match Shape::deserialize(deserializer) {
            Ok(Shape::Switch(true)) => Ok(Stylesheet(Some(DEFAULT_STYLESHEET.into()))),
            Ok(Shape::Switch(false)) => Ok(Stylesheet(None)),
            Ok(Shape::Path(path)) => Ok(Stylesheet(Some(path))),
            Err(_) => Err(serde::de::Error::custom(
                "expected the stylesheet's output path, or false for none",
            )),
        }
    }
}

#[derive(Debug)]
pub struct Highlight {
    options: Options,
    theme: &'static Theme,
    /// Alias -> index of a language.
    aliases: HashMap<String, usize>,
    renderer: Renderer,
    /// The sources were searched for languages to compile early.
    hinted: AtomicBool,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(Highlight::new(parse_options(options)?)?))
}

impl Highlight {
    pub fn new(options: Options) -> Result<Self, String> {
        let theme = themes::find(&options.theme).ok_or_else(|| {
            format!(
                "option `theme`: there is no theme `{}`: the themes are {}",
                options.theme,
                themes::names()
            )
        })?;
        if let Some(path) = &options.stylesheet.0 {
            check_output_path(path).map_err(|problem| format!("option `stylesheet`: {problem}"))?;
        }
        let mut aliases = HashMap::new();
        for (alias, target) in &options.aliases {
            let index = languages::find(target).ok_or_else(|| {
                format!(
                    "option `aliases`: `{alias}` stands for `{target}`, which is not a language \
                     the highlighter knows: the languages are {}",
                    language_names()
                )
            })?;
            aliases.insert(alias.to_ascii_lowercase(), index);
        }
        let renderer = Renderer::new(&options, theme);
        Ok(Highlight {
            theme,
            aliases,
            renderer,
            options,
            hinted: AtomicBool::new(false),
        })
    }

    /// The language a `<code>` element's class names, if the highlighter knows it:
    /// `language-rust` (also `lang-rust`, and `language-rust,ignore` as rustdoc writes it).
    fn language_of(&self, class: &str) -> Option<usize> {
        class.split_ascii_whitespace().find_map(|class| {
            let name = class
                .strip_prefix("language-")
                .or_else(|| class.strip_prefix("lang-"))?;
            self.language_named(name.split(',').next().unwrap_or(name))
        })
    }

    fn language_named(&self, name: &str) -> Option<usize> {
        language_named(&self.aliases, name)
    }

    /// Compiles the grammars the first pages seem to use and the sources did not name
    /// (`hint.rs`), all at once on every core, before any page waits for one (Rust's alone
    /// takes 12 ms). Those pages are only searched for `language-x` here: a name found
    /// outside a code block costs a grammar, nothing more. A large site loads the rest as
    /// its pages need them, which its other pages hide, while a search of every page would
    /// cost more than it saves.
    fn preload(&self, files: &Files) {
        let first: Vec<&str> = files
            .iter()
            .filter(|(key, _)| self.options.pattern.is_match(key))
            .filter_map(|(_, file)| file.text())
            .take(PRELOAD_PAGES)
            .collect();
        let wanted: HashSet<usize> = first
            .par_iter()
            .flat_map_iter(|html| self.languages_named_in(html))
            .collect();
        wanted.into_par_iter().for_each(|language| {
            // A grammar that fails to load is reported by the block that needs it.
            let _ = languages::config(language);
        });
    }

    fn languages_named_in(&self, html: &str) -> Vec<usize> {
        languages_named_in(&self.aliases, html)
    }

    /// The theme as CSS rules for the classes this plugin writes.
    pub fn stylesheet(&self) -> String {
        let prefix = &self.options.class_prefix;
        let theme = self.theme;
        let mut css = format!(
            "/* Syntax highlighting: the `{}` theme, generated by ironsmith. */\n\
             pre:has(> code.{prefix}code) {{ background: {}; color: {}; }}\n",
            theme.name, theme.background, theme.foreground
        );
        for name in NAMES {
            if let Some(style) = theme.style(name) {
                css.push_str(&format!(".{} {{ {style}; }}\n", class_name(prefix, name)));
            }
        }
        css
    }
}

impl Plugin for Highlight {
    fn name(&self) -> &str {
        NAME
    }

    /// Starts compiling the grammars the sources name, on the first run of the process.
    fn start(&self, site: &Site) {
        if !self.hinted.swap(true, Ordering::Relaxed) {
            hint::spawn(site.source.clone(), self.aliases.clone());
        }
    }

    fn run(&self, files: &mut Files, _site: &mut Site) -> Result<(), Error> {
        self.preload(files);
        self.one_build(|| {
            for_each_file(files, &self.options.pattern, |_, file| {
                self.process_file(file)
            })
        })?;
        self.add_stylesheet(files)
    }
}

impl Highlight {
    /// Runs `highlight_all` as one build: blocks the build before highlighted are reused,
    /// and those it no longer has are forgotten after.
    pub fn one_build<T>(&self, highlight_all: impl FnOnce() -> T) -> T {
        self.renderer.cache.start_run();
        let done = highlight_all();
        self.renderer.cache.end_run();
        done
    }

    /// Adds the theme's stylesheet to the site, unless styles are inline or it is turned off.
    pub fn add_stylesheet(&self, files: &mut Files) -> Result<(), Error> {
        if let (Some(path), false) = (&self.options.stylesheet.0, self.options.inline) {
            if files.contains_key(path) {
                return Err(Error::Message(format!(
                    "option `stylesheet`: the site already has a file `{path}`: choose another \
                     path, or `stylesheet: false` to write none"
                )));
            }
            files.insert(path.clone(), File::new(self.stylesheet()));
        }
        Ok(())
    }

    /// A fenced block in `language` (the first word of its fence) as markdown writes it and
    /// [`Highlight::process`] then leaves it: `<pre>`, the marked `<code>` tag, the code
    /// highlighted, without the end tags. `None` for a language the highlighter does not
    /// know, whose block markdown writes as it would anyway; `code` is only read otherwise.
    pub fn fenced_block(
        &self,
        language: &str,
        code: impl FnOnce() -> String,
    ) -> Option<Result<String, String>> {
        let class = format!("language-{language}");
        let index = self.language_of(&class)?;
        let highlighted = match self.renderer.highlight(index, &code()) {
            Ok(highlighted) => highlighted,
            Err(problem) => return Some(Err(problem)),
        };
        let mut block = String::with_capacity(highlighted.len() + 64);
        block.push_str("<pre><code ");
        let (name, value) = self.renderer.code_mark(&class);
        if name != "class" {
            write_attribute(&mut block, "class", &class);
            block.push(' ');
        }
        write_attribute(&mut block, name, &value);
        block.push('>');
        block.push_str(&highlighted);
        Some(Ok(block))
    }
}

impl Highlight {
    fn process_file(&self, file: &mut File) -> Result<(), FileError> {
        let html = html_text::page(file, NAME)?;
        if let Some(highlighted) = self.process(html)? {
            file.contents = highlighted.into_bytes();
        }
        Ok(())
    }

    /// The page with its code blocks highlighted; `None` when it has none to highlight.
    /// A block is a `<code>` element whose parent is a `<pre>`; markup inside it gives way
    /// to the highlighting, its text stays.
    pub fn process(&self, html: &str) -> Result<Option<String>, FileError> {
        // A block names its language in a class: pages without one are not parsed.
        let named = html.contains("language-") || html.contains("lang-");
        if !(named && html_text::has_start_tag(html, "code")) {
            return Ok(None);
        }
        let mut edits = Vec::new();
        let mut open = OpenElements::default();
        let mut block: Option<Block> = None;
        for token in Tokenizer::new(html) {
            let parent = open.innermost();
            open.follow(&token);
            match token {
                Token::StartTag(tag) if block.is_none() => {
                    let in_pre = parent.is_some_and(|name| name.eq_ignore_ascii_case("pre"));
                    if !(tag.is("code") && tag.has_content && in_pre) {
                        continue;
                    }
                    let Some(language) = tag.attribute("class").and_then(|c| self.language_of(c))
                    else {
                        continue;
                    };
                    edits.push(self.renderer.mark_code(&tag));
                    block = Some(Block {
                        language,
                        below: open.depth(),
                        start: tag.span.end,
                        text: String::new(),
                    });
                }
                Token::EndTag(end) => {
                    let Some(done) = block.take_if(|block| open.depth() < block.below) else {
                        continue;
                    };
                    let code = html_text::decode(&done.text);
                    let highlighted = self
                        .renderer
                        .highlight(done.language, &code)
                        .map_err(FileError::new)?;
                    edits.push((done.start..end.span.start, highlighted.to_string()));
                }
                Token::Text(text) => {
                    if let Some(block) = &mut block {
                        block.text.push_str(text.text);
                    }
                }
                _ => {}
            }
        }
        if block.is_some() {
            return Err(FileError::new(
                "a `<pre><code>` block is never closed: end it with `</code></pre>`",
            ));
        }
        Ok((!edits.is_empty()).then(|| splice(html, &edits)))
    }
}

/// The code block being read.
#[derive(Debug)]
struct Block {
    language: usize,
    /// The depth of open elements below which the block is closed.
    below: usize,
    /// Where its content starts.
    start: usize,
    /// Its text so far, as written in the HTML.
    text: String,
}

/// What highlighting a block needs.
#[derive(Debug)]
struct Renderer {
    /// The opening tag for each of [`NAMES`]; `None` writes no span.
    open_tags: Vec<Option<String>>,
    /// The class added to highlighted `<code>` elements (classes)...
    code_class: String,
    /// ...or their `style` attribute (inline styles).
    code_style: Option<String>,
    cache: Cache,
}

impl Renderer {
    fn new(options: &Options, theme: &Theme) -> Self {
        let prefix = &options.class_prefix;
        let open_tags = NAMES
            .iter()
            .map(|name| {
                if !options.inline {
                    return Some(format!("<span class=\"{}\">", class_name(prefix, name)));
                }
                theme.style(name).map(|style| {
                    let mut tag = String::from("<span style=\"");
                    html_text::escape_into(&mut tag, style);
                    tag.push_str("\">");
                    tag
                })
            })
            .collect();
        Renderer {
            open_tags,
            code_class: format!("{prefix}code"),
            code_style: options.inline.then(|| {
                format!(
                    "display: block; background: {}; color: {}",
                    theme.background, theme.foreground
                )
            }),
            cache: Cache::default(),
        }
    }

    /// The edit that marks a highlighted block's `<code>` tag: the highlighter's class
    /// added to its own (classes), or its `style` set (inline styles).
    fn mark_code(&self, tag: &StartTag<'_>) -> (Range<usize>, String) {
        let class = html_text::decode(tag.attribute("class").unwrap_or_default());
        let (name, value) = self.code_mark(&class);
        tag.set_attribute(name, &value)
    }

    /// The attribute that marks a highlighted `<code>` of class `class`: that class with
    /// the highlighter's added (classes), or the `style` (inline styles).
    fn code_mark(&self, class: &str) -> (&'static str, Cow<'_, str>) {
        match &self.code_style {
            Some(style) => ("style", Cow::Borrowed(style.as_str())),
            None => ("class", Cow::Owned(format!("{class} {}", self.code_class))),
        }
    }

    /// `code` as highlighted HTML, from the cache when the same block was seen.
    fn highlight(&self, language: usize, code: &str) -> Result<Arc<str>, String> {
        if let Some(html) = self.cache.get(language, code) {
            return Ok(html);
        }
        let html: Arc<str> = self.render(language, code)?.into();
        self.cache.insert(language, code, html.clone());
        Ok(html)
    }

    fn render(&self, language: usize, code: &str) -> Result<String, String> {
        thread_local! {
            static HIGHLIGHTER: RefCell<Highlighter> = RefCell::new(Highlighter::new());
        }
        let config = languages::config(language)?;
        let fail = |error: tree_sitter_highlight::Error| {
            format!(
                "cannot highlight a `{}` block: {error}",
                languages::LANGUAGES[language][0]
            )
        };
        HIGHLIGHTER.with(|highlighter| {
            let mut highlighter = highlighter.borrow_mut();
            let events = highlighter
                .highlight(config, code.as_bytes(), None, None, |name| {
                    languages::find(name).and_then(|index| languages::config(index).ok())
                })
                .map_err(fail)?;
            let mut out = String::with_capacity(code.len() * 3);
            let mut open = Vec::new();
            for event in events {
                match event.map_err(fail)? {
                    HighlightEvent::Source { start, end } => {
                        html_text::escape_into(&mut out, code.get(start..end).unwrap_or_default());
                    }
                    HighlightEvent::HighlightStart(kind) => {
                        let tag = self.open_tags.get(kind.0).and_then(Option::as_deref);
                        if let Some(tag) = tag {
                            out.push_str(tag);
                        }
                        open.push(tag.is_some());
                    }
                    HighlightEvent::HighlightEnd => {
                        if open.pop() == Some(true) {
                            out.push_str("</span>");
                        }
                    }
                }
            }
            Ok(out)
        })
    }
}

/// Highlighted blocks by language and text: those of this run, and those of the run before
/// until this one ends, so a long `serve` session keeps only what its site still holds.
#[derive(Debug, Default)]
struct Cache {
    current: Mutex<HashMap<usize, HashMap<String, Arc<str>>>>,
    previous: Mutex<HashMap<usize, HashMap<String, Arc<str>>>>,
}

impl Cache {
    fn start_run(&self) {
        let current = std::mem::take(&mut *lock(&self.current));
        *lock(&self.previous) = current;
    }

    fn end_run(&self) {
        lock(&self.previous).clear();
    }

    fn get(&self, language: usize, code: &str) -> Option<Arc<str>> {
        if let Some(html) = lock(&self.current).get(&language).and_then(|m| m.get(code)) {
            return Some(html.clone());
        }
        let html = lock(&self.previous).get_mut(&language)?.remove(code)?;
        self.insert(language, code, html.clone());
        Some(html)
    }

    fn insert(&self, language: usize, code: &str, html: Arc<str>) {
        lock(&self.current)
            .entry(language)
            .or_default()
            .insert(code.to_string(), html);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The language a name stands for: an alias from the options, else a name it is known by.
fn language_named(aliases: &HashMap<String, usize>, name: &str) -> Option<usize> {
    let name = name.to_ascii_lowercase();
    aliases
        .get(&name)
        .copied()
        .or_else(|| languages::find(&name))
}

/// The known languages `language-x` and `lang-x` class names in `html` name, wherever they
/// are: a guess of what its code blocks need.
fn languages_named_in(aliases: &HashMap<String, usize>, html: &str) -> Vec<usize> {
    let mut found = Vec::new();
    for prefix in ["language-", "lang-"] {
        let mut rest = html;
        while let Some(at) = rest.find(prefix) {
            rest = &rest[at + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || "+#_-".contains(c)))
                .unwrap_or(rest.len());
            if let Some(language) = language_named(aliases, &rest[..end]) {
                if !found.contains(&language) {
                    found.push(language);
                }
            }
        }
    }
    found
}

/// `hl-` and `function.method` -> `hl-function-method`.
fn class_name(prefix: &str, kind: &str) -> String {
    format!("{prefix}{}", kind.replace('.', "-"))
}

fn language_names() -> String {
    languages::LANGUAGES
        .iter()
        .map(|names| format!("`{}`", names[0]))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plugin(options: Value) -> Highlight {
        Highlight::new(parse_options(&options).unwrap()).unwrap()
    }

    fn highlight(options: Value, html: &str) -> String {
        plugin(options)
            .process(html)
            .unwrap()
            .unwrap_or_else(|| html.to_string())
    }

    const RUST: &str = "<pre><code class=\"language-rust\">fn main() {\n    let s = &quot;&lt;b&gt;&quot;; // hi\n}\n</code></pre>";

    #[test]
    fn tag_names_in_capitals_are_code_blocks_too() {
        let out = highlight(
            json!(null),
            "<PRE><CODE class=\"language-rust\">fn f() {}</CODE></PRE>",
        );
        assert!(
            out.contains("<span class=\"hl-keyword\">fn</span>"),
            "{out}"
        );
    }

    #[test]
    fn highlights_with_classes_and_keeps_the_text() {
        let out = highlight(json!(null), RUST);
        assert!(
            out.starts_with("<pre><code class=\"language-rust hl-code\"><span class=\"hl-keyword\">fn</span> <span class=\"hl-function\">main</span>"),
            "{out}"
        );
        assert!(
            out.contains("<span class=\"hl-string\">&quot;&lt;b&gt;&quot;</span>"),
            "{out}"
        );
        assert!(
            out.contains("<span class=\"hl-comment\">// hi</span>\n}"),
            "{out}"
        );
        assert!(out.ends_with("}\n</code></pre>"), "{out}");
        assert_eq!(text_of(&out), text_of(RUST));
    }

    /// The text a browser shows: tags dropped, entities decoded.
    fn text_of(html: &str) -> String {
        let mut text = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        html_text::decode(&text).into_owned()
    }

    #[test]
    fn unknown_languages_and_plain_blocks_are_left_alone() {
        let plugin = plugin(json!(null));
        for html in [
            "<pre><code class=\"language-cobol\">MOVE A &lt; B</code></pre>",
            "<pre><code>let x = 1;</code></pre>",
            "<p><code class=\"language-rust\">let x</code></p>",
            "<p>no code</p>",
        ] {
            assert_eq!(plugin.process(html).unwrap(), None, "{html}");
        }
    }

    #[test]
    fn only_code_right_inside_pre_is_a_block_and_its_other_attributes_stay() {
        let plugin = plugin(json!(null));
        let html = "<pre><span><code class=\"language-rust\">let</code></span></pre>";
        assert_eq!(plugin.process(html).unwrap(), None);
        let out = highlight(
            json!(null),
            "<pre id=p>\n<code data-x='1' class=language-rust title=t>let</code></pre>",
        );
        assert_eq!(
            out,
            "<pre id=p>\n<code data-x='1' class=\"language-rust hl-code\" title=t>\
             <span class=\"hl-keyword\">let</span></code></pre>"
        );
        let out = highlight(
            json!({"inline": true}),
            "<pre><code style=\"tab-size: 2\" class=\"language-rust\">let</code></pre>",
        );
        assert!(
            out.starts_with("<pre><code style=\"display: block; background: "),
            "{out}"
        );
    }

    #[test]
    fn inline_styles_with_a_theme() {
        let out = highlight(
            json!({"inline": true, "theme": "monokai"}),
            "<pre><code class=\"language-python\">def f(): pass</code></pre>",
        );
        assert_eq!(
            out,
            "<pre><code class=\"language-python\" style=\"display: block; background: #272822; color: #f8f8f2\">\
             <span style=\"color: #f92672\">def</span> <span style=\"color: #a6e22e\">f</span>(): \
             <span style=\"color: #f92672\">pass</span></code></pre>"
        );
    }

    #[test]
    fn class_prefix_aliases_and_fence_spellings() {
        let out = highlight(
            json!({"classPrefix": "x-", "aliases": {"Console": "bash"}}),
            "<pre><code class=\"lang-console\">echo hi</code></pre>\
             <pre><code class=\"language-RS,ignore\">let</code></pre>",
        );
        assert_eq!(
            out,
            "<pre><code class=\"lang-console x-code\"><span class=\"x-function\">echo</span> hi</code></pre>\
             <pre><code class=\"language-RS,ignore x-code\"><span class=\"x-keyword\">let</span></code></pre>"
        );
    }

    #[test]
    fn an_unclosed_block_is_an_error_and_an_implied_end_is_not() {
        let plugin = plugin(json!(null));
        let error = plugin
            .process("<pre><code class=\"language-rust\">let x")
            .unwrap_err();
        assert!(error.message.contains("never closed"), "{error}");
        let out = plugin
            .process("<pre><code class=\"language-rust\">let x</pre>")
            .unwrap()
            .unwrap();
        assert!(
            out.contains("<span class=\"hl-keyword\">let</span> x</pre>"),
            "{out}"
        );
    }

    #[test]
    fn finds_the_languages_pages_name_for_preloading() {
        let plugin = plugin(json!({"aliases": {"console": "bash"}}));
        let html = "<pre><code class=\"language-rust,ignore\">a</code></pre>\
                    <code class=\"lang-console\"></code><code class=\"language-cobol\"></code>\
                    <code class=\"language-c++ language-rust\"></code>";
        let names: Vec<&str> = plugin
            .languages_named_in(html)
            .into_iter()
            .map(|index| languages::LANGUAGES[index][0])
            .collect();
        assert_eq!(names, ["rust", "cpp", "bash"]);
    }

    #[test]
    fn markup_inside_a_block_gives_way() {
        let out = highlight(
            json!(null),
            "<pre><code class=\"language-json\"><mark>true</mark></code></pre>",
        );
        assert_eq!(
            out,
            "<pre><code class=\"language-json hl-code\"><span class=\"hl-constant-builtin\">true</span></code></pre>"
        );
    }

    #[test]
    fn html_blocks_highlight_their_scripts_and_styles() {
        let out = highlight(
            json!(null),
            "<pre><code class=\"language-html\">&lt;script&gt;let a = 1;&lt;/script&gt;</code></pre>",
        );
        assert!(
            out.contains("<span class=\"hl-keyword\">let</span>"),
            "{out}"
        );
        assert!(
            out.contains("<span class=\"hl-tag\">script</span>"),
            "{out}"
        );
    }

    #[test]
    fn identical_blocks_come_from_the_cache_and_runs_forget_unused_ones() {
        let plugin = plugin(json!(null));
        plugin.renderer.cache.start_run();
        let first = plugin.process(RUST).unwrap();
        assert_eq!(plugin.process(RUST).unwrap(), first);
        assert_eq!(lock(&plugin.renderer.cache.current).len(), 1);
        plugin.renderer.cache.end_run();
        plugin.renderer.cache.start_run();
        plugin.renderer.cache.end_run();
        plugin.renderer.cache.start_run();
        assert!(lock(&plugin.renderer.cache.current).is_empty());
        assert!(lock(&plugin.renderer.cache.previous).is_empty());
    }

    #[test]
    fn writes_the_stylesheet_unless_told_not_to() {
        let mut files = crate::test_files::files(vec![("a.html", json!({}))]);
        files["a.html"].contents = RUST.as_bytes().to_vec();
        create(&json!({"stylesheet": "css/code.css", "theme": "github-dark"}))
            .unwrap()
            .run(&mut files, &mut Site::default())
            .unwrap();
        let css = files["css/code.css"].text().unwrap();
        assert!(
            css.contains("pre:has(> code.hl-code) { background: #161b22; color: #e6edf3; }"),
            "{css}"
        );
        assert!(css.contains(".hl-keyword { color: #ff7b72; }"), "{css}");
        assert!(
            css.contains(".hl-function-method { color: #d2a8ff; }"),
            "{css}"
        );
        assert!(files["a.html"].text().unwrap().contains("hl-keyword"));

        for options in [json!({"stylesheet": false}), json!({"inline": true})] {
            let mut files = crate::test_files::files(vec![("a.html", json!({}))]);
            create(&options)
                .unwrap()
                .run(&mut files, &mut Site::default())
                .unwrap();
            assert_eq!(files.len(), 1, "{options}");
        }
        let mut files = crate::test_files::files(vec![("a.html", json!({}))]);
        create(&json!({"stylesheet": true}))
            .unwrap()
            .run(&mut files, &mut Site::default())
            .unwrap();
        assert!(files.contains_key(DEFAULT_STYLESHEET));
    }

    #[test]
    fn errors_name_the_option_or_the_file() {
        let error = create(&json!({"theme": "dracula"})).unwrap_err();
        assert!(
            error.starts_with(
                "option `theme`: there is no theme `dracula`: the themes are `github-light`"
            ),
            "{error}"
        );
        let error = create(&json!({"stylesheet": "../up.css"})).unwrap_err();
        assert!(
            error.starts_with("option `stylesheet`: output path `../up.css`"),
            "{error}"
        );
        let error = create(&json!({"stylesheet": 3})).unwrap_err();
        assert!(
            error.contains("expected the stylesheet's output path"),
            "{error}"
        );
        let error = create(&json!({"aliases": {"console": "bsh"}})).unwrap_err();
        assert!(
            error.starts_with(
                "option `aliases`: `console` stands for `bsh`, which is not a language"
            ) && error.contains("`rust`"),
            "{error}"
        );
        let error = create(&json!({"themes": "x"})).unwrap_err();
        assert!(error.contains("unknown field `themes`"), "{error}");

        let mut files =
            crate::test_files::files(vec![("a.html", json!({})), ("highlight.css", json!({}))]);
        files["a.html"].contents = vec![0xff];
        let error = create(&json!(null))
            .unwrap()
            .run(&mut files, &mut Site::default())
            .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("a.html: is not UTF-8 text, so highlight cannot read it"),
            "{error}"
        );
        files["a.html"].contents = b"<p>ok</p>".to_vec();
        let error = create(&json!(null))
            .unwrap()
            .run(&mut files, &mut Site::default())
            .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("option `stylesheet`: the site already has a file `highlight.css`"),
            "{error}"
        );
    }
}
