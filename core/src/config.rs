//! The site configuration: `ironsmith.yaml`, or Metalsmith's `metalsmith.json` unchanged.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::error::{Error, Location};
use crate::file::Metadata;
use crate::pattern::Pattern;
use crate::yaml;

/// The names a site's configuration file may have, in the order they are looked for.
pub const CONFIG_FILES: [&str; 3] = ["ironsmith.yaml", "ironsmith.yml", "metalsmith.json"];

/// One schema for both files: Metalsmith's.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The folder to read, relative to the configuration file.
    #[serde(default = "default_source")]
    pub source: PathBuf,
    /// The folder to write, relative to the configuration file.
    #[serde(default = "default_destination")]
    pub destination: PathBuf,
    /// Whether the output holds exactly this build (`true`) or keeps older files (`false`).
    #[serde(default = "yes")]
    pub clean: bool,
    /// Whether YAML front matter is parsed.
    #[serde(default = "yes")]
    pub frontmatter: bool,
    /// Globs of source paths to leave out.
    #[serde(default)]
    pub ignore: Option<Pattern>,
    /// Global metadata, visible to every template.
    #[serde(default)]
    pub metadata: Metadata,
    /// How many threads read, render and write (Metalsmith's option); all cores by default.
    #[serde(default)]
    pub concurrency: Option<usize>,
    /// Environment variables for the programs `exec` steps run: Metalsmith's `env`, which
    /// its plugins read.
    #[serde(default, deserialize_with = "env_variables")]
    pub env: BTreeMap<String, String>,
    /// The chain, in order.
    #[serde(default)]
    pub plugins: PluginList,
    /// The file's text, kept to point option errors at their line.
    #[serde(skip)]
    text: String,
}

/// `env` values as the environment holds them: text, with numbers and true/false written out.
fn env_variables<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    let written = BTreeMap::<String, serde_json::Value>::deserialize(deserializer)?;
    written
        .into_iter()
        .map(|(name, value)| match value {
            serde_json::Value::String(text) => Ok((name, text)),
            serde_json::Value::Number(_) | serde_json::Value::Bool(_) => {
                Ok((name, value.to_string()))
            }
            _ => Err(de::Error::custom(format!(
                "env `{name}` must be text, a number or true/false"
            ))),
        })
        .collect()
}

fn default_source() -> PathBuf {
    PathBuf::from("src")
}

fn default_destination() -> PathBuf {
    PathBuf::from("build")
}

fn yes() -> bool {
    true
}

/// One entry of `plugins`: a plugin's name and its options as written.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginSpec {
    pub name: String,
    /// `null` for a bare name; otherwise whatever the configuration gave (a map, `true`, a string).
    pub options: serde_json::Value,
    /// The entry's line in the configuration file, for error messages.
    pub line: Option<usize>,
}

impl PluginSpec {
    pub fn new(name: impl Into<String>, options: serde_json::Value) -> Self {
        PluginSpec {
            name: name.into(),
            options,
            line: None,
        }
    }
}

/// The chain as written: a list of `name` or `{name: options}` entries, or Metalsmith's
/// older form, one map from name to options (in file order).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PluginList(pub Vec<PluginSpec>);

impl<'de> Deserialize<'de> for PluginList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PluginListVisitor)
    }
}

struct PluginListVisitor;

