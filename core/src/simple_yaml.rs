//! A fast path for the front matter most pages have: `key: value` lines, lists of words.
//!
//! Parsing YAML through serde_yaml costs about 5 µs a page, most of a site's reading time
//! after the system calls. Front matter is nearly always a flat map of plain words, dates,
//! numbers and lists, so this reads that shape directly and answers `None` for anything
//! else (quotes with escapes, nesting, anchors, multi-line values, comments after values,
//! floats, anything it is not sure of), which then goes to serde_yaml. Whenever it answers,
//! it answers what serde_yaml would: the tests check every case against it.

use serde_json::{Map, Value};

use crate::file::Metadata;

/// The map `text` holds, when every line is of the simple shape; `None` otherwise.
pub fn parse(text: &str) -> Option<Metadata> {
    let mut map = Map::new();
    // The key whose value is an open block list (`tags:` followed by `- x` lines), with
    // the indentation of its first item.
    let mut open_list: Option<(String, Option<usize>)> = None;
    for line in text.lines() {
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if content.starts_with("- ") || content == "-" {
            let indent = line.len() - content.len();
            let (key, list_indent) = open_list.as_mut()?;
            if *list_indent.get_or_insert(indent) != indent {
                return None;
            }
            let item = scalar(content.strip_prefix('-')?.trim_start_matches(' '))?;
            match map.get_mut(key.as_str())? {
                Value::Array(items) => items.push(item),
                slot => *slot = Value::Array(vec![item]),
            }
            continue;
        }
        if content.len() != line.len() {
            return None;
        }
        open_list = None;
        let (key, rest) = line.split_once(':')?;
        if !is_simple_key(key) || map.contains_key(key) {
            return None;
        }
        let value = match rest {
            "" => {
                open_list = Some((key.to_string(), None));
                Value::Null
            }
            _ => {
                let value = rest.strip_prefix(' ')?.trim_matches(' ');
                match value.strip_prefix('[') {
                    Some(flow) => flow_list(flow.strip_suffix(']')?)?,
                    None => scalar(value)?,
                }
            }
        };
        map.insert(key.to_string(), value);
    }
    Some(map)
}

fn is_simple_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `[a, b, c]`'s inside: words only (no quotes, no nesting, no `:`).
fn flow_list(inside: &str) -> Option<Value> {
    if inside.trim_matches(' ').is_empty() {
        return Some(Value::Array(Vec::new()));
    }
    inside
        .split(',')
        .map(|item| {
            let item = item.trim_matches(' ');
            if item.contains([':', '\'', '"', '[', ']', '{', '}']) {
                return None;
            }
            scalar(item)
        })
        .collect::<Option<Vec<Value>>>()
        .map(Value::Array)
}

/// One value: a plain word or sentence, a date, a whole number, a boolean, `null`, or a
/// quoted string without escapes.
fn scalar(text: &str) -> Option<Value> {
    if text.is_empty() || text.contains(['\t', '\n']) {
        return None;
    }
    if let Some(quoted) = text.strip_prefix('"') {
        let inner = quoted.strip_suffix('"')?;
        return (!inner.contains(['"', '\\'])).then(|| Value::String(inner.to_string()));
    }
    if let Some(quoted) = text.strip_prefix('\'') {
        let inner = quoted.strip_suffix('\'')?;
        return (!inner.contains('\'')).then(|| Value::String(inner.to_string()));
    }
    if text.contains(" #") || text.contains(": ") || text.ends_with(':') {
        return None;
    }
    match text {
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        "null" | "Null" | "NULL" | "~" => return Some(Value::Null),
        _ => {}
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        let whole = text == "0" || (!text.starts_with('0') && text.len() <= 18);
        return whole.then(|| text.parse::<u64>().ok().map(Value::from))?;
    }
    if is_date(text) {
        return Some(Value::String(text.to_string()));
    }
    let plain = text.chars().next().is_some_and(char::is_alphabetic)
        && !text.contains(['{', '}', '[', ']', '"', '`', '\\', '|', '>'])
        && text.parse::<f64>().is_err()
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "yes" | "no" | "on" | "off" | "y" | "n"
        );
    plain.then(|| Value::String(text.to_string()))
}

