//! `headings`: an `id` on every heading that lacks one, optional anchor links, and a
//! per-page `headings` list (`level`, `id`, `text`) that `toc` and templates read.
//!
//! It works on HTML with lol_html, so it runs after markdown on any HTML file, whoever
//! wrote it. One pass is enough when every heading has an id (markdown gives them by
//! default); a page with headings lacking one is read twice more: to learn every id in use
//! and choose new ones, then to write them.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use ironsmith_core::{
    for_each_file, parse_options, Error, File, FileError, Files, Pattern, Plugin, Site,
};
use lol_html::html_content::{ContentType, Element, EndTag, TextChunk};
use lol_html::{ElementContentHandlers, HandlerResult, HtmlRewriter, Selector, Settings};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::html_text;
use crate::slug::UniqueSlugs;

pub const NAME: &str = "headings";

/// The per-page key holding the headings found; `toc` replaces it with its own.
pub const KEY: &str = "headings";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// Which files to process.
    pub pattern: Pattern,
    /// The heading levels that get ids and anchors; `headings` lists every level.
    pub levels: Levels,
    /// Put before generated ids (`user-content-`), never before ids the page already has.
    pub prefix: String,
    /// Where an anchor link goes: `none`, `before` or `after` the heading's text, or `wrap`
    /// it.
    pub anchor: Placement,
    /// The anchor link's class.
    pub anchor_class: String,
    /// The anchor link's content (HTML) for `before` and `after`.
    pub anchor_symbol: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pattern: Pattern::new(&["**/*.html"]).unwrap_or_else(|_| unreachable!("a valid glob")),
            levels: Levels::ALL,
            prefix: String::new(),
            anchor: Placement::None,
            anchor_class: "anchor".into(),
            anchor_symbol: "#".into(),
        }
    }
}

/// A set of heading levels, 1 to 6, written as a list: `[2, 3]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Levels(u8);

impl Levels {
    pub const ALL: Levels = Levels(0b111_1110);

    /// `levels` from a list of numbers, each from 1 to 6.
    pub fn new(levels: &[u8]) -> Result<Self, String> {
        if levels.is_empty() {
            return Err("`levels` is empty: list heading levels such as [2, 3]".into());
        }
        let mut bits = 0;
        for &level in levels {
            if !(1..=6).contains(&level) {
                return Err(format!(
                    "`levels` holds {level}: heading levels go from 1 (h1) to 6 (h6)"
                ));
            }
            bits |= 1 << level;
        }
        Ok(Levels(bits))
    }

    pub fn contains(self, level: u8) -> bool {
        level < 8 && self.0 & (1 << level) != 0
    }
}

impl<'de> Deserialize<'de> for Levels {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let levels = Vec::<u8>::deserialize(deserializer)?;
        Levels::new(&levels).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Placement {
    #[default]
    None,
    Before,
    After,
    Wrap,
}

/// One heading of a page, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// The `id`, decoded; `None` when the heading has none.
    pub id: Option<String>,
    /// Its text without markup, whitespace collapsed; text in `aria-hidden` elements (an
    /// anchor's symbol) is left out.
    pub text: String,
}

impl Heading {
    pub fn into_value(self) -> Value {
        let mut map = Map::with_capacity(3);
        map.insert("level".into(), Value::from(self.level));
        map.insert("id".into(), self.id.map_or(Value::Null, Value::String));
        map.insert("text".into(), Value::String(self.text));
        Value::Object(map)
    }

    /// A heading as [`Heading::into_value`] wrote it; `None` for anything else.
    pub fn from_value(value: &Value) -> Option<Heading> {
        // Three keys: looking at each costs less than hashing the names to find them.
        let (mut level, mut id, mut text) = (None, None, None);
        for (key, value) in value.as_object()? {
            match key.as_str() {
                "level" => level = value.as_u64(),
                "id" => id = value.as_str(),
                "text" => text = value.as_str(),
                _ => {}
            }
        }
        Some(Heading {
            level: u8::try_from(level?).ok()?,
            id: id.map(str::to_string),
            text: text?.to_string(),
        })
    }
}

/// Selectors, parsed once per build.
#[derive(Debug)]
struct Selectors {
    headings: Selector,
    hidden: Selector,
    ids: Selector,
}

