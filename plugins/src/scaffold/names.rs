//! File names: which files exist, and where they go.
//!
//! A file's whole relative path is one template, so a block may span folders. As in Khaos,
//! a block left open is closed at the end of the path: `/` cannot appear in a file name, so
//! neither can `{{/if}}`, and a folder named `{{#if ci}}.github` holds files that exist
//! only when `ci` holds. A path that renders to nothing, or with an empty folder or file
//! name, drops its file; so does a `conditional` glob whose condition fails.
//!
//! Every rendered path is checked before anything is written: a value cannot add a folder
//! (a `/` from a value is refused), leave the destination, or land two files on one path.

use std::collections::HashMap;
use std::sync::Arc;

use handlebars::Context;
use ironsmith_core::{check_output_path, Error, FileError, Files, Plugin, Site};
use rayon::prelude::*;

use super::engine::{self, VALUE_SLASH};
use super::Session;

pub const NAME: &str = "names";

/// `path` with a `{{/helper}}` added at its end for each block it opens and leaves open.
pub fn close_open_blocks(path: &str) -> String {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find("{{") {
        let escaped = start > 0 && rest[..start].ends_with('\\');
        let inside = &rest[start + 2..];
        let Some(end) = inside.find("}}") else {
            break;
        };
        let tag = inside[..end].trim_start_matches(['{', '~']).trim_start();
        if !escaped {
            if let Some(block) = tag.strip_prefix('#') {
                let helper = block
                    .trim_start_matches(['>', '*'])
                    .split_whitespace()
                    .next();
                open.push(helper.unwrap_or_default());
            } else if tag.starts_with('/') {
                open.pop();
            }
        }
        rest = &inside[end + 2..];
    }
    let mut closed = path.to_string();
    for helper in open.iter().rev() {
        closed.push_str("{{/");
        closed.push_str(helper);
        closed.push_str("}}");
    }
    closed
}

/// Drops conditional files, renders the names of the rest, and moves each file to its path.
#[derive(Debug)]
pub struct RenderNames {
    pub(super) session: Arc<Session>,
}

impl Plugin for RenderNames {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, _site: &mut Site) -> Result<(), Error> {
        let (templates, context) = {
            let mut state = self.session.state();
            (
                std::mem::take(&mut state.compiled.names),
                state.context.clone(),
            )
        };
        let context = Context::wraps(&context)
            .map_err(|e| Error::Message(format!("cannot use the answers: {e}")))?;
        let registry = &self.session.engine.names;
        let kept = {
            let state = self.session.state();
            let mut kept = Vec::with_capacity(files.len());
            for key in files.keys() {
                let mut keep = true;
                for rule in state
                    .spec
                    .conditional
                    .iter()
                    .filter(|r| r.pattern.is_match(key))
                {
                    keep &=
                        engine::holds(&rule.condition, registry, &context).map_err(|reason| {
                            Error::Message(format!("template.yaml: conditional: {reason}"))
                        })?;
                }
                kept.push(keep);
            }
            kept
        };
        let mut index = 0;
        files.retain(|_, _| {
            index += 1;
            kept[index - 1]
        });

        let rendered: Vec<Result<Option<String>, Error>> = files
            .par_iter()
            .map(|(key, file)| match templates.get(key) {
                None => Ok(Some(key.clone())),
                Some(template) => {
                    let text = engine::render(template, registry, &context).map_err(|e| {
                        Error::file(
                            file.display_path(key),
                            name_error(key, &engine::render_error(&e)),
                        )
                    })?;
                    checked(key, &text).map_err(|e| Error::file(file.display_path(key), e))
                }
            })
            .collect();
        move_files(files, rendered)
    }
}

fn name_error(key: &str, error: &FileError) -> FileError {
    FileError::new(format!("the file name {key:?}: {}", error.message))
}

