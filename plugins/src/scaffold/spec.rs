//! `template.yaml`, at a template's root and never copied: the questions, in the order they
//! are asked, and which files are left out, copied as they are, or kept only on a condition.

use handlebars::template::Template;
use indexmap::IndexMap;
use ironsmith_core::{Error, File, Files, Location, Pattern, Plugin, Site};
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;

use super::engine::{self, BUILT_INS};
use super::Session;

/// The file's name, at the template's root.
pub const FILE: &str = "template.yaml";

pub const NAME: &str = "template";

/// What a question's answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    String,
    Bool,
    Integer,
    /// One of `choices`.
    Choice,
    /// Any number of `choices` (or, without choices, a comma-separated list).
    Multiselect,
}

/// One placeholder's entry.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Declared {
    pub prompt: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<Kind>,
    /// A value, or text that may use earlier answers (`"{{kebab name}}"`).
    pub default: Option<Value>,
    pub choices: Vec<String>,
    pub regex: Option<String>,
    /// Shown when a value does not match `regex`.
    pub regex_message: Option<String>,
    /// Asked without echo and left out of `.ironsmith-answers.yaml`.
    pub secret: bool,
    /// Asked only when this condition on earlier answers holds (`ci`, `(eq license "MIT")`).
    pub when: Option<String>,
}

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Spec {
    pub placeholders: IndexMap<String, Declared>,
    pub ignore: Option<Pattern>,
    pub copy_without_render: Option<Pattern>,
    /// Glob -> condition: matching files exist only when the condition holds.
    pub conditional: IndexMap<String, String>,
}

/// `conditional`, compiled.
#[derive(Debug)]
pub struct Conditional {
    pub pattern: Pattern,
    pub condition: Template,
}

/// Everything later steps need from the file, compiled once.
#[derive(Debug, Default)]
pub struct Compiled {
    pub spec: Spec,
    /// `when` of each placeholder that has one.
    pub when: IndexMap<String, Template>,
    /// `default`s that are templates.
    pub defaults: IndexMap<String, Template>,
    pub conditional: Vec<Conditional>,
}

impl Compiled {
    /// Parses and checks the file's text; `path` names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<Self, Error> {
        let spec: Spec = ironsmith_core::yaml::from_str(text).map_err(|error| Error::File {
            path: path.to_string(),
            location: error.location,
            message: format!(
                "{}: see the README's template.yaml example",
                error.describe()
            ),
        })?;
        let mut problems = Vec::new();
        let mut compiled = Compiled::default();
        for (name, declared) in &spec.placeholders {
            check(name, declared, &mut problems);
            if let Some(when) = &declared.when {
                match engine::condition(when) {
                    Ok(template) => {
                        compiled.when.insert(name.clone(), template);
                    }
                    Err(problem) => {
                        problems.push(format!("placeholder `{name}`: `when`: {problem}"))
                    }
                }
            }
            if let Some(Value::String(text)) = &declared.default {
                if text.contains("{{") {
                    match Template::compile(text) {
                        Ok(template) => {
                            compiled.defaults.insert(name.clone(), template);
                        }
                        Err(error) => problems.push(format!(
                            "placeholder `{name}`: `default`: {}",
                            error.reason()
                        )),
                    }
                }
            }
        }
        for (glob, condition) in &spec.conditional {
            let pattern = Pattern::new(&[glob]);
            match (pattern, engine::condition(condition)) {
                (Ok(pattern), Ok(condition)) => compiled
                    .conditional
                    .push(Conditional { pattern, condition }),
                (Err(problem), _) | (_, Err(problem)) => {
                    problems.push(format!("conditional `{glob}`: {problem}"))
                }
            }
        }
        compiled.spec = spec;
        match problems.is_empty() {
            true => Ok(compiled),
            false => Err(Error::Many(
                problems
                    .into_iter()
                    .map(|problem| Error::File {
                        path: path.to_string(),
                        location: None,
                        message: problem,
                    })
                    .collect(),
            )),
        }
    }
}