impl<'de> Visitor<'de> for PluginListVisitor {
    type Value = PluginList;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of plugins, each `name` or `name: {options}`")
    }

    fn visit_unit<E: de::Error>(self) -> Result<PluginList, E> {
        Ok(PluginList::default())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PluginList, A::Error> {
        let mut plugins = Vec::new();
        while let Some(entry) = seq.next_element::<serde_json::Value>()? {
            plugins.push(spec_from_entry(entry).map_err(de::Error::custom)?);
        }
        Ok(PluginList(plugins))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PluginList, A::Error> {
        let mut plugins = Vec::new();
        while let Some((name, options)) = map.next_entry::<String, serde_json::Value>()? {
            plugins.push(PluginSpec::new(name, options));
        }
        Ok(PluginList(plugins))
    }
}

fn spec_from_entry(entry: serde_json::Value) -> Result<PluginSpec, String> {
    match entry {
        serde_json::Value::String(name) => Ok(PluginSpec::new(name, serde_json::Value::Null)),
        serde_json::Value::Object(map) if map.len() == 1 => {
            let (name, options) = map.into_iter().next().ok_or("empty plugin entry")?;
            Ok(PluginSpec::new(name, options))
        }
        serde_json::Value::Object(map) => Err(format!(
            "each plugin entry names one plugin, found {} ({}): start each with its own `- `",
            map.len(),
            map.keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        )),
        other => Err(format!(
            "a plugin entry must be a name or `name: {{options}}`, found `{other}`"
        )),
    }
}

impl Config {
    /// Reads and parses a configuration file; JSON files (Metalsmith's) are parsed as JSON.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Config::parse(&text, path)
    }

    /// Parses configuration text; `path` names it in errors and picks the syntax.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Error> {
        let shown = path.display().to_string();
        let is_json = path.extension().is_some_and(|ext| ext == "json");
        let (message, location) = if is_json {
            match serde_json::from_str::<Config>(text) {
                Ok(mut config) => {
                    locate_plugins(text, &mut config.plugins.0);
                    config.text = text.to_string();
                    return Ok(config);
                }
                Err(e) => {
                    let location = (e.line() > 0).then(|| Location {
                        line: e.line(),
                        column: e.column(),
                    });
                    let message = e.to_string();
                    let message = match message.rfind(" at line ") {
                        Some(cut) => message[..cut].to_string(),
                        None => message,
                    };
                    (message, location)
                }
            }
        } else {
            match yaml::from_str::<Config>(text) {
                Ok(mut config) => {
                    locate_plugins(text, &mut config.plugins.0);
                    config.text = text.to_string();
                    return Ok(config);
                }
                Err(e) => (e.describe(), e.location),
            }
        };
        Err(Error::Config {
            path: shown,
            location,
            message: format!("{message} (see the configuration section of the README)"),
        })
    }

    /// Where an error about a plugin entry points: the entry's line, or the line of the
    /// option the message names (`option `a.b``) below it.
    pub fn locate(&self, spec: &PluginSpec, message: &str) -> Option<Location> {
        let entry = spec.line?;
        let option = message
            .split_once("option `")
            .and_then(|(_, rest)| rest.split_once('`'))
            .and_then(|(path, _)| path.rsplit('.').next());
        let line = option
            .and_then(|key| line_of_key(&self.text, entry, key))
            .unwrap_or(entry);
        Some(Location { line, column: 1 })
    }

    /// The configuration file in `dir`, if there is one.
    pub fn find(dir: &Path) -> Option<PathBuf> {
        CONFIG_FILES
            .iter()
            .map(|name| dir.join(name))
            .find(|path| path.is_file())
    }
}

/// Finds each plugin entry's line: the first line, after the previous entry's and after the
/// `plugins` key, that names it as a key or a list item.
fn locate_plugins(text: &str, specs: &mut [PluginSpec]) {
    let lines: Vec<&str> = text.lines().collect();
    let Some(mut cursor) = lines.iter().position(|line| {
        line.trim_start()
            .trim_start_matches('"')
            .starts_with("plugins")
    }) else {
        return;
    };
    for spec in specs {
        let name = spec.name.as_str();
        let found = lines[cursor..].iter().position(|line| {
            let entry = line
                .trim_start()
                .trim_start_matches("- ")
                .trim_start_matches(['{', ' ']);
            let entry = entry.trim_start_matches('"').trim_start_matches('\'');
            entry.strip_prefix(name).is_some_and(|rest| {
                let rest = rest.trim_start_matches(['"', '\'']).trim_start();
                rest.is_empty() || rest.starts_with(':') || rest.starts_with(',')
            })
        });
        if let Some(offset) = found {
            cursor += offset;
            spec.line = Some(cursor + 1);
        }
    }
}

