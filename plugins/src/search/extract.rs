//! A page's searchable text: its words without markup, and its section headings with
//! their ids.
//!
//! Two passes, each stopping early: the words pass once it has enough text, and the
//! headings pass is not needed on a page the `headings` plugin has listed
//! ([`recorded_headings`]).

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use crate::headings::{self, Heading as Recorded};
use crate::prose::{self, ProseSink};

/// What the index keeps of one page's contents. Headings read from the page are its own;
/// those from the `headings` list are borrowed from the page's metadata, not copied.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Extract<'a> {
    /// The first `<h1>`'s text: the title of a page whose front matter has none.
    pub h1: Option<Cow<'a, str>>,
    /// `<h2>` and `<h3>` headings, in order.
    pub headings: Vec<Heading<'a>>,
    /// The words, whitespace collapsed, cut at a word boundary after `limit` characters.
    pub text: String,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub(super) struct Heading<'a> {
    /// The heading's `id`, for a link to the section; `None` when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Cow<'a, str>>,
    pub text: Cow<'a, str>,
}

/// Which passes a page needs.
#[derive(Debug, Clone, Copy)]
pub(super) struct Wanted {
    /// The words, and at most this many characters of them.
    pub text: Option<usize>,
    /// The headings (and the first `<h1>`).
    pub headings: bool,
}

impl Extract<'_> {
    pub(super) fn read<'a>(html: &str, wanted: Wanted) -> Extract<'a> {
        let mut extract = Extract::default();
        if let Some(limit) = wanted.text {
            extract.text = words(html, limit);
        }
        if wanted.headings {
            (extract.h1, extract.headings) = headings(html);
        }
        extract
    }
}

/// The first `limit` characters of text, cut at a word.
fn words(html: &str, limit: usize) -> String {
    let mut words = Words {
        limit,
        ..Words::default()
    };
    // Sized once: grown from empty, the text was copied about seven times a page.
    words.text.reserve(limit.min(html.len()));
    prose::read(html, &mut words);
    let mut text = words.text;
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
    text
}

/// The first `<h1>`'s text, and the `<h2>` and `<h3>` headings, as `headings` reads them.
fn headings<'a>(html: &str) -> Sections<'a> {
    let all = headings::scan(html).into_iter();
    sections(all.map(|Recorded { level, id, text }| (level, id.map(Cow::Owned), text.into())))
}

/// A page's first `<h1>`'s text, and its `<h2>` and `<h3>` headings.
type Sections<'a> = (Option<Cow<'a, str>>, Vec<Heading<'a>>);

/// A heading's level, id and text.
type Parts<'a> = (u8, Option<Cow<'a, str>>, Cow<'a, str>);

/// The first `<h1>`'s text, and the `<h2>` and `<h3>` headings.
fn sections<'a>(all: impl IntoIterator<Item = Parts<'a>>) -> Sections<'a> {
    let mut h1 = None;
    let mut headings = Vec::new();
    for (level, id, text) in all {
        match level {
            1 => {
                h1.get_or_insert(text);
            }
            2 | 3 => headings.push(Heading { id, text }),
            _ => {}
        }
    }
    (h1, headings)
}

/// The first `<h1>`'s text and the `<h2>` and `<h3>` headings, borrowed from the `headings`
/// list the `headings` plugin left on the page, so the page is not read again; `None` when
/// the list is missing or not that plugin's.
pub(super) fn recorded_headings(list: Option<&Value>) -> Option<Sections<'_>> {
    let recorded: Vec<(u8, Option<&str>, &str)> = list?
        .as_array()?
        .iter()
        .map(Recorded::parts)
        .collect::<Option<_>>()?;
    let borrowed = recorded
        .into_iter()
        .map(|(level, id, text)| (level, id.map(Cow::Borrowed), Cow::Borrowed(text)));
    Some(sections(borrowed))
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
            let (word, chars) = word_at(rest);
            if word > 0 {
                if !self.take(chars) {
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

/// The length in bytes of the word `text` starts with (up to whitespace, as
/// `char::is_whitespace` has it), and its characters, in one pass that decodes only
/// non-ASCII characters: finding the end and then counting, a character decoded at a time
/// each, took a fifth more of the words pass.
fn word_at(text: &str) -> (usize, usize) {
    let bytes = text.as_bytes();
    let (mut at, mut chars) = (0, 0);
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii() {
            if matches!(byte, b'\t'..=b'\r' | b' ') {
                break;
            }
            at += 1;
        } else {
            match text[at..].chars().next() {
                Some(c) if !c.is_whitespace() => at += c.len_utf8(),
                _ => break,
            }
        }
        chars += 1;
    }
    (at, chars)
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
        let page = Extract::read(
            r##"<h1>The <em>Guide</em></h1><p>One&nbsp;w<b>or</b>d &amp;
            two.</p><script>var x = "<p>no</p>";</script><style>p{}</style>
            <h2 id="setup">Set&#45;up <a aria-hidden="true" href="#setup">#</a></h2><ul><li>a</li><li>b</li></ul>
            <h3>No id</h3><p>end<br>line</p>"##,
            ALL,
        );
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
        let page = Extract::read("<p>alpha beta</p><p>gamma</p>", wanted);
        assert_eq!(page.text, "alpha");
    }

    #[test]
    fn text_is_cut_at_a_word_boundary_after_the_limit() {
        let page = Extract::read(
            "<p>alpha beta gamma</p><h2>late heading</h2>",
            Wanted {
                text: Some(12),
                headings: true,
            },
        );
        assert_eq!(page.text, "alpha beta");
        assert_eq!(page.headings[0].text, "late heading");
        let none = Wanted {
            text: Some(0),
            headings: false,
        };
        assert_eq!(Extract::read("<p>alpha</p>", none).text, "");
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
        let pages: [&[&str]; 5] = [
            &["  alpha beta\n\tgamma  ", " delta"],
            &[
                "caf\u{e9} na\u{ef}ve\u{a0}\u{a0}r\u{e9}sum\u{e9}",
                "",
                " x ",
            ],
            &["one", "two", " ", "three"],
            &["\u{2003}lead", "ing  and trailing \u{3000}"],
            &["tab\tvertical\x0bfeed\x0creturn\r\nend\x1fword"],
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
                Some("Title".into()),
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
        let html = "<h1>T</h1><h2 id=a>A</h2><p>words</p>";
        let headings = Wanted {
            text: None,
            headings: true,
        };
        let page = Extract::read(html, headings);
        assert_eq!(
            (page.h1.as_deref(), page.headings.len(), page.text.as_str()),
            (Some("T"), 1, "")
        );
        let text = Wanted {
            text: Some(100),
            headings: false,
        };
        let page = Extract::read(html, text);
        assert_eq!(
            (page.h1, page.headings.len(), page.text.as_str()),
            (None, 0, "T A words")
        );
    }
}
