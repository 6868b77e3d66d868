//! Every call into the YAML library, in one place.
//!
//! serde_yaml's repository was archived in 2024: keeping it behind these functions
//! makes a switch to a maintained fork a one-file change.

use serde::de::DeserializeOwned;

use crate::error::Location;

/// A YAML parse failure, located within the parsed text (lines and columns from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub location: Option<Location>,
}

/// Parses YAML text into any deserializable type.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|error| {
        let location = error.location().map(|l| Location {
            line: l.line(),
            column: l.column(),
        });
        // The library appends " at line L column C" itself; the location is reported separately.
        let message = error.to_string();
        let message = match message.find(" at line ") {
            Some(cut) => message[..cut].to_string(),
            None => message,
        };
        YamlError { message, location }
    })
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
    fn writes_what_it_reads() {
        let value = serde_json::json!({"name": "A&B", "tags": ["x", "y"], "ci": false});
        let text = to_string(&value).unwrap();
        assert_eq!(from_str::<serde_json::Value>(&text).unwrap(), value);
    }
}
