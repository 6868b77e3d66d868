//! The plugin's options: `@metalsmith/layouts`' names and defaults, plus the folders
//! ironsmith reads partials and Rhai helpers from.

use std::collections::BTreeMap;

use ironsmith_core::Pattern;
use serde::{Deserialize, Deserializer};

use super::names;

/// The options as a configuration writes them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// Which files get a layout (`**/*.html`).
    pub pattern: Pattern,
    /// The layout of pages whose front matter names none; `layout: false` still opts out.
    pub default: Option<String>,
    /// Where layouts live, relative to the site root (`layouts`).
    pub directory: String,
    /// Where partials live, relative to the site root (`<directory>/partials`); a folder set
    /// here must exist, the default one may be absent.
    pub partials: Option<String>,
    /// Where `*.rhai` helpers live, relative to the site root (`helpers`); a folder set here
    /// must exist, the default one may be absent.
    pub helpers: Option<String>,
    /// The handlebars settings Metalsmith passes to its engine.
    pub engine_options: EngineOptions,
    /// Metalsmith fails a build where no file gets a layout; this allows it.
    pub suppress_no_files_error: bool,
    /// Metalsmith's template engine; only handlebars is built in.
    #[serde(alias = "engine")]
    pub transform: Transform,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pattern: default_pattern(),
            default: None,
            directory: "layouts".to_string(),
            partials: None,
            helpers: None,
            engine_options: EngineOptions::default(),
            suppress_no_files_error: false,
            transform: Transform::Handlebars,
        }
    }
}

fn default_pattern() -> Pattern {
    Pattern::new(&["**/*.html"]).unwrap_or_else(|_| unreachable!("a valid glob"))
}

impl Options {
    /// Checks what serde cannot: settings that contradict each other or name unsafe paths.
    pub fn check(&self) -> Result<(), String> {
        if let Some(default) = &self.default {
            names::clean(default).map_err(|problem| format!("option `default`: {problem}"))?;
        }
        if self.partials.is_some()
            && matches!(
                self.engine_options.partials,
                Some(EnginePartials::Folder(_))
            )
        {
            return Err(
                "options `partials` and `engineOptions.partials` both name a partials folder: \
                 keep one"
                    .to_string(),
            );
        }
        Ok(())
    }

    /// The partials folder, relative to the site root, and whether the user chose it.
    pub fn partials_folder(&self) -> (String, bool) {
        let chosen = match &self.engine_options.partials {
            Some(EnginePartials::Folder(folder)) => Some(folder),
            _ => self.partials.as_ref(),
        };
        match chosen {
            Some(folder) => (folder.clone(), true),
            None => (format!("{}/partials", self.directory), false),
        }
    }

    /// The helpers folder, relative to the site root, and whether the user chose it.
    pub fn helpers_folder(&self) -> (String, bool) {
        match &self.helpers {
            Some(folder) => (folder.clone(), true),
            None => ("helpers".to_string(), false),
        }
    }

    /// Partials written in the configuration itself, as jstransformer-handlebars takes them.
    pub fn inline_partials(&self) -> Option<&BTreeMap<String, String>> {
        match &self.engine_options.partials {
            Some(EnginePartials::Inline(partials)) => Some(partials),
            _ => None,
        }
    }
}

/// The handlebars options of jstransformer-handlebars that ironsmith's engine honours.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct EngineOptions {
    /// `{name: template}` partials, or a partials folder.
    pub partials: Option<EnginePartials>,
    /// A missing field is an error instead of empty output.
    pub strict: bool,
    /// `{{value}}` writes HTML unescaped, like `{{{value}}}`.
    pub no_escape: bool,
}

/// `engineOptions.partials`: a folder, or templates by name.
#[derive(Debug, Clone)]
pub enum EnginePartials {
    Folder(String),
    Inline(BTreeMap<String, String>),
}

