//! A page's searchable text, read with lol_html: its words without markup, and its
//! section headings with their ids.
//!
//! Two passes, because they cost less than one: the words pass stops as soon as it has
//! enough text, and the headings pass asks lol_html for the text of headings only. Reading
//! every word of every page in one pass cost three times as much at 10,000 pages. The
//! headings pass is not needed on a page the `headings` plugin has listed
//! ([`recorded_headings`]).

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use lol_html::html_content::{Element, EndTag, TextChunk};
use lol_html::{ElementContentHandlers, HandlerResult, Selector, Settings};
use serde::Serialize;
use serde_json::Value;

use crate::headings::Heading as Recorded;
use crate::html_text;
use crate::prose::{ProseReader, ProseSink};

/// What the index keeps of one page's contents.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Extract {
    /// The first `<h1>`'s text: the title of a page whose front matter has none.
    pub h1: Option<String>,
    /// `<h2>` and `<h3>` headings, in order.
    pub headings: Vec<Heading>,
    /// The words, whitespace collapsed, cut at a word boundary after `limit` characters.
    pub text: String,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub(super) struct Heading {
    /// The heading's `id`, for a link to the section; `None` when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub text: String,
}

/// Which passes a page needs.
#[derive(Debug, Clone, Copy)]
pub(super) struct Wanted {
    /// The words, and at most this many characters of them.
    pub text: Option<usize>,
    /// The headings (and the first `<h1>`).
    pub headings: bool,
}

/// Reads pages; holds the selectors lol_html would otherwise parse for every page.
#[derive(Debug)]
pub(super) struct Extractor {
    prose: ProseReader,
    headings: Selector,
    hidden_in_headings: Selector,
}

impl Extractor {
    pub(super) fn new() -> Self {
        let parse = |selector: &str| {
            selector
                .parse()
                .unwrap_or_else(|_| unreachable!("a valid selector"))
        };
        Extractor {
            prose: ProseReader::default(),
            headings: parse("h1, h2, h3"),
            hidden_in_headings: parse(
                "h1 [aria-hidden=true], h2 [aria-hidden=true], h3 [aria-hidden=true]",
            ),
        }
    }

    pub(super) fn extract(&self, html: &[u8], wanted: Wanted) -> Result<Extract, String> {
        let mut extract = Extract::default();
        if let Some(limit) = wanted.text {
            extract.text = self.words(html, limit)?;
        }
        if wanted.headings {
            (extract.h1, extract.headings) = self.headings(html)?;
        }
        Ok(extract)
    }

    /// The first `limit` characters of text, cut at a word.
    fn words(&self, html: &[u8], limit: usize) -> Result<String, String> {
        let words = Words {
            limit,
            ..Words::default()
        };
        let mut text = self.prose.read(html, words)?.text;
        let trimmed = text.trim_end().len();
        text.truncate(trimmed);
        Ok(text)
    }

    /// The first `<h1>`'s text, and the `<h2>` and `<h3>` headings.
    fn headings(&self, html: &[u8]) -> Result<(Option<String>, Vec<Heading>), String> {
        let found = Rc::new(RefCell::new(Headings::default()));
        let (on_heading, on_text, on_hidden) = (found.clone(), found.clone(), found.clone());
        let settings = Settings {
            element_content_handlers: vec![
                (
                    Cow::Borrowed(&self.headings),
                    ElementContentHandlers::default()
                        .element(move |el: &mut Element| heading(&on_heading, el))
                        .text(move |chunk: &mut TextChunk| {
                            let mut found = on_text.borrow_mut();
                            if found.hidden == 0 {
                                if let Some((_, heading)) = &mut found.open {
                                    push_collapsed(
                                        &mut heading.text,
                                        &html_text::decode(chunk.as_str()),
                                    );
                                }
                            }
                            Ok(())
                        }),
                ),
                (
                    Cow::Borrowed(&self.hidden_in_headings),
                    ElementContentHandlers::default()
                        .element(move |el: &mut Element| hide(&on_hidden, el)),
                ),
            ],
            ..Settings::new()
        };
        html_text::read_through(settings, html)
            .map_err(|error| format!("cannot read its HTML: {error}"))?;
        let found = found.take();
        Ok((found.h1, found.headings))
    }
}

