//! `drafts`: leaves out files whose front matter says `draft: true`
//! (`@metalsmith/drafts`' options), unless drafts are wanted (`--drafts`, or `include`).

use ironsmith_core::{parse_options, Error, FileError, Files, Plugin, Site};
use serde::Deserialize;
use serde_json::Value;

pub const NAME: &str = "drafts";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Options {
    /// Whether a file without a `draft` key is a draft.
    pub default: bool,
    /// Keep drafts in the output (the `--drafts` flag does the same for one run).
    pub include: bool,
}

#[derive(Debug)]
pub struct Drafts {
    options: Options,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(Drafts {
        options: parse_options(options)?,
    }))
}

impl Plugin for Drafts {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        let mut errors = Vec::new();
        let keep_drafts = self.options.include || site.drafts;
        files.retain(|key, file| {
            match is_draft(file.metadata.get("draft"), self.options.default) {
                Ok(draft) => keep_drafts || !draft,
                Err(error) => {
                    errors.push(Error::file(file.display_path(key), error));
                    true
                }
            }
        });
        match Error::from_many(errors) {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// `draft: true`, and the YAML 1.1 spellings people still write (`yes`, `"true"`).
fn is_draft(value: Option<&Value>, default: bool) -> Result<bool, FileError> {
    match value {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(draft)) => Ok(*draft),
        Some(Value::String(text)) => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" => Ok(true),
            "false" | "no" | "off" => Ok(false),
            _ => Err(not_a_flag(text)),
        },
        Some(other) => Err(not_a_flag(&other.to_string())),
    }
}

fn not_a_flag(found: &str) -> FileError {
    FileError::new(format!("`draft` must be true or false, found `{found}`"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironsmith_core::File;
    use serde_json::json;

    fn files(drafts: &[(&str, Option<Value>)]) -> Files {
        drafts
            .iter()
            .map(|(path, draft)| {
                let mut file = File::new("x");
                if let Some(draft) = draft {
                    file.metadata.insert("draft".into(), draft.clone());
                }
                (path.to_string(), file)
            })
            .collect()
    }

    fn kept(options: Value, site: &mut Site) -> Vec<String> {
        let mut map = files(&[
            ("a.md", Some(json!(true))),
            ("b.md", Some(json!(false))),
            ("c.md", None),
            ("d.md", Some(json!("yes"))),
        ]);
        create(&options).unwrap().run(&mut map, site).unwrap();
        map.keys().cloned().collect()
    }

    #[test]
    fn drops_drafts_by_default() {
        assert_eq!(kept(json!(null), &mut Site::default()), ["b.md", "c.md"]);
    }

    #[test]
    fn default_true_makes_unmarked_files_drafts() {
        assert_eq!(
            kept(json!({"default": true}), &mut Site::default()),
            ["b.md"]
        );
    }

    #[test]
    fn include_and_the_drafts_flag_keep_them() {
        assert_eq!(
            kept(json!({"include": true}), &mut Site::default()).len(),
            4
        );
        let mut site = Site::default();
        site.drafts = true;
        assert_eq!(kept(json!(null), &mut site).len(), 4);
    }

    #[test]
    fn a_draft_value_that_is_not_a_flag_is_named() {
        let mut map = files(&[("a.md", Some(json!("maybe"))), ("b.md", Some(json!(3)))]);
        let error = create(&json!(null))
            .unwrap()
            .run(&mut map, &mut Site::default())
            .unwrap_err();
        assert_eq!(
            error.lines(),
            [
                "a.md: `draft` must be true or false, found `maybe`",
                "b.md: `draft` must be true or false, found `3`"
            ]
        );
    }

    #[test]
    fn unknown_options_are_refused() {
        assert!(create(&json!({"includ": true}))
            .unwrap_err()
            .contains("includ"));
    }
}
