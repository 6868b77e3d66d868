//! An HTML tokenizer for pages held whole in memory, for the plugins that read pages or
//! change a few places in them (`links`, `search`, `word-count`, `headings`, `highlight`,
//! `toc`, `feed`): changes are spliced in where the tokens are ([`splice`]).
//!
//! It follows the WHATWG tokenization rules for tags, attributes (quoted, unquoted, bare,
//! repeated), comments, doctypes, bogus comments, and the text of `script` (its escaped
//! `<!--` states included), raw-text elements (`style`, `xmp`, `iframe`, `noembed`,
//! `noframes`, `noscript`), `title` and `textarea`, `plaintext`, and CDATA sections inside
//! `<svg>` and `<math>`. Tokens are slices of the page, not copies, and references
//! (`&amp;`) are left for the reader to decode ([`crate::html_text::decode`]).
//!
//! lol_html, which `excerpts` still uses for its CSS `selector` option, is built to stream
//! pages through selectors, which these plugins need neither of: over the 76 MB of the docs
//! bench's output, on one core, it took 271 ms where this takes 73 (92 reading every
//! attribute).

use std::ops::Range;

use memchr::memchr;

use crate::html_text;

/// One token of a page, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token<'a> {
    Text(Text<'a>),
    StartTag(StartTag<'a>),
    EndTag(EndTag<'a>),
    Comment(Comment<'a>),
    /// A doctype, a bogus comment (`<?php …>`, `<!x>`, `</ x>`) or `</>`: markup a reader
    /// skips.
    Other,
}

/// Character data as written, references included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'a> {
    pub text: &'a str,
    /// Whether references in it stand for characters: false in `script`, `style` and the
    /// other raw-text elements, and in CDATA sections.
    pub decodes: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment<'a> {
    /// Between `<!--` and `-->`.
    pub text: &'a str,
    /// Where the comment is in the page, `<!--` to `-->`.
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartTag<'a> {
    /// The name as written; compare it with [`StartTag::is`].
    pub name: &'a str,
    /// Where the tag is in the page, `<` to `>`.
    pub span: Range<usize>,
    /// Ends in `/>`.
    pub self_closing: bool,
    /// Whether an end tag is to follow: false for void elements (`<img>`), and for
    /// self-closing ones in SVG and MathML, where `/>` counts.
    pub has_content: bool,
    /// The tag after its name, attributes and all.
    rest: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndTag<'a> {
    pub name: &'a str,
    pub span: Range<usize>,
}

/// An attribute as written: the value has its quotes removed, its references kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute<'a> {
    pub name: &'a str,
    /// The empty string for a bare attribute (`<input disabled>`).
    pub value: &'a str,
    /// Where the attribute is in the page, name to value's end, quotes included.
    pub span: Range<usize>,
}

impl<'a> StartTag<'a> {
    /// Whether the tag is `name`, given in lowercase: tag names are ASCII case-insensitive.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The attributes in the order written. A repeated name is handed over again, where a
    /// browser keeps the first: [`StartTag::attribute`] does the same.
    pub fn attributes(&self) -> Attributes<'a> {
        Attributes::new(self.rest, self.span.start + 1 + self.name.len())
    }

    /// The first attribute called `name` (lowercase), in any case.
    pub fn find_attribute(&self, name: &str) -> Option<Attribute<'a>> {
        self.attributes()
            .find(|attribute| attribute.name.eq_ignore_ascii_case(name))
    }

    /// The edit, for [`splice`], that gives the tag's attribute `name` the value `value`
    /// (escaped here): in place of its first `name` attribute, else added at the end.
    pub fn set_attribute(&self, name: &str, value: &str) -> (Range<usize>, String) {
        match self.find_attribute(name) {
            Some(existing) => (existing.span, attribute_text(name, value)),
            None => add_attribute(self.attributes_end(), name, value),
        }
    }

    /// The value of [`StartTag::find_attribute`].
    pub fn attribute(&self, name: &str) -> Option<&'a str> {
        self.find_attribute(name).map(|attribute| attribute.value)
    }

    /// Where the tag's attributes end, before its `>` or `/>`: where one can be added.
    pub fn attributes_end(&self) -> usize {
        self.span.end - 1 - usize::from(self.self_closing)
    }
}