impl Selectors {
    fn new() -> Self {
        let parse = |css: &str| {
            css.parse::<Selector>()
                .unwrap_or_else(|_| unreachable!("a valid selector"))
        };
        Selectors {
            headings: parse("h1, h2, h3, h4, h5, h6"),
            hidden: parse(
                "h1 [aria-hidden=true], h2 [aria-hidden=true], h3 [aria-hidden=true], \
                 h4 [aria-hidden=true], h5 [aria-hidden=true], h6 [aria-hidden=true]",
            ),
            ids: parse("[id]"),
        }
    }
}

#[derive(Debug)]
pub struct Headings {
    options: Options,
    selectors: Selectors,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(Headings::new(parse_options(options)?)))
}

impl Headings {
    pub fn new(options: Options) -> Self {
        Headings {
            options,
            selectors: Selectors::new(),
        }
    }
}

impl Plugin for Headings {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, _site: &mut Site) -> Result<(), Error> {
        for_each_file(files, &self.options.pattern, |_, file| {
            self.process_file(file)
        })
    }
}

impl Headings {
    fn process_file(&self, file: &mut File) -> Result<(), FileError> {
        let html = html_text::page(file, NAME)?;
        let (rewritten, headings) = self.process(html)?;
        if let Some(html) = rewritten {
            file.contents = html.into_bytes();
        }
        let list = headings.into_iter().map(Heading::into_value).collect();
        file.metadata.insert(KEY.into(), Value::Array(list));
        Ok(())
    }

    /// The page with ids and anchors added (`None` when nothing changed), and its headings.
    pub fn process(&self, html: &str) -> Result<(Option<String>, Vec<Heading>), FileError> {
        if !has_heading(html) {
            return Ok((None, Vec::new()));
        }
        let first = self.pass(html, Read::Headings)?;
        if !first.missing {
            return Ok((first.changed.then_some(first.html), first.headings));
        }
        let planned = self.plan(&self.pass(html, Read::Ids)?);
        let last = self.pass(html, Read::Planned(&planned))?;
        Ok((Some(last.html), last.headings))
    }

    /// The id of each heading after this run: its own, or a new slug of its text, unique
    /// among every id of the page.
    fn plan(&self, pass: &Pass) -> Vec<Option<String>> {
        let prefix = &self.options.prefix;
        let mut slugs = UniqueSlugs::default();
        for id in &pass.ids {
            slugs.reserve(id.strip_prefix(prefix.as_str()).unwrap_or(id));
        }
        pass.headings
            .iter()
            .map(|heading| match &heading.id {
                Some(id) => Some(id.clone()),
                None if self.options.levels.contains(heading.level) => {
                    Some(format!("{prefix}{}", slugs.next(&heading.text)))
                }
                None => None,
            })
            .collect()
    }

    /// One read of the page.
    fn pass(&self, html: &str, read: Read<'_>) -> Result<Pass, FileError> {
        let planned = match read {
            Read::Planned(ids) => Some(ids),
            Read::Headings | Read::Ids => None,
        };
        let state = Rc::new(RefCell::new(Pass::default()));
        let on_heading = state.clone();
        let on_text = state.clone();
        let on_hidden = state.clone();
        let on_id = state.clone();
        let mut handlers = vec![(
            Cow::Borrowed(&self.selectors.headings),
            ElementContentHandlers::default()
                .element(move |el: &mut Element| self.heading(&on_heading, el, planned))
                .text(move |chunk: &mut TextChunk| {
                    on_text.borrow_mut().text(chunk.as_str());
                    Ok(())
                }),
        )];
        // Every selector costs a share of the parse: these two only where they can match.
        if html.contains("aria-hidden") {
            handlers.push((
                Cow::Borrowed(&self.selectors.hidden),
                ElementContentHandlers::default()
                    .element(move |el: &mut Element| hide(&on_hidden, el)),
            ));
        }
        if matches!(read, Read::Ids) {
            handlers.push((
                Cow::Borrowed(&self.selectors.ids),
                ElementContentHandlers::default().element(move |el: &mut Element| {
                    if let Some(id) = el.get_attribute("id") {
                        on_id
                            .borrow_mut()
                            .ids
                            .push(html_text::decode(&id).into_owned());
                    }
                    Ok(())
                }),
            ));
        }
        let mut output = Vec::with_capacity(html.len() + html.len() / 8);
        let settings = Settings {
            element_content_handlers: handlers,
            strict: false,
            ..Settings::new()
        };
        let mut rewriter =
            HtmlRewriter::new(settings, |chunk: &[u8]| output.extend_from_slice(chunk));
        rewriter
            .write(html.as_bytes())
            .and_then(|()| rewriter.end())
            .map_err(|error| FileError::new(format!("cannot read the HTML: {error}")))?;
        let mut pass = state.take();
        for heading in &mut pass.headings {
            heading.text = collapse_whitespace(&heading.text);
        }
        if pass.changed || planned.is_some() {
            pass.html = String::from_utf8(output)
                .map_err(|_| FileError::new("the rewritten HTML is not UTF-8"))?;
        }
        Ok(pass)
    }

