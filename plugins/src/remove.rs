//! `remove`: leaves files out of the output by glob (`@metalsmith/remove`'s options: a glob
//! or a list of globs).

use ironsmith_core::{Error, Files, Pattern, Plugin, Site};
use serde::Deserialize;
use serde_json::Value;

pub const NAME: &str = "remove";

#[derive(Debug)]
pub struct Remove {
    pattern: Pattern,
}

/// The options are the globs themselves, or `{pattern: ...}`.
pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let globs = match options {
        Value::Object(map) => {
            if let Some(key) = map.keys().find(|key| *key != "pattern") {
                return Err(format!(
                    "unknown option `{key}`: the only option is `pattern`"
                ));
            }
            map.get("pattern").unwrap_or(&Value::Null)
        }
        other => other,
    };
    if matches!(globs, Value::Null | Value::Bool(_)) {
        return Err("give the globs of the files to remove: `remove: [\"**/*.tmp\"]`".into());
    }
    let pattern = Pattern::deserialize(globs).map_err(|e| e.to_string())?;
    Ok(Box::new(Remove { pattern }))
}

impl Plugin for Remove {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, _site: &mut Site) -> Result<(), Error> {
        files.retain(|key, _| !self.pattern.is_match(key));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_files::files;
    use serde_json::json;

    fn kept(options: Value) -> Vec<String> {
        let mut map = files(vec![
            ("a.md", json!({})),
            ("notes.tmp", json!({})),
            ("drafts/x.md", json!({})),
            ("drafts/y.tmp", json!({})),
        ]);
        create(&options)
            .unwrap()
            .run(&mut map, &mut Site::default())
            .unwrap();
        map.keys().cloned().collect()
    }

    #[test]
    fn removes_what_one_glob_matches() {
        assert_eq!(
            kept(json!("*.tmp")),
            ["a.md", "drafts/x.md", "drafts/y.tmp"]
        );
    }

    #[test]
    fn removes_what_any_glob_of_a_list_matches() {
        assert_eq!(kept(json!(["**/*.tmp", "drafts/**"])), ["a.md"]);
    }

    #[test]
    fn pattern_may_be_named() {
        assert_eq!(kept(json!({"pattern": "drafts/*"})), ["a.md", "notes.tmp"]);
    }

    #[test]
    fn no_globs_an_unknown_key_or_a_bad_glob_is_an_error() {
        for options in [json!(null), json!(true), json!({})] {
            let error = create(&options).unwrap_err();
            assert!(error.contains("give the globs"), "{error}");
        }
        let error = create(&json!({"patern": "*.tmp"})).unwrap_err();
        assert!(error.contains("unknown option `patern`"), "{error}");
        let error = create(&json!("[a")).unwrap_err();
        assert!(error.contains("invalid glob `[a`"), "{error}");
        let error = create(&json!(3)).unwrap_err();
        assert!(error.contains("a glob or a list of globs"), "{error}");
    }
}