impl EndTag<'_> {
    /// Whether the tag is `name`, given in lowercase.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// The attributes of a tag, read from just after its name; runs out at the `>` that ends
/// the tag, or at the end of the page.
#[derive(Debug, Clone)]
pub struct Attributes<'a> {
    tag: &'a str,
    /// Where `tag` starts in the page.
    offset: usize,
    at: usize,
    self_closing: bool,
    /// The `>` has been read.
    closed: bool,
}

impl<'a> Attributes<'a> {
    fn new(tag: &'a str, offset: usize) -> Self {
        Attributes {
            tag,
            offset,
            at: 0,
            self_closing: false,
            closed: false,
        }
    }

    /// Reads to the tag's end, each attribute into `into` when given: `Some((bytes read,
    /// self-closing))`, the `>` counted, or `None` when the page ends inside the tag, which
    /// is then no tag, and `into` keeps none of its attributes.
    fn finish(mut self, mut into: Option<&mut Vec<Attribute<'a>>>) -> Option<(usize, bool)> {
        let kept = into.as_deref().map_or(0, Vec::len);
        for attribute in self.by_ref() {
            if let Some(into) = into.as_deref_mut() {
                into.push(attribute);
            }
        }
        if !self.closed {
            if let Some(into) = into {
                into.truncate(kept);
            }
            return None;
        }
        Some((self.at, self.self_closing))
    }
}

impl<'a> Iterator for Attributes<'a> {
    type Item = Attribute<'a>;

    fn next(&mut self) -> Option<Attribute<'a>> {
        let bytes = self.tag.as_bytes();
        if self.closed {
            return None;
        }
        // Before an attribute's name: whitespace and stray slashes; `/>` closes the tag.
        loop {
            match bytes.get(self.at)? {
                b'>' => {
                    self.at += 1;
                    self.closed = true;
                    return None;
                }
                b'/' => {
                    self.at += 1;
                    self.self_closing = bytes.get(self.at) == Some(&b'>');
                }
                byte if is_space(*byte) => self.at += 1,
                _ => break,
            }
        }
        self.self_closing = false;
        // The name: a leading `=` belongs to it.
        let name_start = self.at;
        self.at += 1 + bytes[self.at + 1..]
            .iter()
            .position(|&b| is_space(b) || matches!(b, b'/' | b'>' | b'='))
            .unwrap_or(bytes.len() - self.at - 1);
        let name = &self.tag[name_start..self.at];
        let name_end = self.at;
        self.skip_space();
        if bytes.get(self.at) != Some(&b'=') {
            return Some(Attribute {
                name,
                value: "",
                span: self.offset + name_start..self.offset + name_end,
            });
        }
        self.at += 1;
        self.skip_space();
        let value = match bytes.get(self.at) {
            Some(&quote @ (b'"' | b'\'')) => {
                let start = self.at + 1;
                match find_byte(quote, &bytes[start..]) {
                    Some(length) => {
                        self.at = start + length + 1;
                        &self.tag[start..start + length]
                    }
                    None => {
                        self.at = bytes.len();
                        return None;
                    }
                }
            }
            Some(b'>') | None => "",
            Some(_) => {
                let start = self.at;
                self.at += bytes[start..]
                    .iter()
                    .position(|&b| is_space(b) || b == b'>')
                    .unwrap_or(bytes.len() - start);
                &self.tag[start..self.at]
            }
        };
        Some(Attribute {
            name,
            value,
            span: self.offset + name_start..self.offset + self.at,
        })
    }
}

impl Attributes<'_> {
    fn skip_space(&mut self) {
        let bytes = self.tag.as_bytes();
        while bytes.get(self.at).is_some_and(|&b| is_space(b)) {
            self.at += 1;
        }
    }
}

