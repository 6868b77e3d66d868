//! `assets`: adds folders from outside the source to the output (`metalsmith-assets`'
//! options: `source` and `destination`, one entry or a list).
//!
//! The files join the map like any other (with their permission bits, without front
//! matter parsing), so later plugins (minify, links) see them. A file that would land on
//! a path the site already has is an error naming both.

use std::path::{Path, PathBuf};

use ironsmith_core::{
    check_output_path, parse_options, read_folder, Error, FileError, Files, Plugin, ReadOptions,
    Site,
};
use serde::Deserialize;
use serde_json::Value;

pub const NAME: &str = "assets";

/// One folder to copy.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Entry {
    /// The folder to copy, relative to the site root.
    pub source: PathBuf,
    /// Where its files go, relative to the destination (`.` for the top).
    pub destination: String,
}

impl Default for Entry {
    fn default() -> Self {
        Entry {
            source: PathBuf::from("public"),
            destination: "public".into(),
        }
    }
}

#[derive(Debug)]
pub struct Assets {
    /// Each entry with its destination as a key prefix (`""` or `css/`).
    entries: Vec<(Entry, String)>,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let entries: Vec<Entry> = match options {
        Value::Array(list) => list
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                parse_options(entry).map_err(|e| format!("entry {}: {e}", index + 1))
            })
            .collect::<Result<_, _>>()?,
        other => vec![parse_options(other)?],
    };
    let entries = entries
        .into_iter()
        .map(|entry| {
            let prefix = prefix(&entry.destination)?;
            Ok((entry, prefix))
        })
        .collect::<Result<_, String>>()?;
    Ok(Box::new(Assets { entries }))
}

/// `./static/` -> `static/`; `.` or `""` -> `""` (the top of the output).
fn prefix(destination: &str) -> Result<String, String> {
    let trimmed = destination.trim_start_matches("./").trim_end_matches('/');
    if trimmed.is_empty() || trimmed == "." {
        return Ok(String::new());
    }
    check_output_path(trimmed).map_err(|e| format!("option `destination`: {e}"))?;
    Ok(format!("{trimmed}/"))
}

impl Plugin for Assets {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        let mut errors = Vec::new();
        for (entry, prefix) in &self.entries {
            let folder = site.resolve(&entry.source);
            let read = read_entry(&folder)?;
            for (key, file) in read {
                let output = format!("{prefix}{key}");
                if let Err(message) = check_output_path(&output) {
                    errors.push(Error::file(
                        file.display_path(&key),
                        FileError::new(message),
                    ));
                } else if let Some(existing) = files.get(&output) {
                    errors.push(Error::file(
                        file.display_path(&key),
                        FileError::new(format!(
                            "would be copied to `{output}`, where the site already has {}: \
                             rename one of them or change `destination`",
                            existing.display_path(&output)
                        )),
                    ));
                } else {
                    files.insert(output, file);
                }
            }
        }
        match Error::from_many(errors) {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// The folder's files, read in parallel; a missing folder says which option to fix.
fn read_entry(folder: &Path) -> Result<Files, Error> {
    if !folder.is_dir() {
        return Err(Error::Message(format!(
            "{}: the assets folder does not exist: create it, or fix `source`",
            folder.display()
        )));
    }
    read_folder(
        folder,
        &ReadOptions {
            frontmatter: false,
            ..ReadOptions::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironsmith_core::File;
    use serde_json::json;
    use std::fs;

    fn site_with(paths: &[&str]) -> (tempfile::TempDir, Site) {
        let dir = tempfile::tempdir().unwrap();
        for path in paths {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(
                &path,
                format!("---\nnot: front matter\n---\n{}", path.display()),
            )
            .unwrap();
        }
        let site = Site::new(
            dir.path().into(),
            dir.path().join("src"),
            dir.path().join("build"),
        );
        (dir, site)
    }

    fn run(options: Value, site: &mut Site, files: &mut Files) -> Result<(), Error> {
        create(&options).unwrap().run(files, site)
    }

    #[test]
    fn copies_public_to_public_by_default_without_reading_front_matter() {
        let (_dir, mut site) = site_with(&["public/a.txt", "public/img/b.png"]);
        let mut files = Files::new();
        run(json!(null), &mut site, &mut files).unwrap();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            ["public/a.txt", "public/img/b.png"]
        );
        assert!(files["public/a.txt"]
            .text()
            .unwrap()
            .starts_with("---\nnot"));
        assert!(files["public/a.txt"].metadata.is_empty());
    }

    #[test]
    fn source_and_destination_and_several_entries() {
        let (_dir, mut site) = site_with(&["static/robots.txt", "vendor/x/lib.js"]);
        let mut files = Files::new();
        run(
            json!([
                {"source": "static", "destination": "."},
                {"source": "./vendor/x/", "destination": "./js/vendor/"}
            ]),
            &mut site,
            &mut files,
        )
        .unwrap();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            ["robots.txt", "js/vendor/lib.js"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permission_bits() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, mut site) = site_with(&["public/run.sh"]);
        fs::set_permissions(
            dir.path().join("public/run.sh"),
            fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        let mut files = Files::new();
        run(json!({}), &mut site, &mut files).unwrap();
        assert_eq!(files["public/run.sh"].mode, Some(0o755));
    }

    #[test]
    fn a_file_already_in_the_site_is_an_error_naming_both() {
        let (_dir, mut site) = site_with(&["static/index.html"]);
        let mut files = Files::new();
        files.insert("index.html".into(), File::new("home"));
        let error = run(
            json!({"source": "static", "destination": ""}),
            &mut site,
            &mut files,
        )
        .unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("static/index.html: would be copied to `index.html`, where the site already has index.html"),
            "{message}"
        );
    }

    #[test]
    fn a_missing_folder_names_it() {
        let (_dir, mut site) = site_with(&[]);
        let error = run(json!({"source": "nowhere"}), &mut site, &mut Files::new()).unwrap_err();
        let message = error.to_string();
        assert!(
            message
                .ends_with("nowhere: the assets folder does not exist: create it, or fix `source`"),
            "{message}"
        );
    }

    #[test]
    fn destinations_outside_the_output_and_unknown_keys_are_refused() {
        for bad in ["../up", "/etc", "a/../../b"] {
            let error = create(&json!({"destination": bad})).unwrap_err();
            assert!(
                error.starts_with("option `destination`: output path"),
                "{error}"
            );
        }
        let error = create(&json!([{}, {"src": "x"}])).unwrap_err();
        assert!(
            error.starts_with("entry 2: option `src`: unknown field `src`"),
            "{error}"
        );
    }
}