/// `2024-03-01`, optionally with a time and zone: YAML timestamps, strings to serde_yaml.
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
        && bytes[8..10].iter().all(u8::is_ascii_digit)
        && bytes[10..]
            .iter()
            .all(|b| b.is_ascii_digit() || b":.TtZz+- ".contains(b))
        && !text.ends_with(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What serde_yaml makes of `text`, as the reader would see it.
    fn slow(text: &str) -> Option<Metadata> {
        match crate::yaml::from_str::<Value>(text).ok()? {
            Value::Object(map) => Some(map),
            Value::Null => Some(Metadata::new()),
            _ => None,
        }
    }

    /// Front matter the fast path must take, and read as serde_yaml does.
    const TAKEN: &[&str] = &[
        "title: A Practical Guide to Async Iterators\ndate: 2007-04-07\nauthor: jean-sammet\ntags: [profiling, debugging, data-structures, javascript]\nlayout: post.hbs\n",
        "title: Notes\ntags:\n  - rust\n  - web\ndraft: true\nnav_order: 2\n",
        "tags:\n- a\n- b\nempty:\nlist: []\n",
        "title: \"Quoted: with a colon\"\nsub: 'single # not a comment'\n",
        "date: 2024-03-01T10:30:00Z\nupdated: 2024-03-01 10:30:00 +02:00\n",
        "title: Rust's ownership, explained (part 2)!\nurl: https://example.com/a\n",
        "# a comment\n\ntitle: Héllo wörld\r\nn: 0\nbig: 123456789012345678\n",
        "draft: False\nnothing: ~\nalso: null\n",
        "",
    ];

    /// Front matter the fast path must leave to serde_yaml.
    const LEFT: &[&str] = &[
        "title: a: b\n",
        "title: x # comment\n",
        "n: 1.5\n",
        "n: -3\n",
        "n: 0123\n",
        "n: 1e3\n",
        "v: .inf\n",
        "v: inf\n",
        "v: NaN\n",
        "v: yes\n",
        "author:\n  name: A\n",
        "a: &x 1\nb: *x\n",
        "t: !tag x\n",
        "t: |\n  block\n",
        "t: \"esc\\\"aped\"\n",
        "t: 'it''s'\n",
        "title: one\ntitle: two\n",
        "t: a\n  continued\n",
        "tags: [a, [b]]\n",
        "tags: [\"a\", b]\n",
        "key with space: x\n",
        "t:\tx\n",
        "tags:\n  - a\n - b\n",
        "- a\n",
    ];

    #[test]
    fn takes_the_common_shapes_and_reads_them_as_serde_yaml_does() {
        for text in TAKEN {
            let fast = parse(text).unwrap_or_else(|| panic!("not taken: {text:?}"));
            assert_eq!(Some(fast), slow(text), "{text:?}");
        }
    }

    #[test]
    fn leaves_everything_else_to_serde_yaml() {
        for text in LEFT {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn whatever_it_answers_agrees_with_serde_yaml() {
        let values = [
            "plain",
            "Two words",
            "0",
            "7",
            "true",
            "~",
            "2024-01-02",
            "a,b",
            "x:y",
            "50%",
            "C++",
            "a-b_c",
            "Zoë",
            "ok!",
            "'q'",
            "\"q\"",
            "(x)",
            "a/b",
            "é",
            "a'b",
            "a*b",
            "a&b",
            "@x",
            "%x",
            "?x",
            "x?",
            ",x",
            "- x",
            "a #b",
            "a#b",
            "1_000",
            "0x1F",
            "0o7",
            "+1",
            "1.",
            ".5",
            "Infinity",
            "nan",
            "Null",
            "NULL",
            "FALSE",
            "on",
            "n",
            "N",
            "2024-01-02x",
            "2024-01-02 ",
            "10:30",
            "1:2:3",
            "true?",
            "=",
            "<x>",
            "a|b",
        ];
        for value in values {
            for text in [
                format!("k: {value}\n"),
                format!("k: [{value}]\n"),
                format!("k:\n  - {value}\n"),
            ] {
                if let Some(fast) = parse(&text) {
                    assert_eq!(Some(fast), slow(&text), "{text:?}");
                }
            }
        }
    }
}
