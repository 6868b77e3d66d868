//! `rename`: moves files by glob, in the spirit of `metalsmith-rename`.
//!
//! Each rule is `{from: glob, to: name}` (or `[glob, name]`, the shape of
//! `metalsmith-rename`'s pairs). `to` is a new file name in the file's folder, or a path
//! from the site root when it starts with `/`; `{dir}`, `{name}`, `{ext}` and `{base}` in it
//! stand for the old path's parts. `to` may also be a map replacing some parts:
//! `{ext: ".htm"}`, `{name: index}`, `{dir: legacy}`. Rules run in order, each on the
//! names the previous ones left.

use ironsmith_core::{
    check_output_path, for_each_file_moving, Error, Files, Pattern, Plugin, Site,
};
use serde::Deserialize;
use serde_json::Value;

pub const NAME: &str = "rename";

/// A rule written as a map.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleMap {
    #[serde(alias = "pattern")]
    from: Pattern,
    #[serde(alias = "rename")]
    to: Target,
}

/// What a matched path becomes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(
    untagged,
    expecting = "a name, or a map of `dir`, `name` and `ext` to replace"
)]
pub enum Target {
    /// A name with `{dir}`, `{name}`, `{ext}`, `{base}` placeholders.
    Template(String),
    /// Parts to replace; the others are kept.
    Parts(Parts),
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parts {
    pub dir: Option<String>,
    pub name: Option<String>,
    /// With its dot (`.html`); `""` removes the extension.
    pub ext: Option<String>,
}

#[derive(Debug)]
struct Rule {
    from: Pattern,
    to: Target,
}

#[derive(Debug)]
pub struct Rename {
    rules: Vec<Rule>,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let Value::Array(entries) = options else {
        return Err(
            "give a list of rules: `rename: [{from: \"**/*.htm\", to: {ext: .html}}]`".into(),
        );
    };
    let mut rules = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let rule = parse_rule(entry).map_err(|e| format!("rule {}: {e}", index + 1))?;
        rules.push(rule);
    }
    Ok(Box::new(Rename { rules }))
}

/// `{from, to}` or `[from, to]`.
fn parse_rule(entry: &Value) -> Result<Rule, String> {
    let (from, to) = match entry {
        Value::Object(_) => {
            let map = RuleMap::deserialize(entry).map_err(|e| e.to_string())?;
            return Ok(Rule {
                from: map.from,
                to: map.to,
            });
        }
        Value::Array(pair) if pair.len() == 2 => (&pair[0], &pair[1]),
        _ => {
            return Err(format!(
                "expected `{{from: glob, to: name}}` or `[glob, name]`, found `{entry}`"
            ))
        }
    };
    Ok(Rule {
        from: Pattern::deserialize(from).map_err(|e| e.to_string())?,
        to: Target::deserialize(to).map_err(|e| e.to_string())?,
    })
}

impl Plugin for Rename {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        for rule in &self.rules {
            if !files.keys().any(|key| rule.from.is_match(key)) {
                site.warn(format!(
                    "rename: `{}` matches no file",
                    rule.from.globs().join(", ")
                ));
                continue;
            }
            let moves = for_each_file_moving(files, &rule.from, |path, _| {
                let renamed = rule.to.apply(path);
                check_output_path(&renamed).map_err(|e| format!("cannot be renamed: {e}"))?;
                *path = renamed;
                Ok(())
            })?;
            crate::collections::follow_moves(files, site, &moves);
        }
        Ok(())
    }
}

impl Target {
    /// The new path for `path`.
    pub fn apply(&self, path: &str) -> String {
        let (dir, base) = path.rsplit_once('/').unwrap_or(("", path));
        let (name, ext) = split_extension(base);
        match self {
            Target::Template(template) => {
                let filled = template
                    .replace("{dir}", dir)
                    .replace("{name}", name)
                    .replace("{ext}", ext)
                    .replace("{base}", base);
                match filled.strip_prefix('/') {
                    Some(from_root) => join(&[from_root]),
                    None => join(&[dir, &filled]),
                }
            }
            Target::Parts(parts) => {
                let dir = parts.dir.as_deref().unwrap_or(dir);
                let name = parts.name.as_deref().unwrap_or(name);
                let ext = parts.ext.as_deref().unwrap_or(ext);
                join(&[dir, &format!("{name}{ext}")])
            }
        }
    }
}

/// `name.tar.gz` -> (`name.tar`, `.gz`); a leading dot is part of the name (`.htaccess`).
fn split_extension(base: &str) -> (&str, &str) {
    match base.rfind('.') {
        Some(dot) if dot > 0 => base.split_at(dot),
        _ => (base, ""),
    }
}