/// HTML's whitespace, with the carriage return that input preprocessing turns into one.
fn is_space(byte: u8) -> bool {
    matches!(byte, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// The edit, for [`splice`], that adds the attribute `name="value"` (escaped here) at `at`,
/// where a tag's attributes end ([`StartTag::attributes_end`]).
pub fn add_attribute(at: usize, name: &str, value: &str) -> (Range<usize>, String) {
    (at..at, format!(" {}", attribute_text(name, value)))
}

/// `name="value"`, the value escaped.
fn attribute_text(name: &str, value: &str) -> String {
    let mut attribute = String::with_capacity(name.len() + value.len() + 3);
    write_attribute(&mut attribute, name, value);
    attribute
}

/// Appends `name="value"` to `out`, the value escaped: for a tag written whole.
pub fn write_attribute(out: &mut String, name: &str, value: &str) {
    out.push_str(name);
    out.push_str("=\"");
    html_text::escape_into(out, value);
    out.push('"');
}

/// `html` with each `(range, text)` of `edits` put in place of that range, edits given in
/// document order and not overlapping; an empty range inserts.
pub fn splice(html: &str, edits: &[(Range<usize>, String)]) -> String {
    debug_assert!(
        edits
            .windows(2)
            .all(|pair| pair[0].0.end <= pair[1].0.start),
        "splice: edits out of order or overlapping"
    );
    let added: usize = edits.iter().map(|(_, text)| text.len()).sum();
    let mut out = String::with_capacity(html.len() + added);
    let mut copied = 0;
    for (range, text) in edits {
        out.push_str(&html[copied..range.start]);
        out.push_str(text);
        copied = range.end;
    }
    out.push_str(&html[copied..]);
    out
}

/// The elements open at a point of a page, as lol_html counts them without building the
/// page: an end tag closes the innermost open element of its name and every element opened
/// after it; an end tag nothing matches is ignored.
#[derive(Debug, Default)]
pub struct OpenElements<'a> {
    names: Vec<&'a str>,
}

impl<'a> OpenElements<'a> {
    /// Follows a tag. After a start tag that has content, the element is open until
    /// [`OpenElements::depth`] drops below what it is then.
    pub fn follow(&mut self, token: &Token<'a>) {
        match token {
            Token::StartTag(tag) if tag.has_content => self.names.push(tag.name),
            Token::EndTag(tag) => {
                if let Some(at) = self.names.iter().rposition(|name| tag.is(name)) {
                    self.names.truncate(at);
                }
            }
            _ => {}
        }
    }

    pub fn depth(&self) -> usize {
        self.names.len()
    }

    /// The name of the element innermost open, as written.
    pub fn innermost(&self) -> Option<&'a str> {
        self.names.last().copied()
    }
}

/// How the text after a start tag is read, as the tree builder tells the tokenizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    /// Text up to the element's end tag, references decoded (`title`, `textarea`).
    Rcdata,
    /// Text up to the element's end tag, as written (`style`, `iframe`, …).
    Rawtext,
    /// A script's text: up to `</script>`, minding `<!--` and nested `<script>`.
    Script,
    /// Everything to the end of the page is text.
    Plaintext,
}

/// What a start tag's name tells the tokenizer in HTML content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An element without content or end tag.
    Void,
    Svg,
    Math,
    /// An element whose content is text.
    Text(Content),
    Other,
}

impl Kind {
    /// One look at the name, lowercased on the stack: every start tag is classified, so
    /// this is not a search of name lists.
    fn of(name: &str) -> Kind {
        let Some((lower, length)) = lowercase_name::<{ "plaintext".len() }>(name) else {
            return Kind::Other;
        };
        match &lower[..length] {
            b"area" | b"base" | b"basefont" | b"bgsound" | b"br" | b"col" | b"embed" | b"hr"
            | b"img" | b"input" | b"keygen" | b"link" | b"meta" | b"param" | b"source"
            | b"track" | b"wbr" => Kind::Void,
            b"svg" => Kind::Svg,
            b"math" => Kind::Math,
            b"title" | b"textarea" => Kind::Text(Content::Rcdata),
            b"style" | b"xmp" | b"iframe" | b"noembed" | b"noframes" | b"noscript" => {
                Kind::Text(Content::Rawtext)
            }
            b"script" => Kind::Text(Content::Script),
            b"plaintext" => Kind::Text(Content::Plaintext),
            _ => Kind::Other,
        }
    }
}

