//! The helpers a blog needs out of the box: `date`, `json`, `slug`, `first`, `last`,
//! `limit`, and for docs the `navigation` plugin's `nav-current` and `nav-active`.
//! Comparisons (`eq`, `ne`, `gt`, `and`, `or`, `not`, `len`, ...) are handlebars' own.
//!
//! Each one computes a value (`call_inner`) rather than writing text, so it also works as
//! a subexpression: `{{#each (limit collections.posts 5)}}`, `{{#with (first posts)}}`.

use handlebars::{
    Context, Handlebars, Helper, HelperDef, PathAndJson, RenderContext, RenderError,
    RenderErrorReason, ScopedJson,
};
use serde_json::Value;

use super::date;
use crate::slug::slugify;

/// The format of `{{date value}}`: ISO 8601, what `<time datetime>` wants.
const DEFAULT_DATE_FORMAT: &str = "%Y-%m-%d";

pub fn register(registry: &mut Handlebars<'_>) {
    registry.register_helper("date", Box::new(DateHelper));
    registry.register_helper("json", Box::new(JsonHelper));
    registry.register_helper("slug", Box::new(SlugHelper));
    registry.register_helper("first", Box::new(EndHelper::First));
    registry.register_helper("last", Box::new(EndHelper::Last));
    registry.register_helper("limit", Box::new(LimitHelper));
    crate::navigation::register_helpers(registry);
}

fn failure(message: String) -> RenderError {
    RenderErrorReason::Other(message).into()
}

/// What a parameter holds: `None` when it is missing or null, so optional fields render
/// as nothing, as a plain `{{field}}` does.
fn present<'a>(param: Option<&'a PathAndJson<'_>>) -> Option<&'a Value> {
    param
        .map(PathAndJson::value)
        .filter(|value| !value.is_null())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// `{{date value "%B %e, %Y"}}`, `{{date value}}` (ISO date), and plain `{{date}}`; a
/// value is a date as `crate::dates` reads it (`2024-03-05`, RFC 3339, Unix seconds).
///
/// Handlebars calls a helper before looking up a field of the same name, so a bare
/// `{{date}}` reaches this helper; it prints the current `date` field, as it did before the
/// helper existed (`<time datetime="{{date}}">` in existing layouts).
struct DateHelper;

impl HelperDef for DateHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        if h.params().is_empty() && h.hash().is_empty() {
            return rc.evaluate(ctx, "date");
        }
        if h.params().len() > 2 {
            return Err(failure(
                "`date` takes a date and a format: {{date date \"%B %e, %Y\"}}".to_string(),
            ));
        }
        let value = h.param(0).map(PathAndJson::value);
        let format = h.param(1).map(PathAndJson::value);
        match format_date(value, format).map_err(failure)? {
            Some(formatted) => Ok(ScopedJson::Derived(Value::String(formatted))),
            None => Ok(ScopedJson::Missing),
        }
    }
}

/// `{{date value format}}`'s text: `None` when the value is missing or null, so an
/// optional date renders as nothing.
pub(super) fn format_date(
    value: Option<&Value>,
    format: Option<&Value>,
) -> Result<Option<String>, String> {
    let Some(value) = value.filter(|value| !value.is_null()) else {
        return Ok(None);
    };
    let format = match format {
        None => DEFAULT_DATE_FORMAT,
        Some(Value::String(format)) => format,
        Some(other) => {
            return Err(format!(
                "`date` format must be text such as \"%B %e, %Y\", not {}",
                kind(other)
            ))
        }
    };
    let parsed = crate::dates::from_value(value).ok_or_else(|| match value {
        Value::String(text) => format!(
            "`date` cannot read `{text}` as a date: write 2024-03-05, \
             2024-03-05 10:30 or 2024-03-05T10:30:00+02:00"
        ),
        other => format!(
            "`date` needs a date such as 2024-03-05, not {}",
            kind(other)
        ),
    })?;
    date::format(&parsed, format).map(Some)
}

/// `{{{json value}}}`, `{{{json value pretty=true}}}`: data for scripts.
///
/// `<`, `>` and `&` are written as `\u003c`..., still valid JSON, so a value holding
/// `</script>` cannot end the script element it is embedded in.
struct JsonHelper;

impl HelperDef for JsonHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let value = h.param(0).map_or(&Value::Null, PathAndJson::value);
        let pretty = h
            .hash_get("pretty")
            .is_some_and(|pretty| pretty.value() == &Value::Bool(true));
        let text = if pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        }
        .map_err(|error| failure(format!("`json`: {error}")))?;
        Ok(ScopedJson::Derived(Value::String(script_safe(&text))))
    }
}

fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// `{{slug title}}`: the same slugs the markdown plugin gives headings.
struct SlugHelper;

impl HelperDef for SlugHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let slug = match present(h.param(0)) {
            None => String::new(),
            Some(Value::String(text)) => slugify(text),
            Some(value @ (Value::Number(_) | Value::Bool(_))) => slugify(&value.to_string()),
            Some(other) => return Err(failure(format!("`slug` needs text, not {}", kind(other)))),
        };
        Ok(ScopedJson::Derived(Value::String(slug)))
    }
}

/// The list a list helper works on; `None` when it is missing or null.
fn list<'a>(
    name: &str,
    param: Option<&'a PathAndJson<'_>>,
) -> Result<Option<&'a [Value]>, RenderError> {
    match present(param) {
        None => Ok(None),
        Some(Value::Array(items)) => Ok(Some(items)),
        Some(other) => Err(failure(format!(
            "`{name}` needs a list, not {}",
            kind(other)
        ))),
    }
}

fn count(name: &str, param: Option<&PathAndJson<'_>>) -> Result<usize, RenderError> {
    param
        .and_then(|count| count.value().as_u64())
        .and_then(|count| usize::try_from(count).ok())
        .ok_or_else(|| {
            failure(format!(
                "`{name}` needs a count of items, a whole number from 0: {{{{{name} list 3}}}}"
            ))
        })
}

/// `{{first list}}` is the first item, `{{first list 3}}` a list of the first three;
/// `last` likewise from the end.
enum EndHelper {
    First,
    Last,
}

impl HelperDef for EndHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let name = match self {
            EndHelper::First => "first",
            EndHelper::Last => "last",
        };
        let Some(items) = list(name, h.param(0))? else {
            return Ok(ScopedJson::Missing);
        };
        let value = if h.param(1).is_none() {
            let item = match self {
                EndHelper::First => items.first(),
                EndHelper::Last => items.last(),
            };
            item.cloned().unwrap_or(Value::Null)
        } else {
            let n = count(name, h.param(1))?.min(items.len());
            let slice = match self {
                EndHelper::First => &items[..n],
                EndHelper::Last => &items[items.len() - n..],
            };
            Value::Array(slice.to_vec())
        };
        Ok(ScopedJson::Derived(value))
    }
}

/// `{{#each (limit collections.posts 5)}}`: at most that many items, from the start.
struct LimitHelper;