/// The line of `key:` (or `"key":`) at or after `from` (1-based), for an option error.
fn line_of_key(text: &str, from: usize, key: &str) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, line)| {
            let line = line
                .trim_start()
                .trim_start_matches("- ")
                .trim_start_matches(['{', ' ', '"']);
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start_matches('"').trim_start().starts_with(':'))
        })
        .map(|(index, _)| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str, name: &str) -> Result<Config, Error> {
        Config::parse(text, Path::new(name))
    }

    #[test]
    fn defaults_follow_metalsmith() {
        let config = parse("{}", "ironsmith.yaml").unwrap();
        assert_eq!(config.source, PathBuf::from("src"));
        assert_eq!(config.destination, PathBuf::from("build"));
        assert!(config.clean && config.frontmatter);
        assert!(config.plugins.0.is_empty());
    }

    #[test]
    fn plugins_as_list_of_names_and_maps() {
        let config = parse(
            "plugins:\n  - drafts\n  - markdown: {smartypants: true}\n  - permalinks: ':title'\n",
            "ironsmith.yaml",
        )
        .unwrap();
        let plugins = config.plugins.0;
        assert_eq!(plugins[0].name, "drafts");
        assert_eq!(plugins[0].options, serde_json::Value::Null);
        assert_eq!(plugins[1].options, json!({"smartypants": true}));
        assert_eq!(plugins[2].options, json!(":title"));
    }

    #[test]
    fn metalsmith_json_with_plugins_as_one_map_keeps_order() {
        let config = parse(
            r#"{"source": "content", "metadata": {"site": {"title": "T"}},
                "plugins": {"@metalsmith/markdown": {}, "@metalsmith/layouts": {"default": "a.hbs"}}}"#,
            "metalsmith.json",
        )
        .unwrap();
        assert_eq!(config.source, PathBuf::from("content"));
        let names: Vec<_> = config.plugins.0.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["@metalsmith/markdown", "@metalsmith/layouts"]);
        assert_eq!(config.metadata["site"]["title"], "T");
    }

    #[test]
    fn env_holds_text_and_rejects_lists() {
        let config = parse(
            r#"{"env": {"DEBUG": false, "NODE_ENV": "production", "WORKERS": 4}}"#,
            "metalsmith.json",
        )
        .unwrap();
        let env: Vec<(&str, &str)> = config
            .env
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        assert_eq!(
            env,
            [
                ("DEBUG", "false"),
                ("NODE_ENV", "production"),
                ("WORKERS", "4")
            ]
        );
        let error = parse("env:\n  PATHS: [a, b]\n", "ironsmith.yaml").unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("env `PATHS` must be text, a number or true/false"),
            "{message}"
        );
    }

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let error = parse("source: src\ndestinaton: out\n", "site/ironsmith.yaml").unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("site/ironsmith.yaml:2:"), "{message}");
        assert!(message.contains("unknown field `destinaton`"), "{message}");
    }

    #[test]
    fn json_syntax_errors_have_a_location() {
        let error = parse("{\n  \"source\": ,\n}", "metalsmith.json").unwrap_err();
        assert!(
            error.to_string().starts_with("metalsmith.json:2:"),
            "{error}"
        );
    }

    #[test]
    fn plugin_entries_know_their_line() {
        let config = parse(
            "source: src\nplugins:\n  - drafts\n  - markdown:\n      smartypants: true\n  - layouts: {default: a.hbs}\n",
            "ironsmith.yaml",
        )
        .unwrap();
        let lines: Vec<_> = config.plugins.0.iter().map(|p| p.line).collect();
        assert_eq!(lines, [Some(3), Some(4), Some(6)]);
        let config = parse(
            "{\n  \"plugins\": [\n    {\"@metalsmith/markdown\": {}},\n    {\"@metalsmith/layouts\": {}}\n  ]\n}",
            "metalsmith.json",
        )
        .unwrap();
        let lines: Vec<_> = config.plugins.0.iter().map(|p| p.line).collect();
        assert_eq!(lines, [Some(3), Some(4)]);
        assert_eq!(
            line_of_key(
                "a:\n  - markdown:\n      smartypants: x\n",
                2,
                "smartypants"
            ),
            Some(3)
        );
    }

    #[test]
    fn an_entry_with_two_plugins_is_explained() {
        let error = parse(
            "plugins:\n  - markdown: {}\n    layouts: {}\n",
            "ironsmith.yaml",
        )
        .unwrap_err();
        assert!(error.to_string().contains("markdown, layouts"), "{error}");
    }
}