/// The parts joined by `/`, without empty segments (a root file's `{dir}` is empty).
fn join(parts: &[&str]) -> String {
    parts
        .iter()
        .flat_map(|part| part.split('/'))
        .filter(|segment| !segment.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_files::files;
    use serde_json::json;

    fn renamed(options: Value, paths: &[&str]) -> Vec<String> {
        let mut map = files(paths.iter().map(|p| (*p, json!({}))).collect());
        create(&options)
            .unwrap()
            .run(&mut map, &mut Site::default())
            .unwrap();
        map.keys().cloned().collect()
    }

    #[test]
    fn a_plain_name_renames_within_the_folder() {
        assert_eq!(
            renamed(
                json!([{"from": "docs/README.md", "to": "index.md"}]),
                &["docs/README.md", "README.md"]
            ),
            ["docs/index.md", "README.md"]
        );
    }

    #[test]
    fn placeholders_stand_for_the_old_parts() {
        assert_eq!(
            renamed(
                json!([{"from": "**/*.htm", "to": "{name}.html"}]),
                &["a.htm", "x/b.htm", "c.txt"]
            ),
            ["a.html", "x/b.html", "c.txt"]
        );
        assert_eq!(
            renamed(
                json!([{"from": "notes/*", "to": "/archive/{dir}/{base}"}]),
                &["notes/a.md"]
            ),
            ["archive/notes/a.md"]
        );
        assert_eq!(
            renamed(json!([["*.md", "{name}-v1{ext}"]]), &["a.md"]),
            ["a-v1.md"]
        );
    }

    #[test]
    fn parts_replace_only_what_they_name() {
        assert_eq!(
            renamed(
                json!([{"from": "**/*.htm", "to": {"ext": ".html"}}]),
                &["x/a.htm"]
            ),
            ["x/a.html"]
        );
        assert_eq!(
            renamed(
                json!([{"from": "*.txt", "to": {"ext": ""}}]),
                &["LICENSE.txt"]
            ),
            ["LICENSE"]
        );
        assert_eq!(
            renamed(
                json!([{"pattern": "x/*", "rename": {"name": "index", "dir": "y"}}]),
                &["x/a.htm"]
            ),
            ["y/index.htm"]
        );
        assert_eq!(
            renamed(json!([{"from": "x/*", "to": {"dir": ""}}]), &["x/a.htm"]),
            ["a.htm"]
        );
    }

    #[test]
    fn rules_run_in_order_on_the_new_names() {
        assert_eq!(
            renamed(
                json!([["*.md", {"ext": ".markdown"}], ["*.markdown", {"name": "page"}]]),
                &["a.md"]
            ),
            ["page.markdown"]
        );
    }

    #[test]
    fn dotfiles_keep_their_name() {
        assert_eq!(split_extension(".htaccess"), (".htaccess", ""));
        assert_eq!(split_extension("a.tar.gz"), ("a.tar", ".gz"));
    }

    #[test]
    fn a_rule_that_matches_nothing_is_a_warning() {
        let mut map = files(vec![("a.md", json!({}))]);
        let site = &mut Site::default();
        create(&json!([["*.htm", "{name}.html"]]))
            .unwrap()
            .run(&mut map, site)
            .unwrap();
        assert_eq!(site.take_warnings(), ["rename: `*.htm` matches no file"]);
    }

    #[test]
    fn a_path_leaving_the_destination_is_an_error_naming_the_file() {
        let mut map = files(vec![("a.md", json!({}))]);
        let error = create(&json!([["a.md", {"dir": ".."}]]))
            .unwrap()
            .run(&mut map, &mut Site::default())
            .unwrap_err();
        assert_eq!(
            error.lines(),
            ["a.md: cannot be renamed: output path `../a.md` contains `..`: it would leave its folder"]
        );
    }

    #[test]
    fn two_files_renamed_onto_one_path_are_named() {
        let mut map = files(vec![("a.md", json!({})), ("b.md", json!({}))]);
        let error = create(&json!([["*.md", "same.md"]]))
            .unwrap()
            .run(&mut map, &mut Site::default())
            .unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("a.md") && message.contains("b.md"),
            "{message}"
        );
    }

    #[test]
    fn malformed_rules_are_refused() {
        let error = create(&json!({"from": "a"})).unwrap_err();
        assert!(error.contains("give a list of rules"), "{error}");
        for (bad, message) in [
            (json!([{"from": "a"}]), "rule 1: missing field `to`"),
            (
                json!([{"from": "a", "to": "b", "x": 1}]),
                "rule 1: unknown field `x`",
            ),
            (
                json!([["a"]]),
                "rule 1: expected `{from: glob, to: name}` or `[glob, name]`",
            ),
            (
                json!([["a", {"stem": "b"}]]),
                "rule 1: a name, or a map of `dir`, `name` and `ext`",
            ),
            (
                json!([["a", "b"], {"from": "[a", "to": "b"}]),
                "rule 2: invalid glob `[a`",
            ),
        ] {
            let error = create(&bad).unwrap_err();
            assert!(error.starts_with(message), "{error}");
        }
    }
}
