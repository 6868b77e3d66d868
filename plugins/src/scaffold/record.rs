//! `.ironsmith-answers.yaml`: what a generated folder was made from, so
//! `ironsmith new --answers DEST/.ironsmith-answers.yaml` makes it again. Secret answers
//! are left out.

use std::path::Path;
use std::sync::Arc;

use ironsmith_core::{Error, File, FileError, Files, Metadata, Plugin, Site};
use serde::{Deserialize, Serialize};

use super::Session;

/// The file's name, at the root of the generated folder.
pub const FILE: &str = ".ironsmith-answers.yaml";

pub const NAME: &str = "record";

/// The file's contents; `--answers` reads the same shape.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Record {
    /// The template as `ironsmith new` was given it: a name, a folder or a git URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The git branch or tag.
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub answers: Metadata,
}

impl Record {
    /// Reads an answers file.
    pub fn load(path: &Path) -> Result<Record, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        ironsmith_core::yaml::from_str(&text).map_err(|error| Error::File {
            path: path.display().to_string(),
            location: error.location,
            message: format!(
                "{}: an answers file holds `template`, `ref` and `answers` (a map of placeholder to value)",
                error.describe()
            ),
        })
    }

    fn to_text(&self) -> Result<String, String> {
        let yaml = ironsmith_core::yaml::to_string(self)?;
        Ok(format!(
            "# Made by `ironsmith new`. Make it again with:\n#   ironsmith new --answers {FILE} OTHER_FOLDER\n{yaml}"
        ))
    }
}

/// Adds the answers file to the output.
#[derive(Debug)]
pub struct WriteRecord {
    pub(super) session: Arc<Session>,
    pub(super) template: Option<String>,
    pub(super) reference: Option<String>,
}

impl Plugin for WriteRecord {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, _site: &mut Site) -> Result<(), Error> {
        let record = Record {
            template: self.template.clone(),
            reference: self.reference.clone(),
            answers: self.session.state().record.clone(),
        };
        if let Some(file) = files.get(FILE) {
            return Err(Error::file(
                file.display_path(FILE),
                FileError::new(format!(
                    "renders to `{FILE}`, which ironsmith writes: rename it"
                )),
            ));
        }
        let text = record.to_text().map_err(Error::Message)?;
        files.insert(FILE.to_string(), File::new(text));
        // Renamed files went out of order; the map is sorted by path, as after reading.
        files.sort_unstable_keys();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_reads_back_what_it_wrote() {
        let mut answers = Metadata::new();
        answers.insert("name".into(), "A&B: \"x\"".into());
        answers.insert("ci".into(), false.into());
        answers.insert("langs".into(), serde_json::json!(["en", "fr"]));
        let record = Record {
            template: Some("https://example.com/t.git".into()),
            reference: Some("v1".into()),
            answers,
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        std::fs::write(&path, record.to_text().unwrap()).unwrap();
        assert_eq!(Record::load(&path).unwrap(), record);
    }

    #[test]
    fn a_bad_file_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        std::fs::write(&path, "template: x\nanswer: {}\n").unwrap();
        let error = Record::load(&path).unwrap_err().to_string();
        assert!(error.contains("a.yaml:2:"), "{error}");
    }
}
