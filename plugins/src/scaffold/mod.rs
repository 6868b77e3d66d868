//! `ironsmith new`: a new folder from a template, as a second chain over the same core.
//!
//! The core reads the template folder (front matter off, `.git` left out, symbolic links
//! never followed out of it), these plugins run in order, and the core's atomic write makes
//! the destination, so a failure at any step leaves nothing behind:
//!
//! 1. `spec`: takes out `template.yaml` and drops what its `ignore` matches;
//! 2. `placeholders`: compiles every name and text file once and walks the parse for
//!    placeholders;
//! 3. `answers`: gets a value for each (`--set`, `--answers`, defaults, prompts);
//! 4. `render`: renders contents strictly;
//! 5. `names`: drops conditional files, renders and checks every path;
//! 6. `record`: adds `.ironsmith-answers.yaml`.
//!
//! The steps share one `Session`: the handlebars set-up and what earlier steps learnt.
//!
//! ```
//! use ironsmith_plugins::scaffold::{Inputs, Scaffold};
//!
//! # let dir = tempfile::tempdir()?;
//! let template = dir.path().join("template");
//! std::fs::create_dir_all(template.join("{{name}}"))?;
//! std::fs::write(template.join("{{name}}/README.md"), "# {{title name}}\n")?;
//! let scaffold = Scaffold {
//!     template,
//!     destination: dir.path().join("out"),
//!     source: None,
//!     reference: None,
//!     inputs: Inputs {
//!         set: vec![("name".into(), "my-site".into())],
//!         file: Default::default(),
//!         file_name: String::new(),
//!         defaults: false,
//!         ask: None,
//!     },
//!     today: chrono::NaiveDate::from_ymd_opt(2025, 1, 31).unwrap(),
//!     force: false,
//! };
//! scaffold.run(false)?;
//! let readme = std::fs::read_to_string(dir.path().join("out/my-site/README.md"))?;
//! assert_eq!(readme, "# My Site\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod answers;
mod engine;
mod names;
mod placeholders;
mod questions;
mod record;
mod render;
mod spec;

use std::fs;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{Datelike, NaiveDate};
use ironsmith_core::{write_folder, Build, Error, Metadata, Mode, Pipeline, WriteOptions};
use serde_json::Value;

pub use answers::Inputs;
pub use questions::{Ask, Question};
pub use record::{Record, FILE as ANSWERS_FILE};
pub use spec::{Kind, FILE as TEMPLATE_FILE};

/// What the steps of one run share.
#[derive(Debug, Default)]
struct Session {
    engine: engine::Engine,
    state: Mutex<State>,
}

/// What earlier steps hand to later ones.
#[derive(Debug, Default)]
struct State {
    spec: spec::Compiled,
    found: placeholders::Found,
    compiled: placeholders::Compiled,
    /// Answers (nested at dots) and built-ins: what templates render with.
    context: Value,
    /// The answers to record, secrets left out.
    record: Metadata,
}

impl Session {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// One `ironsmith new`.
#[derive(Debug)]
pub struct Scaffold {
    /// The template folder (already fetched, when it came from git).
    pub template: PathBuf,
    pub destination: PathBuf,
    /// How the answers file names the template, and its git ref.
    pub source: Option<String>,
    pub reference: Option<String>,
    pub inputs: Inputs,
    /// `date` and `year` in templates.
    pub today: NaiveDate,
    /// Add to a non-empty destination, overwriting but never deleting.
    pub force: bool,
}

impl Scaffold {
    /// Checks the destination, runs the chain, and writes the result unless `dry_run`.
    pub fn run(self, dry_run: bool) -> Result<Build, Error> {
        let adding = self.check_destination()?;
        let destination = self.destination.clone();
        let build = self.pipeline()?.process()?;
        if !dry_run {
            write_folder(
                &build.files,
                &destination,
                WriteOptions {
                    clean: !adding,
                    marker: false,
                },
            )?;
        }
        Ok(build)
    }

    /// The destination must be new or empty, or `force` given; `true` when adding to files
    /// already there.
    fn check_destination(&self) -> Result<bool, Error> {
        let shown = self.destination.display();
        let template =
            fs::canonicalize(&self.template).map_err(|e| Error::io(&self.template, e))?;
        let destination =
            std::path::absolute(&self.destination).map_err(|e| Error::io(&self.destination, e))?;
        let resolved = fs::canonicalize(&destination).unwrap_or(destination);
        if resolved.starts_with(&template) {
            return Err(Error::Message(format!(
                "the destination {shown} is inside the template: choose a folder outside {}",
                template.display()
            )));
        }
        let entries = match fs::read_dir(&self.destination) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(_) if self.destination.exists() && !self.destination.is_dir() => {
                return Err(Error::Message(format!(
                    "the destination {shown} is a file: choose a folder"
                )))
            }
            Err(error) => return Err(Error::io(&self.destination, error)),
        };
        let empty = entries.count() == 0;
        match (empty, self.force) {
            (true, _) => Ok(false),
            (false, true) => Ok(true),
            (false, false) => Err(Error::Message(format!(
                "the destination {shown} is not empty: choose a new folder, or pass --force to add to it (overwriting files, deleting none)"
            ))),
        }
    }

    fn pipeline(self) -> Result<Pipeline, Error> {
        let session = Arc::new(Session::default());
        let dest_name = std::path::absolute(&self.destination)
            .ok()
            .and_then(|path| path.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default();
        let mut built_ins = Metadata::new();
        built_ins.insert("year".into(), self.today.year().to_string().into());
        built_ins.insert(
            "date".into(),
            self.today.format("%Y-%m-%d").to_string().into(),
        );
        built_ins.insert("dest_name".into(), dest_name.into());
        Ok(Pipeline::new(&self.template)
            .source("")
            .frontmatter(false)
            .confine_links(true)
            .ignore(&["**/.git"])?
            .mode(Mode::Scaffold)
            .use_plugin(spec::ReadSpec {
                session: session.clone(),
            })
            .use_plugin(placeholders::FindPlaceholders {
                session: session.clone(),
            })
            .use_plugin(answers::GetAnswers {
                session: session.clone(),
                inputs: Mutex::new(self.inputs),
                built_ins,
            })
            .use_plugin(render::RenderContents {
                session: session.clone(),
            })
            .use_plugin(names::RenderNames {
                session: session.clone(),
            })
            .use_plugin(record::WriteRecord {
                session,
                template: self.source,
                reference: self.reference,
            }))
    }
}

#[cfg(test)]
mod tests;
