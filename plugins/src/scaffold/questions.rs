//! One question per placeholder: its type, its prompt, its default, and how an answer given
//! as text (`--set ci=no`, a prompt) or as YAML (`--answers`) becomes the value it needs.

use regex::Regex;
use serde_json::Value;

use super::placeholders::Usage;
use super::spec::{Declared, Kind};

/// A question, ready to ask or to check an answer against.
#[derive(Debug, Clone)]
pub struct Question {
    pub name: String,
    pub prompt: String,
    pub kind: Kind,
    pub choices: Vec<String>,
    /// Already rendered against earlier answers, and of the question's type.
    pub default: Option<Value>,
    pub secret: bool,
    check: Option<(Regex, String)>,
}

impl Question {
    /// The question for a placeholder, from how the template uses it and its entry in
    /// template.yaml; `default` is the entry's default, rendered.
    pub fn new(
        name: &str,
        usage: Option<Usage>,
        declared: Option<&Declared>,
        default: Option<Value>,
    ) -> Result<Self, String> {
        let empty = Declared::default();
        let declared = declared.unwrap_or(&empty);
        let kind = declared.kind.unwrap_or_else(|| infer(usage, declared));
        let check = match &declared.regex {
            Some(pattern) => {
                let regex = Regex::new(pattern).map_err(|e| format!("invalid `regex`: {e}"))?;
                let message = declared
                    .regex_message
                    .clone()
                    .unwrap_or_else(|| format!("it must match the regular expression `{pattern}`"));
                Some((regex, message))
            }
            None => None,
        };
        let mut question = Question {
            name: name.to_string(),
            prompt: declared.prompt.clone().unwrap_or_else(|| name.to_string()),
            kind,
            choices: declared.choices.clone(),
            default: None,
            secret: declared.secret,
            check,
        };
        question.default = match default {
            Some(value) => Some(
                question
                    .accept(&value)
                    .map_err(|problem| format!("invalid `default`: {problem}"))?,
            ),
            None => question.implicit_default(),
        };
        Ok(question)
    }

    /// What a yes/no, a list or a choice is without a default: no, none, the first one.
    fn implicit_default(&self) -> Option<Value> {
        match self.kind {
            Kind::Bool => Some(Value::Bool(false)),
            Kind::Multiselect => Some(Value::Array(Vec::new())),
            Kind::Choice => self.choices.first().map(|c| Value::String(c.clone())),
            Kind::String | Kind::Integer => None,
        }
    }

    /// The value of a question that is not asked (its `when` fails): its default, or empty.
    pub fn skipped(&self) -> Value {
        self.default.clone().unwrap_or(match self.kind {
            Kind::Integer => Value::from(0),
            _ => Value::String(String::new()),
        })
    }

    /// An answer typed as text.
    pub fn parse(&self, text: &str) -> Result<Value, String> {
        let value = match self.kind {
            Kind::String => Value::String(text.to_string()),
            Kind::Bool => Value::Bool(parse_bool(text)?),
            Kind::Integer => text
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("`{text}` is not a whole number"))?,
            Kind::Choice => Value::String(self.choice(text.trim())?),
            Kind::Multiselect => Value::Array(
                text.split(',')
                    .map(str::trim)
                    .filter(|item| !item.is_empty())
                    .map(|item| self.item(item).map(Value::String))
                    .collect::<Result<_, _>>()?,
            ),
        };
        self.validate(value)
    }

    /// An answer from YAML: a value of the right type, or text to parse.
    pub fn accept(&self, value: &Value) -> Result<Value, String> {
        match (self.kind, value) {
            (_, Value::String(text)) => self.parse(text),
            (Kind::String, Value::Number(n)) => self.validate(Value::String(n.to_string())),
            (Kind::String, Value::Bool(b)) => self.validate(Value::String(b.to_string())),
            (Kind::Bool, Value::Bool(_)) => Ok(value.clone()),
            (Kind::Integer, Value::Number(n)) if n.is_i64() => Ok(value.clone()),
            (Kind::Multiselect, Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(text) => self.item(text).map(Value::String),
                    other => Err(format!("{other} is not text")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            _ => Err(format!("{value} is not {}", self.expects())),
        }
    }

    fn validate(&self, value: Value) -> Result<Value, String> {
        if let (Some((regex, message)), Value::String(text)) = (&self.check, &value) {
            if !regex.is_match(text) {
                return Err(format!("`{text}` is not valid: {message}"));
            }
        }
        Ok(value)
    }

    fn choice(&self, text: &str) -> Result<String, String> {
        match self.choices.iter().find(|choice| *choice == text) {
            Some(choice) => Ok(choice.clone()),
            None => Err(format!("`{text}` is not {}", self.expects())),
        }
    }

    fn item(&self, text: &str) -> Result<String, String> {
        match self.choices.is_empty() {
            true => Ok(text.to_string()),
            false => self.choice(text),
        }
    }

    /// What an answer must be, for messages: `yes or no`, `one of MIT, GPL`...
    pub fn expects(&self) -> String {
        match self.kind {
            Kind::String => "text".into(),
            Kind::Bool => "yes or no".into(),
            Kind::Integer => "a whole number".into(),
            Kind::Choice => format!("one of {}", self.choices.join(", ")),
            Kind::Multiselect if self.choices.is_empty() => "a comma-separated list".into(),
            Kind::Multiselect => format!("a comma-separated list of {}", self.choices.join(", ")),
        }
    }
}

fn infer(usage: Option<Usage>, declared: &Declared) -> Kind {
    if !declared.choices.is_empty() {
        return Kind::Choice;
    }
    match (&declared.default, usage) {
        (Some(Value::Bool(_)), _) => Kind::Bool,
        (Some(Value::Number(n)), _) if n.is_i64() => Kind::Integer,
        (Some(Value::Array(_)), _) | (_, Some(Usage::List)) => Kind::Multiselect,
        (_, Some(Usage::Flag)) => Kind::Bool,
        _ => Kind::String,
    }
}

/// `--set ci=no`: the words people use for yes and no.
fn parse_bool(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "on" => Ok(true),
        "false" | "no" | "n" | "0" | "off" => Ok(false),
        _ => Err(format!(
            "`{text}` is not yes or no (true/false, yes/no, 1/0)"
        )),
    }
}

