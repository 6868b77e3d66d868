//! Plugins by name, so a configuration file can list them.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use crate::config::PluginSpec;
use crate::plugin::Plugin;

/// Builds a plugin from its options as the configuration wrote them.
pub type Constructor = fn(&serde_json::Value) -> Result<Box<dyn Plugin>, String>;

/// Maps configuration names (and Metalsmith's package names, as aliases) to constructors.
#[derive(Debug, Default, Clone)]
pub struct Registry {
    constructors: BTreeMap<String, Constructor>,
    aliases: BTreeMap<String, String>,
}

impl Registry {
    pub fn new() -> Self {
        Registry::default()
    }

    /// Makes `name` usable in configurations.
    pub fn register(&mut self, name: &str, constructor: Constructor) -> &mut Self {
        self.constructors.insert(name.to_string(), constructor);
        self
    }

    /// Lets `alias` (such as `@metalsmith/markdown`) stand for the registered `name`.
    pub fn alias(&mut self, alias: &str, name: &str) -> &mut Self {
        self.aliases.insert(alias.to_string(), name.to_string());
        self
    }

    /// The registered names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.constructors.keys().map(String::as_str)
    }

    /// Builds the plugin a configuration entry asks for; `Ok(None)` when its options are
    /// `false` (Metalsmith's way to switch a plugin off).
    pub fn create(&self, spec: &PluginSpec) -> Result<Option<Box<dyn Plugin>>, String> {
        let name = self.aliases.get(&spec.name).unwrap_or(&spec.name);
        let Some(constructor) = self.constructors.get(name) else {
            return Err(self.unknown(&spec.name));
        };
        if spec.options == serde_json::Value::Bool(false) {
            return Ok(None);
        }
        constructor(&spec.options)
            .map(Some)
            .map_err(|message| format!("plugin `{}`: {message}", spec.name))
    }

    /// What to say of a name nothing is registered under: the closest known name when it
    /// looks misspelt, what to do for a Metalsmith plugin without an equivalent, and the
    /// known names.
    fn unknown(&self, name: &str) -> String {
        let (prefix, bare) = metalsmith_prefix(name);
        let closest = self
            .names()
            .chain(self.aliases.keys().map(String::as_str))
            .map(|known| {
                let (known_prefix, known_bare) = metalsmith_prefix(known);
                let likeness = strsim::normalized_damerau_levenshtein(bare, known_bare);
                (likeness, known_prefix == prefix, known)
            })
            .filter(|(likeness, _, _)| *likeness >= 0.75)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let hint = match closest {
            Some((_, _, known)) => Some(format!("did you mean `{known}`?")),
            None if !prefix.is_empty() => Some(
                "ironsmith has no equivalent of this Metalsmith plugin; do its work with \
                 `exec`, which runs a program of your own (see \"Writing a plugin in any \
                 language\" in the README), or leave it out."
                    .to_string(),
            ),
            None => None,
        };
        let known = self.names().collect::<Vec<_>>().join(", ");
        match hint {
            Some(hint) => {
                format!("unknown plugin `{name}`: {hint} The known plugins are: {known}")
            }
            None => format!("unknown plugin `{name}`; the known plugins are: {known}"),
        }
    }
}

/// `@metalsmith/markdown` -> (`@metalsmith/`, `markdown`): names are compared without it,
/// which all Metalsmith plugins share.
fn metalsmith_prefix(name: &str) -> (&str, &str) {
    ["@metalsmith/", "metalsmith-"]
        .into_iter()
        .find_map(|prefix| Some((prefix, name.strip_prefix(prefix)?)))
        .unwrap_or(("", name))
}

/// Deserializes a plugin's options; no options (a bare name, `true` or `null`) are the
/// defaults. Errors name the offending key.
pub fn parse_options<T: DeserializeOwned + Default>(
    value: &serde_json::Value,
) -> Result<T, String> {
    match value {
        serde_json::Value::Null | serde_json::Value::Bool(true) => Ok(T::default()),
        value => serde_path_to_error::deserialize(value).map_err(|error| {
            let path = error.path().to_string();
            if path == "." {
                error.inner().to_string()
            } else {
                format!("option `{path}`: {}", error.inner())
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::plugin_fn;
    use serde::Deserialize;
    use serde_json::json;

    fn noop(_: &serde_json::Value) -> Result<Box<dyn Plugin>, String> {
        Ok(Box::new(plugin_fn("noop", |_, _| Ok(()))))
    }

    fn spec(name: &str, options: serde_json::Value) -> PluginSpec {
        PluginSpec::new(name, options)
    }

    #[test]
    fn creates_by_name_or_alias_and_skips_false() {
        let mut registry = Registry::new();
        registry
            .register("noop", noop)
            .alias("@metalsmith/noop", "noop");
        assert!(registry
            .create(&spec("noop", json!(null)))
            .unwrap()
            .is_some());
        assert!(registry
            .create(&spec("@metalsmith/noop", json!({})))
            .unwrap()
            .is_some());
        assert!(registry
            .create(&spec("noop", json!(false)))
            .unwrap()
            .is_none());
    }

    #[test]
    fn unknown_plugins_list_the_known_ones() {
        let mut registry = Registry::new();
        registry
            .register("markdown", noop)
            .register("layouts", noop);
        let error = registry
            .create(&spec("markdwn", json!(null)))
            .err()
            .unwrap();
        assert_eq!(
            error,
            "unknown plugin `markdwn`: did you mean `markdown`? \
             The known plugins are: layouts, markdown"
        );
    }

    #[test]
    fn unknown_metalsmith_plugins_point_to_exec_and_aliases_are_suggested() {
        let mut registry = Registry::new();
        registry
            .register("markdown", noop)
            .register("sass", noop)
            .alias("@metalsmith/markdown", "markdown")
            .alias("metalsmith-sass", "sass");
        let babel = registry
            .create(&spec("metalsmith-babel", json!(null)))
            .err()
            .unwrap();
        assert!(
            babel.contains("no equivalent of this Metalsmith plugin"),
            "{babel}"
        );
        assert!(babel.contains("`exec`"), "{babel}");
        let misspelt = registry
            .create(&spec("@metalsmith/markdwon", json!(null)))
            .err()
            .unwrap();
        assert!(
            misspelt.contains("did you mean `@metalsmith/markdown`?"),
            "{misspelt}"
        );
        let less = registry
            .create(&spec("metalsmith-less", json!(null)))
            .err()
            .unwrap();
        assert!(!less.contains("did you mean"), "{less}");
        let unrelated = registry.create(&spec("zzz", json!(null))).err().unwrap();
        assert_eq!(
            unrelated,
            "unknown plugin `zzz`; the known plugins are: markdown, sass"
        );
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, default)]
    struct Options {
        smart: bool,
        #[serde(rename = "nested")]
        nested: Nested,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, default)]
    struct Nested {
        depth: u32,
    }

    #[test]
    fn option_errors_name_the_key() {
        assert!(!parse_options::<Options>(&json!(true)).unwrap().smart);
        let error = parse_options::<Options>(&json!({"nested": {"depth": "deep"}})).unwrap_err();
        assert!(
            error.starts_with("option `nested.depth`: invalid type"),
            "{error}"
        );
        let error = parse_options::<Options>(&json!({"smrt": true})).unwrap_err();
        assert!(error.contains("unknown field `smrt`"), "{error}");
    }
}
