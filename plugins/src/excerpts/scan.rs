//! Finding an excerpt in HTML, with lol_html as a read-only tokenizer.
//!
//! The excerpt is a slice of the source taken between two tokens, so no tag is ever cut,
//! followed by end tags for the elements still open where it stops. Tokenizing stops as
//! soon as the answer is known: at the marker, or at the end of the first paragraph.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::ops::Range;
use std::rc::Rc;

use lol_html::html_content::{Comment, Element, EndTag, TextChunk};
use lol_html::{
    DocumentContentHandlers, ElementContentHandlers, HandlerResult, Selector, Settings,
};

/// Start tags that close an open `<p>` (HTML's tree construction rules, in button scope).
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "li"
            | "listing"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "plaintext"
            | "pre"
            | "search"
            | "section"
            | "summary"
            | "table"
            | "ul"
            | "xmp"
    )
}

/// Elements an implied end tag does not reach past.
const SCOPE: &[&str] = &[
    "applet", "button", "caption", "html", "marquee", "object", "table", "td", "template", "th",
];

/// What to look for, compiled once per build.
#[derive(Debug)]
pub(super) struct Finder {
    every_element: Selector,
    selector: Selector,
    /// The marker comment's text, trimmed.
    marker: String,
}

impl Finder {
    pub(super) fn new(selector: Selector, marker: &str) -> Result<Self, String> {
        Ok(Finder {
            every_element: "*".parse().map_err(|e| format!("{e}"))?,
            selector,
            marker: marker.to_string(),
        })
    }

    /// The excerpt of `html`: what precedes the first comment whose text is the marker, else
    /// the first element matching the selector that holds text (or is void), else `""`.
    pub(super) fn excerpt(&self, html: &str) -> Result<String, String> {
        if let Some(cut) = self.find_marker(html)? {
            // The elements open at the marker are those still open at the end of what
            // precedes it: a comment starts at a token boundary.
            let before = html.get(..cut).unwrap_or_default();
            let open = self.scan(before, false)?;
            let slice = Slice {
                body: 0..cut,
                trim: true,
                close: open.names_from(0),
                tail: None,
            };
            return Ok(slice.render(html));
        }
        let mut scan = self.scan(html, true)?;
        if !scan.stopped {
            scan.finish(html.len());
        }
        Ok(match &scan.capture {
            Capture::Found(slice) => slice.render(html),
            Capture::Looking | Capture::Open { .. } => String::new(),
        })
    }

    /// Where the marker comment starts. Looking at comments alone costs a quarter of
    /// following every element, and it stops at the marker.
    fn find_marker(&self, html: &str) -> Result<Option<usize>, String> {
        // A marker needs both of these in the source: most pages are ruled out here.
        if !(html.contains("<!--") && html.contains(&self.marker)) {
            return Ok(None);
        }
        let found = Cell::new(None);
        let settings = Settings {
            document_content_handlers: vec![DocumentContentHandlers::default().comments(
                |comment: &mut Comment| {
                    if comment.text().trim() != self.marker {
                        return Ok(());
                    }
                    found.set(Some(comment.source_location().bytes().start));
                    Err(STOP.into())
                },
            )],
            strict: false,
            ..Settings::new()
        };
        let outcome = crate::html_text::read_through(settings, html.as_bytes());
        match (outcome, found.get()) {
            (_, Some(start)) => Ok(Some(start)),
            (Ok(()), None) => Ok(None),
            (Err(error), None) => Err(format!("cannot read the HTML: {error}")),
        }
    }

    /// Follows the open elements through `html`. With `capture`, also captures the first
    /// match of the selector, and stops when it ends.
    fn scan(&self, html: &str, capture: bool) -> Result<Scan, String> {
        let scan = Rc::new(RefCell::new(Scan {
            stop_when_found: capture,
            ..Scan::default()
        }));
        let on_start = scan.clone();
        // First: lol_html calls an element's handlers in this order, so the stack of open
        // elements is up to date before the selector's handler looks at it.
        let mut element_content_handlers = vec![(
            Cow::Borrowed(&self.every_element),
            ElementContentHandlers::default()
                .element(move |el: &mut Element| start_element(&on_start, el)),
        )];
        let mut document_content_handlers = Vec::new();
        if capture {
            let (on_match, on_text) = (scan.clone(), scan.clone());
            element_content_handlers.push((
                Cow::Borrowed(&self.selector),
                ElementContentHandlers::default().element(move |el: &mut Element| {
                    let tag = el.source_location().bytes();
                    let stop = on_match.borrow_mut().matched(tag, el.can_have_content());
                    stop_if(&on_match, stop)
                }),
            ));
            document_content_handlers.push(DocumentContentHandlers::default().text(
                move |chunk: &mut TextChunk| {
                    if !chunk.as_str().trim().is_empty() {
                        on_text.borrow_mut().text();
                    }
                    Ok(())
                },
            ));
        }
        let settings = Settings {
            element_content_handlers,
            document_content_handlers,
            strict: false,
            ..Settings::new()
        };
        let outcome = crate::html_text::read_through(settings, html.as_bytes());
        let scan = scan.take();
        match outcome {
            Err(error) if !scan.stopped => Err(format!("cannot read the HTML: {error}")),
            _ => Ok(scan),
        }
    }
}

