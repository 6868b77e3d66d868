//! `headings`: an `id` on every heading that lacks one, optional anchor links, and a
//! per-page `headings` list (`level`, `id`, `text`) that `toc` and templates read.
//!
//! It reads HTML (`html_tokens`), so it runs after markdown on any HTML file,
//! whoever wrote it, and adds to the page where the headings are rather than writing it
//! anew. A page with headings lacking an id is read once more, to learn every id in use
//! and choose new ones; markdown gives ids by default.

use std::borrow::Cow;
use std::ops::Range;

use ironsmith_core::{
    for_each_file, parse_options, Error, File, FileError, Files, Pattern, Plugin, Site,
};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::html_text;
use crate::html_tokens::{add_attribute, splice, OpenElements, StartTag, Token, Tokenizer};
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
    #[cfg(test)]
    pub fn from_value(value: &Value) -> Option<Heading> {
        let (level, id, text) = Heading::parts(value)?;
        Some(Heading {
            level,
            id: id.map(str::to_string),
            text: text.to_string(),
        })
    }

    /// The headings of a list [`Heading::into_value`] wrote, their text taken out of it
    /// rather than copied; `None`, the list untouched, when any item has another shape.
    pub fn take_list(list: &mut Value) -> Option<Vec<Heading>> {
        let items = list.as_array_mut()?;
        // Every item is checked, and its level read, before any is taken apart.
        let levels: Vec<u8> = items
            .iter()
            .map(|item| Heading::parts(item).map(|(level, _, _)| level))
            .collect::<Option<_>>()?;
        let taken = items.iter_mut().zip(levels).map(|(item, level)| {
            let mut heading = Heading {
                level,
                id: None,
                text: String::new(),
            };
            for (key, value) in item.as_object_mut().into_iter().flatten() {
                match (key.as_str(), value) {
                    ("id", Value::String(id)) => heading.id = Some(std::mem::take(id)),
                    ("text", Value::String(text)) => heading.text = std::mem::take(text),
                    _ => {}
                }
            }
            heading
        });
        Some(taken.collect())
    }

    /// A heading's level, id and text, as [`Heading::into_value`] wrote them, borrowed.
    pub fn parts(value: &Value) -> Option<(u8, Option<&str>, &str)> {
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
        Some((u8::try_from(level?).ok()?, id, text?))
    }
}

#[derive(Debug)]
pub struct Headings {
    options: Options,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(Headings::new(parse_options(options)?)))
}

impl Headings {
    pub fn new(options: Options) -> Self {
        Headings { options }
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
        let (rewritten, headings) = self.process(html);
        if let Some(html) = rewritten {
            file.contents = html.into_bytes();
        }
        record(file, headings);
        Ok(())
    }

    /// The page with ids and anchors added (`None` when nothing changed), and its headings.
    pub fn process(&self, html: &str) -> (Option<String>, Vec<Heading>) {
        if !has_heading(html) {
            return (None, Vec::new());
        }
        let mut found = read(html);
        let levels = self.options.levels;
        let in_scope = |found: &Found| levels.contains(found.heading.level);
        let missing = found
            .iter()
            .any(|found| in_scope(found) && found.heading.id.is_none());
        let anchored = self.options.anchor != Placement::None
            && found
                .iter()
                .any(|found| in_scope(found) && found.heading.id.is_some());
        if !missing && !anchored {
            return (None, found.into_iter().map(|found| found.heading).collect());
        }
        if missing {
            self.give_ids(html, &mut found);
        }
        let mut edits = Vec::with_capacity(found.len() * 2);
        for found in &found {
            if !in_scope(found) {
                continue;
            }
            let Some(id) = &found.heading.id else {
                continue;
            };
            if found.given_id {
                edits.push(add_attribute(found.attributes_end, "id", id));
            }
            self.add_anchor(&mut edits, found, id);
        }
        let headings = found.into_iter().map(|found| found.heading).collect();
        // A heading inside another puts the outer one's end after the inner one's edits.
        edits.sort_by_key(|(range, _)| range.start);
        (Some(splice(html, &edits)), headings)
    }

