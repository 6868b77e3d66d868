//! `{{name}}`: {{description}}.

use ironsmith_core::{for_each_file, parse_options, Error, FileError, Files, Pattern, Plugin, Site};
use serde::Deserialize;
use serde_json::Value;

/// The name ironsmith.yaml uses for this plugin.
pub const NAME: &str = "{{name}}";

/// The plugin's options; a typo in ironsmith.yaml is an error naming the key.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Options {
    /// The files to change (`**/*.html` when not given).
    pub pattern: Option<Pattern>,
    /// What to add at the end of each.
    pub text: String,
}

#[derive(Debug)]
pub struct {{pascal name}} {
    options: Options,
}

/// Builds the plugin from its options in ironsmith.yaml.
pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new({{pascal name}} {
        options: parse_options(options)?,
    }))
}

impl Plugin for {{pascal name}} {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, _site: &mut Site) -> Result<(), Error> {
        let pattern = match &self.options.pattern {
            Some(pattern) => pattern.clone(),
            None => Pattern::new(&["**/*.html"]).map_err(Error::Message)?,
        };
        for_each_file(files, &pattern, |_path, file| {
            if file.text().is_none() {
                return Err(FileError::new("is not UTF-8 text: leave it out of `pattern`"));
            }
            file.contents.extend_from_slice(self.options.text.as_bytes());
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironsmith_core::File;
    use serde_json::json;

    fn run(options: Value, files: &[(&str, &[u8])]) -> Result<Files, Error> {
        let plugin = create(&options).map_err(Error::Message)?;
        let mut files: Files = files
            .iter()
            .map(|(path, contents)| (path.to_string(), File::new(*contents)))
            .collect();
        plugin.run(&mut files, &mut Site::default())?;
        Ok(files)
    }

    #[test]
    fn adds_the_text_to_matching_files() {
        let files = run(json!({"text": "!"}), &[("a.html", b"a"), ("b.css", b"b")]).unwrap();
        assert_eq!(files["a.html"].contents, b"a!");
        assert_eq!(files["b.css"].contents, b"b");
    }

    #[test]
    fn unknown_options_are_errors() {
        let error = create(&json!({"txt": "!"})).unwrap_err();
        assert!(error.contains("txt"), "{error}");
    }

    #[test]
    fn binary_files_are_errors_naming_them() {
        let error = run(json!({"pattern": "*"}), &[("a.png", b"\xff")]).unwrap_err();
        assert!(error.to_string().contains("a.png"), "{error}");
    }
}
