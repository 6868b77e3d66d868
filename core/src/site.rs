//! What a build knows besides its files.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::file::Metadata;

/// Why the chain is running: plugins may behave differently for a preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// `ironsmith build`.
    #[default]
    Build,
    /// `ironsmith serve`: a preview that rebuilds on change.
    Serve,
    /// `ironsmith new`: generating a folder from a template.
    Scaffold,
}

/// Site-wide state shared by every plugin of one build.
#[derive(Debug, Default)]
pub struct Site {
    /// Global metadata (`site`, `collections`, data files): visible to every template.
    pub metadata: Metadata,
    /// The folder paths in the configuration are relative to.
    pub root: PathBuf,
    /// The folder the files were read from.
    pub source: PathBuf,
    /// The folder the output goes to.
    pub destination: PathBuf,
    pub mode: Mode,
    /// Whether drafts should be kept (`--drafts`).
    pub drafts: bool,
    /// Environment variables for the programs `exec` steps run (the configuration's `env`).
    pub env: BTreeMap<String, String>,
    warnings: Mutex<Vec<String>>,
}

impl Site {
    /// A site reading `source` into `destination`, with paths resolved against `root`.
    pub fn new(root: PathBuf, source: PathBuf, destination: PathBuf) -> Self {
        Site {
            root,
            source,
            destination,
            ..Site::default()
        }
    }

    /// Records a warning; safe to call from parallel per-file code.
    pub fn warn(&self, message: impl Into<String>) {
        let message = message.into();
        match self.warnings.lock() {
            Ok(mut warnings) => warnings.push(message),
            Err(poisoned) => poisoned.into_inner().push(message),
        }
    }

    /// The warnings recorded so far, leaving none behind.
    pub fn take_warnings(&self) -> Vec<String> {
        match self.warnings.lock() {
            Ok(mut warnings) => std::mem::take(&mut *warnings),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        }
    }

    /// A path from the configuration, resolved against the site root.
    pub fn resolve(&self, relative: impl AsRef<std::path::Path>) -> PathBuf {
        self.root.join(relative)
    }
}