/// What a handler returns to stop tokenizing once the answer is known.
const STOP: &str = "excerpt found";

fn start_element(scan: &Rc<RefCell<Scan>>, el: &mut Element) -> HandlerResult {
    let name = el.tag_name();
    let start = el.source_location().bytes().start;
    let stop = scan.borrow_mut().start(&name, start, el.can_have_content());
    if el.can_have_content() {
        let on_end = scan.clone();
        el.on_end_tag(Box::new(move |end: &mut EndTag| {
            let tag = end.source_location().bytes();
            let stop = on_end.borrow_mut().end(start, &end.name(), tag);
            stop_if(&on_end, stop)
        }))?;
    }
    stop_if(scan, stop)
}

/// lol_html stops tokenizing when a handler fails; `stopped` tells that apart from an error.
fn stop_if(scan: &Rc<RefCell<Scan>>, stop: bool) -> HandlerResult {
    if stop {
        scan.borrow_mut().stopped = true;
        return Err(STOP.into());
    }
    Ok(())
}

/// An element whose end tag has not been seen; `start` (its start tag's offset) names it.
#[derive(Debug)]
struct Open {
    name: String,
    start: usize,
}

/// A piece of the source, trimmed when it ends mid-content, then closing end tags, then
/// the source's own end tag of the captured element (when it had one).
#[derive(Debug, PartialEq)]
struct Slice {
    body: Range<usize>,
    trim: bool,
    close: Vec<String>,
    tail: Option<Range<usize>>,
}

impl Slice {
    fn render(&self, html: &str) -> String {
        let body = html.get(self.body.clone()).unwrap_or_default();
        let mut out = String::from(if self.trim { body.trim() } else { body });
        for name in &self.close {
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
        if let Some(tail) = &self.tail {
            out.push_str(html.get(tail.clone()).unwrap_or_default());
        }
        out
    }
}

#[derive(Debug, Default)]
enum Capture {
    #[default]
    Looking,
    Open {
        start: usize,
        text: bool,
    },
    Found(Slice),
}

#[derive(Debug, Default)]
struct Scan {
    open: Vec<Open>,
    capture: Capture,
    stop_when_found: bool,
    stopped: bool,
}

/// Each event returns whether tokenizing can stop.
impl Scan {
    fn start(&mut self, name: &str, start: usize, can_have_content: bool) -> bool {
        if closes_p(name) {
            self.close_nearest(&["p"], &[], start);
        }
        match name {
            "li" => self.close_nearest(&["li"], &["ol", "ul"], start),
            "dd" | "dt" => self.close_nearest(&["dd", "dt"], &["dl"], start),
            _ => {}
        }
        if can_have_content {
            self.open.push(Open {
                name: name.to_string(),
                start,
            });
        }
        self.done()
    }

    fn matched(&mut self, tag: Range<usize>, can_have_content: bool) -> bool {
        if matches!(self.capture, Capture::Looking) {
            self.capture = if can_have_content {
                Capture::Open {
                    start: tag.start,
                    text: false,
                }
            } else {
                Capture::Found(Slice {
                    body: tag,
                    trim: false,
                    close: Vec::new(),
                    tail: None,
                })
            };
        }
        self.done()
    }

    fn text(&mut self) {
        if let Capture::Open { text, .. } = &mut self.capture {
            *text = true;
        }
    }

    /// An end tag that lol_html pairs with the element that started at `start`. lol_html
    /// also hands it to the elements it closes on the way (`</div>` in `<div><p>a</div>`):
    /// those are left to the element the tag names, which closes everything inside it.
    fn end(&mut self, start: usize, name: &str, tag: Range<usize>) -> bool {
        let Some(index) = self
            .open
            .iter()
            .rposition(|o| o.start == start && o.name == name)
        else {
            return false;
        };
        if let Capture::Open { start: c, text } = self.capture {
            if c == start {
                self.capture = if text {
                    Capture::Found(Slice {
                        body: c..tag.start,
                        trim: false,
                        close: self.names_from(index + 1),
                        tail: Some(tag),
                    })
                } else {
                    Capture::Looking
                };
                self.open.truncate(index);
                return self.done();
            }
        }
        self.close_from(index + 1, tag.start);
        self.open.truncate(index);
        self.done()
    }

    /// The end of the document closes whatever is open.
    fn finish(&mut self, end: usize) {
        self.close_from(0, end);
    }

