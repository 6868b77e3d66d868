//! One error type for the whole engine.
//!
//! Errors carry the path of the file they concern (and a line and column where there is
//! one) so the command line can print each one once, at the edge, in the
//! `path:line:column: message` form editors understand.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// A position in a text file, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// What went wrong with one file, before the runner attaches the file's path.
///
/// Per-file plugin code returns this; [`crate::for_each_file`] turns it into an
/// [`Error::File`] naming the file the author edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub message: String,
    pub location: Option<Location>,
}

impl FileError {
    pub fn new(message: impl Into<String>) -> Self {
        FileError {
            message: message.into(),
            location: None,
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Some(location) => write!(f, "{location}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl From<String> for FileError {
    fn from(message: String) -> Self {
        FileError::new(message)
    }
}

impl From<&str> for FileError {
    fn from(message: &str) -> Self {
        FileError::new(message)
    }
}

/// Every failure the engine and its plugins report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A filesystem call failed; `path` is the file or folder it was about.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },

    /// Something is wrong with one file of the site (or a template, or a data file).
    #[error("{path}{}: {message}", location.map(|l| format!(":{l}")).unwrap_or_default())]
    File {
        path: String,
        location: Option<Location>,
        message: String,
    },

    /// The configuration file (or builder settings) cannot be used.
    #[error("{path}{}: {message}", location.map(|l| format!(":{l}")).unwrap_or_default())]
    Config {
        path: String,
        location: Option<Location>,
        message: String,
    },

    /// A plugin failed; `source` says how.
    #[error("{plugin}: {source}")]
    Plugin {
        plugin: String,
        #[source]
        source: Box<Error>,
    },

    /// Several independent failures, reported together so one build shows every broken page.
    #[error("{}", join_lines(.0))]
    Many(Vec<Error>),

    /// A failure with no file to blame, such as an unsafe destination.
    #[error("{0}")]
    Message(String),
}

fn join_lines(errors: &[Error]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn file(path: impl Into<String>, error: FileError) -> Self {
        Error::File {
            path: path.into(),
            location: error.location,
            message: error.message,
        }
    }

    pub fn config(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Config {
            path: path.into(),
            location: None,
            message: message.into(),
        }
    }

    /// One error for a list: the error itself when there is only one.
    pub fn from_many(mut errors: Vec<Error>) -> Option<Self> {
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(Error::Many(errors)),
        }
    }

    /// Attributes this error to a plugin.
    pub fn in_plugin(self, plugin: &str) -> Self {
        Error::Plugin {
            plugin: plugin.to_string(),
            source: Box::new(self),
        }
    }

    /// One line per failure, each prefixed with the plugin that reported it: what the CLI prints.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Error::Many(errors) => errors.iter().flat_map(Error::lines).collect(),
            Error::Plugin { plugin, source } => source
                .lines()
                .into_iter()
                .map(|line| format!("{plugin}: {line}"))
                .collect(),
            other => vec![other.to_string()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_error_prints_path_line_and_column() {
        let error = Error::file(
            "src/a.md",
            FileError::new("bad").at(Location { line: 3, column: 7 }),
        );
        assert_eq!(error.to_string(), "src/a.md:3:7: bad");
    }

    #[test]
    fn lines_flatten_many_and_prefix_the_plugin() {
        let error = Error::Many(vec![
            Error::file("a.md", FileError::new("one")),
            Error::file("b.md", FileError::new("two")),
        ])
        .in_plugin("markdown");
        assert_eq!(
            error.lines(),
            vec!["markdown: a.md: one", "markdown: b.md: two"]
        );
    }

    #[test]
    fn from_many_unwraps_a_single_error() {
        let single = Error::from_many(vec![Error::Message("x".into())]);
        assert!(matches!(single, Some(Error::Message(_))));
        assert!(Error::from_many(Vec::new()).is_none());
    }
}
