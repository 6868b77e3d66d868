//! Formatting dates with strftime patterns, for the `date` helper. Reading them is
//! `crate::dates`' job, so every plugin agrees on what a date is.

use std::fmt::Write;

use chrono::format::StrftimeItems;
use chrono::{DateTime, FixedOffset};

/// Formats with a strftime pattern (`%B %e, %Y`); a pattern chrono cannot use is an error
/// rather than a panic in the middle of a page.
pub fn format(date: &DateTime<FixedOffset>, pattern: &str) -> Result<String, String> {
    let invalid = || {
        format!(
            "`{pattern}` is not a date format: use strftime specifiers such as \
             %Y, %m, %d, %B, %e, %H, %M"
        )
    };
    let items = StrftimeItems::new(pattern).parse().map_err(|_| invalid())?;
    let mut out = String::with_capacity(pattern.len() + 16);
    write!(out, "{}", date.format_with_items(items.iter())).map_err(|_| invalid())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_strftime_and_refuses_bad_patterns() {
        let date = DateTime::parse_from_rfc3339("2024-03-05T10:30:00+02:00").unwrap();
        assert_eq!(format(&date, "%B %e, %Y").unwrap(), "March  5, 2024");
        assert_eq!(
            format(&date, "%-d %b %H:%M %:z").unwrap(),
            "5 Mar 10:30 +02:00"
        );
        assert_eq!(format(&date, "plain").unwrap(), "plain");
        let error = format(&date, "%Q").unwrap_err();
        assert!(error.contains("`%Q` is not a date format"), "{error}");
    }
}
