//! What markdown knows of a page's headings before writing it: their ids, named here, and
//! for the `headings` option their anchors and the `headings` list, as the `headings`
//! plugin would find them in the page's HTML.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use crate::headings::{collapse_whitespace, has_heading, Heading, Headings};
use crate::html_tokens::{Token, Tokenizer};
use crate::slug::UniqueSlugs;

/// What the `headings` plugin would find and add in a page, told from its events.
#[derive(Debug, PartialEq)]
pub(super) struct Outline {
    /// The page's headings, as the plugin would list them.
    pub(super) headings: Vec<Heading>,
    /// The anchor links, each with the index of the event it goes before, in order.
    pub(super) links: Vec<(usize, String)>,
}

/// The page's headings as the `headings` plugin would list them from its HTML, and the
/// anchors it would add. `None` when what the plugin would do cannot be told from the
/// events: a heading it would give an id lacks one, a heading holds raw HTML or a footnote
/// reference (whose number the writer chooses), or raw HTML elsewhere may open a heading
/// or hide the ones after it.
pub(super) fn outline(events: &[Event<'_>], plugin: &Headings) -> Option<Outline> {
    let mut headings = Vec::new();
    let mut links = Vec::new();
    let mut index = 0;
    while index < events.len() {
        match &events[index] {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let level = *level as u8;
                let id = id.as_deref().map(str::to_string);
                let (text, end) = heading_text(events, index + 1)?;
                if plugin.marks(level) {
                    let (opening, closing) = plugin.anchor(id.as_deref()?);
                    links.extend(opening.map(|link| (index + 1, link)));
                    links.extend(closing.map(|link| (end, link)));
                }
                headings.push(Heading { level, id, text });
                index = end;
            }
            Event::Html(html) | Event::InlineHtml(html) if may_change_headings(html) => {
                return None;
            }
            _ => {}
        }
        index += 1;
    }
    Some(Outline { headings, links })
}

/// The text of the heading whose content starts at `start`, as its HTML reads without
/// markup, and the index of its end; `None` for a heading whose HTML cannot be told from
/// its events.
fn heading_text(events: &[Event<'_>], start: usize) -> Option<(String, usize)> {
    let mut text = String::new();
    // Text inside an image is its `alt` attribute, not the heading's.
    let mut images = 0;
    for (index, event) in events.iter().enumerate().skip(start) {
        match event {
            Event::End(TagEnd::Heading(_)) => return Some((collapse_whitespace(&text), index)),
            Event::Text(part) | Event::Code(part) if images == 0 => text.push_str(part),
            Event::SoftBreak | Event::HardBreak if images == 0 => text.push(' '),
            Event::Start(Tag::Image { .. }) => images += 1,
            Event::End(TagEnd::Image) => images -= 1,
            Event::Html(_)
            | Event::InlineHtml(_)
            | Event::FootnoteReference(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => return None,
            Event::Text(_)
            | Event::Code(_)
            | Event::SoftBreak
            | Event::HardBreak
            | Event::Start(_)
            | Event::End(_)
            | Event::Rule
            | Event::TaskListMarker(_) => {}
        }
    }
    None
}

/// Whether raw HTML may open a heading, or leave the tokenizer inside text, a comment or a
/// tag (an unclosed `<textarea>`, `<!--` or `<div class="`) that would swallow the
/// headings after it. The HTML is read with a start tag after it, which must come out as a
/// start tag where it was put.
fn may_change_headings(html: &str) -> bool {
    if has_heading(html) {
        return true;
    }
    let probe = format!("{html}<p>");
    let last = Tokenizer::new(&probe).last();
    !matches!(last, Some(Token::StartTag(tag)) if tag.span.start == html.len())
}

/// A page's events with links put in as raw HTML, each before the event at its index.
pub(super) struct WithLinks<'e> {
    events: std::vec::IntoIter<Event<'e>>,
    links: std::iter::Peekable<std::vec::IntoIter<(usize, String)>>,
    /// The index of the next event.
    index: usize,
}

impl<'e> WithLinks<'e> {
    pub(super) fn new(events: Vec<Event<'e>>, links: Vec<(usize, String)>) -> Self {
        WithLinks {
            events: events.into_iter(),
            links: links.into_iter().peekable(),
            index: 0,
        }
    }
}

impl<'e> Iterator for WithLinks<'e> {
    type Item = Event<'e>;

    fn next(&mut self) -> Option<Event<'e>> {
        if let Some((_, link)) = self.links.next_if(|(at, _)| *at == self.index) {
            return Some(Event::InlineHtml(link.into()));
        }
        self.index += 1;
        self.events.next()
    }
}