/// The first `<h1>`'s text and the `<h2>` and `<h3>` headings, from the `headings` list the
/// `headings` plugin left on the page, so the page is not read again; `None` when the list
/// is missing or not that plugin's.
pub(super) fn recorded_headings(list: Option<&Value>) -> Option<(Option<String>, Vec<Heading>)> {
    let mut h1 = None;
    let mut headings = Vec::new();
    for value in list?.as_array()? {
        let Recorded { level, id, text } = Recorded::from_value(value)?;
        match level {
            1 => {
                h1.get_or_insert(text);
            }
            2 | 3 => headings.push(Heading { id, text }),
            _ => {}
        }
    }
    Some((h1, headings))
}

/// The words pass's state.
#[derive(Debug, Default)]
struct Words {
    limit: usize,
    /// Characters of `text` so far, and whether the limit was reached.
    chars: usize,
    full: bool,
    text: String,
}

impl ProseSink for Words {
    fn text(&mut self, text: &str) {
        self.push(text);
    }

    fn word_break(&mut self) {
        self.push(" ");
    }

    fn is_full(&self) -> bool {
        self.full
    }
}

impl Words {
    /// Appends `text` with runs of whitespace as one space (none leading), a word at a time;
    /// nothing once the text is full.
    fn push(&mut self, text: &str) {
        if self.full {
            return;
        }
        let mut rest = text;
        while !rest.is_empty() {
            let word = rest.find(char::is_whitespace).unwrap_or(rest.len());
            if word > 0 {
                if !self.take(rest[..word].chars().count()) {
                    return;
                }
                self.text.push_str(&rest[..word]);
                rest = &rest[word..];
                continue;
            }
            let space = rest
                .find(|c: char| !c.is_whitespace())
                .unwrap_or(rest.len());
            rest = &rest[space..];
            if self.text.is_empty() || self.text.ends_with(' ') {
                continue;
            }
            if !self.take(1) {
                return;
            }
            self.text.push(' ');
        }
    }

    /// Counts `chars` more characters, or, when they would pass the limit, marks the text
    /// full and cuts it after its last whole word.
    fn take(&mut self, chars: usize) -> bool {
        if self.chars + chars > self.limit {
            self.full = true;
            let cut = self.text.rfind(' ').unwrap_or(0);
            self.text.truncate(cut);
            return false;
        }
        self.chars += chars;
        true
    }
}

/// The headings pass's state.
#[derive(Debug, Default)]
struct Headings {
    /// The heading being read, with its level.
    open: Option<(u8, Heading)>,
    /// How many `aria-hidden` elements (an anchor's symbol) the tokenizer is inside.
    hidden: usize,
    h1: Option<String>,
    headings: Vec<Heading>,
}

fn heading(found: &Rc<RefCell<Headings>>, el: &mut Element) -> HandlerResult {
    if !el.can_have_content() || found.borrow().open.is_some() {
        return Ok(());
    }
    let level = match el.tag_name().as_str() {
        "h1" => 1,
        "h2" => 2,
        _ => 3,
    };
    let id = el
        .get_attribute("id")
        .map(|id| html_text::decode(&id).into_owned());
    let text = String::new();
    found.borrow_mut().open = Some((level, Heading { id, text }));
    let on_end = found.clone();
    el.on_end_tag(Box::new(move |_: &mut EndTag| {
        let mut found = on_end.borrow_mut();
        if let Some((level, mut heading)) = found.open.take() {
            let trimmed = heading.text.trim_end().len();
            heading.text.truncate(trimmed);
            match level {
                1 => {
                    found.h1.get_or_insert(heading.text);
                }
                _ => found.headings.push(heading),
            }
        }
        Ok(())
    }))?;
    Ok(())
}

fn hide(found: &Rc<RefCell<Headings>>, el: &mut Element) -> HandlerResult {
    if !el.can_have_content() {
        return Ok(());
    }
    found.borrow_mut().hidden += 1;
    let on_end = found.clone();
    el.on_end_tag(Box::new(move |_: &mut EndTag| {
        on_end.borrow_mut().hidden -= 1;
        Ok(())
    }))?;
    Ok(())
}

