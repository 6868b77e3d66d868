//! The exec protocol: newline-delimited JSON both ways.
//!
//! ironsmith writes a header line, then one line per file; the command answers with one
//! change per line. Each line is encoded or parsed on its own, so no side ever holds the
//! whole site as one document.

use std::borrow::Cow;
use std::io::{self, Write};

use ironsmith_core::{File, Metadata};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::base64;

/// The protocol's version, in the header; a change that breaks commands raises it.
pub const VERSION: u32 = 1;

/// The first line the command reads.
#[derive(Debug, Serialize)]
pub struct Header<'a> {
    pub version: u32,
    /// `build`, `serve` or `scaffold`.
    pub mode: &'a str,
    /// How many file lines follow.
    pub count: usize,
    /// The step's `options` option, as written.
    pub options: &'a Value,
    /// The global metadata (`site`, `collections`, ...).
    pub metadata: &'a Metadata,
}

/// One file as the command reads it.
#[derive(Debug, Serialize)]
struct FileLine<'a> {
    path: &'a str,
    metadata: &'a Metadata,
    #[serde(skip_serializing_if = "Option::is_none")]
    contents: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<Encoding>,
}

/// How a `contents` string holds the bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// The text itself.
    #[default]
    Utf8,
    /// Any bytes, in standard base64.
    Base64,
}

impl Encoding {
    /// The bytes a `contents` string stands for.
    pub fn decode(self, contents: String) -> Result<Vec<u8>, String> {
        match self {
            Encoding::Utf8 => Ok(contents.into_bytes()),
            Encoding::Base64 => base64::decode(&contents).map_err(|e| format!("`contents` {e}")),
        }
    }
}

pub fn write_header(out: &mut (impl Write + ?Sized), header: &Header<'_>) -> io::Result<()> {
    serde_json::to_writer(&mut *out, header)?;
    out.write_all(b"\n")
}

/// Writes one file's line: its contents as text when they are UTF-8, else base64.
pub fn write_file(
    out: &mut (impl Write + ?Sized),
    path: &str,
    file: &File,
    with_contents: bool,
) -> io::Result<()> {
    let (contents, encoding) = match (with_contents, file.text()) {
        (false, _) => (None, None),
        (true, Some(text)) => (Some(Cow::Borrowed(text)), Some(Encoding::Utf8)),
        (true, None) => (
            Some(Cow::Owned(base64::encode(&file.contents))),
            Some(Encoding::Base64),
        ),
    };
    let line = FileLine {
        path,
        metadata: &file.metadata,
        contents,
        encoding,
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}

/// One line of the command's answer.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(
    tag = "op",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields,
    expecting = "a JSON object with an `op`"
)]
pub enum Change {
    /// Merges keys into a file's metadata.
    Set { path: String, metadata: Metadata },
    /// Removes keys from a file's metadata.
    Delete { path: String, keys: Vec<String> },
    /// Replaces a file's contents.
    Contents {
        path: String,
        contents: String,
        #[serde(default)]
        encoding: Encoding,
    },
    /// Creates a file that does not exist yet.
    Add {
        path: String,
        #[serde(default)]
        contents: String,
        #[serde(default)]
        encoding: Encoding,
        #[serde(default)]
        metadata: Metadata,
    },
    /// Moves a file to another path.
    Rename { path: String, to: String },
    /// Drops a file from the build.
    Remove { path: String },
    /// Merges keys into the global metadata.
    SetGlobal { metadata: Metadata },
    /// Removes keys from the global metadata.
    DeleteGlobal { keys: Vec<String> },
}

/// The `op` values, for messages.
pub const OPS: &str = "set, delete, contents, add, rename, remove, setGlobal, deleteGlobal";

/// Parses one line of the answer; `None` for a blank line. The error says what was wrong
/// and what a line should look like.
pub fn parse_change(line: &[u8]) -> Result<Option<Change>, String> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(line).map(Some).map_err(|error| {
        let text = error.to_string();
        // serde's position is within the line: only the column is worth keeping.
        let (message, column) = match text.rfind(" at line ") {
            Some(at) if error.line() > 0 => (&text[..at], format!(" at column {}", error.column())),
            _ => (text.as_str(), String::new()),
        };
        format!(
            "{message}{column} in `{}`; expected one change per line, a JSON object such as \
             {{\"op\": \"set\", \"path\": \"a.html\", \"metadata\": {{\"words\": 12}}}} \
             (`op` is one of {OPS}; print anything else to stderr)",
            preview(line)
        )
    })
}

