//! The unit every plugin works on: one file's bytes and metadata.

use std::path::PathBuf;

use indexmap::IndexMap;

use crate::error::Location;

/// Metadata of a file, or of the site: handlebars' own data model, so rendering needs no
/// conversion.
pub type Metadata = serde_json::Map<String, serde_json::Value>;

/// The site's files, keyed by their path relative to the source folder (`/`-separated,
/// never absolute, never `..`), in a deterministic order: sorted by path when read.
pub type Files = IndexMap<String, File>;

/// One file of the site.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct File {
    /// The bytes, without front matter. Images and fonts pass through untouched.
    pub contents: Vec<u8>,
    /// Front matter keys, merged at the top level as Metalsmith does, plus whatever plugins add.
    pub metadata: Metadata,
    /// Unix permission bits to write the file with; `None` for the platform default.
    pub mode: Option<u32>,
    /// Where the file was read from (including the source folder), so errors name the file
    /// the author edits even after a plugin has renamed it; `None` for generated files.
    pub origin: Option<PathBuf>,
    /// The line of `origin` the contents start on, after front matter; `None` when they
    /// start on the first line. Plugins that report a line of the contents add it.
    pub body_line: Option<usize>,
}

impl File {
    /// A generated file with these contents and no metadata.
    pub fn new(contents: impl Into<Vec<u8>>) -> Self {
        File {
            contents: contents.into(),
            ..File::default()
        }
    }

    /// Replaces the contents with `text` in a buffer of its exact size. A site holds every
    /// page at once, a rendered page's buffer was sized before its length was known, and
    /// allocators keep in place a block that shrinks by less than half (so `shrink_to_fit`
    /// frees nothing): a buffer with more than an eighth to spare is copied.
    pub fn set_text(&mut self, text: String) {
        let spare = text.capacity() - text.len();
        self.contents = match spare > text.len() / 8 {
            true => text.as_bytes().to_vec(),
            false => text.into_bytes(),
        };
    }

    /// The contents as text, or `None` when they are not UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.contents).ok()
    }

    /// A position in the contents as a position in the file the author edits.
    pub fn source_location(&self, location: Location) -> Location {
        Location {
            line: location.line + self.body_line.map_or(0, |line| line.saturating_sub(1)),
            column: location.column,
        }
    }

    /// How errors name this file: its origin when it was read from disk, else its key.
    pub fn display_path(&self, key: &str) -> String {
        match &self.origin {
            Some(origin) => origin.display().to_string(),
            None => key.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_text_drops_a_large_spare_capacity_and_keeps_a_small_one() {
        let mut file = File::default();
        let mut roomy = String::with_capacity(1000);
        roomy.push_str("<p>short</p>");
        file.set_text(roomy);
        assert_eq!(file.contents, b"<p>short</p>");
        assert_eq!(file.contents.capacity(), file.contents.len());

        let mut snug = String::with_capacity(100);
        snug.push_str(&"x".repeat(95));
        let buffer = snug.as_ptr();
        file.set_text(snug);
        assert_eq!(
            file.contents.as_ptr(),
            buffer,
            "a snug buffer is kept, not copied"
        );
    }
}
