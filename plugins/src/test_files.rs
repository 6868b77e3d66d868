//! A file map from (path, metadata) pairs, for the plugins' unit tests.

use ironsmith_core::{Error, File, Files, Plugin, Site};
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

/// Runs the plugin `create` makes of `options` over pages given as (path, contents).
pub fn run_over(
    create: fn(&Value) -> Result<Box<dyn Plugin>, String>,
    options: Value,
    pages: &[(&str, &str)],
) -> Result<Files, Error> {
    let mut files: Files = pages
        .iter()
        .map(|(path, contents)| (path.to_string(), File::new(*contents)))
        .collect();
    create(&options)
        .map_err(Error::Message)?
        .run(&mut files, &mut Site::default())
        .map(|()| files)
}