/// A tag's name lowercased on the stack and its length, for a `match` on known names: `None`
/// when it is longer than `N` bytes, and so none of them.
pub fn lowercase_name<const N: usize>(name: &str) -> Option<([u8; N], usize)> {
    let bytes = name.as_bytes();
    if bytes.len() > N {
        return None;
    }
    let mut lower = [0; N];
    for (low, byte) in lower.iter_mut().zip(bytes) {
        *low = byte.to_ascii_lowercase();
    }
    Some((lower, bytes.len()))
}

/// The tokens of a page, in order.
#[derive(Debug, Clone)]
pub struct Tokenizer<'a> {
    html: &'a str,
    at: usize,
    /// Set after a start tag whose content is text: the tag's name and how to read it.
    text_of: Option<(&'a str, Content)>,
    /// The namespaces entered, innermost last; empty in HTML. Inside `<svg>` and `<math>`,
    /// `<![CDATA[` starts text, and `<style>` and `<script>` hold markup.
    namespaces: Vec<Namespace>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Namespace {
    Html,
    Svg,
    MathMl,
}

/// Start tags that end SVG or MathML content: the tree builder closes it before them.
const FOREIGN_CONTENT_EXITS: &[&str] = &[
    "b",
    "big",
    "blockquote",
    "body",
    "br",
    "center",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "hr",
    "i",
    "img",
    "li",
    "listing",
    "menu",
    "meta",
    "nobr",
    "ol",
    "p",
    "pre",
    "ruby",
    "s",
    "small",
    "span",
    "strong",
    "strike",
    "sub",
    "sup",
    "table",
    "tt",
    "u",
    "ul",
    "var",
];

/// SVG elements whose content is HTML.
const SVG_HTML_POINTS: &[&str] = &["desc", "title", "foreignobject"];

/// MathML elements whose content is HTML.
const MATHML_TEXT_POINTS: &[&str] = &["mi", "mo", "mn", "ms", "mtext"];

fn is_one_of(name: &str, names: &[&str]) -> bool {
    names.iter().any(|known| known.eq_ignore_ascii_case(name))
}

impl<'a> Tokenizer<'a> {
    pub fn new(html: &'a str) -> Self {
        Tokenizer {
            html,
            at: 0,
            text_of: None,
            namespaces: Vec::new(),
        }
    }

    fn namespace(&self) -> Namespace {
        self.namespaces.last().copied().unwrap_or(Namespace::Html)
    }

    /// What a start tag tells of the content after it, as the tree builder would: lol_html's
    /// tree-builder simulator, which reads pages without building them, is the model.
    fn enter(&mut self, tag: &StartTag<'a>, kind: Kind) {
        let name = tag.name;
        let namespace = self.namespace();
        if let Kind::Svg | Kind::Math = kind {
            if !tag.self_closing {
                self.namespaces.push(match kind {
                    Kind::Svg => Namespace::Svg,
                    _ => Namespace::MathMl,
                });
            }
        } else if namespace == Namespace::Html {
            if let Kind::Text(content) = kind {
                self.text_of = Some((name, content));
            }
        } else if is_one_of(name, FOREIGN_CONTENT_EXITS)
            || tag.is("font")
                && tag
                    .attributes()
                    .any(|a| is_one_of(a.name, &["color", "face", "size"]))
        {
            self.namespaces.pop();
        } else if !tag.self_closing
            && match namespace {
                Namespace::Svg => is_one_of(name, SVG_HTML_POINTS),
                _ => {
                    is_one_of(name, MATHML_TEXT_POINTS)
                        || tag.is("annotation-xml")
                            && tag.attribute("encoding").is_some_and(|encoding| {
                                is_one_of(encoding, &["text/html", "application/xhtml+xml"])
                            })
                }
            }
        {
            self.namespaces.push(Namespace::Html);
        }
    }

    /// What an end tag tells: the end of a foreign element or of an integration point.
    fn leave(&mut self, tag: &EndTag<'a>) {
        let name = tag.name;
        let leaves = match self.namespace() {
            Namespace::Html => match self.namespaces.len().checked_sub(2) {
                Some(outer) => match self.namespaces[outer] {
                    Namespace::Svg => is_one_of(name, SVG_HTML_POINTS),
                    _ => is_one_of(name, MATHML_TEXT_POINTS) || tag.is("annotation-xml"),
                },
                None => false,
            },
            Namespace::Svg => tag.is("svg") || tag.is("p") || tag.is("br"),
            Namespace::MathMl => tag.is("math") || tag.is("p") || tag.is("br"),
        };
        if leaves {
            self.namespaces.pop();
        }
    }

    /// The text of an element whose content is not markup, up to its end tag.
    fn element_text(&mut self, name: &'a str, content: Content) -> Token<'a> {
        let start = self.at;
        let rest = &self.html.as_bytes()[start..];
        let length = match content {
            Content::Script => script_text_length(rest),
            Content::Plaintext => rest.len(),
            Content::Rcdata | Content::Rawtext => end_tag_at(rest, name.as_bytes(), 0),
        };
        self.at += length;
        Token::Text(Text {
            text: &self.html[start..self.at],
            decodes: content == Content::Rcdata,
        })
    }

    /// Markup starting at `self.at`, a `<`: the token, or `None` when this `<` is text.
    fn markup(&mut self, attributes: Option<&mut Vec<Attribute<'a>>>) -> Option<Token<'a>> {
        let bytes = self.html.as_bytes();
        let start = self.at;
        let rest = &bytes[start..];
        match rest.get(1)? {
            b if b.is_ascii_alphabetic() => self.start_tag(start, attributes),
            b'/' => match rest.get(2)? {
                b'>' => {
                    self.at += 3;
                    Some(Token::Other)
                }
                b if b.is_ascii_alphabetic() => self.end_tag(start),
                _ => Some(self.bogus_comment(start + 2)),
            },
            b'!' => Some(self.declaration(start)),
            b'?' => Some(self.bogus_comment(start + 1)),
            _ => None,
        }
    }

    fn start_tag(
        &mut self,
        start: usize,
        attributes: Option<&mut Vec<Attribute<'a>>>,
    ) -> Option<Token<'a>> {
        let name_end = tag_name_end(self.html.as_bytes(), start + 1);
        let rest = &self.html[name_end..];
        let read = match rest.as_bytes().first() {
            // Most tags end with their name: not setting up a reading of attributes there
            // are none of takes 8% off tokenizing the docs bench's pages.
            Some(b'>') => Some((1, false)),
            _ => Attributes::new(rest, name_end).finish(attributes),
        };
        let Some((length, self_closing)) = read else {
            self.at = self.html.len();
            return Some(Token::Other);
        };
        self.at = name_end + length;
        let name = &self.html[start + 1..name_end];
        let kind = Kind::of(name);
        let foreign = self.namespace() != Namespace::Html || matches!(kind, Kind::Svg | Kind::Math);
        let tag = StartTag {
            name,
            span: start..self.at,
            self_closing,
            has_content: match foreign {
                true => !self_closing,
                false => kind != Kind::Void,
            },
            rest: &rest[..length],
        };
        self.enter(&tag, kind);
        Some(Token::StartTag(tag))
    }

    fn end_tag(&mut self, start: usize) -> Option<Token<'a>> {
        let name_end = tag_name_end(self.html.as_bytes(), start + 2);
        let read = match self.html.as_bytes().get(name_end) {
            Some(b'>') => Some((1, false)),
            _ => Attributes::new(&self.html[name_end..], name_end).finish(None),
        };
        let Some((length, _)) = read else {
            self.at = self.html.len();
            return Some(Token::Other);
        };
        self.at = name_end + length;
        let tag = EndTag {
            name: &self.html[start + 2..name_end],
            span: start..self.at,
        };
        self.leave(&tag);
        Some(Token::EndTag(tag))
    }

    /// `<!`: a comment, a doctype, a CDATA section or a bogus comment.
    fn declaration(&mut self, start: usize) -> Token<'a> {
        let bytes = self.html.as_bytes();
        let rest = &bytes[start + 2..];
        if rest.starts_with(b"--") {
            let text_start = start + 4;
            let after = &bytes[text_start..];
            // `<!-->` and `<!--->` are whole, empty comments.
            for empty_end in [&b">"[..], b"->"] {
                if after.starts_with(empty_end) {
                    self.at = text_start + empty_end.len();
                    return Token::Comment(Comment {
                        text: "",
                        span: start..self.at,
                    });
                }
            }
            let (text_end, end) = comment_end(after)
                .map_or((bytes.len(), bytes.len()), |(text, end)| {
                    (text_start + text, text_start + end)
                });
            self.at = end;
            return Token::Comment(Comment {
                text: &self.html[text_start..text_end],
                span: start..end,
            });
        }
        if self.namespace() != Namespace::Html && rest.starts_with(b"[CDATA[") {
            let text_start = start + 9;
            let (text_end, end) = memchr::memmem::find(&bytes[text_start..], b"]]>")
                .map_or((bytes.len(), bytes.len()), |length| {
                    (text_start + length, text_start + length + 3)
                });
            self.at = end;
            return Token::Text(Text {
                text: &self.html[text_start..text_end],
                decodes: false,
            });
        }
        // A doctype ends at its first `>` as a bogus comment does.
        self.bogus_comment(start + 2)
    }

    /// Markup up to the next `>`, skipped.
    fn bogus_comment(&mut self, from: usize) -> Token<'a> {
        self.at =
            memchr(b'>', &self.html.as_bytes()[from..]).map_or(self.html.len(), |at| from + at + 1);
        Token::Other
    }
}

