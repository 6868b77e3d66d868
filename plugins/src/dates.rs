//! Reading the dates people write in front matter.
//!
//! YAML has no date type in this toolchain: `date: 2024-03-05` arrives as a string. Every
//! plugin that sorts, formats or publishes dates reads them here, so they agree.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::Value;

/// Parses `2024-03-05`, `2024-03-05 10:30`, `2024-03-05 10:30:00`, `2024-03-05T10:30:00`,
/// and RFC 3339 with a zone (`Z`, `+02:00`). A date without a zone is taken as UTC.
pub fn parse(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    if let Ok(date) = DateTime::parse_from_rfc3339(text) {
        return Some(date);
    }
    if let Ok(date) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f %z") {
        return Some(date);
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Some(utc(naive));
        }
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(utc(date.and_hms_opt(0, 0, 0)?))
}

/// A metadata value as a date: a date string, or a Unix timestamp in seconds.
pub fn from_value(value: &Value) -> Option<DateTime<FixedOffset>> {
    match value {
        Value::String(text) => parse(text),
        Value::Number(seconds) => {
            let seconds = seconds.as_i64()?;
            Some(Utc.timestamp_opt(seconds, 0).single()?.fixed_offset())
        }
        _ => None,
    }
}

fn utc(naive: NaiveDateTime) -> DateTime<FixedOffset> {
    Utc.from_utc_datetime(&naive).fixed_offset()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str) -> String {
        parse(text).map(|d| d.to_rfc3339()).unwrap_or_default()
    }

    #[test]
    fn reads_the_forms_front_matter_uses() {
        assert_eq!(iso("2024-03-05"), "2024-03-05T00:00:00+00:00");
        assert_eq!(iso("2024-03-05 10:30"), "2024-03-05T10:30:00+00:00");
        assert_eq!(iso("2024-03-05 10:30:15"), "2024-03-05T10:30:15+00:00");
        assert_eq!(iso("2024-03-05T10:30:15"), "2024-03-05T10:30:15+00:00");
        assert_eq!(iso("2024-03-05T10:30:00Z"), "2024-03-05T10:30:00+00:00");
        assert_eq!(
            iso("2024-03-05T10:30:00+02:00"),
            "2024-03-05T10:30:00+02:00"
        );
        assert_eq!(
            iso("2024-03-05 10:30:00.5 +0100"),
            "2024-03-05T10:30:00.500+01:00"
        );
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        assert!(parse("yesterday").is_none());
        assert!(parse("2024-13-01").is_none());
        assert!(from_value(&Value::Bool(true)).is_none());
    }

    #[test]
    fn numbers_are_unix_seconds() {
        let date = from_value(&serde_json::json!(86400)).unwrap();
        assert_eq!(date.to_rfc3339(), "1970-01-02T00:00:00+00:00");
    }
}
