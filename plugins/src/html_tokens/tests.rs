use std::borrow::Cow;
use std::cell::RefCell;

use lol_html::html_content::{Element, TextChunk};
use lol_html::{DocumentContentHandlers, ElementContentHandlers, Settings};

use super::*;
use crate::test_random::XorShift;

/// The tokens of `html` written out: `<name a=v>`, `</name>`, `text`, `raw:text`,
/// `<!--text-->`, `<?>` for the others.
fn transcript(html: &str) -> Vec<String> {
    Tokenizer::new(html)
        .map(|token| match token {
            Token::Text(Text { text, decodes }) => match decodes {
                true => text.to_string(),
                false => format!("raw:{text}"),
            },
            Token::StartTag(tag) => {
                let mut out = format!("<{}", tag.name);
                for attribute in tag.attributes() {
                    out.push_str(&format!(" {}={}", attribute.name, attribute.value));
                }
                out.push_str(if tag.self_closing { "/>" } else { ">" });
                out
            }
            Token::EndTag(tag) => format!("</{}>", tag.name),
            Token::Comment(comment) => {
                assert_eq!(&html[comment.span.clone()][..4], "<!--");
                format!("<!--{}-->", comment.text)
            }
            Token::Other => "<?>".to_string(),
        })
        .collect()
}

#[test]
fn attributes_are_read_quoted_unquoted_bare_and_with_markup_in_values() {
    assert_eq!(
        transcript(
            r#"<a href="/x?a=1&amp;b" title='say "hi"' data-x=a b hidden ID = "z" =odd>t</a>"#
        ),
        [
            "<a href=/x?a=1&amp;b title=say \"hi\" data-x=a b= hidden= ID=z =odd=>",
            "t",
            "</a>"
        ]
    );
    assert_eq!(
        transcript("<img src=a.png/><br/><p / class=x/ ><input\tdisabled\nvalue=''>"),
        [
            "<img src=a.png/>",
            "<br/>",
            "<p class=x/>",
            "<input disabled= value=>"
        ]
    );
}

#[test]
fn a_repeated_attribute_is_handed_over_again_and_attribute_finds_the_first() {
    let html = "<a HREF=one href=two>";
    let Some(Token::StartTag(tag)) = Tokenizer::new(html).next() else {
        panic!("a start tag");
    };
    assert_eq!(tag.attributes().count(), 2);
    assert_eq!(tag.attribute("href"), Some("one"));
    assert_eq!(tag.attribute("id"), None);
    assert!(tag.is("a") && !tag.is("abbr"));
    assert_eq!(
        (tag.span.clone(), tag.attributes_end()),
        (0..html.len(), html.len() - 1)
    );
}

#[test]
fn a_lone_less_than_sign_is_text() {
    assert_eq!(transcript("a < b <3 c<"), ["a < b <3 c<"]);
    assert_eq!(transcript("x </"), ["x </"]);
    assert_eq!(transcript("1<2<p>"), ["1<2", "<p>"]);
}

#[test]
fn comments_end_where_browsers_end_them() {
    assert_eq!(
        transcript("<!---->a<!-->b<!--->c<!-- x -- y --!>d<!-- <p> --->e<!-- open"),
        [
            "<!---->",
            "a",
            "<!---->",
            "b",
            "<!---->",
            "c",
            "<!-- x -- y -->",
            "d",
            "<!-- <p> --->",
            "e",
            "<!-- open-->"
        ]
    );
}

#[test]
fn doctypes_bogus_comments_and_empty_end_tags_are_skipped() {
    assert_eq!(
        transcript("<!DOCTYPE html><?xml x?>a</>b</ x>c<![CDATA[d]]>e<!x>f"),
        ["<?>", "<?>", "a", "<?>", "b", "<?>", "c", "<?>", "e", "<?>", "f"]
    );
}

#[test]
fn end_tags_keep_quoted_greater_than_signs_inside() {
    assert_eq!(transcript("<p>x</p title='>'>y"), ["<p>", "x", "</p>", "y"]);
}

#[test]
fn a_tag_the_page_ends_inside_is_dropped() {
    assert_eq!(transcript("a<p class=\"x>"), ["a", "<?>"]);
    assert_eq!(transcript("a<p class=x"), ["a", "<?>"]);
    assert_eq!(transcript("a</p"), ["a", "<?>"]);
}

