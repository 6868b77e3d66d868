//! Splitting a file into YAML front matter and body.
//!
//! Hand-written rather than taken from a front-matter crate because the reader needs three
//! things those do not give together: line numbers counted in the file (not in the YAML
//! block), byte-exact bodies (no re-encoding, CRLF kept), and no copy of files that have
//! no front matter.

use crate::error::{FileError, Location};
use crate::file::Metadata;
use crate::{simple_yaml, yaml};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A file's front matter, parsed, and where its body starts in the original bytes.
#[derive(Debug, PartialEq)]
pub struct Split {
    pub metadata: Metadata,
    pub body_start: usize,
}

/// Parses the front matter of `bytes` if it opens with a `---` line.
///
/// Returns `Ok(None)` for files without front matter and for files whose front matter is
/// not UTF-8: those pass through byte for byte. Only the front matter is checked: the body
/// is left to the plugins that need text, so a page is validated once, not twice.
pub fn split(bytes: &[u8]) -> Result<Option<Split>, FileError> {
    let skipped = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    let rest = &bytes[skipped..];
    let Some(after_open) = strip_delimiter_line(rest, b"---") else {
        return Ok(None);
    };
    let yaml_start = rest.len() - after_open.len();
    let (yaml_len, close_len) = find_closing_line(after_open).ok_or_else(|| {
        FileError::new(
            "front matter opened by the `---` on line 1 is never closed: \
             add a `---` line after the last key",
        )
        .at(Location { line: 1, column: 1 })
    })?;
    let Ok(yaml_text) = std::str::from_utf8(&after_open[..yaml_len]) else {
        return Ok(None);
    };
    let metadata = parse(yaml_text)?;
    Ok(Some(Split {
        metadata,
        body_start: skipped + yaml_start + yaml_len + close_len,
    }))
}

/// The YAML block as a map; `null` (an empty block) is an empty map.
fn parse(yaml_text: &str) -> Result<Metadata, FileError> {
    // The block starts on the file's second line.
    const FIRST_LINE: usize = 2;
    if let Some(map) = simple_yaml::parse(yaml_text) {
        return Ok(map);
    }
    let value: serde_json::Value = yaml::from_str(yaml_text).map_err(|error| {
        let error = error.starting_at(FIRST_LINE);
        let location = error.location.unwrap_or(Location {
            line: FIRST_LINE,
            column: 1,
        });
        FileError::new(format!("front matter: {}", error.describe())).at(location)
    })?;
    match value {
        serde_json::Value::Object(map) => Ok(map),
        serde_json::Value::Null => Ok(Metadata::new()),
        other => Err(FileError::new(format!(
            "front matter must be a map of `key: value` lines, found {}",
            kind_of(&other)
        ))
        .at(Location {
            line: FIRST_LINE,
            column: 1,
        })),
    }
}

fn kind_of(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::Bool(_) => "a boolean",
        _ => "something else",
    }
}

/// The bytes after `delimiter` when it is the whole first line (trailing spaces and CR allowed).
fn strip_delimiter_line<'a>(bytes: &'a [u8], delimiter: &[u8]) -> Option<&'a [u8]> {
    let rest = bytes.strip_prefix(delimiter)?;
    let line_end = rest.iter().position(|&b| b == b'\n');
    let (line, after) = match line_end {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &rest[rest.len()..]),
    };
    line.iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r'))
        .then_some(after)
}

/// Length of the YAML before the closing `---` (or `...`) line, and that line's length.
fn find_closing_line(yaml: &[u8]) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in yaml.split_inclusive(|&byte| byte == b'\n') {
        let bare = line.trim_ascii_end();
        if bare == b"---" || bare == b"..." {
            return Some((offset, line.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body<'a>(bytes: &'a [u8], split: &Split) -> &'a str {
        std::str::from_utf8(&bytes[split.body_start..]).unwrap()
    }

    #[test]
    fn splits_metadata_from_body() {
        let bytes = b"---\ntitle: Hello\ntags: [a, b]\n---\n# Body\n";
        let split = split(bytes).unwrap().unwrap();
        assert_eq!(split.metadata["title"], "Hello");
        assert_eq!(split.metadata["tags"], serde_json::json!(["a", "b"]));
        assert_eq!(body(bytes, &split), "# Body\n");
    }

    #[test]
    fn handles_bom_and_crlf() {
        let bytes = b"\xEF\xBB\xBF---\r\ntitle: Hi\r\n---\r\nbody\r\n";
        let split = split(bytes).unwrap().unwrap();
        assert_eq!(split.metadata["title"], "Hi");
        assert_eq!(body(bytes, &split), "body\r\n");
    }

    #[test]
    fn files_without_front_matter_or_utf8_are_left_alone() {
        assert_eq!(split(b"# just markdown\n---\n").unwrap(), None);
        assert_eq!(split(b"---\n\xff\xfe\n---\n").unwrap(), None);
        let parsed = split(b"---\ntitle: x\n---\n\xff body").unwrap().unwrap();
        assert_eq!(
            parsed.metadata["title"], "x",
            "a body that is not UTF-8 keeps its front matter"
        );
        assert_eq!(split(b"----\nnot: fm\n---\n").unwrap(), None);
    }

    #[test]
    fn empty_front_matter_is_an_empty_map() {
        let bytes = b"---\n---\nbody";
        let split = split(bytes).unwrap().unwrap();
        assert!(split.metadata.is_empty());
        assert_eq!(body(bytes, &split), "body");
    }

    #[test]
    fn yaml_errors_count_lines_in_the_file() {
        let error = split(b"---\ntitle: ok\nbad: [1, 2\n---\n").unwrap_err();
        let location = error.location.unwrap();
        assert!(location.line >= 3, "{location:?}");
        assert!(
            error.message.starts_with("front matter:"),
            "{}",
            error.message
        );
    }

    #[test]
    fn an_unclosed_quote_is_named_on_its_own_line() {
        let error = split(b"---\ntitle: \"open\nlayout: x.hbs\n---\nbody\n").unwrap_err();
        assert!(
            error
                .message
                .ends_with("while scanning a quoted scalar that starts at line 2, column 8"),
            "{}",
            error.message
        );
    }

    #[test]
    fn yaml_error_column_is_kept() {
        let error = split(b"---\ntitle: ok\nkey: : x\n---\n").unwrap_err();
        assert_eq!(error.location, Some(Location { line: 3, column: 6 }));
    }

    #[test]
    fn non_map_front_matter_is_an_error() {
        let error = split(b"---\n- a\n- b\n---\n").unwrap_err();
        assert!(error.message.contains("found a list"), "{}", error.message);
        let error = split(b"---\njust text\n---\n").unwrap_err();
        assert!(
            error.message.contains("found a string"),
            "{}",
            error.message
        );
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let error = split(b"---\ntitle: x\nbody\n").unwrap_err();
        assert!(error.message.contains("never closed"), "{}", error.message);
    }
}
