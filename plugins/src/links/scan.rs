//! What one page offers and asks for: its element ids, and the URLs it refers to.

use std::ops::Range;

use crate::html_text;
use crate::html_tokens::{Attribute, StartTag, Token, Tokenizer};

/// The ids and outgoing URLs of one HTML page, in one buffer: a page holds dozens, and
/// a string each cost as much to make and drop as the checking.
#[derive(Debug, PartialEq)]
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

impl Page {
    /// A page's ids and URLs. Bytes that are not UTF-8 read as U+FFFD.
    pub(super) fn scan(html: &[u8]) -> Page {
        // Sized from the docs bench's pages, which hold a byte of ids and URLs in 8 of
        // HTML, a URL in 306 bytes and an id in 1,144 (medians): grown from empty, the
        // buffers were copied about ten times a page.
        let mut page = Page {
            text: String::with_capacity(html.len() / 8),
            ids: Vec::with_capacity(html.len() / 1024),
            urls: Vec::with_capacity(html.len() / 256),
        };
        let html = html_text::lossy(html);
        let mut tokens = Tokenizer::new(&html);
        let mut attributes = Vec::new();
        while let Some(token) = tokens.next_markup(&mut attributes) {
            if let Token::StartTag(tag) = token {
                page.read(&tag, &attributes);
            }
        }
        let text = &page.text;
        page.ids
            .sort_unstable_by(|a, b| text[a.clone()].cmp(&text[b.clone()]));
        page
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
    /// Takes what an element offers and asks for.
    fn read(&mut self, tag: &StartTag<'_>, attributes: &[Attribute<'_>]) {
        for attribute in attributes {
            let wanted = match Kind::of(attribute.name.as_bytes()) {
                Some(Kind::Href) if tag.is("base") => None,
                Some(Kind::Name) if !tag.is("a") => None,
                Some(Kind::Data) if !tag.is("object") => None,
                kind => kind,
            };
            let Some(kind) = wanted else {
                continue;
            };
            let value = html_text::decode(attribute.value);
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
        let page = Page::scan(
            br##"<base href="/ignored/"><h2 id="intro">Intro</h2><a name="old"></a><a href="/a/?x=1&amp;y=2#intro">a</a>
            <img src="i.png" srcset="i-1.png 1x, i-2.png 2x"><video poster="p.jpg"></video>
            <object data="d.svg"></object><link rel="stylesheet" href="s.css"><div name="not-an-anchor"></div>"##,
        );
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
        let page = Page::scan(html.as_bytes());
        assert_eq!(
            page.urls().collect::<Vec<_>>(),
            ["/x", "a&b.png", "", "o.svg"]
        );
        assert!(page.has_id("top") && page.has_id("bare"));
        let page = Page::scan(b"<a href=\"\xff.html\">x</a>");
        assert_eq!(page.urls().collect::<Vec<_>>(), ["\u{fffd}.html"]);
    }

    #[test]
    fn ids_are_found_whatever_their_order_in_the_page() {
        let page = Page::scan(br#"<p id="zeta"></p><p id="alpha"></p><p id="mid&amp;dle"></p>"#);
        for id in ["zeta", "alpha", "mid&dle"] {
            assert!(page.has_id(id), "{id}");
        }
        assert!(!page.has_id("beta"));
    }
}
