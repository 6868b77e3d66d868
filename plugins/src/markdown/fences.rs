//! Fenced code blocks highlighted while the page is written.

use std::cell::Cell;
use std::fmt;

use pulldown_cmark::{html, CodeBlockKind, Event, Tag, TagEnd};

use crate::highlight::Highlight;

/// Writes the page's HTML with its fenced blocks highlighted: each known language's block
/// is handed to pulldown-cmark as HTML already written. pulldown-cmark puts a newline before
/// a block unless its output ends a line, so the writer keeps track of how it ends.
pub(super) fn push_highlighted<'e>(
    out: &mut String,
    events: impl Iterator<Item = Event<'e>>,
    highlight: &Highlight,
) -> Result<(), String> {
    let at_line_start = Cell::new(true);
    let mut blocks = HighlightedBlocks {
        events,
        highlight,
        at_line_start: &at_line_start,
        end: None,
        failure: None,
    };
    let writer = LineTracking {
        out,
        at_line_start: &at_line_start,
    };
    // Writing to a String cannot fail.
    let _ = html::write_html_fmt(writer, &mut blocks);
    blocks.failure.map_or(Ok(()), Err)
}

/// A page's events with each fenced block of a known language as one HTML event.
struct HighlightedBlocks<'e, 'h, I> {
    events: I,
    highlight: &'h Highlight,
    at_line_start: &'h Cell<bool>,
    /// The end of the block just handed over, which pulldown-cmark writes as `</code></pre>`.
    end: Option<Event<'e>>,
    /// Why a block could not be highlighted; the events stop there.
    failure: Option<String>,
}

impl<'e, I: Iterator<Item = Event<'e>>> Iterator for HighlightedBlocks<'e, '_, I> {
    type Item = Event<'e>;

    fn next(&mut self) -> Option<Event<'e>> {
        if let Some(end) = self.end.take() {
            return Some(end);
        }
        let event = self.events.next()?;
        let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = &event else {
            return Some(event);
        };
        let language = info.split(' ').next().unwrap_or_default();
        let events = &mut self.events;
        let code = || {
            let mut code = String::new();
            for event in events.by_ref() {
                match event {
                    Event::Text(text) => code.push_str(&text),
                    Event::End(TagEnd::CodeBlock) => break,
                    _ => {}
                }
            }
            code
        };
        match self.highlight.fenced_block(language, code) {
            None => Some(event),
            Some(Ok(block)) => {
                self.end = Some(Event::End(TagEnd::CodeBlock));
                let block = match self.at_line_start.get() {
                    true => block,
                    false => format!("\n{block}"),
                };
                Some(Event::Html(block.into()))
            }
            Some(Err(problem)) => {
                self.failure = Some(problem);
                None
            }
        }
    }
}

/// Appends to a String and remembers whether what it holds ends a line.
struct LineTracking<'a> {
    out: &'a mut String,
    at_line_start: &'a Cell<bool>,
}

impl fmt::Write for LineTracking<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if let Some(&last) = text.as_bytes().last() {
            self.at_line_start.set(last == b'\n');
        }
        self.out.push_str(text);
        Ok(())
    }
}