/// Gives each heading without an `id` one made from its text, unique within the page.
/// Ids the author wrote (`## Setup {#setup}`) are kept, and reserved first: they may come
/// after a heading whose generated id would take them.
pub(super) fn name_headings(events: &mut [Event<'_>], prefix: &str) {
    let mut slugs = UniqueSlugs::default();
    for event in events.iter() {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            slugs.reserve(id);
        }
    }
    let mut text = String::new();
    let mut index = 0;
    while index < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[index] {
            text.clear();
            let mut end = index + 1;
            while let Some(event) = events.get(end) {
                match event {
                    Event::Text(t) | Event::Code(t) => text.push_str(t),
                    Event::End(TagEnd::Heading(_)) => break,
                    _ => {}
                }
                end += 1;
            }
            let slug = slugs.next(&text);
            let named = match prefix {
                "" => slug,
                prefix => format!("{prefix}{slug}"),
            };
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[index] {
                *id = Some(CowStr::from(named));
            }
            index = end;
        }
        index += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{html, render_with};
    use super::*;
    use crate::test_random::XorShift;
    use ironsmith_core::parse_options;
    use pulldown_cmark::{Options as Extensions, Parser};
    use serde_json::{json, Value};

    /// Pages whose headings the events tell: marked-up text, entities, images, line breaks,
    /// author ids and attributes, empty headings, headings in lists and quotes, and raw HTML
    /// that leaves the headings alone.
    const TOLD: &[&str] = &[
        "# Title\n\nText.\n\n## Setup\n\n### Deep *and* `code`\n\n## Setup\n",
        "## Caf&eacute; &amp; &lt;tags&gt; &#35;1 \"quoted\"\n\n## A [link](/x) and ~~gone~~ **bold**\n",
        "## Logo ![the alt *text*](a.png \"t\") after\n\nSetext\nover lines\n---------\n",
        "Joined![alt over\ntwo lines](a.png)up\n===\n",
        "## Custom {#mine .wide data-x=1}\n\n##\n\n- ## In a list\n\n> ### In a quote\n",
        "<div class=\"note\">\n\nBefore\n\n</div>\n\n## After raw HTML\n\nA <kbd>key</kbd> and a <br> break.\n",
        "Text with <!-- a comment --> in it.\n\n## Heading\u{a0}with  spaces \n\n###### Six\n",
        "```rust\nfn main() {}\n```\n\n## After code\n\n<script>if (a < b) { c(); }</script>\n\n## End\n",
    ];

    /// Pages whose headings only their HTML tells.
    const UNTOLD: &[&str] = &[
        "## Note<span aria-hidden=\"true\">*</span> here\n",
        "## With a note[^1]\n\n[^1]: The note.\n",
        "<h2>Raw heading</h2>\n\n## Markdown\n",
        "A <textarea>\n\n## Swallowed\n",
        "<!--\n\n## Commented out\n",
        "<div class=\"open\n\n## Inside an attribute\n\n\">\n",
    ];

    fn events(markdown: &str) -> Vec<Event<'_>> {
        let extensions = Extensions::ENABLE_HEADING_ATTRIBUTES
            | Extensions::ENABLE_FOOTNOTES
            | Extensions::ENABLE_STRIKETHROUGH;
        let mut events: Vec<_> = Parser::new_ext(markdown, extensions).collect();
        name_headings(&mut events, "");
        events
    }

    fn plugin(options: Value) -> Headings {
        Headings::new(parse_options(&options).unwrap())
    }

    #[test]
    fn headings_are_told_from_the_events_unless_raw_html_or_notes_decide() {
        for page in TOLD {
            let outlined = outline(&events(page), &plugin(json!({"anchor": "after"})));
            assert!(
                outlined.is_some_and(|found| !found.headings.is_empty()),
                "{page}"
            );
        }
        for page in UNTOLD {
            assert_eq!(outline(&events(page), &plugin(json!({}))), None, "{page}");
        }
    }

    #[test]
    fn headings_without_ids_are_untold_only_where_the_plugin_would_give_ids() {
        let events: Vec<_> = Parser::new("# Title\n\n## Part\n").collect();
        assert_eq!(outline(&events, &plugin(json!({}))), None);
        let outlined = outline(&events, &plugin(json!({"levels": [3]}))).unwrap();
        assert_eq!(
            outlined.headings[1],
            Heading {
                level: 2,
                id: None,
                text: "Part".into()
            }
        );
    }

    /// Renders `page` with markdown and then the plugin, and with markdown's `headings`
    /// option, and checks the two give the same HTML and the same `headings` list.
    fn assert_option_does_what_the_plugin_does(markdown: &Value, headings: &Value, page: &str) {
        let (files, _) = render_with(markdown.clone(), &[("a.md", page)]);
        let plain = html(&files, "a.html");
        let (rewritten, expected) = plugin(headings.clone()).process(&plain);
        let mut options = markdown.clone();
        options["headings"] = headings.clone();
        let (files, _) = render_with(options, &[("a.md", page)]);
        let context = format!("{headings} {markdown} {page:?}");
        assert_eq!(
            html(&files, "a.html"),
            rewritten.unwrap_or(plain),
            "{context}"
        );
        let listed: Vec<_> = files["a.html"].metadata["headings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|value| Heading::from_value(value).unwrap())
            .collect();
        assert_eq!(listed, expected, "{context}");
    }

    /// What a random page's headings and paragraphs are made of, tricky pieces included.
    const INLINE: &[&str] = &[
        "word",
        " ",
        "*em*",
        "**strong**",
        "`code`",
        "[link](/x)",
        "![alt\nline](i.png)",
        "![*a* `b`](i.png)",
        "&amp;",
        "&eacute;",
        "&#35;",
        "<span>",
        "</span>",
        "<b aria-hidden=\"true\">x</b>",
        "[^1]",
        "~~gone~~",
        "\\#",
        " {#mine}",
        " #",
        "<br>",
        "\"q\"",
        "Ünï",
        "<!-- c -->",
        "<h3>in</h3>",
        "<textarea>",
        "  ",
        "\n",
    ];
    const BLOCKS: &[&str] = &[
        "# ",
        "## ",
        "### ",
        "#### ",
        "",
        "",
        "> ## ",
        "- ### ",
        "<div class=\"note\">\n",
        "</div>\n",
        "<textarea>\n",
        "<!--\n",
        "-->\n",
        "```rust\nfn f() {}\n```\n",
        "[^1]: note\n",
        "<h2>Raw</h2>\n",
        "Setext\n===\n",
        "Two\nlines\n---\n",
    ];

    fn random_page(random: &mut XorShift) -> String {
        let mut page = String::new();
        for _ in 0..1 + random.below(6) {
            page.push_str(BLOCKS[random.below(BLOCKS.len())]);
            for _ in 0..random.below(6) {
                page.push_str(INLINE[random.below(INLINE.len())]);
            }
            // Underlined, a paragraph becomes a heading of many lines (setext).
            page.push_str(["\n\n", "\n", "\n===\n\n", "\n---\n"][random.below(4)]);
        }
        page
    }

    /// As below, for random pages: most are told from their events, the others read back.
    #[test]
    fn random_pages_come_out_as_the_plugin_leaves_them() {
        let mut random = XorShift(0x6a09_e667_f3bc_c908);
        let option_sets = [
            json!({"anchor": "after", "levels": [2, 3]}),
            json!({"anchor": "wrap"}),
            json!({"anchor": "before", "prefix": "h-"}),
        ];
        let mut told = 0;
        const PAGES: usize = 1200;
        for round in 0..PAGES {
            let page = random_page(&mut random);
            let headings = &option_sets[round % option_sets.len()];
            let markdown_options = [json!({}), json!({"headingIds": false})][round % 2].clone();
            if round % 2 == 0 {
                told += usize::from(outline(&events(&page), &plugin(headings.clone())).is_some());
            }
            assert_option_does_what_the_plugin_does(&markdown_options, headings, &page);
        }
        // Raw HTML sends many pages back to the plugin; a sixth with markdown's ids, at least,
        // take the events' way.
        let with_ids = PAGES / 2;
        assert!(
            told > with_ids / 6,
            "{told} of {with_ids} pages told from their events"
        );
    }

    /// Markdown with the `headings` option writes what markdown and then the plugin write,
    /// and lists the same headings, for every page, told or not, and every placement.
    #[test]
    fn the_option_does_what_the_plugin_does_after_markdown() {
        let option_sets = [
            json!({}),
            json!({"anchor": "after"}),
            json!({"anchor": "before", "anchorClass": "h", "anchorSymbol": "<b>§</b>"}),
            json!({"anchor": "wrap", "levels": [2, 3]}),
            json!({"anchor": "after", "prefix": "user-content-", "levels": [1, 2]}),
        ];
        for headings in option_sets {
            for markdown_options in [
                json!({}),
                json!({"headingIds": false}),
                json!({"highlight": true}),
            ] {
                for page in TOLD.iter().chain(UNTOLD) {
                    assert_option_does_what_the_plugin_does(&markdown_options, &headings, page);
                }
            }
        }
    }
}