impl<'a> Iterator for Tokenizer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        self.next_token()
    }
}

impl<'a> Tokenizer<'a> {
    /// The next token that is not text, a start tag's attributes in `attributes` (emptied
    /// first), read with the tag: for a reader of tags and their attributes, whom a token
    /// for each run of text between tags, and [`StartTag::attributes`] reading each tag
    /// twice, would cost more.
    pub fn next_markup(&mut self, attributes: &mut Vec<Attribute<'a>>) -> Option<Token<'a>> {
        attributes.clear();
        if let Some((name, content)) = self.text_of.take() {
            self.element_text(name, content);
        }
        let bytes = self.html.as_bytes();
        let mut search = self.at;
        while let Some(offset) = find_byte(b'<', bytes.get(search..)?) {
            self.at = search + offset;
            search = match self.markup(Some(attributes)) {
                // A CDATA section in SVG or MathML is text.
                Some(Token::Text(_)) => self.at,
                Some(token) => return Some(token),
                None => self.at + 1,
            };
        }
        self.at = bytes.len();
        None
    }

    fn next_token(&mut self) -> Option<Token<'a>> {
        if self.at >= self.html.len() {
            return None;
        }
        if let Some((name, content)) = self.text_of.take() {
            let text = self.element_text(name, content);
            if !matches!(&text, Token::Text(text) if text.text.is_empty()) {
                return Some(text);
            }
            if self.at >= self.html.len() {
                return None;
            }
        }
        let bytes = self.html.as_bytes();
        let start = self.at;
        let mut search = start;
        // Text runs to the next `<` that starts markup; a `<` that does not is text.
        while let Some(offset) = find_byte(b'<', &bytes[search..]) {
            let at = search + offset;
            if at > start && starts_markup(&bytes[at..]) {
                self.at = at;
                return Some(Token::Text(Text {
                    text: &self.html[start..at],
                    decodes: true,
                }));
            }
            if at == start {
                self.at = at;
                if let Some(token) = self.markup(None) {
                    return Some(token);
                }
            }
            search = at + 1;
        }
        self.at = bytes.len();
        Some(Token::Text(Text {
            text: &self.html[start..],
            decodes: true,
        }))
    }
}

