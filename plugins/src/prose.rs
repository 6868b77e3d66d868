//! A page's prose: the text a reader sees, without markup, scripts or `aria-hidden`
//! decorations, with a word break wherever a block element starts. `search` keeps the
//! first words of it; `word-count` counts all of it.

use crate::html_text;
use crate::html_tokens::{lowercase_name, OpenElements, StartTag, Token, Tokenizer};

/// What an element is to the prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    /// Inside a word (`w<em>or</em>d`).
    Inline,
    /// Its content is not prose (`script`, `svg`, ...).
    Hidden,
    /// It separates words.
    Block,
}

impl Element {
    /// The element a tag named `name` (any case) starts: one look at the name, lowercased on
    /// the stack, where a search of name lists cost every tag a dozen comparisons.
    fn of(name: &str) -> Element {
        let Some((lower, length)) = lowercase_name::<{ "template".len() }>(name) else {
            return Element::Block;
        };
        match &lower[..length] {
            b"a" | b"abbr" | b"b" | b"bdi" | b"bdo" | b"cite" | b"code" | b"data" | b"del"
            | b"dfn" | b"em" | b"i" | b"ins" | b"kbd" | b"mark" | b"q" | b"s" | b"samp"
            | b"small" | b"span" | b"strong" | b"sub" | b"sup" | b"time" | b"u" | b"var" => {
                Element::Inline
            }
            b"script" | b"style" | b"template" | b"noscript" | b"svg" | b"math" => Element::Hidden,
            _ => Element::Block,
        }
    }
}

/// Where the prose goes.
pub trait ProseSink {
    /// Decoded text (`&amp;` is `&`), in document order, in pieces.
    fn text(&mut self, text: &str);
    /// A block element starts: what comes next is a new word.
    fn word_break(&mut self);
    /// True once the sink wants no more: reading stops there.
    fn is_full(&self) -> bool {
        false
    }
}

/// Feeds `html`'s prose to `sink` until the page ends or the sink is full.
pub fn read<S: ProseSink>(html: &str, sink: &mut S) {
    let mut open = OpenElements::default();
    // The depth below which the hidden element being skipped closes.
    let mut hidden_below: Option<usize> = None;
    for token in Tokenizer::new(html) {
        open.follow(&token);
        if hidden_below.is_some_and(|depth| open.depth() < depth) {
            hidden_below = None;
        }
        match &token {
            Token::StartTag(tag) => {
                let element = Element::of(tag.name);
                if element != Element::Inline {
                    sink.word_break();
                }
                if hidden_below.is_none() && tag.has_content && hides(tag, element) {
                    hidden_below = Some(open.depth());
                }
            }
            Token::Text(text) if hidden_below.is_none() => {
                match text.decodes {
                    true => sink.text(&html_text::decode(text.text)),
                    false => sink.text(text.text),
                }
                if sink.is_full() {
                    return;
                }
            }
            _ => {}
        }
    }
}

/// Whether an element's content is left out of the prose.
fn hides(tag: &StartTag<'_>, element: Element) -> bool {
    element == Element::Hidden || tag.attribute("aria-hidden") == Some("true")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records what the reader hands over, `|` for a word break.
    #[derive(Default)]
    struct Transcript(String);

    impl ProseSink for Transcript {
        fn text(&mut self, text: &str) {
            self.0.push_str(text);
        }
        fn word_break(&mut self) {
            self.0.push('|');
        }
    }

    fn read(html: &str) -> String {
        let mut transcript = Transcript::default();
        super::read(html, &mut transcript);
        transcript.0
    }

    #[test]
    fn inline_elements_do_not_break_words_and_blocks_do() {
        assert_eq!(read("<p>w<em>or</em>d</p><p>next</p>"), "|word|next");
    }

    #[test]
    fn hidden_elements_and_aria_hidden_content_are_left_out() {
        let html = "<p>a<script>x()</script><style>p{}</style>b</p>\
                    <h2>T<a aria-hidden=\"true\">#</a></h2>";
        assert_eq!(read(html), "|a||b|T");
    }

    #[test]
    fn hidden_content_ends_with_its_element_or_an_enclosing_one() {
        let html = "<h2>T<span aria-hidden=\"true\"><span>#</span>x</span>y</h2>\
                    <h3>U<b aria-hidden=\"true\">#</h3>z<img aria-hidden=\"true\">w";
        assert_eq!(read(html), "|Ty|Uz|w");
    }

    #[test]
    fn elements_are_told_apart_by_name_in_any_case() {
        for name in ["a", "SPAN", "Strong", "var", "bdi", "small"] {
            assert_eq!(Element::of(name), Element::Inline, "{name}");
        }
        for name in ["script", "STYLE", "Template", "noscript", "svg", "MATH"] {
            assert_eq!(Element::of(name), Element::Hidden, "{name}");
        }
        for name in [
            "p",
            "div",
            "h2",
            "blockquote",
            "spans",
            "templates",
            "x-span",
            "",
        ] {
            assert_eq!(Element::of(name), Element::Block, "{name}");
        }
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(read("<p>a &amp; b&nbsp;c</p>"), "|a & b\u{a0}c");
    }

    #[test]
    fn a_full_sink_stops_the_reading_without_an_error() {
        #[derive(Default)]
        struct FirstChunk(Option<String>);
        impl ProseSink for FirstChunk {
            fn text(&mut self, text: &str) {
                self.0.get_or_insert_with(|| text.to_string());
            }
            fn word_break(&mut self) {}
            fn is_full(&self) -> bool {
                self.0.is_some()
            }
        }
        let mut sink = FirstChunk(None);
        super::read("<p>first</p><p>second</p>", &mut sink);
        assert_eq!(sink.0.as_deref(), Some("first"));
    }
}
