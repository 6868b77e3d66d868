//! Text as HTML holds it: tokenizers (ours and lol_html) hand over text and attribute
//! values as written in the source, entities included, so plugins that read text (heading
//! titles, code) decode it, and plugins that write text escape it.

use std::borrow::Cow;

use ironsmith_core::{File, FileError};
use lol_html::errors::RewritingError;
use lol_html::{HtmlRewriter, Settings};

/// Runs `html` through lol_html for what `settings`' handlers collect, discarding the
/// output: for plugins that read pages rather than rewrite them.
pub fn read_through(settings: Settings<'_, '_>, html: &[u8]) -> Result<(), RewritingError> {
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter.write(html)?;
    rewriter.end()
}

/// A page's bytes as text, bytes that are not UTF-8 read as U+FFFD, as browsers read them.
pub fn lossy(html: &[u8]) -> Cow<'_, str> {
    // Checked first: a lossy conversion of a page that is UTF-8 costs more.
    match std::str::from_utf8(html) {
        Ok(html) => Cow::Borrowed(html),
        Err(_) => String::from_utf8_lossy(html),
    }
}

/// `a &lt; b &amp;&#32;c` -> `a < b & c`. Numeric references and the named ones HTML
/// writers emit are decoded; any other `&name;` is kept as written.
pub fn decode(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match reference(rest) {
            Some((decoded, length)) => {
                out.push(decoded);
                rest = &rest[length..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character a reference at the start of `text` stands for, and the reference's length.
fn reference(text: &str) -> Option<(char, usize)> {
    let end = text.get(..text.len().min(12))?.find(';')?;
    let body = &text[1..end];
    let decoded = match body {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => {
            let number = body.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code).filter(|c| *c != '\0')?
        }
    };
    Some((decoded, end + 1))
}

/// Appends `text` to `out` with `&`, `<`, `>` and `"` escaped: safe in element content and
/// in double-quoted attribute values.
pub fn escape_into(out: &mut String, text: &str) {
    let mut rest = text;
    // Runs without a markup character are copied whole: most text has none.
    while let Some(at) = rest
        .bytes()
        .position(|b| matches!(b, b'&' | b'<' | b'>' | b'"'))
    {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&quot;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// A page's text for a plugin that reads HTML; a page that is not UTF-8 is an error telling
/// what to do.
pub fn page<'f>(file: &'f File, plugin: &str) -> Result<&'f str, FileError> {
    file.text().ok_or_else(|| {
        FileError::new(format!(
            "is not UTF-8 text, so {plugin} cannot read it: save it as UTF-8 or leave it out \
             of the {plugin} `pattern`"
        ))
    })
}

/// Whether a start tag named `name` (lowercase; matched in any case) may be in `html`: a
/// quick test before parsing, so pages without such an element are passed over.
pub fn has_start_tag(html: &str, name: &str) -> bool {
    html.match_indices('<').any(|(at, _)| {
        let rest = &html.as_bytes()[at + 1..];
        rest.len() > name.len()
            && rest[..name.len()].eq_ignore_ascii_case(name.as_bytes())
            && matches!(
                rest[name.len()],
                b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c'
            )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_what_html_writers_emit_and_keeps_the_rest() {
        assert_eq!(decode("plain"), "plain");
        assert_eq!(
            decode("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#x27;"),
            "a <b> & \"c\" 'd'"
        );
        assert_eq!(decode("&nbsp;&#8212;&#X2014;"), "\u{a0}\u{2014}\u{2014}");
        assert_eq!(
            decode("AT&T &copy; &#0; &#xZZ; &"),
            "AT&T &copy; &#0; &#xZZ; &"
        );
    }

    #[test]
    fn escapes_markup_characters() {
        let escape = |text: &str| {
            let mut out = String::new();
            escape_into(&mut out, text);
            out
        };
        assert_eq!(
            escape("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(
            decode(&escape("if a < b && c > \"d\"")),
            "if a < b && c > \"d\""
        );
    }

    #[test]
    fn finds_start_tags_in_any_case_and_nothing_else() {
        assert!(has_start_tag("<p><code>x</code>", "code"));
        assert!(has_start_tag("<CODE class=\"language-rust\">", "code"));
        assert!(has_start_tag("a <Code\n>", "code"));
        assert!(!has_start_tag("<codex> </code>", "code"));
        assert!(!has_start_tag("a < code", "code"));
        assert!(
            !has_start_tag("<code", "code"),
            "a tag cut off at the end of the page"
        );
    }
}