    /// Gives each heading in scope that lacks an id a slug of its text, unique among every
    /// id of the page.
    fn give_ids(&self, html: &str, found: &mut [Found]) {
        let prefix = &self.options.prefix;
        let mut slugs = UniqueSlugs::default();
        for id in page_ids(html) {
            slugs.reserve(id.strip_prefix(prefix.as_str()).unwrap_or(&id));
        }
        for found in found {
            let heading = &mut found.heading;
            if heading.id.is_none() && self.options.levels.contains(heading.level) {
                heading.id = Some(format!("{prefix}{}", slugs.next(&heading.text)));
                found.given_id = true;
            }
        }
    }

    /// The anchor link's edits for a heading.
    fn add_anchor(&self, edits: &mut Vec<(Range<usize>, String)>, found: &Found, id: &str) {
        let (opening, closing) = self.anchor(id);
        if let Some(opening) = opening {
            edits.push((found.content.start..found.content.start, opening));
        }
        if let Some(closing) = closing {
            edits.push((found.content.end..found.content.end, closing));
        }
    }

    /// The anchor link for the heading with `id`: what goes before its content and what
    /// goes after it.
    pub(crate) fn anchor(&self, id: &str) -> (Option<String>, Option<String>) {
        let options = &self.options;
        if options.anchor == Placement::None {
            return (None, None);
        }
        let mut link = String::with_capacity(
            ANCHOR_MARKUP + options.anchor_class.len() + id.len() + options.anchor_symbol.len(),
        );
        link.push_str("<a class=\"");
        html_text::escape_into(&mut link, &options.anchor_class);
        link.push_str("\" href=\"#");
        html_text::escape_into(&mut link, id);
        link.push('"');
        if options.anchor == Placement::Wrap {
            link.push('>');
            return (Some(link), Some("</a>".into()));
        }
        link.push_str(" aria-hidden=\"true\">");
        link.push_str(&options.anchor_symbol);
        link.push_str("</a>");
        match options.anchor {
            Placement::Before => (Some(link), None),
            _ => (None, Some(link)),
        }
    }

    /// Whether headings of `level` get ids and anchors.
    pub(crate) fn marks(&self, level: u8) -> bool {
        self.options.levels.contains(level)
    }
}

/// The length of an anchor link's markup around its class, id and symbol.
const ANCHOR_MARKUP: usize = r##"<a class="" href="#" aria-hidden="true"></a>"##.len();

/// Puts a page's headings in its metadata, as `toc` and `search` read them.
pub(crate) fn record(file: &mut File, headings: Vec<Heading>) {
    let list = headings.into_iter().map(Heading::into_value).collect();
    file.metadata.insert(KEY.into(), Value::Array(list));
}

/// A heading of the page, and where its parts are.
#[derive(Debug)]
struct Found {
    heading: Heading,
    /// Where its start tag's attributes end: where an `id` goes.
    attributes_end: usize,
    /// Its id was given by this run, so it goes into the page.
    given_id: bool,
    /// Its content, between its start tag and the end tag that closes it (or the page's
    /// end).
    content: Range<usize>,
}

/// The headings of `html`, in document order. Text inside `aria-hidden` elements (an
/// anchor's symbol) is left out of a heading's text; text inside a heading nested in
/// another is the inner one's.
fn read(html: &str) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    let mut open = OpenElements::default();
    // The headings open, innermost last: each one's index in `found` and the depth below
    // which it is closed; then the same depth for an `aria-hidden` element inside one.
    let mut open_headings: Vec<(usize, usize)> = Vec::new();
    let mut hidden_below: Option<usize> = None;
    for token in Tokenizer::new(html) {
        open.follow(&token);
        let depth = open.depth();
        match token {
            Token::EndTag(tag) => {
                while let Some(&(index, below)) = open_headings.last() {
                    if depth >= below {
                        break;
                    }
                    found[index].content.end = tag.span.start;
                    open_headings.pop();
                }
                if hidden_below.is_some_and(|below| depth < below) {
                    hidden_below = None;
                }
            }
            Token::StartTag(tag) => match level_of(&tag) {
                Some(level) => {
                    open_headings.push((found.len(), depth));
                    let id = tag
                        .attribute("id")
                        .map(|id| html_text::decode(id).into_owned());
                    found.push(Found {
                        heading: Heading {
                            level,
                            id,
                            text: String::new(),
                        },
                        attributes_end: tag.attributes_end(),
                        given_id: false,
                        content: tag.span.end..html.len(),
                    });
                }
                None => {
                    if hidden_below.is_none()
                        && !open_headings.is_empty()
                        && tag.has_content
                        && tag.attribute("aria-hidden") == Some("true")
                    {
                        hidden_below = Some(depth);
                    }
                }
            },
            Token::Text(text) if hidden_below.is_none() => {
                if let Some(&(index, _)) = open_headings.last() {
                    let text = match text.decodes {
                        true => html_text::decode(text.text),
                        false => Cow::Borrowed(text.text),
                    };
                    found[index].heading.text.push_str(&text);
                }
            }
            _ => {}
        }
    }
    for found in &mut found {
        found.heading.text = collapse_whitespace(&found.heading.text);
    }
    found
}