/// Where `needle` first is in `haystack`. Most of a page's runs between tags and quotes
/// are short, and memchr's set-up costs more than a look at a few bytes: those come first.
fn find_byte(needle: u8, haystack: &[u8]) -> Option<usize> {
    const NEAR: usize = 16;
    let near = haystack.len().min(NEAR);
    match haystack[..near].iter().position(|&b| b == needle) {
        Some(at) => Some(at),
        None => memchr(needle, &haystack[near..]).map(|at| near + at),
    }
}

/// Whether `rest`, starting with `<`, starts a tag, a comment or other markup.
fn starts_markup(rest: &[u8]) -> bool {
    match rest.get(1) {
        Some(b) if b.is_ascii_alphabetic() => true,
        Some(b'!' | b'?') => true,
        Some(b'/') => rest.get(2).is_some(),
        _ => false,
    }
}

/// Where a tag's name, starting at `from`, ends.
fn tag_name_end(bytes: &[u8], from: usize) -> usize {
    from + bytes[from..]
        .iter()
        .position(|&b| is_space(b) || b == b'/' || b == b'>')
        .unwrap_or(bytes.len() - from)
}

/// In a comment's text: where the text ends and where the comment does (`-->` or `--!>`).
fn comment_end(text: &[u8]) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(offset) = memchr::memmem::find(&text[from..], b"--") {
        let dashes = from + offset;
        // A run of dashes: the last two of it are the ones a `>` or `!>` may follow.
        let mut after = dashes + 2;
        while text.get(after) == Some(&b'-') {
            after += 1;
        }
        match &text[after..] {
            [b'>', ..] => return Some((after - 2, after + 1)),
            [b'!', b'>', ..] => return Some((after - 2, after + 2)),
            _ => from = after,
        }
    }
    None
}

