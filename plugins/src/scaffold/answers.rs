//! Getting a value for every question, in order: `--set`, then `--answers`, then the
//! default under `--defaults`, then a prompt when there is a terminal. Without one, every
//! value still missing is reported in one error, each with the `--set` that would give it.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use handlebars::template::Template;
use handlebars::Context;
use ironsmith_core::{Error, Files, Metadata, Plugin, Site};
use serde_json::Value;

use super::engine::{self, BUILT_INS};
use super::placeholders::{self, Found};
use super::questions::{Ask, Question};
use super::spec::{self, FILE};
use super::{Session, State};

pub const NAME: &str = "answers";

/// Where values come from, besides the template.
pub struct Inputs {
    /// `--set key=value`, in order (a later one wins).
    pub set: Vec<(String, String)>,
    /// `--answers FILE`'s answers, and how to name the file in errors.
    pub file: Metadata,
    pub file_name: String,
    /// `--defaults`: take every default instead of asking.
    pub defaults: bool,
    /// Present only when there is a terminal to ask on.
    pub ask: Option<Box<dyn Ask>>,
}

impl std::fmt::Debug for Inputs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inputs")
            .field("set", &self.set)
            .field("file_name", &self.file_name)
            .field("defaults", &self.defaults)
            .field("ask", &self.ask.is_some())
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
pub struct GetAnswers {
    pub(super) session: Arc<Session>,
    pub(super) inputs: Mutex<Inputs>,
    /// `year`, `date`, `dest_name`.
    pub(super) built_ins: Metadata,
}

impl Plugin for GetAnswers {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, _files: &mut Files, site: &mut Site) -> Result<(), Error> {
        let mut inputs = self.inputs.lock().unwrap_or_else(|p| p.into_inner());
        let mut state = self.session.state();
        let spec = &state.spec;
        let mut order: Vec<String> = spec.spec.placeholders.keys().cloned().collect();
        let declared: HashSet<String> = order.iter().cloned().collect();
        let found = state.found.keys().filter(|n| !declared.contains(*n));
        order.extend(found.cloned());
        warn_unknown(site, &order, &inputs);
        check_order(&order, spec)?;

        let mut answers = Metadata::new();
        let mut invalid = Vec::new();
        let mut missing = Vec::new();
        for name in &order {
            let question = self.question(name, &state, &answers)?;
            if !self.is_asked(name, &state, &answers)? {
                answers.insert(name.clone(), question.skipped());
                continue;
            }
            match answer(&question, &mut inputs)? {
                Answer::Value(value) => {
                    answers.insert(name.clone(), value);
                }
                Answer::Invalid(problem) => invalid.push(Error::Message(problem)),
                Answer::Missing => missing.push(question),
            }
        }
        if !missing.is_empty() {
            invalid.push(Error::Message(missing_message(&missing)));
        }
        if let Some(error) = Error::from_many(invalid) {
            return Err(error);
        }
        state.context = self.context(&answers).map_err(Error::Message)?;
        let secret = |name: &String| {
            let declared = state.spec.spec.placeholders.get(name);
            declared.is_some_and(|d| d.secret)
        };
        answers.retain(|name, _| !secret(name));
        state.record = answers;
        Ok(())
    }
}

/// What one question got.
enum Answer {
    Value(Value),
    /// Given on the command line or in the answers file, but not valid (and no terminal).
    Invalid(String),
    Missing,
}

/// `--set`, then `--answers`, then the default under `--defaults`, then the terminal.
fn answer(question: &Question, inputs: &mut Inputs) -> Result<Answer, Error> {
    let name = &question.name;
    let given = match inputs.set.iter().rev().find(|(key, _)| key == name) {
        Some((_, text)) => Some((format!("--set {name}={text}"), question.parse(text))),
        None => inputs.file.get(name).map(|value| {
            let from = format!("{}: answers.{name}", inputs.file_name);
            (from, question.accept(value))
        }),
    };
    let problem = match given {
        Some((_, Ok(value))) => return Ok(Answer::Value(value)),
        Some((from, Err(problem))) => Some(format!("{from}: {problem}")),
        None => None,
    };
    if let (None, true, Some(default)) = (&problem, inputs.defaults, &question.default) {
        return Ok(Answer::Value(default.clone()));
    }
    match (&mut inputs.ask, problem) {
        (Some(ask), problem) => ask
            .ask(question, problem.as_deref())
            .map(Answer::Value)
            .map_err(|reason| Error::Message(format!("cancelled: {reason}"))),
        (None, Some(problem)) => Ok(Answer::Invalid(problem)),
        (None, None) => Ok(Answer::Missing),
    }
}

impl GetAnswers {
    /// The question for `name`, its default rendered with the answers so far.
    fn question(&self, name: &str, state: &State, answers: &Metadata) -> Result<Question, Error> {
        let declared = state.spec.spec.placeholders.get(name);
        let default = match state.spec.defaults.get(name) {
            // An earlier value is missing or invalid: that is reported, not this.
            Some(template) if !all_answered(template, answers) => None,
            Some(template) => {
                let text = self
                    .render(template, answers)
                    .map_err(|reason| template_error(name, format!("`default`: {reason}")))?;
                Some(Value::String(text))
            }
            None => declared.and_then(|d| d.default.clone()),
        };
        let usage = state.found.get(name).copied();
        Question::new(name, usage, declared, default).map_err(|reason| template_error(name, reason))
    }

