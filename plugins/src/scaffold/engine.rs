//! The handlebars set-up shared by every scaffold step: strict rendering, no HTML escaping
//! (templates make source code and configuration, not only HTML), the case helpers, and
//! Mustache-style sections (`{{#flag}}…{{/flag}}`), which handlebars-rust lacks.
//!
//! Handlebars calls a helper rather than reading a value of the same name, so `{{title}}`
//! would call the `title` helper; with no argument, a case helper gives the value named
//! like it instead, and `title` stays a usable placeholder.

use handlebars::template::Template;
use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, JsonRender, JsonTruthy, Output,
    RenderContext, RenderError, RenderErrorReason, Renderable, ScopedJson,
};
use heck::{ToKebabCase, ToLowerCamelCase, ToSnakeCase, ToTitleCase, ToUpperCamelCase};
use ironsmith_core::{FileError, Location};
use serde_json::Value;

/// What a value's `/` becomes in a rendered file name, so a value can never add a folder:
/// a character from Unicode's private use area, which no template writes by accident.
pub const VALUE_SLASH: char = '\u{E000}';

/// Helpers handlebars registers itself: their names are never placeholders.
const HELPERS: [&str; 17] = [
    "if", "unless", "each", "with", "lookup", "raw", "log", "eq", "ne", "gt", "gte", "lt", "lte",
    "and", "or", "not", "len",
];

/// Text to text in another case.
type Convert = fn(&str) -> String;

/// Our case helpers, through `heck`.
const CASES: [(&str, Convert); 7] = [
    ("snake", |text| text.to_snake_case()),
    ("kebab", |text| text.to_kebab_case()),
    ("camel", |text| text.to_lower_camel_case()),
    ("pascal", |text| text.to_upper_camel_case()),
    ("title", |text| text.to_title_case()),
    ("upper", str::to_uppercase),
    ("lower", str::to_lowercase),
];

/// Values every template gets without asking.
pub const BUILT_INS: [&str; 3] = ["year", "date", "dest_name"];

/// Whether `name` is one of handlebars' own helpers, which cannot be a placeholder.
pub fn is_helper(name: &str) -> bool {
    HELPERS.contains(&name)
}

/// The two registries: one for contents, one for file names.
#[derive(Debug)]
pub struct Engine {
    pub contents: Handlebars<'static>,
    pub names: Handlebars<'static>,
}

impl Default for Engine {
    fn default() -> Self {
        let mut contents = registry();
        contents.register_escape_fn(handlebars::no_escape);
        let mut names = registry();
        names.register_escape_fn(|value| value.replace('/', &VALUE_SLASH.to_string()));
        Engine { contents, names }
    }
}

fn registry() -> Handlebars<'static> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    for (name, convert) in CASES {
        registry.register_helper(name, Box::new(Case(convert)));
    }
    registry.register_helper("blockHelperMissing", Box::new(Section));
    registry
}

/// `{{kebab name}}`: the argument's text in another case; `{{kebab}}`: the value `kebab`.
#[derive(Clone, Copy)]
struct Case(Convert);

impl HelperDef for Case {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        helper: &Helper<'rc>,
        registry: &'reg Handlebars<'reg>,
        context: &'rc Context,
        render: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let Some(param) = helper.param(0) else {
            let value = render.evaluate(context, helper.name())?;
            if value.is_missing() {
                let name = helper.name().to_string();
                return Err(RenderErrorReason::MissingVariable(Some(name)).into());
            }
            return Ok(value);
        };
        if registry.strict_mode() && param.is_value_missing() {
            let name = param.relative_path().cloned();
            return Err(RenderErrorReason::MissingVariable(name).into());
        }
        let converted = (self.0)(&param.value().render());
        Ok(ScopedJson::Derived(Value::String(converted)))
    }
}

/// `{{#flag}}yes{{else}}no{{/flag}}`: the block when the value is truthy, as in Mustache.
#[derive(Debug, Clone, Copy)]
struct Section;

impl HelperDef for Section {
    fn call<'reg: 'rc, 'rc>(
        &self,
        helper: &Helper<'rc>,
        registry: &'reg Handlebars<'reg>,
        context: &'rc Context,
        render: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let value = render.evaluate(context, helper.name())?;
        if value.is_missing() {
            return Err(RenderErrorReason::MissingVariable(Some(helper.name().to_string())).into());
        }
        let branch = match value.as_json().is_truthy(false) {
            true => helper.template(),
            false => helper.inverse(),
        };
        match branch {
            Some(template) => template.render(registry, context, render, out),
            None => Ok(()),
        }
    }
}

/// Renders a compiled template to text.
pub fn render(
    template: &Template,
    registry: &Handlebars<'static>,
    context: &Context,
) -> Result<String, RenderError> {
    let mut render_context = RenderContext::new(None);
    let mut out = Text(String::new());
    template.render(registry, context, &mut render_context, &mut out)?;
    Ok(out.0)
}

/// Output straight into a string.
struct Text(String);

impl Output for Text {
    fn write(&mut self, segment: &str) -> std::io::Result<()> {
        self.0.push_str(segment);
        Ok(())
    }

    fn write_fmt(&mut self, args: std::fmt::Arguments<'_>) -> std::io::Result<()> {
        std::fmt::Write::write_fmt(&mut self.0, args).map_err(std::io::Error::other)
    }
}

