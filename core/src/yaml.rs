//! Every call into the YAML library, in one place.
//!
//! serde_yaml's repository was archived in 2024: keeping it behind these functions
//! makes a switch to a maintained fork a one-file change.

use serde::de::DeserializeOwned;

use crate::error::Location;

/// A YAML parse failure, located within the parsed text (lines and columns from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// What is wrong, without its location: `did not find expected ',' or ']'`.
    pub message: String,
    pub location: Option<Location>,
    /// What the parser was inside, which is often where the mistake is: an unclosed quote
    /// or bracket is reported where the text ends, and named here where it starts.
    pub context: Option<String>,
    pub context_location: Option<Location>,
}

impl YamlError {
    /// The same error for text whose first line is line `first_line` of its file (front
    /// matter starts on line 2): both locations move with it.
    pub fn starting_at(mut self, first_line: usize) -> Self {
        let shift = |at: Location| Location {
            line: at.line + first_line - 1,
            column: at.column,
        };
        self.location = self.location.map(shift);
        self.context_location = self.context_location.map(shift);
        self
    }

    /// The message with its context: `found unexpected end of stream, while scanning a
    /// quoted scalar that starts at line 2, column 8`.
    pub fn describe(&self) -> String {
        let Some(context) = &self.context else {
            return self.message.clone();
        };
        match self.context_location {
            Some(at) => format!(
                "{}, {context} that starts at line {}, column {}",
                self.message, at.line, at.column
            ),
            None => format!("{}, {context}", self.message),
        }
    }
}

/// Parses YAML text into any deserializable type.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|error| {
        let location = error.location().map(|l| Location {
            line: l.line(),
            column: l.column(),
        });
        // The library writes `PROBLEM at line L column C, CONTEXT at line L column C`; the
        // first location is `location`, the second only in the text.
        let text = error.to_string();
        let (problem, context) = match text.split_once(", while ") {
            Some((problem, context)) => (problem, Some(format!("while {context}"))),
            None => (text.as_str(), None),
        };
        let (message, _) = split_location(problem);
        let (context, context_location) = match context.as_deref().map(split_location) {
            Some((context, at)) => (Some(context), at),
            None => (None, None),
        };
        YamlError {
            message,
            location,
            context,
            context_location,
        }
    })
}

/// `text at line L column C` -> (`text`, L:C).
fn split_location(text: &str) -> (String, Option<Location>) {
    let Some((before, at)) = text.rsplit_once(" at line ") else {
        return (text.to_string(), None);
    };
    let location = at.split_once(" column ").and_then(|(line, column)| {
        Some(Location {
            line: line.parse().ok()?,
            column: column.parse().ok()?,
        })
    });
    match location {
        Some(location) => (before.to_string(), Some(location)),
        None => (text.to_string(), None),
    }
}

/// Writes any serializable value as YAML text.
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_a_one_based_location_without_repeating_it() {
        let error = from_str::<serde_json::Value>("a: 1\nb: [\n").unwrap_err();
        let location = error.location.expect("a located error");
        assert_eq!(location.line, 3);
        assert!(!error.message.contains("at line"), "{}", error.message);
    }

    #[test]
    fn an_unclosed_quote_is_named_where_it_starts() {
        let error = from_str::<serde_json::Value>("a: 1\ntitle: \"open\nb: 2\n").unwrap_err();
        assert_eq!(error.message, "found unexpected end of stream");
        assert_eq!(error.location, Some(Location { line: 4, column: 1 }));
        assert_eq!(
            error.context.as_deref(),
            Some("while scanning a quoted scalar")
        );
        let error = error.starting_at(2);
        assert_eq!(error.location, Some(Location { line: 5, column: 1 }));
        assert_eq!(
            error.describe(),
            "found unexpected end of stream, while scanning a quoted scalar \
             that starts at line 3, column 8"
        );
    }

    #[test]
    fn a_context_without_a_place_is_kept_and_no_context_is_left_out() {
        let error = from_str::<serde_json::Value>("a:\n  - x\n - y\n").unwrap_err();
        assert_eq!(
            error.describe(),
            "did not find expected key, while parsing a block mapping"
        );
        let error = from_str::<serde_json::Value>("a: b: c\n").unwrap_err();
        assert_eq!(error.context, None);
        assert_eq!(
            error.describe(),
            "mapping values are not allowed in this context"
        );
    }

    #[test]
    fn writes_what_it_reads() {
        let value = serde_json::json!({"name": "A&B", "tags": ["x", "y"], "ci": false});
        let text = to_string(&value).unwrap();
        assert_eq!(from_str::<serde_json::Value>(&text).unwrap(), value);
    }
}