    /// Whether `name` is asked: its `when`, if any, holds (or cannot be known yet).
    fn is_asked(&self, name: &str, state: &State, answers: &Metadata) -> Result<bool, Error> {
        match state.spec.when.get(name) {
            Some(when) if all_answered(when, answers) => self
                .render(when, answers)
                .map(|text| text == "y")
                .map_err(|reason| template_error(name, format!("`when`: {reason}"))),
            _ => Ok(true),
        }
    }

    fn render(&self, template: &Template, answers: &Metadata) -> Result<String, String> {
        let context = self.context(answers)?;
        let context = Context::wraps(&context).map_err(|e| e.to_string())?;
        engine::render(template, &self.session.engine.contents, &context)
            .map_err(|error| error.reason().to_string())
    }

    /// What templates see: the answers (`author.name` as `author: {name}`) and built-ins.
    fn context(&self, answers: &Metadata) -> Result<Value, String> {
        let mut context = self.built_ins.clone();
        for (name, value) in answers {
            insert_nested(&mut context, name, value.clone())?;
        }
        Ok(Value::Object(context))
    }
}

fn template_error(name: &str, message: String) -> Error {
    Error::File {
        path: FILE.into(),
        location: None,
        message: format!("placeholder `{name}`: {message}"),
    }
}

fn insert_nested(into: &mut Metadata, name: &str, value: Value) -> Result<(), String> {
    match name.split_once('.') {
        None => {
            into.insert(name.to_string(), value);
            Ok(())
        }
        Some((head, rest)) => {
            let entry = into
                .entry(head.to_string())
                .or_insert_with(|| Value::Object(Metadata::new()));
            match entry {
                Value::Object(inner) => insert_nested(inner, rest, value),
                _ => Err(format!(
                    "the templates use both `{head}` and `{name}`: rename one of them"
                )),
            }
        }
    }
}

/// A `when` or `default` may use only placeholders asked before it (or built-ins).
fn check_order(order: &[String], spec: &spec::Compiled) -> Result<(), Error> {
    let mut errors = Vec::new();
    for (field, templates) in [("when", &spec.when), ("default", &spec.defaults)] {
        for (name, template) in templates {
            let position = order.iter().position(|n| n == name).unwrap_or(order.len());
            let mut used = Found::new();
            placeholders::collect(template, &mut used);
            if let Some(later) = used.keys().find(|u| !order[..position].contains(*u)) {
                errors.push(template_error(
                    name,
                    format!("`{field}` uses `{later}`, which is not asked before it: list `{later}` above `{name}`"),
                ));
            }
        }
    }
    match Error::from_many(errors) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Whether every placeholder `template` uses has a value by now.
fn all_answered(template: &Template, answers: &Metadata) -> bool {
    let mut used = Found::new();
    placeholders::collect(template, &mut used);
    used.keys().all(|name| answers.contains_key(name))
}

fn warn_unknown(site: &Site, known: &[String], inputs: &Inputs) {
    let list = match known.is_empty() {
        true => "none".to_string(),
        false => known.join(", "),
    };
    let mut seen = HashSet::new();
    for (key, _) in &inputs.set {
        if !known.contains(key) && !BUILT_INS.contains(&key.as_str()) && seen.insert(key) {
            site.warn(format!(
                "--set {key}: the template has no placeholder `{key}` (it has: {list})"
            ));
        }
    }
    for key in inputs.file.keys() {
        if !known.contains(key) {
            site.warn(format!(
                "{}: the template has no placeholder `{key}` (it has: {list})",
                inputs.file_name
            ));
        }
    }
}

/// One message for every missing value, each with the `--set` that gives it.
fn missing_message(missing: &[Question]) -> String {
    let width = missing.iter().map(|q| q.name.len()).max().unwrap_or(0);
    let mut message = String::from(
        "no value for these placeholders, and no terminal to ask on: give each with --set (or pass --defaults to take the defaults)",
    );
    for question in missing {
        let default = match &question.default {
            Some(Value::Bool(yes)) => format!(", default: {}", if *yes { "yes" } else { "no" }),
            Some(value) => format!(", default: {}", engine::text(value)),
            None => String::new(),
        };
        message.push_str(&format!(
            "\n  --set {name}=...{pad}  {prompt} ({expects}{default})",
            name = question.name,
            pad = " ".repeat(width - question.name.len()),
            prompt = question.prompt,
            expects = question.expects(),
        ));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dotted_names_nest_and_conflicts_are_refused() {
        let mut context = Metadata::new();
        insert_nested(&mut context, "author.name", json!("Ann")).unwrap();
        insert_nested(&mut context, "author.email", json!("a@b")).unwrap();
        assert_eq!(
            Value::Object(context.clone()),
            json!({"author": {"name": "Ann", "email": "a@b"}})
        );
        insert_nested(&mut context, "site", json!("x")).unwrap();
        assert!(insert_nested(&mut context, "site.title", json!("y")).is_err());
    }

    #[test]
    fn missing_values_list_each_set_with_its_prompt() {
        let name = Question::new("name", None, None, None).unwrap();
        let declared: super::super::spec::Declared =
            ironsmith_core::yaml::from_str("{prompt: 'Add CI?', type: bool}").unwrap();
        let ci = Question::new("ci", None, Some(&declared), None).unwrap();
        let message = missing_message(&[name, ci]);
        assert!(
            message.contains("\n  --set name=...  name (text)"),
            "{message}"
        );
        assert!(
            message.contains("\n  --set ci=...    Add CI? (yes or no, default: no)"),
            "{message}"
        );
    }
}
