//! Helpers the site author writes in Rhai (`helpers/<name>.rhai`), so a site gains a
//! helper without compiling Rust.
//!
//! The script sees the call's arguments as `params` (a list) and `hash` (a map), and its
//! last expression is the helper's value:
//!
//! ```rhai
//! // helpers/shout.rhai: {{shout title}}
//! params[0].to_upper() + "!"
//! ```

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use handlebars::Handlebars;
use ironsmith_core::{Error, FileError, Location};

/// Registers every `*.rhai` file of `folder` under its file stem; a site's helper replaces
/// a built-in one of the same name. A missing folder is an error only when `required`.
/// Returns the names registered.
pub fn register(
    registry: &mut Handlebars<'_>,
    folder: &Path,
    required: bool,
) -> Result<BTreeSet<String>, Error> {
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound && !required => {
            return Ok(BTreeSet::new())
        }
        Err(error) => return Err(Error::io(folder, error)),
    };
    let mut scripts = Vec::new();
    for entry in entries {
        let path = entry.map_err(|error| Error::io(folder, error))?.path();
        if path.extension().is_some_and(|ext| ext == "rhai") && path.is_file() {
            scripts.push(path);
        }
    }
    scripts.sort();
    let mut errors = Vec::new();
    let mut names = BTreeSet::new();
    for path in scripts {
        match register_one(registry, &path) {
            Ok(name) => {
                names.insert(name);
            }
            Err(error) => errors.push(error),
        }
    }
    match Error::from_many(errors) {
        Some(error) => Err(error),
        None => Ok(names),
    }
}

fn register_one(registry: &mut Handlebars<'_>, path: &Path) -> Result<String, Error> {
    let display = path.display().to_string();
    let name = path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .filter(|stem| is_helper_name(stem))
        .ok_or_else(|| {
            Error::file(
                &display,
                FileError::new(
                    "the file name is not a helper name: use letters, digits, `-` and `_` \
                     (`format-price.rhai` is called as {{format-price ...}})",
                ),
            )
        })?;
    let bytes = fs::read(path).map_err(|error| Error::io(path, error))?;
    let source = String::from_utf8(bytes).map_err(|_| {
        Error::file(
            &display,
            FileError::new("is not UTF-8 text: save it as UTF-8"),
        )
    })?;
    registry
        .register_script_helper(name, &source)
        .map_err(|error| Error::file(&display, located(&error.to_string())))?;
    Ok(name.to_string())
}

/// Rhai prints a syntax error as `message (line 2, position 5)`; the position becomes the
/// error's location so editors can jump to it. (handlebars does not export its error type,
/// so the text is all there is to read.)
fn located(message: &str) -> FileError {
    let position = message
        .strip_suffix(')')
        .and_then(|rest| rest.rsplit_once(" (line "))
        .and_then(|(text, position)| {
            let (line, column) = position.split_once(", position ")?;
            Some((text, line.parse().ok()?, column.parse().ok()?))
        });
    match position {
        Some((text, line, column)) => {
            FileError::new(format!("Rhai: {text}")).at(Location { line, column })
        }
        None => FileError::new(format!("Rhai: {message}")),
    }
}

/// What handlebars' grammar accepts as a helper name in `{{name ...}}`.
fn is_helper_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '$' | ':') || !c.is_ascii()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    #[test]
    fn scripts_become_helpers_named_by_their_stem() {
        let dir = folder(&[
            ("shout.rhai", b"params[0].to_upper() + hash[\"end\"]"),
            ("notes.txt", b"not a helper"),
        ]);
        let mut registry = Handlebars::new();
        register(&mut registry, dir.path(), true).unwrap();
        let out = registry
            .render_template("{{shout title end=\"!\"}}", &json!({"title": "hi"}))
            .unwrap();
        assert_eq!(out, "HI!");
        let missing = registry.render_template("{{notes}}", &json!({}));
        assert!(missing.unwrap().is_empty());
    }

    #[test]
    fn a_syntax_error_names_the_script_and_line() {
        let dir = folder(&[("bad.rhai", b"let x = 1;\nlet = ;\n"), ("good.rhai", b"1")]);
        let mut registry = Handlebars::new();
        let error = register(&mut registry, dir.path(), false).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("bad.rhai:2:"), "{message}");
        assert!(message.contains("Rhai: "), "{message}");
        assert_eq!(
            registry.render_template("{{good}}", &json!({})).unwrap(),
            "1"
        );
    }

    #[test]
    fn bad_names_and_missing_folders() {
        let dir = folder(&[("two words.rhai", b"1")]);
        let error = register(&mut Handlebars::new(), dir.path(), false).unwrap_err();
        assert!(error.to_string().contains("not a helper name"), "{error}");
        let missing = dir.path().join("nope");
        assert!(register(&mut Handlebars::new(), &missing, false).is_ok());
        let error = register(&mut Handlebars::new(), &missing, true).unwrap_err();
        assert!(error.to_string().contains("nope"), "{error}");
    }

    #[test]
    fn the_position_comes_from_rhai_s_message() {
        assert_eq!(
            located("bad (line 3, position 7)").to_string(),
            "3:7: Rhai: bad"
        );
        assert_eq!(located("boom").to_string(), "Rhai: boom");
        assert_eq!(
            located("odd (line x, position 7)").to_string(),
            "Rhai: odd (line x, position 7)"
        );
    }
}