/// What is wrong with one placeholder's entry.
fn check(name: &str, declared: &Declared, problems: &mut Vec<String>) {
    if BUILT_INS.contains(&name) || engine::is_helper(name) {
        problems.push(format!(
            "placeholder `{name}` is built in: remove it, or rename the placeholder"
        ));
    }
    let kind = declared.kind;
    if let Some(regex) = &declared.regex {
        if let Err(error) = regex::Regex::new(regex) {
            problems.push(format!("placeholder `{name}`: invalid `regex`: {error}"));
        }
        if !matches!(kind, None | Some(Kind::String)) {
            problems.push(format!(
                "placeholder `{name}`: `regex` applies to `type: string` only"
            ));
        }
    }
    if declared.regex_message.is_some() && declared.regex.is_none() {
        problems.push(format!(
            "placeholder `{name}`: `regex_message` needs a `regex`"
        ));
    }
    match kind {
        Some(Kind::Choice) if declared.choices.is_empty() => problems.push(format!(
            "placeholder `{name}`: `type: choice` needs `choices`"
        )),
        Some(Kind::String | Kind::Bool | Kind::Integer) if !declared.choices.is_empty() => problems
            .push(format!(
                "placeholder `{name}`: `choices` needs `type: choice` or `type: multiselect`"
            )),
        _ => {}
    }
}

/// Takes `template.yaml` out of the files and leaves out what its `ignore` matches.
#[derive(Debug)]
pub struct ReadSpec {
    pub(super) session: Arc<Session>,
}

impl Plugin for ReadSpec {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, _site: &mut Site) -> Result<(), Error> {
        let compiled = match files.shift_remove(FILE) {
            Some(file) => parse_file(&file)?,
            None => Compiled::default(),
        };
        if let Some(ignore) = &compiled.spec.ignore {
            files.retain(|key, _| !ignore.is_match(key));
        }
        self.session.state().spec = compiled;
        Ok(())
    }
}

fn parse_file(file: &File) -> Result<Compiled, Error> {
    let path = file.display_path(FILE);
    let text = file.text().ok_or_else(|| Error::File {
        path: path.clone(),
        location: Some(Location { line: 1, column: 1 }),
        message: "is not UTF-8 text: save it as UTF-8".into(),
    })?;
    Compiled::parse(text, &path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        match Compiled::parse(text, "template.yaml") {
            Ok(_) => Vec::new(),
            Err(error) => error.lines(),
        }
    }

    #[test]
    fn parses_every_field() {
        let text = r#"
placeholders:
  name: {prompt: "Name?", default: "My site", regex: '^\S', regex_message: "no leading space"}
  slug: {default: "{{kebab name}}"}
  license: {type: choice, choices: [MIT, GPL]}
  langs: {type: multiselect, choices: [en, fr]}
  port: {type: integer, default: 8080}
  ci: {type: bool, when: '(eq license "MIT")'}
  token: {secret: true}
ignore: ["*.tmp"]
copy_without_render: layouts/**
conditional: {".github/**": ci}
"#;
        let compiled = Compiled::parse(text, "template.yaml").unwrap();
        let names: Vec<_> = compiled.spec.placeholders.keys().cloned().collect();
        assert_eq!(
            names,
            ["name", "slug", "license", "langs", "port", "ci", "token"]
        );
        assert!(compiled.defaults.contains_key("slug"));
        assert!(compiled.when.contains_key("ci"));
        assert_eq!(compiled.conditional.len(), 1);
        assert!(compiled.spec.placeholders["token"].secret);
        assert!(compiled
            .spec
            .copy_without_render
            .unwrap()
            .is_match("layouts/a/b.hbs"));
    }

    #[test]
    fn unknown_keys_are_located() {
        let error = Compiled::parse("placeholders:\n  name:\n    promt: x\n", "t/template.yaml")
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("t/template.yaml:3:"), "{error}");
        assert!(error.contains("unknown field `promt`"), "{error}");
    }

    #[test]
    fn every_inconsistency_is_reported() {
        let found = problems(
            r#"
placeholders:
  year: {}
  a: {regex: "("}
  b: {type: bool, regex: "x"}
  c: {regex_message: "m"}
  d: {type: choice}
  e: {type: string, choices: [x]}
  f: {when: "(eq"}
  g: {default: "{{#if}}"}
conditional: {"[": x}
"#,
        );
        assert_eq!(found.len(), 9, "{found:#?}");
        assert!(found[0].contains("`year` is built in"), "{}", found[0]);
    }
}