    /// Closes the innermost element named in `targets`, unless a scope boundary comes first.
    fn close_nearest(&mut self, targets: &[&str], boundaries: &[&str], at: usize) {
        for index in (0..self.open.len()).rev() {
            let name = self.open[index].name.as_str();
            if targets.contains(&name) {
                self.close_from(index, at);
                return;
            }
            if boundaries.contains(&name) || SCOPE.contains(&name) {
                return;
            }
        }
    }

    /// Closes `open[index..]` with implied end tags at offset `at`.
    fn close_from(&mut self, index: usize, at: usize) {
        if let Capture::Open { start, text } = self.capture {
            if let Some(captured) = self.open[index..].iter().position(|o| o.start == start) {
                let captured = index + captured;
                self.capture = if text {
                    Capture::Found(Slice {
                        body: start..at,
                        trim: true,
                        close: self.names_from(captured),
                        tail: None,
                    })
                } else {
                    Capture::Looking
                };
            }
        }
        self.open.truncate(index);
    }

    /// Names of `open[index..]`, innermost first: the end tags that close them.
    fn names_from(&self, index: usize) -> Vec<String> {
        self.open[index..]
            .iter()
            .rev()
            .map(|o| o.name.clone())
            .collect()
    }

    fn done(&self) -> bool {
        self.stop_when_found && matches!(self.capture, Capture::Found(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finder(selector: &str) -> Finder {
        Finder::new(selector.parse().unwrap(), "more").unwrap()
    }

    fn excerpt(html: &str) -> String {
        finder("p").excerpt(html).unwrap()
    }

    #[test]
    fn a_marker_inside_open_elements_closes_them() {
        assert_eq!(
            excerpt("<div><p>Intro <em>a <!-- more --> b</em> c</p></div><p>Rest</p>"),
            "<div><p>Intro <em>a</em></p></div>"
        );
        assert_eq!(
            excerpt("<ol><li>a<ul><li>b<!--more--><li>c</ul></ol>"),
            "<ol><li>a<ul><li>b</li></ul></li></ol>"
        );
        assert_eq!(
            excerpt("<dl><dt>T<dd>D <!-- more --> E</dl>"),
            "<dl><dt>T<dd>D</dd></dl>"
        );
    }

    #[test]
    fn the_text_before_a_top_level_marker_is_trimmed() {
        assert_eq!(
            excerpt("\n<p>A</p>\n\n<!-- more -->\n<p>B</p>\n"),
            "<p>A</p>"
        );
    }

    #[test]
    fn only_real_comments_are_markers() {
        let html = "<p title=\"<!-- more -->\">A</p><script>s = '<!-- more -->';</script><p>B</p>";
        assert_eq!(excerpt(html), "<p title=\"<!-- more -->\">A</p>");
        assert_eq!(
            excerpt("<p>Read more</p><!-- note --><p>B</p>"),
            "<p>Read more</p>"
        );
    }

    #[test]
    fn a_paragraph_without_its_end_tag_ends_where_html_ends_it() {
        assert_eq!(excerpt("<p>One<p>Two</p>"), "<p>One</p>");
        assert_eq!(excerpt("<p>One\n<div>x</div>"), "<p>One</p>");
        assert_eq!(excerpt("<div><p>One </div><p>Two</p>"), "<p>One</p>");
        assert_eq!(excerpt("<p>Only <b>this"), "<p>Only <b>this</b></p>");
        assert_eq!(excerpt("<P>Upper</P>"), "<P>Upper</P>");
    }

    #[test]
    fn elements_left_open_inside_the_paragraph_are_closed() {
        assert_eq!(
            excerpt("<p>One <b>bold</p><p>Two</p>"),
            "<p>One <b>bold</b></p>"
        );
    }

    #[test]
    fn a_paragraph_without_text_is_skipped() {
        assert_eq!(
            excerpt("<p><img src=\"a.png\" alt=\"\"></p>\n<p>Text</p>"),
            "<p>Text</p>"
        );
        assert_eq!(excerpt("<p> </p>"), "");
    }

    #[test]
    fn a_void_element_can_be_the_excerpt() {
        assert_eq!(
            finder("img").excerpt("<p>x <img src=a.png> y</p>").unwrap(),
            "<img src=a.png>"
        );
    }

    #[test]
    fn tokenizing_stops_early_when_it_can() {
        let tail = "<p>more text</p>".repeat(100);
        let finder = finder("p");
        assert!(
            finder
                .scan(&format!("<p>A</p>{tail}"), true)
                .unwrap()
                .stopped
        );
        assert!(
            !finder
                .scan(&format!("<p>A</p>{tail}"), false)
                .unwrap()
                .stopped
        );
        let html = format!("<p>A</p><!-- more -->{tail}<!-- more -->");
        assert_eq!(finder.find_marker(&html).unwrap(), Some(8));
        assert_eq!(
            finder
                .find_marker(&format!("<p>A</p><!-- x -->{tail}"))
                .unwrap(),
            None
        );
    }
}