#[test]
fn raw_text_elements_hold_text_up_to_their_end_tag() {
    assert_eq!(
        transcript("<style>p > a { x: '</p>' }</styled></STYLE >b"),
        [
            "<style>",
            "raw:p > a { x: '</p>' }</styled>",
            "</STYLE>",
            "b"
        ]
    );
    assert_eq!(
        transcript("<title>A &amp; <b>B</b></title><textarea><p></textarea>"),
        [
            "<title>",
            "A &amp; <b>B</b>",
            "</title>",
            "<textarea>",
            "<p>",
            "</textarea>"
        ]
    );
    assert_eq!(transcript("<iframe></iframe>"), ["<iframe>", "</iframe>"]);
    assert_eq!(transcript("<xmp>a"), ["<xmp>", "raw:a"]);
    assert_eq!(
        transcript("<plaintext>a</plaintext><p>"),
        ["<plaintext>", "raw:a</plaintext><p>"]
    );
}

#[test]
fn a_script_ends_at_its_end_tag_unless_a_comment_holds_a_script_tag() {
    assert_eq!(
        transcript("<script>if (a</b) x('</scriptx>')</script>c"),
        [
            "<script>",
            "raw:if (a</b) x('</scriptx>')",
            "</script>",
            "c"
        ]
    );
    assert_eq!(
        transcript("<script><!-- <script> x </script> y --></script>c"),
        [
            "<script>",
            "raw:<!-- <script> x </script> y -->",
            "</script>",
            "c"
        ]
    );
    assert_eq!(
        transcript("<script><!-- x </script>c"),
        ["<script>", "raw:<!-- x ", "</script>", "c"]
    );
    assert_eq!(
        transcript("<script><!--> <script></script>c"),
        ["<script>", "raw:<!--> <script>", "</script>", "c"]
    );
}

#[test]
fn html_in_svg_and_math_leaves_them_where_browsers_do() {
    assert_eq!(
        transcript("<svg><p><style><g>"),
        ["<svg>", "<p>", "<style>", "raw:<g>"]
    );
    assert_eq!(
        transcript("<svg><foreignObject><style><g></style></foreignObject><style><g>"),
        [
            "<svg>",
            "<foreignObject>",
            "<style>",
            "raw:<g>",
            "</style>",
            "</foreignObject>",
            "<style>",
            "<g>"
        ]
    );
    assert_eq!(
        transcript("<math><annotation-xml encoding=text/html><title>&lt;</title>"),
        [
            "<math>",
            "<annotation-xml encoding=text/html>",
            "<title>",
            "&lt;",
            "</title>"
        ]
    );
}

#[test]
fn svg_and_math_read_cdata_and_markup_in_style() {
    assert_eq!(
        transcript("<svg><style>a<g></g></style><![CDATA[x<y]]></svg><style><b>"),
        [
            "<svg>", "<style>", "a", "<g>", "</g>", "</style>", "raw:x<y", "</svg>", "<style>",
            "raw:<b>"
        ]
    );
    assert_eq!(
        transcript("<svg/><style><b>"),
        ["<svg/>", "<style>", "raw:<b>"]
    );
}

/// Pieces a page is made of, tricky ones included.
const PIECES: &[&str] = &[
    "<p>",
    "</p>",
    "<a href=\"/x\">",
    "</a>",
    "<A HREF=/Y ID='z'>",
    "<img src=a.png/>",
    "<br/>",
    "<div class=x data-a=\"1>2\">",
    "</div>",
    " text ",
    "a < b",
    "&amp;",
    "<!-- c -->",
    "<!-->",
    "<!--->",
    "--!>",
    "<!DOCTYPE html>",
    "<?pi?>",
    "</>",
    "</ x>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "<style>",
    "</style>",
    "<title>",
    "</title>",
    "<textarea>",
    "</textarea>",
    "<input disabled value=''>",
    "<p / id=q/ >",
    "<a b=c d=e b=f>",
    "=",
    "\"",
    "'",
    "<h2 id=\"s\">",
    "</h2>",
    "<![CDATA[",
    "]]>",
    "<svg>",
    "</svg>",
    "<math>",
    "</math>",
    "<x-y:z>",
    "<a\tname\n=\n\"n\"\r>",
    "<iframe>",
    "</iframe>",
    "<noscript>",
    "</noscript>",
    "<",
    "</",
    ">",
    "/",
    "<b",
    " c=d",
    "é漢",
    "<font color=red>",
    "<font>",
    "<foreignObject>",
    "</foreignObject>",
    "<desc>",
    "<mi>",
    "</mi>",
    "<annotation-xml encoding=\"text/html\">",
    "</annotation-xml>",
    "<xmp>",
    "</xmp>",
    "<!--<script>",
    "</script -->",
    "<a title=\">\">",
    "<p/>",
    "<p\"a=b>",
    "\r\n",
    "<g>",
    "</g>",
    "<plaintext>",
    "</br>",
    "<STYLE>",
    "</Script>",
];