/// How much of `rest` comes before the end tag called `name`: `</name` followed by
/// whitespace, `/` or `>`. The whole of `rest` when there is none.
fn end_tag_at(rest: &[u8], name: &[u8], from: usize) -> usize {
    let mut search = from;
    while let Some(offset) = memchr::memmem::find(&rest[search..], b"</") {
        let at = search + offset;
        if is_end_tag(&rest[at..], name) {
            return at;
        }
        search = at + 2;
    }
    rest.len()
}

/// Whether `rest` starts with `</name` and a character that ends a tag name.
fn is_end_tag(rest: &[u8], name: &[u8]) -> bool {
    let after = 2 + name.len();
    rest.len() > after
        && rest[2..after].eq_ignore_ascii_case(name)
        && (is_space(rest[after]) || matches!(rest[after], b'/' | b'>'))
}

/// How much of `rest` is a script's text: up to its `</script>`, except that inside
/// `<!--`, a `<script>` makes the next `</script>` part of the text.
fn script_text_length(rest: &[u8]) -> usize {
    #[derive(PartialEq)]
    enum State {
        Data,
        Escaped,
        DoubleEscaped,
    }
    let mut state = State::Data;
    let mut at = 0;
    while at < rest.len() {
        let here = &rest[at..];
        match (&state, here) {
            (State::Data, [b'<', b'!', b'-', b'-', ..]) => {
                state = State::Escaped;
                // The dashes of `<!--` may be those of a `-->` that ends it at once.
                at += 2;
                continue;
            }
            (State::Data | State::Escaped, [b'<', b'/', ..]) if is_end_tag(here, b"script") => {
                return at;
            }
            (State::Escaped, [b'<', ..]) if starts_script_tag(&here[1..]) => {
                state = State::DoubleEscaped;
            }
            (State::DoubleEscaped, [b'<', b'/', ..]) if starts_script_tag(&here[2..]) => {
                state = State::Escaped;
            }
            (State::Escaped | State::DoubleEscaped, [b'-', b'-', b'>', ..]) => {
                state = State::Data;
                at += 3;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    rest.len()
}

/// Whether `rest` starts with `script` and a character that ends a tag name.
fn starts_script_tag(rest: &[u8]) -> bool {
    rest.len() > 6
        && rest[..6].eq_ignore_ascii_case(b"script")
        && (is_space(rest[6]) || matches!(rest[6], b'/' | b'>'))
}

#[cfg(test)]
mod tests;
