//! A page's prose, read with lol_html: the text a reader sees, without markup, scripts or
//! `aria-hidden` decorations, with a word break wherever a block element starts. `search`
//! keeps the first words of it; `word-count` counts all of it.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use lol_html::html_content::{Element, EndTag, TextChunk};
use lol_html::{
    DocumentContentHandlers, ElementContentHandlers, HandlerResult, Selector, Settings,
};

use crate::html_text;

/// Elements whose content is not prose.
const HIDDEN: &[&str] = &["script", "style", "template", "noscript", "svg", "math"];

/// Elements inside a word (`w<em>or</em>d`): the others separate words.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
];

/// What a handler returns to stop reading once the sink has enough.
const STOP: &str = "enough prose";

/// Where the prose goes.
pub trait ProseSink: Default + 'static {
    /// Decoded text (`&amp;` is `&`), in document order, split wherever lol_html likes.
    fn text(&mut self, text: &str);
    /// A block element starts: what comes next is a new word.
    fn word_break(&mut self);
    /// True once the sink wants no more: reading stops there.
    fn is_full(&self) -> bool {
        false
    }
}

/// Reads pages; holds the selector lol_html would otherwise parse for every page.
#[derive(Debug)]
pub struct ProseReader {
    every_element: Selector,
}

impl Default for ProseReader {
    fn default() -> Self {
        ProseReader {
            every_element: "*"
                .parse()
                .unwrap_or_else(|_| unreachable!("a valid selector")),
        }
    }
}

/// The sink, and how many hidden elements the tokenizer is inside.
#[derive(Default)]
struct State<S> {
    sink: S,
    hidden: usize,
}

impl ProseReader {
    /// Feeds `html`'s prose to `sink` until the page ends or the sink is full.
    pub fn read<S: ProseSink>(&self, html: &[u8], sink: S) -> Result<S, String> {
        let state = Rc::new(RefCell::new(State { sink, hidden: 0 }));
        let (on_element, on_text) = (state.clone(), state.clone());
        let settings = Settings {
            element_content_handlers: vec![(
                Cow::Borrowed(&self.every_element),
                ElementContentHandlers::default()
                    .element(move |el: &mut Element| start(&on_element, el)),
            )],
            document_content_handlers: vec![DocumentContentHandlers::default().text(
                move |chunk: &mut TextChunk| {
                    let mut state = on_text.borrow_mut();
                    if state.hidden == 0 {
                        state.sink.text(&html_text::decode(chunk.as_str()));
                    }
                    match state.sink.is_full() {
                        true => Err(STOP.into()),
                        false => Ok(()),
                    }
                },
            )],
            ..Settings::new()
        };
        let outcome = html_text::read_through(settings, html);
        let State { sink, .. } = state.take();
        match outcome {
            Err(error) if !sink.is_full() => Err(format!("cannot read its HTML: {error}")),
            _ => Ok(sink),
        }
    }
}

/// What an element's start tag means for the prose: a word break, or hidden content until
/// its end tag.
fn start<S: ProseSink>(state: &Rc<RefCell<State<S>>>, el: &mut Element) -> HandlerResult {
    let name = el.tag_name();
    if !INLINE.contains(&name.as_str()) {
        state.borrow_mut().sink.word_break();
    }
    let hidden = HIDDEN.contains(&name.as_str())
        || el.get_attribute("aria-hidden").is_some_and(|v| v == "true");
    if !hidden || !el.can_have_content() {
        return Ok(());
    }
    state.borrow_mut().hidden += 1;
    let on_end = state.clone();
    el.on_end_tag(Box::new(move |_: &mut EndTag| {
        on_end.borrow_mut().hidden -= 1;
        Ok(())
    }))?;
    Ok(())
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
        ProseReader::default()
            .read(html.as_bytes(), Transcript::default())
            .unwrap()
            .0
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
        let html = "<p>first</p><p>second</p>";
        let sink = ProseReader::default()
            .read(html.as_bytes(), FirstChunk(None))
            .unwrap();
        assert_eq!(sink.0.as_deref(), Some("first"));
    }
}