impl HelperDef for LimitHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let n = count("limit", h.param(1))?;
        let Some(items) = list("limit", h.param(0))? else {
            return Ok(ScopedJson::Missing);
        };
        Ok(ScopedJson::Derived(Value::Array(
            items[..n.min(items.len())].to_vec(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(template: &str, data: Value) -> Result<String, String> {
        let mut registry = Handlebars::new();
        register(&mut registry);
        registry
            .render_template(template, &data)
            .map_err(|error| error.reason().to_string())
    }

    fn ok(template: &str, data: Value) -> String {
        render(template, data).unwrap()
    }

    #[test]
    fn date_formats_the_four_front_matter_forms() {
        let data = json!({
            "a": "2024-03-05",
            "b": "2024-03-05 10:30",
            "c": "2024-03-05T10:30:00Z",
            "d": "2024-03-05T10:30:00+02:00",
        });
        let template = "{{date a \"%B %e, %Y\"}}|{{date b \"%H:%M %d.%m\"}}|\
                        {{date c \"%Y %H:%M %z\"}}|{{date d \"%-d %b %H:%M %:z\"}}|{{date a}}";
        assert_eq!(
            ok(template, data),
            "March  5, 2024|10:30 05.03|2024 10:30 +0000|5 Mar 10:30 +02:00|2024-03-05"
        );
    }

    #[test]
    fn bare_date_still_prints_the_field() {
        let data = json!({"date": "2024-03-05", "posts": [{"date": "2023-01-02"}, {"title": "x"}]});
        assert_eq!(
            ok("<time datetime=\"{{date}}\">{{date}}</time>", data.clone()),
            "<time datetime=\"2024-03-05\">2024-03-05</time>"
        );
        assert_eq!(
            ok("{{#each posts}}[{{date}}]{{/each}}", data.clone()),
            "[2023-01-02][]"
        );
        assert_eq!(ok("{{date}}", json!({"date": "<b>"})), "&lt;b&gt;");
        assert_eq!(ok("{{{date}}}", json!({"date": "<b>"})), "<b>");
        assert_eq!(
            ok(
                "{{#if date}}y{{/if}}{{date.year}}",
                json!({"date": {"year": 1}})
            ),
            "y1"
        );
        assert_eq!(ok("[{{date}}]", json!({})), "[]");
    }

    #[test]
    fn date_errors_say_what_to_write() {
        let error = render("{{date d \"%B\"}}", json!({"d": "yesterday"})).unwrap_err();
        assert!(
            error.contains("cannot read `yesterday` as a date"),
            "{error}"
        );
        let error = render("{{date d \"%Q\"}}", json!({"d": "2024-01-01"})).unwrap_err();
        assert!(error.contains("not a date format"), "{error}");
        let error = render("{{date d 3}}", json!({"d": "2024-01-01"})).unwrap_err();
        assert!(error.contains("format must be text"), "{error}");
        let error = render("{{date d}}", json!({"d": [2024]})).unwrap_err();
        assert!(error.contains("not a list"), "{error}");
        assert_eq!(
            ok("{{date t \"%Y %H:%M\"}}", json!({"t": 86_400 * 366 + 60})),
            "1971 00:01"
        );
        assert_eq!(ok("[{{date missing \"%Y\"}}]", json!({})), "[]");
    }

    #[test]
    fn json_is_safe_inside_a_script() {
        let data = json!({"page": {"title": "</script><b>&", "n": [1, 2]}});
        let out = ok("{{{json page}}}", data.clone());
        assert_eq!(
            out,
            r#"{"title":"\u003c/script\u003e\u003cb\u003e\u0026","n":[1,2]}"#
        );
        let parsed: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed, data["page"]);
        assert_eq!(ok("{{{json page.n pretty=true}}}", data), "[\n  1,\n  2\n]");
        assert_eq!(ok("{{{json missing}}}", json!({})), "null");
        assert_eq!(ok("{{json s}}", json!({"s": "a"})), "&quot;a&quot;");
    }

    #[test]
    fn slug_matches_heading_ids() {
        assert_eq!(
            ok("{{slug t}}", json!({"t": "Héllo, Wörld!"})),
            "hello-world"
        );
        assert_eq!(ok("{{slug n}}", json!({"n": 2024})), "2024");
        assert_eq!(ok("[{{slug missing}}]", json!({})), "[]");
        let error = render("{{slug t}}", json!({"t": [1]})).unwrap_err();
        assert!(error.contains("`slug` needs text, not a list"), "{error}");
    }

    #[test]
    fn first_last_and_limit() {
        let data = json!({"posts": [{"t": "a"}, {"t": "b"}, {"t": "c"}], "empty": []});
        assert_eq!(
            ok("{{#with (first posts)}}{{t}}{{/with}}", data.clone()),
            "a"
        );
        assert_eq!(
            ok("{{#with (last posts)}}{{t}}{{/with}}", data.clone()),
            "c"
        );
        assert_eq!(
            ok(
                "{{#each (first posts 2)}}{{t}}{{/each}}|{{#each (last posts 2)}}{{t}}{{/each}}",
                data.clone()
            ),
            "ab|bc"
        );
        assert_eq!(
            ok(
                "{{#each (limit posts 2)}}{{t}}{{/each}}|{{#each (limit posts 9)}}{{t}}{{/each}}",
                data.clone()
            ),
            "ab|abc"
        );
        assert_eq!(ok("{{len (limit posts 0)}}", data.clone()), "0");
        assert_eq!(
            ok("[{{first empty}}][{{last missing}}]", data.clone()),
            "[][]"
        );
        let error = render("{{limit posts -1}}", data.clone()).unwrap_err();
        assert!(
            error.contains("a whole number from 0: {{limit list 3}}"),
            "{error}"
        );
        let error = render("{{first posts.0}}", data).unwrap_err();
        assert!(error.contains("`first` needs a list, not a map"), "{error}");
    }

    #[test]
    fn handlebars_comparisons_are_there() {
        let data = json!({"a": 1, "b": 1, "t": true, "f": false});
        assert_eq!(
            ok("{{#if (eq a b)}}eq{{/if}} {{#if (and t f)}}and{{else}}nand{{/if}} {{#if (or f t)}}or{{/if}} {{#unless (ne a b)}}same{{/unless}}", data),
            "eq nand or same"
        );
    }
}