    fn heading(
        &self,
        state: &Rc<RefCell<Pass>>,
        el: &mut Element,
        planned: Option<&[Option<String>]>,
    ) -> HandlerResult {
        let level = level_of(&el.tag_name());
        let mut pass = state.borrow_mut();
        let index = pass.headings.len();
        let mut id = el
            .get_attribute("id")
            .map(|id| html_text::decode(&id).into_owned());
        let in_scope = self.options.levels.contains(level);
        if in_scope && id.is_none() {
            match planned.and_then(|ids| ids.get(index)).cloned().flatten() {
                Some(new) => {
                    el.set_attribute("id", &html_text::escape(&new))?;
                    id = Some(new);
                }
                None => pass.missing = true,
            }
        }
        if in_scope {
            if let Some(id) = &id {
                self.add_anchor(el, id)?;
                pass.changed |= self.options.anchor != Placement::None;
            }
        }
        pass.headings.push(Heading {
            level,
            id,
            text: String::new(),
        });
        pass.current = Some(index);
        drop(pass);
        let on_end = state.clone();
        el.on_end_tag(Box::new(move |_: &mut EndTag| {
            on_end.borrow_mut().current = None;
            Ok(())
        }))?;
        Ok(())
    }

    fn add_anchor(&self, el: &mut Element, id: &str) -> HandlerResult {
        let options = &self.options;
        let mut link = String::from("<a class=\"");
        html_text::escape_into(&mut link, &options.anchor_class);
        link.push_str("\" href=\"#");
        html_text::escape_into(&mut link, id);
        link.push('"');
        match options.anchor {
            Placement::None => {}
            Placement::Wrap => {
                link.push('>');
                el.prepend(&link, ContentType::Html);
                el.on_end_tag(Box::new(|end: &mut EndTag| {
                    end.before("</a>", ContentType::Html);
                    Ok(())
                }))?;
            }
            Placement::Before | Placement::After => {
                link.push_str(" aria-hidden=\"true\">");
                link.push_str(&options.anchor_symbol);
                link.push_str("</a>");
                if options.anchor == Placement::Before {
                    el.prepend(&link, ContentType::Html);
                } else {
                    el.append(&link, ContentType::Html);
                }
            }
        }
        Ok(())
    }
}

/// An element inside a heading that assistive technology skips; so does its text here.
fn hide(state: &Rc<RefCell<Pass>>, el: &mut Element) -> HandlerResult {
    if !el.can_have_content() {
        return Ok(());
    }
    state.borrow_mut().hidden += 1;
    let on_end = state.clone();
    el.on_end_tag(Box::new(move |_: &mut EndTag| {
        let mut pass = on_end.borrow_mut();
        pass.hidden = pass.hidden.saturating_sub(1);
        Ok(())
    }))
}

/// What a read of a page is for.
#[derive(Debug, Clone, Copy)]
enum Read<'a> {
    /// The headings, with anchors added to those that have an id.
    Headings,
    /// The headings and every id of the page, to choose new ids.
    Ids,
    /// The headings, each lacking an id getting its planned one.
    Planned(&'a [Option<String>]),
}