impl<'de> Deserialize<'de> for EnginePartials {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Folder(String),
            Inline(BTreeMap<String, String>),
        }
        match Shape::deserialize(deserializer) {
            Ok(Shape::Folder(folder)) => Ok(EnginePartials::Folder(folder)),
            Ok(Shape::Inline(partials)) => Ok(EnginePartials::Inline(partials)),
            Err(_) => Err(serde::de::Error::custom(
                "expected a partials folder or a map of partial names to templates",
            )),
        }
    }
}

/// The template engine; a Metalsmith configuration names it by its jstransformer.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    #[default]
    Handlebars,
}

impl<'de> Deserialize<'de> for Transform {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        match name.as_str() {
            "handlebars" | "hbs" | "jstransformer-handlebars" => Ok(Transform::Handlebars),
            other => Err(serde::de::Error::custom(format!(
                "`{other}` is not available: ironsmith's layouts render handlebars only \
                 (`transform: handlebars`)"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironsmith_core::parse_options;
    use serde_json::json;

    fn parse(value: serde_json::Value) -> Result<Options, String> {
        let options: Options = parse_options(&value)?;
        options.check()?;
        Ok(options)
    }

    #[test]
    fn defaults_follow_metalsmith() {
        let options = parse(json!(true)).unwrap();
        assert!(options.pattern.is_match("posts/a.html"));
        assert!(!options.pattern.is_match("a.md"));
        assert_eq!(options.directory, "layouts");
        assert_eq!(options.default, None);
        assert_eq!(
            options.partials_folder(),
            ("layouts/partials".to_string(), false)
        );
        assert_eq!(options.helpers_folder(), ("helpers".to_string(), false));
        assert!(!options.suppress_no_files_error);
    }

    #[test]
    fn metalsmith_names_are_accepted() {
        let options = parse(json!({
            "default": "page.hbs",
            "directory": "templates",
            "pattern": ["*.html", "docs/**"],
            "suppressNoFilesError": true,
            "transform": "hbs",
            "engineOptions": {"partials": {"nav": "<nav/>"}, "strict": true, "noEscape": true},
        }))
        .unwrap();
        assert_eq!(options.default.as_deref(), Some("page.hbs"));
        assert_eq!(
            options.partials_folder(),
            ("templates/partials".to_string(), false)
        );
        assert_eq!(options.inline_partials().unwrap()["nav"], "<nav/>");
        assert!(options.engine_options.strict && options.engine_options.no_escape);
        assert!(options.suppress_no_files_error);
        let options = parse(json!({"engine": "handlebars", "helpers": "lib"})).unwrap();
        assert_eq!(options.helpers_folder(), ("lib".to_string(), true));
    }

    #[test]
    fn engine_options_partials_may_name_a_folder_once() {
        let options = parse(json!({"engineOptions": {"partials": "parts"}})).unwrap();
        assert_eq!(options.partials_folder(), ("parts".to_string(), true));
        let error =
            parse(json!({"partials": "a", "engineOptions": {"partials": "b"}})).unwrap_err();
        assert!(error.contains("keep one"), "{error}");
        let error = parse(json!({"engineOptions": {"partials": 3}})).unwrap_err();
        assert!(
            error.starts_with("option `engineOptions.partials`: expected a partials folder"),
            "{error}"
        );
    }

    #[test]
    fn other_engines_and_engine_options_are_refused_by_name() {
        let error = parse(json!({"transform": "nunjucks"})).unwrap_err();
        assert!(
            error.starts_with("option `transform`: `nunjucks` is not available"),
            "{error}"
        );
        let error = parse(json!({"engineOptions": {"preventIndent": true}})).unwrap_err();
        assert!(error.contains("unknown field `preventIndent`"), "{error}");
        let error = parse(json!({"layout": "x"})).unwrap_err();
        assert!(error.contains("unknown field `layout`"), "{error}");
    }

    #[test]
    fn an_unsafe_default_is_refused_early() {
        let error = parse(json!({"default": "../secret.hbs"})).unwrap_err();
        assert!(error.starts_with("option `default`: "), "{error}");
    }
}
