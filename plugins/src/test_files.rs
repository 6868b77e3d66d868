//! A file map from (path, metadata) pairs, for the plugins' unit tests.

use ironsmith_core::{File, Files};
use serde_json::Value;

/// Files with the text `contents` and the given metadata (a JSON object).
pub fn files(pages: Vec<(&str, Value)>) -> Files {
    pages
        .into_iter()
        .map(|(path, metadata)| {
            let mut file = File::new("contents");
            if let Value::Object(map) = metadata {
                file.metadata = map;
            }
            (path.to_string(), file)
        })
        .collect()
}