/// What one read of a page found.
#[derive(Debug, Default)]
struct Pass {
    headings: Vec<Heading>,
    /// Every id of the page, for [`Read::Ids`].
    ids: Vec<String>,
    /// The heading whose text is being read.
    current: Option<usize>,
    /// How many `aria-hidden` elements the text is inside.
    hidden: usize,
    /// A heading in scope has no id and none was planned.
    missing: bool,
    /// An anchor was added, so `html` differs from the page.
    changed: bool,
    /// The rewritten page, when it changed or got planned ids.
    html: String,
}

impl Pass {
    fn text(&mut self, raw: &str) {
        if self.hidden > 0 {
            return;
        }
        if let Some(heading) = self.current.and_then(|i| self.headings.get_mut(i)) {
            heading.text.push_str(&html_text::decode(raw));
        }
    }
}

fn level_of(tag: &str) -> u8 {
    tag.as_bytes()
        .get(1)
        .map_or(0, |digit| digit.saturating_sub(b'0'))
}

/// Whether `<h1>`..`<h6>` (any case) starts somewhere in `html`: most files without
/// headings are passed over without parsing.
pub fn has_heading(html: &str) -> bool {
    let bytes = html.as_bytes();
    bytes
        .windows(3)
        .any(|w| w[0] == b'<' && (w[1] == b'h' || w[1] == b'H') && (b'1'..=b'6').contains(&w[2]))
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The headings of `html`, read without changing it: for plugins that run where
/// `headings` did not.
pub fn scan(html: &str) -> Result<Vec<Heading>, FileError> {
    let reader = Headings::new(Options::default());
    Ok(reader.pass(html, Read::Headings)?.headings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn process(options: Value, html: &str) -> (String, Vec<Heading>) {
        let plugin = Headings::new(parse_options(&options).unwrap());
        let (rewritten, headings) = plugin.process(html).unwrap();
        (rewritten.unwrap_or_else(|| html.to_string()), headings)
    }

    fn heading(level: u8, id: &str, text: &str) -> Heading {
        Heading {
            level,
            id: (!id.is_empty()).then(|| id.to_string()),
            text: text.to_string(),
        }
    }

    #[test]
    fn gives_ids_unique_within_the_page_and_keeps_existing_ones() {
        let html = "<h1>Intro</h1><p id=\"setup\">x</p><h2>Setup</h2><h2 id=\"mine\">Intro</h2>\
                    <h3>Intro</h3><h2>Caf&eacute; &amp; <code>co</code></h2><h4>!!</h4>";
        let (out, headings) = process(json!(null), html);
        assert_eq!(
            out,
            "<h1 id=\"intro\">Intro</h1><p id=\"setup\">x</p><h2 id=\"setup-1\">Setup</h2>\
             <h2 id=\"mine\">Intro</h2><h3 id=\"intro-1\">Intro</h3>\
             <h2 id=\"caf-eacute-co\">Caf&eacute; &amp; <code>co</code></h2><h4 id=\"section\">!!</h4>"
        );
        assert_eq!(headings[3], heading(3, "intro-1", "Intro"));
        assert_eq!(headings[4], heading(2, "caf-eacute-co", "Caf&eacute; & co"));
    }

    #[test]
    fn ids_later_in_the_page_are_not_reused() {
        let (out, _) = process(json!(null), "<h2>Notes</h2><div id=\"notes\"></div>");
        assert_eq!(out, "<h2 id=\"notes-1\">Notes</h2><div id=\"notes\"></div>");
    }

    #[test]
    fn pages_whose_headings_have_ids_are_left_as_they_are() {
        let plugin = Headings::new(Options::default());
        let (rewritten, headings) = plugin
            .process("<h2 id=\"a\">A <em>b</em>\n c</h2>")
            .unwrap();
        assert_eq!(rewritten, None);
        assert_eq!(headings, [heading(2, "a", "A b c")]);
        assert_eq!(
            plugin.process("<p>no headings</p><hr>").unwrap(),
            (None, Vec::new())
        );
    }

    #[test]
    fn levels_limit_ids_and_anchors_but_every_heading_is_listed() {
        let (out, headings) = process(
            json!({"levels": [2, 3], "anchor": "after"}),
            "<h1>Title</h1><h2>One</h2><h4>Deep</h4>",
        );
        assert_eq!(
            out,
            "<h1>Title</h1><h2 id=\"one\">One<a class=\"anchor\" href=\"#one\" aria-hidden=\"true\">#</a></h2><h4>Deep</h4>"
        );
        assert_eq!(
            headings,
            [
                heading(1, "", "Title"),
                heading(2, "one", "One"),
                heading(4, "", "Deep")
            ]
        );
    }

    #[test]
    fn prefix_goes_before_generated_ids_only() {
        let (out, _) = process(
            json!({"prefix": "h-"}),
            "<h2 id=\"kept\">Kept</h2><h2>New</h2><span id=\"h-new\"></span>",
        );
        assert_eq!(
            out,
            "<h2 id=\"kept\">Kept</h2><h2 id=\"h-new-1\">New</h2><span id=\"h-new\"></span>"
        );
    }

    #[test]
    fn anchors_before_and_wrapping_with_class_and_symbol() {
        let (out, headings) = process(
            json!({"anchor": "before", "anchorClass": "hash", "anchorSymbol": "<span>§</span>"}),
            "<h2 id=\"a\">A</h2>",
        );
        assert_eq!(
            out,
            "<h2 id=\"a\"><a class=\"hash\" href=\"#a\" aria-hidden=\"true\"><span>§</span></a>A</h2>"
        );
        assert_eq!(headings[0].text, "A");
        let (out, _) = process(json!({"anchor": "wrap"}), "<h3>B &amp; C</h3>");
        assert_eq!(
            out,
            "<h3 id=\"b-c\"><a class=\"anchor\" href=\"#b-c\">B &amp; C</a></h3>"
        );
    }

    #[test]
    fn text_in_hidden_anchors_is_not_the_heading_text() {
        let (_, headings) = process(
            json!(null),
            "<h2 id=\"x\"><a href=\"#x\" aria-hidden=\"true\"><span>#</span></a> Real <b>text</b></h2>",
        );
        assert_eq!(headings, [heading(2, "x", "Real text")]);
        assert_eq!(scan("<h5>Five</h5>").unwrap(), [heading(5, "", "Five")]);
    }

    #[test]
    fn runs_on_matching_files_and_records_headings() {
        let mut files = crate::test_files::files(vec![("a.html", json!({})), ("b.txt", json!({}))]);
        files["a.html"].contents = b"<h2>Hello</h2>".to_vec();
        files["b.txt"].contents = b"<h2>Hello</h2>".to_vec();
        create(&json!({"anchor": "before"}))
            .unwrap()
            .run(&mut files, &mut Site::default())
            .unwrap();
        assert_eq!(
            files["a.html"].text().unwrap(),
            "<h2 id=\"hello\"><a class=\"anchor\" href=\"#hello\" aria-hidden=\"true\">#</a>Hello</h2>"
        );
        assert_eq!(
            files["a.html"].metadata[KEY],
            json!([{"level": 2, "id": "hello", "text": "Hello"}])
        );
        assert_eq!(files["b.txt"].text().unwrap(), "<h2>Hello</h2>");
        assert!(files["b.txt"].metadata.get(KEY).is_none());
        assert_eq!(
            Heading::from_value(&files["a.html"].metadata[KEY][0]),
            Some(heading(2, "hello", "Hello"))
        );
    }

    #[test]
    fn non_utf8_files_are_named() {
        let mut files = crate::test_files::files(vec![("a.html", json!({}))]);
        files["a.html"].contents = vec![0xff, b'<'];
        let error = create(&json!(null))
            .unwrap()
            .run(&mut files, &mut Site::default())
            .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("a.html: is not UTF-8 text, so headings cannot read it"),
            "{error}"
        );
    }

    #[test]
    fn option_errors_are_named() {
        let error = create(&json!({"levels": [2, 7]})).unwrap_err();
        assert!(error.contains("`levels` holds 7"), "{error}");
        let error = create(&json!({"levels": []})).unwrap_err();
        assert!(error.contains("`levels` is empty"), "{error}");
        let error = create(&json!({"anchor": "left"})).unwrap_err();
        assert!(
            error.starts_with("option `anchor`: unknown variant `left`"),
            "{error}"
        );
        let error = create(&json!({"anchorClas": "x"})).unwrap_err();
        assert!(error.contains("unknown field `anchorClas`"), "{error}");
        assert!(Levels::ALL.contains(1) && Levels::ALL.contains(6) && !Levels::ALL.contains(0));
    }
}
