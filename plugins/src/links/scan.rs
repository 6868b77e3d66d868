//! What one page offers and asks for: its element ids, and the URLs it refers to.

use std::borrow::Cow;
use std::ops::Range;

use lol_html::html_content::{Element, SourceLocation};
use lol_html::{ElementContentHandlers, Selector, Settings};

use crate::html_text;

/// The ids and outgoing URLs of one HTML page, in one buffer: a page holds dozens, and
/// a string each cost as much to make and drop as the checking.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Page {
    /// Every id and URL, one after another.
    text: String,
    /// `id` attributes, and `name` on `<a>`: what a `#fragment` may point at; sorted, so
    /// a link's fragment is found without a set per page.
    ids: Vec<Range<usize>>,
    /// The URLs of `href`, `src`, `srcset`, `poster` and `data` attributes, as written
    /// (entities decoded), in document order.
    urls: Vec<Range<usize>>,
}

impl Page {
    pub(super) fn urls(&self) -> impl Iterator<Item = &str> {
        self.urls.iter().map(|range| &self.text[range.clone()])
    }

    pub(super) fn has_id(&self, id: &str) -> bool {
        self.ids
            .binary_search_by(|range| self.text[range.clone()].cmp(id))
            .is_ok()
    }

    fn push(&mut self, text: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(text);
        start..self.text.len()
    }
}

/// Reads pages; holds the selector lol_html would otherwise parse for every page.
#[derive(Debug)]
pub(super) struct Scanner {
    every_element: Selector,
}

impl Scanner {
    pub(super) fn new() -> Self {
        Scanner {
            every_element: "*"
                .parse()
                .unwrap_or_else(|_| unreachable!("a valid selector")),
        }
    }

    /// A page's ids and URLs, read with lol_html without building a tree.
    pub(super) fn scan(&self, html: &[u8]) -> Result<Page, String> {
        let mut page = Page::default();
        let handlers = ElementContentHandlers::default().element(|el: &mut Element| {
            page.read(el, html);
            Ok(())
        });
        let settings = Settings {
            element_content_handlers: vec![(Cow::Borrowed(&self.every_element), handlers)],
            ..Settings::new()
        };
        html_text::read_through(settings, html)
            .map_err(|error| format!("cannot read its HTML: {error}"))?;
        let text = &page.text;
        page.ids
            .sort_unstable_by(|a, b| text[a.clone()].cmp(&text[b.clone()]));
        Ok(page)
    }
}

/// The attributes a page is read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Id,
    /// `name`, an id on `<a>`.
    Name,
    Href,
    Src,
    Srcset,
    /// `data`, a URL on `<object>`.
    Data,
}

const KINDS: [(&str, Kind); 8] = [
    ("id", Kind::Id),
    ("href", Kind::Href),
    ("src", Kind::Src),
    ("poster", Kind::Src),
    ("srcset", Kind::Srcset),
    ("imagesrcset", Kind::Srcset),
    ("name", Kind::Name),
    ("data", Kind::Data),
];

impl Kind {
    /// What an attribute called `name` (in any case) holds, if the page is read for it.
    fn of(name: &[u8]) -> Option<Kind> {
        KINDS
            .iter()
            .find(|(known, _)| name.eq_ignore_ascii_case(known.as_bytes()))
            .map(|(_, kind)| *kind)
    }
}

impl Page {
    /// Takes what an element offers and asks for. Names and values are read where they
    /// are in `html` (the page lol_html is reading), rather than copied out for every
    /// attribute of every element.
    fn read(&mut self, el: &Element, html: &[u8]) {
        let mut tag = None;
        let mut tag_is = |name: &str| tag.get_or_insert_with(|| el.tag_name()) == name;
        let in_page = |at: Option<SourceLocation>| at.and_then(|at| html.get(at.bytes()));
        for attribute in el.attributes() {
            let kind = match in_page(attribute.name_source_location()) {
                Some(name) => Kind::of(name),
                None => Kind::of(attribute.name().as_bytes()),
            };
            let wanted = match kind {
                Some(Kind::Id | Kind::Src | Kind::Srcset) => true,
                Some(Kind::Href) => !tag_is("base"),
                Some(Kind::Name) => tag_is("a"),
                Some(Kind::Data) => tag_is("object"),
                None => false,
            };
            let Some(kind) = kind.filter(|_| wanted) else {
                continue;
            };
            let copied;
            let value = match in_page(attribute.value_source_location())
                .and_then(|value| std::str::from_utf8(value).ok())
            {
                Some(value) => value,
                None => {
                    copied = attribute.value();
                    &copied
                }
            };
            let value = html_text::decode(value);
            match kind {
                Kind::Id | Kind::Name => {
                    let id = self.push(&value);
                    self.ids.push(id);
                }
                Kind::Srcset => {
                    for url in srcset_urls(&value) {
                        let url = self.push(url);
                        self.urls.push(url);
                    }
                }
                Kind::Href | Kind::Src | Kind::Data => {
                    let url = self.push(&value);
                    self.urls.push(url);
                }
            }
        }
    }
}

/// The URLs of a `srcset` (`a.png 1x, b.png 2x`): each candidate's first word.
fn srcset_urls(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(',')
        .filter_map(|candidate| candidate.split_whitespace().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_ids_and_every_kind_of_url() {
        let page = Scanner::new()
            .scan(
            br##"<base href="/ignored/"><h2 id="intro">Intro</h2><a name="old"></a><a href="/a/?x=1&amp;y=2#intro">a</a>
            <img src="i.png" srcset="i-1.png 1x, i-2.png 2x"><video poster="p.jpg"></video>
            <object data="d.svg"></object><link rel="stylesheet" href="s.css"><div name="not-an-anchor"></div>"##,
        )
        .unwrap();
        assert!(page.has_id("intro") && page.has_id("old"));
        assert!(!page.has_id("not-an-anchor") && !page.has_id("ignored") && !page.has_id(""));
        assert_eq!(
            page.urls().collect::<Vec<_>>(),
            [
                "/a/?x=1&y=2#intro",
                "i.png",
                "i-1.png",
                "i-2.png",
                "p.jpg",
                "d.svg",
                "s.css"
            ]
        );
    }

    #[test]
    fn attributes_are_read_in_any_case_quoting_and_encoding() {
        let html = "\u{feff}<A HREF=/x ID='top'><IMG SrC=\"a&amp;b.png\"><p id=bare></p>\
                    <a href>empty</a><BASE Href=/no/><Object DATA=o.svg></Object>";
        let page = Scanner::new().scan(html.as_bytes()).unwrap();
        assert_eq!(
            page.urls().collect::<Vec<_>>(),
            ["/x", "a&b.png", "", "o.svg"]
        );
        assert!(page.has_id("top") && page.has_id("bare"));
        let page = Scanner::new().scan(b"<a href=\"\xff.html\">x</a>").unwrap();
        assert_eq!(page.urls().collect::<Vec<_>>(), ["\u{fffd}.html"]);
    }

    #[test]
    fn ids_are_found_whatever_their_order_in_the_page() {
        let page = Scanner::new()
            .scan(br#"<p id="zeta"></p><p id="alpha"></p><p id="mid&amp;dle"></p>"#)
            .unwrap();
        for id in ["zeta", "alpha", "mid&dle"] {
            assert!(page.has_id(id), "{id}");
        }
        assert!(!page.has_id("beta"));
    }
}
