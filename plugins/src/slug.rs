//! URL- and id-safe slugs, the same everywhere a plugin needs one.

use std::collections::HashMap;

/// `Héllo, Wörld!` -> `hello-world`: readable ASCII (transliterated by `deunicode`),
/// lowercase, words joined by `-`.
pub fn slugify(text: &str) -> String {
    slugify_with(text, &SlugStyle::default())
}

/// How a slug is spelled.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SlugStyle {
    /// Lowercase the result.
    pub lower: bool,
    /// What joins the words.
    pub separator: String,
}

impl Default for SlugStyle {
    fn default() -> Self {
        SlugStyle {
            lower: true,
            separator: "-".into(),
        }
    }
}

/// A slug in the given style: runs of anything but ASCII letters and digits become one
/// separator, none at either end.
pub fn slugify_with(text: &str, style: &SlugStyle) -> String {
    // Most headings and titles are ASCII already: transliterate only the others.
    let ascii = match text.is_ascii() {
        true => std::borrow::Cow::Borrowed(text),
        false => std::borrow::Cow::Owned(deunicode::deunicode(text)),
    };
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_separator = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_separator && !slug.is_empty() {
                slug.push_str(&style.separator);
            }
            pending_separator = false;
            slug.push(if style.lower {
                c.to_ascii_lowercase()
            } else {
                c
            });
        } else {
            pending_separator = true;
        }
    }
    slug
}

/// Hands out slugs that are unique within one page: `intro`, `intro-1`, `intro-2`.
#[derive(Debug, Default)]
pub struct UniqueSlugs {
    seen: HashMap<String, usize>,
}

impl UniqueSlugs {
    /// Records an id the author chose, so generated ones never collide with it.
    pub fn reserve(&mut self, id: &str) {
        self.seen.entry(id.to_string()).or_insert(0);
    }

    /// A unique slug for `text` (`section` when the text has nothing to slug).
    pub fn next(&mut self, text: &str) -> String {
        let mut base = slugify(text);
        if base.is_empty() {
            base = "section".to_string();
        }
        // Each slug counts the numbered forms of it given so far, so the search for a free
        // one starts after them; one taken another way (`a-1` as a text or an author's id)
        // is stepped over.
        let Some(&given) = self.seen.get(&base) else {
            self.seen.insert(base.clone(), 0);
            return base;
        };
        let mut count = given;
        let candidate = loop {
            count += 1;
            let candidate = format!("{base}-{count}");
            if !self.seen.contains_key(&candidate) {
                break candidate;
            }
        };
        self.seen.insert(base, count);
        self.seen.insert(candidate.clone(), 0);
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_becomes_readable_ascii() {
        assert_eq!(slugify("Héllo, Wörld!"), "hello-world");
        assert_eq!(slugify("Zoë Lin's «notes»"), "zoe-lin-s-notes");
        assert_eq!(slugify("  Rust: 2024 -- édition  "), "rust-2024-edition");
        assert_eq!(slugify("東京"), "dong-jing");
    }

    #[test]
    fn numbered_slugs_skip_the_ones_taken_and_no_more() {
        let mut slugs = UniqueSlugs::default();
        slugs.reserve("a-1");
        let given: Vec<String> = ["a-1", "a-1", "a", "a", "a"]
            .iter()
            .map(|text| slugs.next(text))
            .collect();
        assert_eq!(given, ["a-1-1", "a-1-2", "a", "a-2", "a-3"]);
    }

    #[test]
    fn style_keeps_case_and_changes_the_separator() {
        let style = SlugStyle {
            lower: false,
            separator: "_".into(),
        };
        assert_eq!(slugify_with("Hello Wörld", &style), "Hello_World");
    }

    #[test]
    fn repeated_text_gets_numbered_slugs() {
        let mut slugs = UniqueSlugs::default();
        slugs.reserve("setup");
        assert_eq!(slugs.next("Intro"), "intro");
        assert_eq!(slugs.next("Intro"), "intro-1");
        assert_eq!(slugs.next("intro"), "intro-2");
        assert_eq!(slugs.next("Setup"), "setup-1");
        assert_eq!(slugs.next("!!!"), "section");
    }
}
