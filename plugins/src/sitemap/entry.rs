//! Reading one page's sitemap values from its metadata, each checked so a typo in front
//! matter is an error naming the page rather than a sitemap search engines refuse.

use chrono::{NaiveDate, SecondsFormat};
use ironsmith_core::FileError;
use serde_json::Value;

use crate::dates;

/// The values the sitemap protocol allows for `<changefreq>`.
pub(super) const CHANGEFREQS: [&str; 7] = [
    "always", "hourly", "daily", "weekly", "monthly", "yearly", "never",
];

/// One `<url>` of the sitemap.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Entry {
    pub loc: String,
    pub lastmod: Option<String>,
    pub changefreq: Option<String>,
    pub priority: Option<String>,
}

/// `changefreq`, one of [`CHANGEFREQS`].
pub(super) fn changefreq(value: &Value, key: &str) -> Result<String, String> {
    match value {
        Value::String(text) if CHANGEFREQS.contains(&text.as_str()) => Ok(text.clone()),
        other => Err(format!(
            "`{key}` must be one of {}, found `{}`",
            CHANGEFREQS.join(", "),
            shown(other)
        )),
    }
}

/// A priority from 0.0 to 1.0 (a number, or a number in a string), written as the
/// protocol shows it: `0.5`, `1.0`.
pub(super) fn priority(value: &Value, key: &str) -> Result<String, String> {
    let number = match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    };
    match number {
        Some(number) if (0.0..=1.0).contains(&number) => Ok(if number.fract() == 0.0 {
            format!("{number:.1}")
        } else {
            number.to_string()
        }),
        _ => Err(format!(
            "`{key}` must be a number from 0.0 to 1.0, found `{}`",
            shown(value)
        )),
    }
}

/// A date in the W3C format sitemaps use: `2024-03-05` for a date alone, else the full
/// time with its zone (`2024-03-05T10:30:00Z`).
pub(super) fn lastmod(value: &Value, key: &str) -> Result<String, String> {
    if let Value::String(text) = value {
        if let Ok(date) = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
            return Ok(date.format("%Y-%m-%d").to_string());
        }
    }
    dates::from_value(value)
        .map(|date| date.to_rfc3339_opts(SecondsFormat::Secs, true))
        .ok_or_else(|| {
            format!(
                "`{key}` is not a date: `{}`; write it as 2024-03-05 or 2024-03-05T10:30:00Z",
                shown(value)
            )
        })
}

/// `true`/`false` (and the YAML 1.1 spellings `yes`, `no`, `on`, `off`); missing is `false`.
pub(super) fn flag(value: Option<&Value>, key: &str) -> Result<bool, FileError> {
    match value {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(flag)) => Ok(*flag),
        Some(Value::String(text)) => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" => Ok(true),
            "false" | "no" | "off" => Ok(false),
            _ => Err(not_a_flag(key, value)),
        },
        Some(_) => Err(not_a_flag(key, value)),
    }
}

fn not_a_flag(key: &str, value: Option<&Value>) -> FileError {
    FileError::new(format!(
        "`{key}` must be true or false, found `{}`",
        value.map(shown).unwrap_or_default()
    ))
}

/// A value as front matter wrote it: strings without JSON quotes.
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changefreq_takes_the_protocol_values_only() {
        assert_eq!(
            changefreq(&json!("weekly"), "changefreq").unwrap(),
            "weekly"
        );
        let error = changefreq(&json!("fortnightly"), "changefreq").unwrap_err();
        assert_eq!(
            error,
            "`changefreq` must be one of always, hourly, daily, weekly, monthly, yearly, never, found `fortnightly`"
        );
    }

    #[test]
    fn priority_is_a_number_from_zero_to_one() {
        assert_eq!(priority(&json!(1), "priority").unwrap(), "1.0");
        assert_eq!(priority(&json!(0.85), "priority").unwrap(), "0.85");
        assert_eq!(priority(&json!("0.3"), "priority").unwrap(), "0.3");
        for bad in [json!(1.5), json!(-0.1), json!("high"), json!(true)] {
            let error = priority(&bad, "priority").unwrap_err();
            assert!(error.contains("from 0.0 to 1.0"), "{error}");
        }
    }

    #[test]
    fn lastmod_is_written_in_the_w3c_format() {
        assert_eq!(lastmod(&json!("2024-03-05"), "date").unwrap(), "2024-03-05");
        assert_eq!(
            lastmod(&json!("2024-03-05 10:30"), "date").unwrap(),
            "2024-03-05T10:30:00Z"
        );
        assert_eq!(
            lastmod(&json!("2024-03-05T10:30:00+02:00"), "date").unwrap(),
            "2024-03-05T10:30:00+02:00"
        );
        assert_eq!(
            lastmod(&json!(86400), "date").unwrap(),
            "1970-01-02T00:00:00Z"
        );
        let error = lastmod(&json!("last week"), "updated").unwrap_err();
        assert!(
            error.starts_with("`updated` is not a date: `last week`"),
            "{error}"
        );
    }

    #[test]
    fn flags_read_yaml_spellings_and_refuse_the_rest() {
        assert!(flag(Some(&json!(true)), "private").unwrap());
        assert!(flag(Some(&json!("yes")), "private").unwrap());
        assert!(!flag(None, "private").unwrap());
        assert!(!flag(Some(&json!("off")), "private").unwrap());
        let error = flag(Some(&json!("maybe")), "sitemap").unwrap_err();
        assert_eq!(
            error.message,
            "`sitemap` must be true or false, found `maybe`"
        );
    }
}