/// Each element's name and attributes as lol_html reads them.
fn lol_html_elements(html: &str) -> Vec<String> {
    let elements = RefCell::new(Vec::new());
    let texts = RefCell::new(String::new());
    let settings = Settings {
        element_content_handlers: vec![(
            Cow::Owned("*".parse().unwrap()),
            ElementContentHandlers::default().element(|el: &mut Element| {
                let mut out = el.tag_name();
                for attribute in el.attributes() {
                    out.push_str(&format!(" {}={}", attribute.name(), attribute.value()));
                }
                elements.borrow_mut().push(out);
                Ok(())
            }),
        )],
        document_content_handlers: vec![DocumentContentHandlers::default().text(
            |chunk: &mut TextChunk| {
                texts.borrow_mut().push_str(chunk.as_str());
                Ok(())
            },
        )],
        ..Settings::new()
    };
    crate::html_text::read_through(settings, html.as_bytes()).unwrap();
    let mut elements = elements.into_inner();
    elements.push(texts.into_inner());
    elements
}

/// The same, from these tokens.
fn our_elements(html: &str) -> Vec<String> {
    let mut elements = Vec::new();
    let mut texts = String::new();
    for token in Tokenizer::new(html) {
        match token {
            Token::StartTag(tag) => {
                let mut out = tag.name.to_ascii_lowercase();
                for attribute in tag.attributes() {
                    out.push_str(&format!(
                        " {}={}",
                        attribute.name.to_ascii_lowercase(),
                        attribute.value
                    ));
                }
                elements.push(out);
            }
            Token::Text(text) => texts.push_str(text.text),
            _ => {}
        }
    }
    elements.push(texts);
    elements
}

#[test]
fn reads_the_elements_and_text_lol_html_reads_in_random_pages() {
    let mut random = XorShift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let html: String = (0..random.below(24))
            .map(|_| PIECES[random.below(PIECES.len())])
            .collect();
        assert_eq!(our_elements(&html), lol_html_elements(&html), "{html:?}");
    }
}

#[test]
fn any_text_tokenizes_without_a_panic() {
    const CHARS: &[char] = &[
        '<', '>', '/', '!', '?', '-', '=', '"', '\'', '[', ']', ' ', '\n', 'a', 'p', 's', 'v', 'g',
        'é', '漢', '😀', '&', ';', 'C', 'D', 'A', 'T',
    ];
    let mut random = XorShift(0x2545_f491_4f6c_dd1d);
    for _ in 0..20_000 {
        let html: String = (0..random.below(40))
            .map(|_| CHARS[random.below(CHARS.len())])
            .collect();
        let mut open = OpenElements::default();
        for token in Tokenizer::new(&html) {
            open.follow(&token);
            if let Token::StartTag(tag) = &token {
                assert!(tag.attributes_end() < tag.span.end, "{html:?}");
                for attribute in tag.attributes() {
                    assert!(html[attribute.span].starts_with(attribute.name), "{html:?}");
                }
            }
        }
    }
}

#[test]
fn markup_alone_is_every_token_but_text_with_the_attributes_the_tag_reads_again() {
    let mut random = XorShift(0x51_7cc1_b727_220a);
    for _ in 0..20_000 {
        let html: String = (0..random.below(24))
            .map(|_| PIECES[random.below(PIECES.len())])
            .collect();
        let mut read = Vec::new();
        let mut markup = Tokenizer::new(&html);
        for token in Tokenizer::new(&html) {
            if matches!(token, Token::Text(_)) {
                continue;
            }
            assert_eq!(
                markup.next_markup(&mut read).as_ref(),
                Some(&token),
                "{html:?}"
            );
            match &token {
                Token::StartTag(tag) => {
                    assert_eq!(read, tag.attributes().collect::<Vec<_>>(), "{html:?}")
                }
                _ => assert!(read.is_empty(), "{html:?}"),
            }
        }
        assert_eq!(markup.next_markup(&mut read), None, "{html:?}");
    }
}

#[test]
fn set_attribute_replaces_the_first_of_a_name_or_adds_it() {
    let html = "<a HREF='x' href=y title=\"t\"/>";
    let Some(Token::StartTag(tag)) = Tokenizer::new(html).next() else {
        panic!("a start tag");
    };
    let edits = [
        tag.set_attribute("href", "/a?b=1&c=\"2\""),
        tag.set_attribute("id", "top"),
    ];
    assert_eq!(
        splice(html, &edits),
        "<a href=\"/a?b=1&amp;c=&quot;2&quot;\" href=y title=\"t\" id=\"top\"/>"
    );
}

#[test]
fn splice_puts_edits_in_place_and_inserts_at_empty_ranges() {
    let edits = [
        (0..0, "<".to_string()),
        (1..3, "X".into()),
        (5..5, "!".into()),
    ];
    assert_eq!(splice("abcde", &edits), "<aXde!");
}

#[test]
#[should_panic(expected = "edits out of order or overlapping")]
fn splice_refuses_edits_out_of_order() {
    splice("abcdef", &[(3..4, "x".into()), (0..1, "y".into())]);
}