/// `{{#if CONDITION}}`: compiled once, true when the block renders.
pub fn condition(condition: &str) -> Result<Template, String> {
    Template::compile(&format!("{{{{#if {condition}}}}}y{{{{/if}}}}"))
        .map_err(|error| format!("invalid condition `{condition}`: {}", error.reason()))
}

/// Whether a compiled [`condition`] holds for these values.
pub fn holds(
    condition: &Template,
    registry: &Handlebars<'static>,
    context: &Context,
) -> Result<bool, String> {
    render(condition, registry, context)
        .map(|text| text == "y")
        .map_err(|error| error.reason().to_string())
}

/// A parse error as the file's line and column and what to do.
pub fn syntax_error(error: &handlebars::TemplateError) -> FileError {
    let message = format!(
        "{}: fix the handlebars syntax, or list the file under `copy_without_render` in template.yaml to copy it as it is",
        error.reason()
    );
    let (line, column) = error.pos().unzip();
    locate(FileError::new(message), line, column)
}

/// A render error as the file's line and column and what to do.
pub fn render_error(error: &RenderError) -> FileError {
    let message = match error.reason() {
        RenderErrorReason::MissingVariable(Some(name)) => format!(
            "`{name}` has no value: fix the name, or write `\\{{{{{name}}}}}` to keep the braces"
        ),
        other => other.to_string(),
    };
    locate(FileError::new(message), error.line_no, error.column_no)
}

fn locate(error: FileError, line: Option<usize>, column: Option<usize>) -> FileError {
    match (line, column) {
        (Some(line), Some(column)) => error.at(Location { line, column }),
        _ => error,
    }
}

/// A value as a placeholder shows it in text: lists joined with `, `.
pub fn text(value: &Value) -> String {
    match value {
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        other => other.render(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(registry: &Handlebars<'static>, source: &str, data: Value) -> Result<String, String> {
        let template = Template::compile(source).map_err(|e| e.to_string())?;
        render(&template, registry, &Context::wraps(data).unwrap()).map_err(|e| e.to_string())
    }

    #[test]
    fn case_helpers_use_heck() {
        let engine = Engine::default();
        let data = json!({"name": "My Great Site"});
        let source = "{{snake name}} {{kebab name}} {{camel name}} {{pascal name}} {{title (snake name)}} {{upper name}} {{lower name}}";
        assert_eq!(
            run(&engine.contents, source, data).unwrap(),
            "my_great_site my-great-site myGreatSite MyGreatSite My Great Site MY GREAT SITE my great site"
        );
        let data = json!({"title": "Hello", "upper": true});
        assert_eq!(
            run(&engine.contents, "{{title}} {{upper}}", data).unwrap(),
            "Hello true"
        );
        let error = run(&engine.contents, "{{kebab nope}}", json!({})).unwrap_err();
        assert!(error.contains("nope"), "{error}");
    }

    #[test]
    fn contents_are_not_html_escaped_and_names_mark_value_slashes() {
        let engine = Engine::default();
        let data = json!({"name": "A&B/c"});
        assert_eq!(
            run(&engine.contents, "{{name}}", data.clone()).unwrap(),
            "A&B/c"
        );
        assert_eq!(
            run(&engine.names, "x/{{name}}/{{lower name}}", data).unwrap(),
            format!("x/A&B{VALUE_SLASH}c/a&b{VALUE_SLASH}c")
        );
    }

    #[test]
    fn sections_render_on_truthy_values() {
        let engine = Engine::default();
        let source = "{{#ci}}yes{{else}}no{{/ci}}";
        assert_eq!(
            run(&engine.contents, source, json!({"ci": true})).unwrap(),
            "yes"
        );
        assert_eq!(
            run(&engine.contents, source, json!({"ci": false})).unwrap(),
            "no"
        );
        let error = run(&engine.contents, source, json!({})).unwrap_err();
        assert!(error.contains("ci"), "{error}");
    }

    #[test]
    fn strict_rendering_names_the_line() {
        let engine = Engine::default();
        let template = Template::compile("a\nb {{#each items}}{{this.nme}}{{/each}}").unwrap();
        let context = Context::wraps(json!({"items": [{"name": "x"}]})).unwrap();
        let error = render(&template, &engine.contents, &context).unwrap_err();
        let error = render_error(&error);
        assert_eq!(error.location.map(|l| l.line), Some(2));
        assert!(
            error.message.contains("`this.nme` has no value"),
            "{}",
            error.message
        );
    }

    #[test]
    fn conditions_hold_or_not() {
        let engine = Engine::default();
        let check = condition("(eq license \"MIT\")").unwrap();
        let mit = Context::wraps(json!({"license": "MIT"})).unwrap();
        let gpl = Context::wraps(json!({"license": "GPL"})).unwrap();
        assert!(holds(&check, &engine.contents, &mit).unwrap());
        assert!(!holds(&check, &engine.contents, &gpl).unwrap());
        assert!(condition("(eq").is_err());
    }

    #[test]
    fn syntax_errors_are_located() {
        let error = Template::compile("a\n{{#if x}}\n{{name").unwrap_err();
        let error = syntax_error(&error);
        assert_eq!(error.location.map(|l| l.line), Some(3));
        assert!(
            error.message.contains("copy_without_render"),
            "{}",
            error.message
        );
    }

    #[test]
    fn lists_show_joined() {
        assert_eq!(text(&json!(["a", "b"])), "a, b");
        assert_eq!(text(&json!(3)), "3");
    }
}