/// The path a name renders to, or `None` when it drops the file.
fn checked(key: &str, rendered: &str) -> Result<Option<String>, FileError> {
    if rendered.is_empty() || rendered.split('/').any(str::is_empty) {
        return Ok(None);
    }
    if rendered.contains(VALUE_SLASH) {
        let shown = rendered.replace(VALUE_SLASH, "/");
        return Err(FileError::new(format!(
            "the file name {key:?} renders to {shown:?}: a value in a file name cannot hold `/`; answer with a plain name"
        )));
    }
    check_output_path(rendered)
        .map(|()| Some(rendered.to_string()))
        .map_err(|reason| {
            FileError::new(format!(
                "the file name {key:?}: {reason}; answer with a plain name"
            ))
        })
}

/// Re-keys the files by their rendered paths, in the same order, dropping those without one.
fn move_files(
    files: &mut Files,
    rendered: Vec<Result<Option<String>, Error>>,
) -> Result<(), Error> {
    let old = std::mem::take(files);
    let mut errors = Vec::new();
    let mut origins: HashMap<String, String> = HashMap::new();
    for ((key, file), path) in old.into_iter().zip(rendered) {
        let path = match path {
            Ok(Some(path)) => path,
            Ok(None) => continue,
            Err(error) => {
                errors.push(error);
                continue;
            }
        };
        let shown = file.display_path(&key);
        if let Some(first) = origins.get(&path) {
            errors.push(Error::file(
                shown,
                FileError::new(format!(
                    "renders to `{path}`, as does {first}: change one of the names or the answers"
                )),
            ));
            continue;
        }
        origins.insert(path.clone(), shown);
        files.insert(path, file);
    }
    match Error::from_many(errors) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_blocks_are_closed_at_the_end() {
        assert_eq!(
            close_open_blocks("{{#if ci}}.github/workflows/ci.yml"),
            "{{#if ci}}.github/workflows/ci.yml{{/if}}"
        );
        assert_eq!(
            close_open_blocks("{{#if a}}x/{{~#unless b}}y"),
            "{{#if a}}x/{{~#unless b}}y{{/unless}}{{/if}}"
        );
        assert_eq!(
            close_open_blocks("{{name}}/{{#if a}}b{{else}}c"),
            "{{name}}/{{#if a}}b{{else}}c{{/if}}"
        );
        assert_eq!(close_open_blocks("\\{{#if a}}b"), "\\{{#if a}}b");
        assert_eq!(close_open_blocks("plain.txt"), "plain.txt");
    }

    #[test]
    fn empty_paths_and_segments_drop_the_file() {
        assert_eq!(checked("k", "").unwrap(), None);
        assert_eq!(checked("k", "/workflows/ci.yml").unwrap(), None);
        assert_eq!(checked("k", "a//b").unwrap(), None);
        assert_eq!(checked("k", "a/b").unwrap(), Some("a/b".into()));
    }

    #[test]
    fn values_cannot_leave_the_destination() {
        for value in ["../x", "/etc/x", "a/../../b"] {
            let rendered = format!("src/{}.txt", value.replace('/', &VALUE_SLASH.to_string()));
            let error = checked("src/{{name}}.txt", &rendered).unwrap_err();
            assert!(
                error.message.contains("cannot hold `/`"),
                "{}",
                error.message
            );
        }
        let error = checked("{{name}}/x", "../x").unwrap_err();
        assert!(error.message.contains("`..`"), "{}", error.message);
    }

    #[test]
    fn two_files_on_one_path_name_both() {
        let mut files: Files = [("{{a}}.txt", "1"), ("{{b}}.txt", "2")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), ironsmith_core::File::new(v)))
            .collect();
        let rendered = vec![Ok(Some("x.txt".to_string())), Ok(Some("x.txt".to_string()))];
        let error = move_files(&mut files, rendered).unwrap_err().to_string();
        assert!(
            error.contains("{{a}}.txt") && error.contains("{{b}}.txt"),
            "{error}"
        );
    }
}
