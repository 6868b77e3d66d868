//! Glob patterns as plugins take them: one glob or a list, matched against a file's path.

use std::fmt;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Deserializer};

/// A set of globs (`**/*.md`, `posts/*.{md,markdown}`); `*` never crosses a `/`, as in
/// Metalsmith's matcher, and a path matches when any glob does.
#[derive(Clone)]
pub struct Pattern {
    globs: Vec<String>,
    set: GlobSet,
}

impl Pattern {
    /// Compiles the globs; an invalid one is an error naming it.
    pub fn new<S: AsRef<str>>(globs: &[S]) -> Result<Self, String> {
        let mut builder = GlobSetBuilder::new();
        for glob in globs {
            builder.add(compile(glob.as_ref())?);
        }
        let set = builder.build().map_err(|e| e.to_string())?;
        Ok(Pattern {
            globs: globs.iter().map(|g| g.as_ref().to_string()).collect(),
            set,
        })
    }

    pub fn is_match(&self, path: &str) -> bool {
        self.set.is_match(path)
    }

    pub fn globs(&self) -> &[String] {
        &self.globs
    }
}

fn compile(glob: &str) -> Result<Glob, String> {
    GlobBuilder::new(glob)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("invalid glob `{glob}`: {}", e.kind()))
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.globs).finish()
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        let globs = match OneOrMany::deserialize(deserializer)
            .map_err(|_| serde::de::Error::custom("expected a glob or a list of globs"))?
        {
            OneOrMany::One(glob) => vec![glob],
            OneOrMany::Many(globs) => globs,
        };
        Pattern::new(&globs).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_stays_within_a_folder_and_double_star_crosses() {
        let pattern = Pattern::new(&["*.md"]).unwrap();
        assert!(pattern.is_match("a.md"));
        assert!(!pattern.is_match("posts/a.md"));
        let pattern = Pattern::new(&["**/*.{md,markdown}"]).unwrap();
        assert!(pattern.is_match("a.md"));
        assert!(pattern.is_match("posts/deep/a.markdown"));
        assert!(!pattern.is_match("a.html"));
    }

    #[test]
    fn deserializes_one_glob_or_a_list() {
        let one: Pattern = serde_json::from_value(serde_json::json!("*.md")).unwrap();
        assert_eq!(one.globs(), ["*.md"]);
        let many: Pattern = serde_json::from_value(serde_json::json!(["a", "b/*"])).unwrap();
        assert!(many.is_match("b/c"));
    }

    #[test]
    fn invalid_globs_are_named() {
        let error = Pattern::new(&["posts/[a"]).unwrap_err();
        assert!(error.contains("`posts/[a`"), "{error}");
    }
}