/// Asks questions on a terminal; the command line provides one when stdin is a terminal.
pub trait Ask: Send {
    /// Asks until the answer is valid ([`Question::parse`]); `problem` says what was wrong
    /// with the value given on the command line, if any. An error cancels the run.
    fn ask(&mut self, question: &Question, problem: Option<&str>) -> Result<Value, String>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn declared(yaml: &str) -> Declared {
        ironsmith_core::yaml::from_str(yaml).unwrap()
    }

    fn question(yaml: &str, usage: Option<Usage>) -> Question {
        let declared = declared(yaml);
        let default = declared.default.clone();
        Question::new("q", usage, Some(&declared), default).unwrap()
    }

    #[test]
    fn kinds_come_from_type_choices_default_or_usage() {
        assert_eq!(question("{}", Some(Usage::Flag)).kind, Kind::Bool);
        assert_eq!(question("{}", Some(Usage::Text)).kind, Kind::String);
        assert_eq!(question("{}", Some(Usage::List)).kind, Kind::Multiselect);
        assert_eq!(question("{choices: [a]}", None).kind, Kind::Choice);
        assert_eq!(question("{default: 3}", None).kind, Kind::Integer);
        assert_eq!(
            question("{default: true}", Some(Usage::Text)).kind,
            Kind::Bool
        );
        assert_eq!(
            question("{type: string}", Some(Usage::Flag)).kind,
            Kind::String
        );
    }

    #[test]
    fn text_answers_take_the_type_needed() {
        let flag = question("{}", Some(Usage::Flag));
        for no in ["false", "no", "0", "N", "off"] {
            assert_eq!(flag.parse(no).unwrap(), json!(false), "{no}");
        }
        assert_eq!(flag.parse("yes").unwrap(), json!(true));
        assert!(flag.parse("maybe").unwrap_err().contains("not yes or no"));
        let number = question("{type: integer}", None);
        assert_eq!(number.parse(" 42 ").unwrap(), json!(42));
        assert!(number.parse("4.2").is_err());
        let pick = question("{choices: [MIT, GPL]}", None);
        assert_eq!(pick.parse("GPL").unwrap(), json!("GPL"));
        assert!(pick.parse("BSD").unwrap_err().contains("one of MIT, GPL"));
        let many = question("{type: multiselect, choices: [en, fr, de]}", None);
        assert_eq!(many.parse("en, de").unwrap(), json!(["en", "de"]));
        assert!(many.parse("en,xx").is_err());
        let free = question("{}", Some(Usage::List));
        assert_eq!(free.parse("a,b").unwrap(), json!(["a", "b"]));
    }

    #[test]
    fn regex_refuses_with_its_message() {
        let slug = question(
            "{regex: '^[a-z-]+$', regex_message: 'lowercase and dashes'}",
            None,
        );
        assert_eq!(slug.parse("my-site").unwrap(), json!("my-site"));
        let error = slug.parse("My Site").unwrap_err();
        assert!(error.contains("lowercase and dashes"), "{error}");
    }

    #[test]
    fn yaml_answers_are_accepted_when_they_fit() {
        let flag = question("{}", Some(Usage::Flag));
        assert_eq!(flag.accept(&json!(true)).unwrap(), json!(true));
        assert_eq!(flag.accept(&json!("no")).unwrap(), json!(false));
        assert!(flag.accept(&json!(3)).is_err());
        let text = question("{}", Some(Usage::Text));
        assert_eq!(text.accept(&json!(2024)).unwrap(), json!("2024"));
        let many = question("{type: multiselect, choices: [en, fr]}", None);
        assert_eq!(many.accept(&json!(["fr"])).unwrap(), json!(["fr"]));
        assert!(many.accept(&json!([1])).is_err());
    }

    #[test]
    fn defaults_are_checked_and_implicit_ones_are_empty() {
        assert_eq!(
            question("{}", Some(Usage::Flag)).default,
            Some(json!(false))
        );
        assert_eq!(
            question("{choices: [a, b]}", None).default,
            Some(json!("a"))
        );
        assert_eq!(question("{}", Some(Usage::Text)).default, None);
        let declared = declared("{type: integer}");
        let error = Question::new("q", None, Some(&declared), Some(json!("x"))).unwrap_err();
        assert!(error.contains("invalid `default`"), "{error}");
    }
}
