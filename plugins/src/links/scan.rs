//! What one page offers and asks for: its element ids, and the URLs it refers to.

use std::borrow::Cow;

use lol_html::html_content::Element;
use lol_html::{ElementContentHandlers, HtmlRewriter, Selector, Settings};

use crate::html_text;

/// The ids and outgoing URLs of one HTML page.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Page {
    /// `id` attributes, and `name` on `<a>`: what a `#fragment` may point at.
    pub ids: Vec<String>,
    /// The URLs of `href`, `src`, `srcset`, `poster` and `data` attributes, as written
    /// (entities decoded), in document order.
    pub urls: Vec<String>,
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
            page.read(el);
            Ok(())
        });
        let settings = Settings {
            element_content_handlers: vec![(Cow::Borrowed(&self.every_element), handlers)],
            ..Settings::new()
        };
        let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
        rewriter
            .write(html)
            .and_then(|()| rewriter.end())
            .map_err(|error| format!("cannot read its HTML: {error}"))?;
        Ok(page)
    }
}

impl Page {
    /// Takes what an element offers and asks for.
    fn read(&mut self, el: &Element) {
        let mut tag = None;
        let mut tag_is = |name: &str| tag.get_or_insert_with(|| el.tag_name()) == name;
        for attribute in el.attributes() {
            let name = attribute.name();
            let wanted = match name.as_str() {
                "id" | "href" | "src" | "poster" | "srcset" | "imagesrcset" => true,
                "name" => tag_is("a"),
                "data" => tag_is("object"),
                _ => false,
            };
            if !wanted || (name == "href" && tag_is("base")) {
                continue;
            }
            let value = html_text::decode(&attribute.value()).into_owned();
            match name.as_str() {
                "id" | "name" => self.ids.push(value),
                "srcset" | "imagesrcset" => self.urls.extend(srcset_urls(&value)),
                _ => self.urls.push(value),
            }
        }
    }
}

/// The URLs of a `srcset` (`a.png 1x, b.png 2x`): each candidate's first word.
fn srcset_urls(value: &str) -> impl Iterator<Item = String> + '_ {
    value
        .split(',')
        .filter_map(|candidate| candidate.split_whitespace().next())
        .map(str::to_string)
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
        assert_eq!(page.ids, ["intro", "old"]);
        assert_eq!(
            page.urls,
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
}
