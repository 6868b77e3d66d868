//! Reading a source folder into the file map.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::error::{Error, FileError};
use crate::file::{File, Files, Metadata};
use crate::frontmatter;
use crate::pattern::Pattern;

/// How to read a folder.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Parse YAML front matter (Metalsmith's `frontmatter`, on by default in configs).
    pub frontmatter: bool,
    /// Paths (relative to the folder) to leave out; a matching folder is skipped whole.
    pub ignore: Option<Pattern>,
}

/// Reads every file under `source`, in parallel, into a map sorted by path.
///
/// Every unreadable file and broken front matter block is reported, not just the first.
pub fn read_folder(source: &Path, options: &ReadOptions) -> Result<Files, Error> {
    let mut paths = list_files(source, options.ignore.as_ref())?;
    // Sorted before reading, so the map and the error list both come out in path order.
    paths.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let results: Vec<Result<(String, File), Error>> = paths
        .into_par_iter()
        .map(|(key, path)| read_file(path, options.frontmatter).map(|file| (key, file)))
        .collect();

    let mut entries = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(entry) => entries.push(entry),
            Err(error) => errors.push(error),
        }
    }
    if let Some(error) = Error::from_many(errors) {
        return Err(error);
    }
    Ok(entries.into_iter().collect())
}

/// Why the source folder cannot be read; a missing one says how to fix it.
pub(crate) fn source_error(source: &Path, error: std::io::Error) -> Error {
    match error.kind() {
        std::io::ErrorKind::NotFound => Error::Message(format!(
            "{}: the source folder does not exist: create it, or set `source` in the configuration",
            source.display()
        )),
        _ => Error::io(source, error),
    }
}

/// The files under `source` as (key, path) pairs, skipping ignored paths.
fn list_files(source: &Path, ignore: Option<&Pattern>) -> Result<Vec<(String, PathBuf)>, Error> {
    let metadata = fs::metadata(source).map_err(|e| source_error(source, e))?;
    if !metadata.is_dir() {
        return Err(Error::Message(format!(
            "{}: the source is not a folder",
            source.display()
        )));
    }
    let mut files = Vec::new();
    let walker = WalkDir::new(source).follow_links(true).into_iter();
    let walker = walker.filter_entry(|entry| {
        let ignored = ignore.is_some_and(|pattern| {
            relative_key(source, entry.path()).is_some_and(|key| pattern.is_match(&key))
        });
        !ignored
    });
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(source).to_path_buf();
            let message = e.to_string();
            Error::io(
                path,
                e.into_io_error()
                    .unwrap_or_else(|| std::io::Error::other(message)),
            )
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let key = relative_key(source, entry.path()).ok_or_else(|| {
            Error::file(
                entry.path().display().to_string(),
                FileError::new("the file name is not valid UTF-8: rename it"),
            )
        })?;
        files.push((key, entry.into_path()));
    }
    Ok(files)
}

/// `/`-separated path of `path` relative to `root`, if it is valid UTF-8.
fn relative_key(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let mut key = String::new();
    for component in relative.components() {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str(component.as_os_str().to_str()?);
    }
    Some(key)
}

fn read_file(path: PathBuf, frontmatter: bool) -> Result<File, Error> {
    let mut handle = fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
    let stat = handle.metadata().map_err(|e| Error::io(&path, e))?;
    let mut contents = Vec::with_capacity(stat.len() as usize);
    handle
        .read_to_end(&mut contents)
        .map_err(|e| Error::io(&path, e))?;

    let mut metadata = Metadata::new();
    if frontmatter {
        match frontmatter::split(&contents) {
            Ok(Some(split)) => {
                metadata = split.metadata;
                contents.drain(..split.body_start);
            }
            Ok(None) => {}
            Err(error) => return Err(Error::file(path.display().to_string(), error)),
        }
    }
    Ok(File {
        contents,
        metadata,
        mode: permission_bits(&stat),
        origin: Some(path),
    })
}

#[cfg(unix)]
fn permission_bits(stat: &fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(stat.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn permission_bits(_: &fs::Metadata) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, relative: &str, contents: &[u8]) {
        let path = root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    fn options() -> ReadOptions {
        ReadOptions {
            frontmatter: true,
            ignore: None,
        }
    }

    #[test]
    fn reads_sorted_with_front_matter_merged() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "b.md", b"---\ntitle: B\n---\nbody");
        write(dir.path(), "a/z.txt", b"plain");
        write(dir.path(), "a.png", b"\x89PNG\xff\x00");
        let files = read_folder(dir.path(), &options()).unwrap();
        let keys: Vec<_> = files.keys().cloned().collect();
        assert_eq!(keys, ["a.png", "a/z.txt", "b.md"]);
        assert_eq!(files["b.md"].metadata["title"], "B");
        assert_eq!(files["b.md"].contents, b"body");
        assert_eq!(files["a.png"].contents, b"\x89PNG\xff\x00");
    }

    #[test]
    fn frontmatter_off_keeps_bytes() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.md", b"---\ntitle: A\n---\nbody");
        let files = read_folder(
            dir.path(),
            &ReadOptions {
                frontmatter: false,
                ignore: None,
            },
        )
        .unwrap();
        assert_eq!(files["a.md"].contents, b"---\ntitle: A\n---\nbody");
        assert!(files["a.md"].metadata.is_empty());
    }

    #[test]
    fn ignore_skips_files_and_whole_folders() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "keep.md", b"x");
        write(dir.path(), "notes.tmp", b"x");
        write(dir.path(), "drafts/a.md", b"x");
        let files = read_folder(
            dir.path(),
            &ReadOptions {
                frontmatter: true,
                ignore: Some(Pattern::new(&["*.tmp", "drafts"]).unwrap()),
            },
        )
        .unwrap();
        let keys: Vec<_> = files.keys().cloned().collect();
        assert_eq!(keys, ["keep.md"]);
    }

    #[test]
    fn reports_every_broken_front_matter() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.md", b"---\n- list\n---\n");
        write(dir.path(), "b.md", b"---\nx: [\n---\n");
        let error = read_folder(dir.path(), &options()).unwrap_err();
        let lines = error.lines();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].contains("a.md:2:1:"), "{}", lines[0]);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permission_bits() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "run.sh", b"#!/bin/sh\n");
        fs::set_permissions(dir.path().join("run.sh"), fs::Permissions::from_mode(0o755)).unwrap();
        let files = read_folder(dir.path(), &options()).unwrap();
        assert_eq!(files["run.sh"].mode, Some(0o755));
    }

    #[test]
    fn a_missing_source_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let error = read_folder(&missing, &options()).unwrap_err();
        assert!(error.to_string().contains("nope"), "{error}");
    }
}
