//! URL- and id-safe slugs, the same everywhere a plugin needs one.

use std::collections::HashMap;

/// `Héllo, Wörld!` -> `hello-world`: readable ASCII, via the `slug` crate's transliteration.
pub fn slugify(text: &str) -> String {
    slug::slugify(text)
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
        let mut candidate = base.clone();
        while let Some(count) = self.seen.get_mut(&candidate) {
            *count += 1;
            candidate = format!("{base}-{count}");
        }
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