/// Appends `text` to `out` with runs of whitespace as one space, none leading.
fn push_collapsed(out: &mut String, text: &str) {
    for c in text.chars() {
        if !c.is_whitespace() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: Wanted = Wanted {
        text: Some(1000),
        headings: true,
    };

    #[test]
    fn keeps_words_and_headings_without_markup() {
        let page = Extractor::new()
            .extract(
            br##"<h1>The <em>Guide</em></h1><p>One&nbsp;w<b>or</b>d &amp;
            two.</p><script>var x = "<p>no</p>";</script><style>p{}</style>
            <h2 id="setup">Set&#45;up <a aria-hidden="true" href="#setup">#</a></h2><ul><li>a</li><li>b</li></ul>
            <h3>No id</h3><p>end<br>line</p>"##,
            ALL,
        )
        .unwrap();
        assert_eq!(page.h1.as_deref(), Some("The Guide"));
        assert_eq!(
            page.headings,
            [
                Heading {
                    id: Some("setup".into()),
                    text: "Set-up".into()
                },
                Heading {
                    id: None,
                    text: "No id".into()
                },
            ]
        );
        assert_eq!(
            page.text,
            "The Guide One word & two. Set-up a b No id end line"
        );
    }

    #[test]
    fn text_full_at_an_element_boundary_keeps_its_words() {
        let wanted = Wanted {
            text: Some(10),
            headings: false,
        };
        let page = Extractor::new()
            .extract(b"<p>alpha beta</p><p>gamma</p>", wanted)
            .unwrap();
        assert_eq!(page.text, "alpha");
    }

    #[test]
    fn text_is_cut_at_a_word_boundary_after_the_limit() {
        let page = Extractor::new()
            .extract(
                b"<p>alpha beta gamma</p><h2>late heading</h2>",
                Wanted {
                    text: Some(12),
                    headings: true,
                },
            )
            .unwrap();
        assert_eq!(page.text, "alpha beta");
        assert_eq!(page.headings[0].text, "late heading");
        let none = Wanted {
            text: Some(0),
            headings: false,
        };
        assert_eq!(
            Extractor::new()
                .extract(b"<p>alpha</p>", none)
                .unwrap()
                .text,
            ""
        );
    }

    #[test]
    fn words_are_cut_as_a_character_at_a_time_would_cut_them_and_once_only() {
        fn one_at_a_time(limit: usize, chunks: &[&str]) -> (String, bool) {
            let (mut text, mut chars, mut full) = (String::new(), 0, false);
            for chunk in chunks {
                if full {
                    break;
                }
                for c in chunk.chars() {
                    let space = c.is_whitespace();
                    if space && (text.is_empty() || text.ends_with(' ')) {
                        continue;
                    }
                    if chars >= limit {
                        full = true;
                        text.truncate(text.rfind(' ').unwrap_or(0));
                        break;
                    }
                    text.push(if space { ' ' } else { c });
                    chars += 1;
                }
            }
            (text, full)
        }
        let pages: [&[&str]; 4] = [
            &["  alpha beta\n\tgamma  ", " delta"],
            &[
                "caf\u{e9} na\u{ef}ve\u{a0}\u{a0}r\u{e9}sum\u{e9}",
                "",
                " x ",
            ],
            &["one", "two", " ", "three"],
            &["\u{2003}lead", "ing  and trailing \u{3000}"],
        ];
        for chunks in pages {
            for limit in 0..40 {
                let mut words = Words {
                    limit,
                    ..Words::default()
                };
                for chunk in chunks {
                    words.push(chunk);
                }
                let wanted = one_at_a_time(limit, chunks);
                assert_eq!((words.text, words.full), wanted, "{chunks:?} at {limit}");
            }
        }
    }

    #[test]
    fn the_headings_plugin_list_stands_for_the_headings_pass() {
        let list = serde_json::json!([
            {"level": 2, "id": "a", "text": "A"},
            {"level": 1, "id": null, "text": "Title"},
            {"level": 4, "id": "deep", "text": "Deep"},
            {"level": 1, "id": "x", "text": "Second title"},
            {"level": 3, "id": null, "text": "B"}
        ]);
        assert_eq!(
            recorded_headings(Some(&list)),
            Some((
                Some("Title".to_string()),
                vec![
                    Heading {
                        id: Some("a".into()),
                        text: "A".into()
                    },
                    Heading {
                        id: None,
                        text: "B".into()
                    },
                ]
            ))
        );
        assert_eq!(recorded_headings(None), None);
        let authors_own = serde_json::json!(["Intro", "Usage"]);
        assert_eq!(recorded_headings(Some(&authors_own)), None);
    }

    #[test]
    fn only_the_passes_wanted_run() {
        let html = b"<h1>T</h1><h2 id=a>A</h2><p>words</p>";
        let headings = Wanted {
            text: None,
            headings: true,
        };
        let page = Extractor::new().extract(html, headings).unwrap();
        assert_eq!(
            (page.h1.as_deref(), page.headings.len(), page.text.as_str()),
            (Some("T"), 1, "")
        );
        let text = Wanted {
            text: Some(100),
            headings: false,
        };
        let page = Extractor::new().extract(html, text).unwrap();
        assert_eq!(
            (page.h1, page.headings.len(), page.text.as_str()),
            (None, 0, "T A words")
        );
    }
}
