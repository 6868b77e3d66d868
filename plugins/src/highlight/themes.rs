//! The kinds of token the highlighter marks, and the built-in colour themes for them.
//!
//! A theme styles a kind by its name or, failing that, by its parent's (`function.method`
//! falls back to `function`).

/// The token kinds grammars report that get a span; the rest (plain variables, brackets)
/// stay bare text, which keeps the HTML small.
pub const NAMES: &[&str] = &[
    "attribute",
    "boolean",
    "comment",
    "constant",
    "constant.builtin",
    "constructor",
    "escape",
    "function",
    "function.builtin",
    "function.macro",
    "function.method",
    "keyword",
    "label",
    "namespace",
    "number",
    "operator",
    "property",
    "punctuation.special",
    "string",
    "string.escape",
    "string.special",
    "tag",
    "type",
    "type.builtin",
    "variable.builtin",
    "variable.parameter",
];

/// Colours for token kinds: CSS declarations by kind name.
#[derive(Debug)]
pub struct Theme {
    pub name: &'static str,
    pub background: &'static str,
    pub foreground: &'static str,
    styles: &'static [(&'static str, &'static str)],
}

impl Theme {
    /// The declarations for a kind: its own, else its nearest parent's; `None` for text in
    /// the foreground colour.
    pub fn style(&self, kind: &str) -> Option<&'static str> {
        let mut name = kind;
        loop {
            if let Some((_, style)) = self.styles.iter().find(|(n, _)| *n == name) {
                return Some(style);
            }
            name = &name[..name.rfind('.')?];
        }
    }
}

/// The theme called `name`.
pub fn find(name: &str) -> Option<&'static Theme> {
    THEMES.iter().find(|theme| theme.name == name)
}

/// The names of the built-in themes, for error messages.
pub fn names() -> String {
    THEMES
        .iter()
        .map(|theme| format!("`{}`", theme.name))
        .collect::<Vec<_>>()
        .join(", ")
}

pub const THEMES: &[Theme] = &[
    Theme {
        name: "github-light",
        background: "#f6f8fa",
        foreground: "#1f2328",
        styles: &[
            ("attribute", "color: #0550ae"),
            ("comment", "color: #59636e; font-style: italic"),
            ("constant", "color: #0550ae"),
            ("boolean", "color: #0550ae"),
            ("number", "color: #0550ae"),
            ("constructor", "color: #953800"),
            ("escape", "color: #116329"),
            ("string.escape", "color: #116329"),
            ("function", "color: #6639ba"),
            ("keyword", "color: #cf222e"),
            ("operator", "color: #cf222e"),
            ("label", "color: #0550ae"),
            ("namespace", "color: #953800"),
            ("property", "color: #0550ae"),
            ("punctuation.special", "color: #cf222e"),
            ("string", "color: #0a3069"),
            ("tag", "color: #116329"),
            ("type", "color: #953800"),
            ("variable.builtin", "color: #0550ae"),
            ("variable.parameter", "color: #953800"),
        ],
    },
    Theme {
        name: "github-dark",
        background: "#161b22",
        foreground: "#e6edf3",
        styles: &[
            ("attribute", "color: #79c0ff"),
            ("comment", "color: #8b949e; font-style: italic"),
            ("constant", "color: #79c0ff"),
            ("boolean", "color: #79c0ff"),
            ("number", "color: #79c0ff"),
            ("constructor", "color: #ffa657"),
            ("escape", "color: #7ee787"),
            ("string.escape", "color: #7ee787"),
            ("function", "color: #d2a8ff"),
            ("keyword", "color: #ff7b72"),
            ("operator", "color: #ff7b72"),
            ("label", "color: #79c0ff"),
            ("namespace", "color: #ffa657"),
            ("property", "color: #79c0ff"),
            ("punctuation.special", "color: #ff7b72"),
            ("string", "color: #a5d6ff"),
            ("tag", "color: #7ee787"),
            ("type", "color: #ffa657"),
            ("variable.builtin", "color: #79c0ff"),
            ("variable.parameter", "color: #ffa657"),
        ],
    },
    Theme {
        name: "solarized-light",
        background: "#fdf6e3",
        foreground: "#586e75",
        styles: &[
            ("attribute", "color: #b58900"),
            ("comment", "color: #93a1a1; font-style: italic"),
            ("constant", "color: #cb4b16"),
            ("boolean", "color: #cb4b16"),
            ("number", "color: #d33682"),
            ("constructor", "color: #b58900"),
            ("escape", "color: #dc322f"),
            ("string.escape", "color: #dc322f"),
            ("function", "color: #268bd2"),
            ("keyword", "color: #859900"),
            ("operator", "color: #859900"),
            ("label", "color: #6c71c4"),
            ("namespace", "color: #b58900"),
            ("property", "color: #268bd2"),
            ("punctuation.special", "color: #dc322f"),
            ("string", "color: #2aa198"),
            ("tag", "color: #268bd2"),
            ("type", "color: #b58900"),
            ("variable.builtin", "color: #6c71c4"),
            ("variable.parameter", "color: #cb4b16"),
        ],
    },
    Theme {
        name: "monokai",
        background: "#272822",
        foreground: "#f8f8f2",
        styles: &[
            ("attribute", "color: #a6e22e"),
            ("comment", "color: #75715e; font-style: italic"),
            ("constant", "color: #ae81ff"),
            ("boolean", "color: #ae81ff"),
            ("number", "color: #ae81ff"),
            ("constructor", "color: #66d9ef"),
            ("escape", "color: #ae81ff"),
            ("string.escape", "color: #ae81ff"),
            ("function", "color: #a6e22e"),
            ("keyword", "color: #f92672"),
            ("operator", "color: #f92672"),
            ("label", "color: #e6db74"),
            ("namespace", "color: #66d9ef"),
            ("property", "color: #66d9ef"),
            ("punctuation.special", "color: #f92672"),
            ("string", "color: #e6db74"),
            ("tag", "color: #f92672"),
            ("type", "color: #66d9ef; font-style: italic"),
            ("variable.builtin", "color: #fd971f"),
            ("variable.parameter", "color: #fd971f; font-style: italic"),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_fall_back_to_their_parent_and_unstyled_ones_have_none() {
        let theme = find("github-light").unwrap();
        assert_eq!(theme.style("function.method"), theme.style("function"));
        assert_eq!(theme.style("string.special"), Some("color: #0a3069"));
        assert_eq!(theme.style("string.escape"), Some("color: #116329"));
        assert_eq!(theme.style("variable"), None);
        assert!(find("nope").is_none());
        assert_eq!(
            names(),
            "`github-light`, `github-dark`, `solarized-light`, `monokai`"
        );
    }

    #[test]
    fn every_theme_styles_the_common_kinds() {
        for theme in THEMES {
            for kind in ["comment", "keyword", "string", "number", "function", "type"] {
                assert!(theme.style(kind).is_some(), "{} {kind}", theme.name);
            }
        }
    }
}
