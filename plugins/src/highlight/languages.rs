//! The languages code blocks can be highlighted in, by the names fences use, each with its
//! tree-sitter grammar and highlighting rules compiled on first use: a build without code
//! blocks never pays for them, and a build with Rust blocks pays for Rust alone.

use std::sync::OnceLock;

use tree_sitter_highlight::HighlightConfiguration;

use super::themes::NAMES;

/// A language: its name, then the other names fences give it.
pub const LANGUAGES: &[&[&str]] = &[
    &["bash", "sh", "shell", "zsh"],
    &["c", "h"],
    &["cpp", "c++", "cc", "cxx", "hpp"],
    &["css"],
    &["diff", "patch"],
    &["go", "golang"],
    &["html", "htm", "xhtml"],
    &["java"],
    &["javascript", "js", "jsx", "mjs", "cjs"],
    &["json", "jsonc"],
    &["python", "py", "python3"],
    &["rust", "rs"],
    &["toml"],
    &["typescript", "ts", "mts", "cts"],
    &["tsx"],
    &["yaml", "yml"],
];

/// The index in [`LANGUAGES`] of the language a fence names (any case).
pub fn find(name: &str) -> Option<usize> {
    let name = name.to_ascii_lowercase();
    LANGUAGES
        .iter()
        .position(|names| names.contains(&name.as_str()))
}

/// The compiled rules of a language; an error means the bundled rules do not compile.
pub fn config(index: usize) -> Result<&'static HighlightConfiguration, String> {
    static CONFIGS: [OnceLock<Result<HighlightConfiguration, String>>; 16] =
        [const { OnceLock::new() }; 16];
    let slot = CONFIGS
        .get(index)
        .ok_or_else(|| format!("no language number {index}"))?;
    slot.get_or_init(|| build(index))
        .as_ref()
        .map_err(Clone::clone)
}

fn build(index: usize) -> Result<HighlightConfiguration, String> {
    let name = LANGUAGES.get(index).map_or("?", |names| names[0]);
    let js = tree_sitter_javascript::HIGHLIGHT_QUERY;
    let jsx = tree_sitter_javascript::JSX_HIGHLIGHT_QUERY;
    let ts = tree_sitter_typescript::HIGHLIGHTS_QUERY;
    let built = match name {
        "bash" => HighlightConfiguration::new(
            tree_sitter_bash::LANGUAGE.into(),
            name,
            tree_sitter_bash::HIGHLIGHT_QUERY,
            "",
            "",
        ),
        "c" => HighlightConfiguration::new(
            tree_sitter_c::LANGUAGE.into(),
            name,
            tree_sitter_c::HIGHLIGHT_QUERY,
            "",
            "",
        ),
        // C++'s rules add to C's.
        "cpp" => HighlightConfiguration::new(
            tree_sitter_cpp::LANGUAGE.into(),
            name,
            &format!(
                "{}\n{}",
                tree_sitter_cpp::HIGHLIGHT_QUERY,
                tree_sitter_c::HIGHLIGHT_QUERY
            ),
            "",
            "",
        ),
        "css" => HighlightConfiguration::new(
            tree_sitter_css::LANGUAGE.into(),
            name,
            tree_sitter_css::HIGHLIGHTS_QUERY,
            "",
            "",
        ),
        "diff" => HighlightConfiguration::new(
            tree_sitter_diff::LANGUAGE.into(),
            name,
            tree_sitter_diff::HIGHLIGHTS_QUERY,
            "",
            "",
        ),
        "go" => HighlightConfiguration::new(
            tree_sitter_go::LANGUAGE.into(),
            name,
            tree_sitter_go::HIGHLIGHTS_QUERY,
            "",
            "",
        ),
        "html" => HighlightConfiguration::new(
            tree_sitter_html::LANGUAGE.into(),
            name,
            tree_sitter_html::HIGHLIGHTS_QUERY,
            tree_sitter_html::INJECTIONS_QUERY,
            "",
        ),
        "java" => HighlightConfiguration::new(
            tree_sitter_java::LANGUAGE.into(),
            name,
            tree_sitter_java::HIGHLIGHTS_QUERY,
            "",
            "",
        ),
        "javascript" => HighlightConfiguration::new(
            tree_sitter_javascript::LANGUAGE.into(),
            name,
            &format!("{jsx}\n{js}"),
            tree_sitter_javascript::INJECTIONS_QUERY,
            tree_sitter_javascript::LOCALS_QUERY,
        ),
        "json" => HighlightConfiguration::new(
            tree_sitter_json::LANGUAGE.into(),
            name,
            tree_sitter_json::HIGHLIGHTS_QUERY,
            "",
            "",
        ),
        "python" => HighlightConfiguration::new(
            tree_sitter_python::LANGUAGE.into(),
            name,
            tree_sitter_python::HIGHLIGHTS_QUERY,
            "",
            "",
        ),
        "rust" => HighlightConfiguration::new(
            tree_sitter_rust::LANGUAGE.into(),
            name,
            tree_sitter_rust::HIGHLIGHTS_QUERY,
            tree_sitter_rust::INJECTIONS_QUERY,
            "",
        ),
        "toml" => HighlightConfiguration::new(
            tree_sitter_toml_ng::LANGUAGE.into(),
            name,
            tree_sitter_toml_ng::HIGHLIGHTS_QUERY,
            "",
            "",
        ),
        // TypeScript's rules add to JavaScript's.
        "typescript" => HighlightConfiguration::new(
            tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            name,
            &format!("{ts}\n{js}"),
            "",
            tree_sitter_typescript::LOCALS_QUERY,
        ),
        "tsx" => HighlightConfiguration::new(
            tree_sitter_typescript::LANGUAGE_TSX.into(),
            name,
            &format!("{ts}\n{jsx}\n{js}"),
            "",
            tree_sitter_typescript::LOCALS_QUERY,
        ),
        "yaml" => HighlightConfiguration::new(
            tree_sitter_yaml::LANGUAGE.into(),
            name,
            tree_sitter_yaml::HIGHLIGHTS_QUERY,
            "",
            "",
        ),
        other => return Err(format!("no grammar for `{other}`")),
    };
    let mut config = built
        .map_err(|error| format!("the highlighting rules of `{name}` do not load: {error}"))?;
    config.configure(NAMES);
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_loads_and_names_are_found_in_any_case() {
        for (index, names) in LANGUAGES.iter().enumerate() {
            assert!(
                config(index).is_ok(),
                "{}: {:?}",
                names[0],
                config(index).err()
            );
            for name in *names {
                assert_eq!(find(name), Some(index));
            }
        }
        assert_eq!(find("RS"), Some(find("rust").unwrap()));
        assert_eq!(find("brainfuck"), None);
        assert!(config(LANGUAGES.len()).is_err());
    }
}