/// The start of a line, for a message.
fn preview(line: &[u8]) -> String {
    const CHARS: usize = 60;
    let text = String::from_utf8_lossy(line);
    let text = text.trim();
    match text.char_indices().nth(CHARS) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn written(file: &File, with_contents: bool) -> Value {
        let mut out = Vec::new();
        write_file(&mut out, "a/b.html", file, with_contents).unwrap();
        assert_eq!(out.last(), Some(&b'\n'));
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1, "one line");
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn the_header_is_one_line() {
        let metadata = json!({"site": {"title": "T\nwo"}});
        let mut out = Vec::new();
        write_header(
            &mut out,
            &Header {
                version: VERSION,
                mode: "build",
                count: 2,
                options: &json!({"min": 1}),
                metadata: metadata.as_object().unwrap(),
            },
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 1);
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            json!({"version": 1, "mode": "build", "count": 2, "options": {"min": 1}, "metadata": metadata})
        );
    }

    #[test]
    fn text_goes_as_text_and_bytes_as_base64() {
        let mut file = File::new("<p>line\none</p>");
        file.metadata.insert("title".into(), json!("A"));
        assert_eq!(
            written(&file, true),
            json!({"path": "a/b.html", "metadata": {"title": "A"}, "contents": "<p>line\none</p>", "encoding": "utf8"})
        );
        let binary = File::new(vec![0xff, 0x00, 0x10]);
        assert_eq!(
            written(&binary, true),
            json!({"path": "a/b.html", "metadata": {}, "contents": "/wAQ", "encoding": "base64"})
        );
        assert_eq!(
            written(&binary, false),
            json!({"path": "a/b.html", "metadata": {}})
        );
    }

    #[test]
    fn parses_every_change() {
        let parse = |value: Value| parse_change(value.to_string().as_bytes()).unwrap().unwrap();
        let meta = |value: Value| value.as_object().unwrap().clone();
        assert_eq!(
            parse(json!({"op": "set", "path": "a", "metadata": {"w": 1}})),
            Change::Set {
                path: "a".into(),
                metadata: meta(json!({"w": 1}))
            }
        );
        assert_eq!(
            parse(json!({"op": "delete", "path": "a", "keys": ["w"]})),
            Change::Delete {
                path: "a".into(),
                keys: vec!["w".into()]
            }
        );
        assert_eq!(
            parse(json!({"op": "contents", "path": "a", "contents": "/w==", "encoding": "base64"})),
            Change::Contents {
                path: "a".into(),
                contents: "/w==".into(),
                encoding: Encoding::Base64
            }
        );
        assert_eq!(
            parse(json!({"op": "add", "path": "n"})),
            Change::Add {
                path: "n".into(),
                contents: String::new(),
                encoding: Encoding::Utf8,
                metadata: Metadata::new()
            }
        );
        assert_eq!(
            parse(json!({"op": "rename", "path": "a", "to": "b"})),
            Change::Rename {
                path: "a".into(),
                to: "b".into()
            }
        );
        assert_eq!(
            parse(json!({"op": "remove", "path": "a"})),
            Change::Remove { path: "a".into() }
        );
        assert_eq!(
            parse(json!({"op": "setGlobal", "metadata": {"n": 2}})),
            Change::SetGlobal {
                metadata: meta(json!({"n": 2}))
            }
        );
        assert_eq!(
            parse(json!({"op": "deleteGlobal", "keys": ["n"]})),
            Change::DeleteGlobal {
                keys: vec!["n".into()]
            }
        );
        assert_eq!(parse_change(b"  \r").unwrap(), None);
    }

    #[test]
    fn malformed_lines_say_what_was_expected() {
        for (line, wanted) in [
            (
                r#"hello"#,
                "expected value at column 1 in `hello`; expected one change per line",
            ),
            (
                r#"{"op": "sett", "path": "a"}"#,
                "unknown variant `sett`, expected one of",
            ),
            (r#"{"path": "a"}"#, "missing field `op`"),
            (r#"{"op": "set", "path": "a"}"#, "missing field `metadata`"),
            (
                r#"{"op": "set", "path": "a", "metadata": {}, "x": 1}"#,
                "unknown field `x`",
            ),
            (
                r#"{"op": "contents", "path": "a", "contents": "", "encoding": "hex"}"#,
                "unknown variant `hex`",
            ),
            (r#""text""#, "expected a JSON object with an `op`"),
            (r#"{"op": "set""#, "EOF while parsing"),
        ] {
            let error = parse_change(line.as_bytes()).unwrap_err();
            assert!(error.contains(wanted), "{line}: {error}");
            assert!(error.contains("`op` is one of set, delete"), "{error}");
            assert!(!error.contains(" at line "), "{error}");
        }
        let long = format!("{{\"op\": \"set\", \"x\": \"{}\"}}", "y".repeat(100));
        let error = parse_change(long.as_bytes()).unwrap_err();
        let start = format!("in `{{\"op\": \"set\", \"x\": \"{}...`", "y".repeat(40));
        assert!(error.contains(&start), "{error}");
    }

    #[test]
    fn base64_contents_are_decoded_and_checked() {
        assert_eq!(Encoding::Base64.decode("/w==".into()).unwrap(), [0xff]);
        assert_eq!(Encoding::Utf8.decode("/w==".into()).unwrap(), b"/w==");
        let error = Encoding::Base64.decode("*".into()).unwrap_err();
        assert!(
            error.starts_with("`contents` is not valid base64"),
            "{error}"
        );
    }
}
