//! The `exec` step's options, as written in the configuration.

use std::time::Duration;

use ironsmith_core::Pattern;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// The program and its arguments, run from the site root without a shell.
    pub command: Vec<String>,
    /// The files sent to the command; the others stay as they are (it may still change them).
    pub pattern: Pattern,
    /// How long the command may run before it and its children are killed.
    pub timeout: Timeout,
    /// Send each file's contents; `false` sends paths and metadata only, which is faster.
    pub contents: bool,
    /// Anything the command wants to be told: passed as is in the first line it reads.
    pub options: Value,
    /// The step's name in errors, warnings and timings (two exec steps are told apart).
    pub name: Option<String>,
    /// Start the command when the build starts, so its start-up (an interpreter loading)
    /// overlaps the steps before it; it reads nothing until its step.
    pub start_early: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            command: Vec::new(),
            pattern: Pattern::new(&["**"]).unwrap_or_else(|_| unreachable!("a valid glob")),
            timeout: Timeout(Duration::from_secs(60)),
            contents: true,
            options: Value::Object(serde_json::Map::new()),
            name: None,
            start_early: true,
        }
    }
}

impl Options {
    /// Checks what serde cannot: a program to run, and a name that is not empty.
    pub fn validate(&self) -> Result<(), String> {
        if self
            .command
            .first()
            .map(String::as_str)
            .unwrap_or_default()
            .is_empty()
        {
            return Err(
                "`command` must name a program and its arguments, such as [\"python3\", \"plugins/word_count.py\"]"
                    .into(),
            );
        }
        if self
            .name
            .as_deref()
            .is_some_and(|name| name.trim().is_empty())
        {
            return Err("`name` must not be empty: leave it out to call the step `exec`".into());
        }
        Ok(())
    }
}

/// A time limit: `30s`, `500ms`, `2m`, or a number of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeout(pub Duration);

impl<'de> Deserialize<'de> for Timeout {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Seconds(f64),
            Text(String),
        }
        let duration = match Written::deserialize(deserializer)
            .map_err(|_| serde::de::Error::custom(TIMEOUT_FORMS))?
        {
            Written::Seconds(seconds) => seconds_to_duration(seconds),
            Written::Text(text) => parse_duration(&text),
        };
        duration.map(Timeout).map_err(serde::de::Error::custom)
    }
}

const TIMEOUT_FORMS: &str = "expected a time such as `30s`, `500ms`, `2m` or a number of seconds";

fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{text}`: {TIMEOUT_FORMS}"))?;
    let seconds = match unit.trim() {
        "ms" => number / 1000.0,
        "" | "s" => number,
        "m" | "min" => number * 60.0,
        "h" => number * 3600.0,
        _ => return Err(format!("`{text}`: {TIMEOUT_FORMS}")),
    };
    seconds_to_duration(seconds)
}

fn seconds_to_duration(seconds: f64) -> Result<Duration, String> {
    if seconds > 0.0 && seconds.is_finite() {
        Duration::try_from_secs_f64(seconds).map_err(|e| e.to_string())
    } else {
        Err(format!(
            "the timeout must be more than 0 seconds, found {seconds}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironsmith_core::parse_options;
    use serde_json::json;

    fn parse(options: Value) -> Result<Options, String> {
        let options: Options = parse_options(&options)?;
        options.validate()?;
        Ok(options)
    }

    #[test]
    fn defaults() {
        let options = parse(json!({"command": ["true"]})).unwrap();
        assert_eq!(options.timeout, Timeout(Duration::from_secs(60)));
        assert!(options.pattern.is_match("deep/down/a.png"));
        assert!(options.contents);
        assert_eq!(options.options, json!({}));
        assert_eq!(options.name, None);
    }

    #[test]
    fn every_option() {
        let options = parse(json!({
            "command": ["node", "x.mjs"],
            "pattern": "*.html",
            "timeout": "1.5s",
            "contents": false,
            "options": {"min": 3},
            "name": "word-count",
        }))
        .unwrap();
        assert_eq!(options.command, ["node", "x.mjs"]);
        assert!(options.pattern.is_match("a.html") && !options.pattern.is_match("a/b.html"));
        assert_eq!(options.timeout.0, Duration::from_millis(1500));
        assert!(!options.contents);
        assert_eq!(options.options, json!({"min": 3}));
        assert_eq!(options.name.as_deref(), Some("word-count"));
    }

    #[test]
    fn timeouts_in_every_unit() {
        for (written, expected) in [
            (json!("500ms"), Duration::from_millis(500)),
            (json!("30s"), Duration::from_secs(30)),
            (json!("30"), Duration::from_secs(30)),
            (json!("2m"), Duration::from_secs(120)),
            (json!("1h"), Duration::from_secs(3600)),
            (json!(2), Duration::from_secs(2)),
            (json!(0.25), Duration::from_millis(250)),
        ] {
            let options = parse(json!({"command": ["x"], "timeout": written})).unwrap();
            assert_eq!(options.timeout.0, expected, "{written}");
        }
    }

    #[test]
    fn bad_timeouts_say_what_is_expected() {
        for (written, wanted) in [
            (json!("soon"), "`soon`: expected a time such as `30s`"),
            (json!("3 days"), "`3 days`: expected a time"),
            (json!(0), "more than 0 seconds"),
            (json!(-1), "more than 0 seconds"),
            (json!([1]), "expected a time such as"),
        ] {
            let error = parse(json!({"command": ["x"], "timeout": written})).unwrap_err();
            assert!(error.starts_with("option `timeout`: "), "{error}");
            assert!(error.contains(wanted), "{written}: {error}");
        }
    }

    #[test]
    fn a_command_is_required() {
        for options in [
            json!(null),
            json!({"command": []}),
            json!({"command": [""]}),
        ] {
            let error = parse(options).unwrap_err();
            assert!(error.contains("`command` must name a program"), "{error}");
        }
        let error = parse(json!({"command": "python3 x.py"})).unwrap_err();
        assert!(
            error.contains("option `command`: invalid type: string"),
            "{error}"
        );
    }

    #[test]
    fn an_empty_name_and_unknown_keys_are_refused() {
        let error = parse(json!({"command": ["x"], "name": " "})).unwrap_err();
        assert!(error.contains("`name` must not be empty"), "{error}");
        let error = parse(json!({"command": ["x"], "timout": "1s"})).unwrap_err();
        assert!(error.contains("unknown field `timout`"), "{error}");
    }
}