/// Every `id` of the page, decoded.
fn page_ids(html: &str) -> Vec<String> {
    Tokenizer::new(html)
        .filter_map(|token| match token {
            Token::StartTag(tag) => tag
                .attribute("id")
                .map(|id| html_text::decode(id).into_owned()),
            _ => None,
        })
        .collect()
}

/// A heading's level, from its tag: `h1` to `h6`, in any case.
fn level_of(tag: &StartTag<'_>) -> Option<u8> {
    match tag.name.as_bytes() {
        [b'h' | b'H', digit @ b'1'..=b'6'] if tag.has_content => Some(digit - b'0'),
        _ => None,
    }
}

/// Whether `<h1>`..`<h6>` (any case) starts somewhere in `html`: most files without
/// headings are passed over without parsing.
pub fn has_heading(html: &str) -> bool {
    let bytes = html.as_bytes();
    bytes
        .windows(3)
        .any(|w| w[0] == b'<' && (w[1] == b'h' || w[1] == b'H') && (b'1'..=b'6').contains(&w[2]))
}

/// `a \n b  c` -> `a b c`: a heading's text as it reads.
pub(crate) fn collapse_whitespace(text: &str) -> String {
    let mut collapsed = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    collapsed
}

/// The headings of `html`, read without changing it: for plugins that run where
/// `headings` did not.
pub fn scan(html: &str) -> Vec<Heading> {
    read(html).into_iter().map(|found| found.heading).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn process(options: Value, html: &str) -> (String, Vec<Heading>) {
        let plugin = Headings::new(parse_options(&options).unwrap());
        let (rewritten, headings) = plugin.process(html);
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
        let (rewritten, headings) = plugin.process("<h2 id=\"a\">A <em>b</em>\n c</h2>");
        assert_eq!(rewritten, None);
        assert_eq!(headings, [heading(2, "a", "A b c")]);
        assert_eq!(plugin.process("<p>no headings</p><hr>"), (None, Vec::new()));
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
    fn ids_and_anchors_go_where_the_heading_tags_are() {
        let (out, headings) = process(
            json!({"anchor": "after"}),
            "<H2 class=\"x\">Upper</H2><div><h3 data-n=1/>Open<em>ed</div><h4>Last",
        );
        assert_eq!(
            out,
            "<H2 class=\"x\" id=\"upper\">Upper<a class=\"anchor\" href=\"#upper\" aria-hidden=\"true\">#</a></H2>\
             <div><h3 data-n=1/ id=\"opened\">Open<em>ed<a class=\"anchor\" href=\"#opened\" aria-hidden=\"true\">#</a></div>\
             <h4 id=\"last\">Last<a class=\"anchor\" href=\"#last\" aria-hidden=\"true\">#</a>"
        );
        assert_eq!(headings[1], heading(3, "opened", "Opened"));
    }

    #[test]
    fn text_in_hidden_anchors_is_not_the_heading_text() {
        let (_, headings) = process(
            json!(null),
            "<h2 id=\"x\"><a href=\"#x\" aria-hidden=\"true\"><span>#</span></a> Real <b>text</b></h2>",
        );
        assert_eq!(headings, [heading(2, "x", "Real text")]);
        assert_eq!(scan("<h5>Five</h5>"), [heading(5, "", "Five")]);
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
    fn a_recorded_list_is_taken_apart_only_when_every_item_is_a_heading() {
        let written = vec![heading(2, "a", "A"), heading(3, "", "B c")];
        let mut list = Value::Array(written.iter().cloned().map(Heading::into_value).collect());
        assert_eq!(Heading::take_list(&mut list), Some(written));

        let mut mixed = json!([{"level": 2, "id": "a", "text": "A"}, {"level": 2}]);
        let before = mixed.clone();
        assert_eq!(Heading::take_list(&mut mixed), None);
        assert_eq!(mixed, before);
        assert_eq!(Heading::take_list(&mut json!("mine")), None);
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
