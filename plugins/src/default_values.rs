//! `default-values`: metadata that front matter did not set (`@metalsmith/default-values`).

use ironsmith_core::{parse_options, Error, Files, Metadata, Pattern, Plugin, Site};
use serde::Deserialize;
use serde_json::Value;

pub const NAME: &str = "default-values";

/// One rule: files matching `pattern` get `defaults` for the keys they lack.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    #[serde(default = "every_file")]
    pub pattern: Pattern,
    /// Dotted keys (`seo.robots`) set nested values.
    pub defaults: Metadata,
    /// `keep` (default) fills only missing keys; `overwrite` always sets them.
    #[serde(default)]
    pub strategy: Strategy,
}

fn every_file() -> Pattern {
    Pattern::new(&["**"]).unwrap_or_else(|_| unreachable!("a valid glob"))
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    #[default]
    Keep,
    Overwrite,
}

#[derive(Debug)]
pub struct DefaultValues {
    rules: Vec<Rule>,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let rules: Vec<Rule> = match options {
        Value::Object(_) => vec![parse_options::<Option<Rule>>(options)?.ok_or("give `defaults`")?],
        other => parse_options(other)?,
    };
    if rules.is_empty() {
        return Err("give at least one `{pattern, defaults}` rule".into());
    }
    Ok(Box::new(DefaultValues { rules }))
}

impl Plugin for DefaultValues {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, _site: &mut Site) -> Result<(), Error> {
        for rule in &self.rules {
            for (path, file) in files.iter_mut() {
                if !rule.pattern.is_match(path) {
                    continue;
                }
                for (key, value) in &rule.defaults {
                    set(&mut file.metadata, key, value, rule.strategy);
                }
            }
        }
        Ok(())
    }
}

/// Sets `metadata[a][b]` for `a.b` unless the strategy keeps an existing value.
fn set(metadata: &mut Metadata, key: &str, value: &Value, strategy: Strategy) {
    match key.split_once('.') {
        None => {
            if strategy == Strategy::Overwrite || !metadata.contains_key(key) {
                metadata.insert(key.to_string(), value.clone());
            }
        }
        Some((head, rest)) => {
            let entry = metadata
                .entry(head.to_string())
                .or_insert_with(|| Value::Object(Metadata::new()));
            if let Value::Object(inner) = entry {
                set(inner, rest, value, strategy);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironsmith_core::File;
    use serde_json::json;

    fn run(options: Value, pages: Vec<(&str, Value)>) -> Files {
        let mut files: Files = pages
            .into_iter()
            .map(|(path, metadata)| {
                let mut file = File::new("x");
                if let Value::Object(map) = metadata {
                    file.metadata = map;
                }
                (path.to_string(), file)
            })
            .collect();
        create(&options)
            .unwrap()
            .run(&mut files, &mut Site::default())
            .unwrap();
        files
    }

    #[test]
    fn fills_only_missing_keys_of_matching_files() {
        let files = run(
            json!([{"pattern": "posts/*.md", "defaults": {"layout": "post.hbs", "draft": false}}]),
            vec![
                ("posts/a.md", json!({"layout": "special.hbs"})),
                ("posts/b.md", json!({})),
                ("about.md", json!({})),
            ],
        );
        assert_eq!(files["posts/a.md"].metadata["layout"], "special.hbs");
        assert_eq!(files["posts/a.md"].metadata["draft"], false);
        assert_eq!(files["posts/b.md"].metadata["layout"], "post.hbs");
        assert!(files["about.md"].metadata.is_empty());
    }

    #[test]
    fn pattern_defaults_to_every_file_and_a_single_rule_map_is_accepted() {
        let files = run(
            json!({"defaults": {"lang": "en"}}),
            vec![("a/b/c.txt", json!({}))],
        );
        assert_eq!(files["a/b/c.txt"].metadata["lang"], "en");
    }

    #[test]
    fn dotted_keys_nest_and_overwrite_replaces() {
        let files = run(
            json!([{"defaults": {"seo.robots": "index"}}, {"defaults": {"title": "Forced"}, "strategy": "overwrite"}]),
            vec![("a.md", json!({"title": "Mine", "seo": {"image": "x.png"}}))],
        );
        let metadata = &files["a.md"].metadata;
        assert_eq!(
            metadata["seo"],
            json!({"image": "x.png", "robots": "index"})
        );
        assert_eq!(metadata["title"], "Forced");
    }

    #[test]
    fn options_errors() {
        assert!(create(&json!([])).unwrap_err().contains("at least one"));
        assert!(create(&json!([{"pattern": "*"}]))
            .unwrap_err()
            .contains("defaults"));
        assert!(create(&json!([{"defaults": {}, "strategy": "merge"}]))
            .unwrap_err()
            .contains("strategy"));
    }
}
