//! Questions on the terminal, through `inquire`: a yes/no, a list to pick from, text checked
//! as it is typed (an invalid answer is asked again, with the reason).

use inquire::validator::Validation;
use inquire::{Confirm, MultiSelect, Password, PasswordDisplayMode, Select, Text};
use ironsmith_plugins::scaffold::{Ask, Kind, Question};
use serde_json::Value;

/// The terminal the command runs on; used only when stdin is one.
#[derive(Debug)]
pub struct Terminal;

impl Ask for Terminal {
    fn ask(&mut self, question: &Question, problem: Option<&str>) -> Result<Value, String> {
        if let Some(problem) = problem {
            eprintln!("{problem}");
        }
        let prompt = question.prompt.as_str();
        let answer = match question.kind {
            Kind::Bool => {
                let default = question.default.as_ref().and_then(Value::as_bool);
                Confirm::new(prompt)
                    .with_default(default.unwrap_or(false))
                    .prompt()
                    .map(Value::Bool)
            }
            Kind::Choice => {
                let start = position(question, question.default.as_ref());
                Select::new(prompt, question.choices.clone())
                    .with_starting_cursor(start.unwrap_or(0))
                    .prompt()
                    .map(Value::String)
            }
            Kind::Multiselect if !question.choices.is_empty() => {
                let chosen: Vec<usize> = match &question.default {
                    Some(Value::Array(items)) => items
                        .iter()
                        .filter_map(|item| position(question, Some(item)))
                        .collect(),
                    _ => Vec::new(),
                };
                MultiSelect::new(prompt, question.choices.clone())
                    .with_default(&chosen)
                    .prompt()
                    .map(|items| Value::Array(items.into_iter().map(Value::String).collect()))
            }
            _ => return typed(question),
        };
        answer.map_err(|error| error.to_string())
    }
}

/// An answer typed as text (a password when secret), parsed into the question's type.
fn typed(question: &Question) -> Result<Value, String> {
    let check = question.clone();
    let validator = move |text: &str| {
        Ok(match check.parse(text) {
            Ok(_) => Validation::Valid,
            Err(problem) => Validation::Invalid(problem.into()),
        })
    };
    let help = match question.kind {
        Kind::String => None,
        _ => Some(question.expects()),
    };
    let text = if question.secret {
        Password::new(&question.prompt)
            .without_confirmation()
            .with_display_mode(PasswordDisplayMode::Masked)
            .with_validator(validator)
            .prompt()
    } else {
        let default = question.default.as_ref().map(default_text);
        let mut prompt = Text::new(&question.prompt).with_validator(validator);
        if let Some(default) = &default {
            prompt = prompt.with_default(default);
        }
        if let Some(help) = &help {
            prompt = prompt.with_help_message(help);
        }
        prompt.prompt()
    };
    question.parse(&text.map_err(|error| error.to_string())?)
}

/// A default as the text that parses back to it.
fn default_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map_or_else(|| item.to_string(), str::to_string)
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

fn position(question: &Question, value: Option<&Value>) -> Option<usize> {
    let value = value?.as_str()?;
    question.choices.iter().position(|choice| choice == value)
}
