//! Parsing YAML, JSON and TOML data files into metadata, with located errors.

use std::path::Path;

use ironsmith_core::{yaml, FileError, Location};
use serde_json::Value;

/// The data formats a data file may be in, by extension.
pub const EXTENSIONS: [&str; 4] = ["yaml", "yml", "json", "toml"];

/// Parses `text` in the format its extension names.
pub fn parse(path: &Path, text: &str) -> Result<Value, FileError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match extension.as_str() {
        "yaml" | "yml" => yaml::from_str(text).map_err(|e| located(e.message, e.location)),
        "json" => serde_json::from_str(text).map_err(|e| {
            let location = (e.line() > 0).then(|| Location {
                line: e.line(),
                column: e.column(),
            });
            let message = e.to_string();
            let message = message
                .rfind(" at line ")
                .map_or(message.clone(), |cut| message[..cut].to_string());
            located(message, location)
        }),
        "toml" => toml::from_str(text).map_err(|e| {
            let location = e.span().map(|span| location_of(text, span.start));
            located(e.message().to_string(), location)
        }),
        _ => Err(FileError::new(format!(
            "is not a data file: use one of the extensions {}",
            EXTENSIONS.join(", ")
        ))),
    }
}

fn located(message: String, location: Option<Location>) -> FileError {
    let error = FileError::new(message);
    match location {
        Some(location) => error.at(location),
        None => error,
    }
}

/// Line and column (from 1) of a byte offset.
fn location_of(text: &str, offset: usize) -> Location {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |nl| before.len() - nl - 1)
        + 1;
    Location { line, column }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_each_format() {
        assert_eq!(parse(Path::new("a.yaml"), "x: 1").unwrap(), json!({"x": 1}));
        assert_eq!(parse(Path::new("a.yml"), "- a").unwrap(), json!(["a"]));
        assert_eq!(
            parse(Path::new("a.json"), "{\"x\": true}").unwrap(),
            json!({"x": true})
        );
        assert_eq!(
            parse(Path::new("a.TOML"), "x = \"y\"").unwrap(),
            json!({"x": "y"})
        );
    }

    #[test]
    fn errors_are_located() {
        let error = parse(Path::new("a.yaml"), "a: 1\nb: [\n").unwrap_err();
        assert!(error.location.is_some());
        let error = parse(Path::new("a.json"), "{\n  \"a\": ,\n}").unwrap_err();
        assert_eq!(error.location.map(|l| l.line), Some(2));
        let error = parse(Path::new("a.toml"), "a = 1\nb = = 2\n").unwrap_err();
        assert_eq!(error.location.map(|l| l.line), Some(2));
    }

    #[test]
    fn unknown_extensions_are_refused() {
        let error = parse(Path::new("a.csv"), "x").unwrap_err();
        assert!(
            error.message.contains("yaml, yml, json, toml"),
            "{}",
            error.message
        );
    }
}
