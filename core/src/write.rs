//! Writing the file map: all or nothing.
//!
//! The output is written into a fresh sibling folder and swapped in only once every file is
//! written, so a failed build leaves the previous output byte for byte as it was and no
//! temporary folder behind.
//!
//! Without `clean`, the previous contents are copied into that folder first (symbolic links
//! as links), so the result adds and overwrites but never deletes: a build with
//! `clean: false`, and `ironsmith new --force` over an existing folder. A generated project
//! is not build output, so the marker file is optional.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;

use crate::error::{Error, FileError};
use crate::file::{File, Files};
use crate::output_path;

/// The file that marks a folder as ironsmith's output, so a later build may replace it.
pub const MARKER: &str = ".ironsmith-output";

/// Entries of an existing destination that a clean build keeps: people deploy from a
/// checkout of their output.
const KEPT: [&str; 2] = [".git", ".gitignore"];

/// How to write the destination.
#[derive(Debug, Clone, Copy)]
pub struct WriteOptions {
    /// Remove what the previous build left that this one does not produce.
    pub clean: bool,
    /// Leave [`MARKER`] in the output, so a later build may replace it.
    pub marker: bool,
}

/// Refuses destinations a build must never replace: the source, a folder holding the source
/// or the site, or a non-empty folder ironsmith did not write (unless `force`).
pub fn check_destination(
    root: &Path,
    source: &Path,
    destination: &Path,
    force: bool,
) -> Result<(), Error> {
    let source = fs::canonicalize(source).map_err(|e| crate::read::source_error(source, e))?;
    let root = fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    let target = canonical_even_if_missing(destination)?;
    let shown = destination.display();
    if target.starts_with(&source) {
        return Err(Error::Message(format!(
            "the destination {shown} is the source folder or inside it: choose a folder outside {}",
            source.display()
        )));
    }
    if source.starts_with(&target) || root.starts_with(&target) {
        return Err(Error::Message(format!(
            "the destination {shown} holds the site itself and would be replaced: choose a folder inside or beside the site, such as `build`"
        )));
    }
    match fs::metadata(&target) {
        Ok(meta) if !meta.is_dir() => Err(Error::Message(format!(
            "the destination {shown} is a file, not a folder: remove it or choose another destination"
        ))),
        Ok(_) if !force && !is_replaceable(&target)? => Err(Error::Message(format!(
            "the destination {shown} is not empty and holds no earlier ironsmith output: \
             empty it, choose another destination, or pass --force to replace it"
        ))),
        _ => Ok(()),
    }
}

/// A folder may be replaced when it is empty, holds earlier output, or only version control.
fn is_replaceable(folder: &Path) -> Result<bool, Error> {
    let mut entries = fs::read_dir(folder).map_err(|e| Error::io(folder, e))?;
    let only_kept = entries.all(|entry| {
        entry.is_ok_and(|entry| {
            let name = entry.file_name();
            KEPT.iter().any(|kept| name == *kept)
        })
    });
    Ok(only_kept || folder.join(MARKER).is_file())
}

/// `path` made absolute with symlinks resolved, for the part of it that exists.
fn canonical_even_if_missing(path: &Path) -> Result<PathBuf, Error> {
    let absolute = std::path::absolute(path).map_err(|e| Error::io(path, e))?;
    let mut existing = absolute.as_path();
    let mut missing = Vec::new();
    loop {
        match fs::canonicalize(existing) {
            Ok(canonical) => {
                return Ok(missing
                    .iter()
                    .rev()
                    .fold(canonical, |acc, part| acc.join(part)));
            }
            Err(_) => match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    missing.push(name.to_owned());
                    existing = parent;
                }
                _ => return Ok(absolute),
            },
        }
    }
}

/// Writes `files` to `destination` atomically.
pub fn write_folder(files: &Files, destination: &Path, options: WriteOptions) -> Result<(), Error> {
    check_paths(files)?;
    let parent = match destination.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let staging = Staging::create(&parent, destination)?;

    if !options.clean && destination.is_dir() {
        copy_previous(destination, &staging.path, files)?;
    }
    write_all(files, &staging.path)?;
    if options.marker {
        let marker = staging.path.join(MARKER);
        fs::write(
            &marker,
            "This folder is ironsmith's output: each build replaces its contents.\n",
        )
        .map_err(|e| Error::io(&marker, e))?;
    }
    staging.swap_into(destination, files)
}

/// Every output path must stay inside the destination, and no file may sit where another
/// needs a folder.
fn check_paths(files: &Files) -> Result<(), Error> {
    let mut errors = Vec::new();
    let keys: HashSet<&str> = files.keys().map(String::as_str).collect();
    for (key, file) in files {
        if let Err(reason) = output_path::check(key) {
            errors.push(Error::file(file.display_path(key), FileError::new(reason)));
            continue;
        }
        let mut prefix_end = 0;
        while let Some(slash) = key[prefix_end..].find('/') {
            prefix_end += slash;
            let folder = &key[..prefix_end];
            if keys.contains(folder) {
                errors.push(Error::file(
                    file.display_path(key),
                    FileError::new(format!(
                        "needs a folder `{folder}`, but {} is written there as a file: rename one of them",
                        files[folder].display_path(folder)
                    )),
                ));
                break;
            }
            prefix_end += 1;
        }
    }
    match Error::from_many(errors) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Writes the files folder by folder, in parallel: a blog with pretty URLs has a folder
/// per page. The folders that hold folders are made first; each other folder is made by
/// the worker writing into it, just before its files. Made all at once, the folders of one
/// parent kept the workers waiting on each other for it (each new entry locks it); made
/// between the writes, they seldom meet there.
fn write_all(files: &Files, root: &Path) -> Result<(), Error> {
    let mut by_folder: BTreeMap<&str, Vec<(&str, &File)>> = BTreeMap::new();
    for (key, file) in files {
        let folder = key.rsplit_once('/').map_or("", |(folder, _)| folder);
        by_folder.entry(folder).or_default().push((key, file));
    }
    let mut parents: BTreeSet<&str> = BTreeSet::new();
    for folder in by_folder.keys() {
        let mut rest = *folder;
        while let Some((parent, _)) = rest.rsplit_once('/') {
            parents.insert(parent);
            rest = parent;
        }
    }
    let errors: Vec<Error> = parents
        .iter()
        .filter_map(|folder| make_folder(root, folder).err())
        .collect();
    if let Some(error) = Error::from_many(errors) {
        return Err(error);
    }
    let folders: Vec<(&str, Vec<(&str, &File)>)> = by_folder.into_iter().collect();
    let errors: Vec<Error> = folders
        .par_iter()
        .flat_map_iter(|(folder, files)| {
            let made = match folder.is_empty() || parents.contains(folder) {
                true => Ok(()),
                false => make_folder(root, folder),
            };
            match made {
                Ok(()) => files
                    .iter()
                    .filter_map(|(key, file)| write_file(&root.join(key), file).err())
                    .collect(),
                Err(error) => vec![error],
            }
        })
        .collect();
    match Error::from_many(errors) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// `folder` under `root`, and any folder above it missing; one another worker has just
/// made counts as made.
fn make_folder(root: &Path, folder: &str) -> Result<(), Error> {
    let path = root.join(folder);
    fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))
}

fn write_file(path: &Path, file: &File) -> Result<(), Error> {
    let mut open = fs::OpenOptions::new();
    open.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if let Some(mode) = file.mode {
        use std::os::unix::fs::OpenOptionsExt;
        open.mode(mode);
    }
    let mut handle = open.open(path).map_err(|e| Error::io(path, e))?;
    handle
        .write_all(&file.contents)
        .map_err(|e| Error::io(path, e))
}

/// `clean: false`: the previous output's files that this build does not produce stay.
fn copy_previous(previous: &Path, staging: &Path, files: &Files) -> Result<(), Error> {
    for entry in walkdir::WalkDir::new(previous).min_depth(1) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(previous).to_path_buf();
            Error::io(path, std::io::Error::other(e.to_string()))
        })?;
        let relative = entry.path().strip_prefix(previous).unwrap_or(entry.path());
        let top = relative.components().next().map(|c| c.as_os_str());
        if top.is_some_and(|top| KEPT.iter().any(|kept| top == *kept) || top == MARKER) {
            continue;
        }
        let key = relative.to_string_lossy().replace('\\', "/");
        let target = staging.join(relative);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).map_err(|e| Error::io(&target, e))?;
        } else if files.contains_key(&key) {
            continue;
        } else if entry.file_type().is_symlink() {
            copy_link(entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target).map_err(|e| Error::io(entry.path(), e))?;
        }
    }
    Ok(())
}

/// Recreates a symbolic link rather than copying what it points to.
#[cfg(unix)]
fn copy_link(link: &Path, target: &Path) -> Result<(), Error> {
    let points_to = fs::read_link(link).map_err(|e| Error::io(link, e))?;
    std::os::unix::fs::symlink(points_to, target).map_err(|e| Error::io(target, e))
}

#[cfg(not(unix))]
fn copy_link(link: &Path, target: &Path) -> Result<(), Error> {
    fs::copy(link, target)
        .map(drop)
        .map_err(|e| Error::io(link, e))
}

/// The folder a build is written into; removed on drop unless it was swapped in.
struct Staging {
    path: PathBuf,
}

impl Staging {
    fn create(parent: &Path, destination: &Path) -> Result<Self, Error> {
        let name = destination
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "build".into());
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let path = parent.join(format!(".{name}.ironsmith-{}-{nanos}", std::process::id()));
        fs::create_dir(&path).map_err(|e| Error::io(&path, e))?;
        Ok(Staging { path })
    }

    /// Replaces `destination` with the staged output, moving version-control entries across.
    fn swap_into(self, destination: &Path, files: &Files) -> Result<(), Error> {
        if !destination.exists() {
            fs::rename(&self.path, destination).map_err(|e| Error::io(destination, e))?;
            std::mem::forget(self);
            return Ok(());
        }
        let moved: Vec<&str> = KEPT
            .iter()
            .copied()
            .filter(|name| !files.contains_key(*name) && destination.join(name).exists())
            .collect();
        for name in &moved {
            let from = destination.join(name);
            fs::rename(&from, self.path.join(name)).map_err(|e| Error::io(&from, e))?;
        }
        let mut old = self.path.clone().into_os_string();
        old.push("-old");
        let old = PathBuf::from(old);
        let swapped = fs::rename(destination, &old).and_then(|()| {
            fs::rename(&self.path, destination).inspect_err(|_| {
                let _ = fs::rename(&old, destination);
            })
        });
        if let Err(error) = swapped {
            for name in &moved {
                let _ = fs::rename(self.path.join(name), destination.join(name));
            }
            return Err(Error::io(destination, error));
        }
        std::mem::forget(self);
        remove_tree(&old).map_err(|e| Error::io(&old, e))
    }
}

/// Removes `folder` and everything under it, spread over the workers: the previous output
/// of a blog has a folder per page, and one thread removing them took longer than writing
/// the new site. Symbolic links are removed, never followed.
fn remove_tree(folder: &Path) -> std::io::Result<()> {
    let entries = fs::read_dir(folder)?.collect::<Result<Vec<_>, _>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path())
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    fs::remove_dir(folder)
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> Files {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), File::new(v.as_bytes())))
            .collect()
    }

    fn tree(root: &Path) -> Vec<String> {
        let mut paths: Vec<String> = walkdir::WalkDir::new(root)
            .min_depth(1)
            .into_iter()
            .map(|e| {
                let e = e.unwrap();
                e.path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        paths.sort();
        paths
    }

    #[test]
    fn clean_build_replaces_output_but_keeps_git() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("build");
        fs::create_dir_all(out.join(".git")).unwrap();
        fs::write(out.join(".git/HEAD"), "ref").unwrap();
        fs::write(out.join("stale.html"), "old").unwrap();
        fs::write(out.join(MARKER), "").unwrap();
        write_folder(
            &files(&[("a/b.html", "new")]),
            &out,
            WriteOptions {
                clean: true,
                marker: true,
            },
        )
        .unwrap();
        assert_eq!(tree(&out), [".git", ".git/HEAD", MARKER, "a", "a/b.html"]);
        assert_eq!(
            tree(dir.path()).len(),
            tree(&out).len() + 1,
            "no staging folder left"
        );
    }

    #[cfg(unix)]
    #[test]
    fn replaced_output_is_removed_without_following_its_links() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("keep.txt"), "mine").unwrap();
        let out = dir.path().join("build");
        fs::create_dir_all(out.join("posts/a/deep")).unwrap();
        fs::write(out.join("posts/a/deep/index.html"), "old").unwrap();
        std::os::unix::fs::symlink(&outside, out.join("posts/link")).unwrap();
        std::os::unix::fs::symlink(outside.join("keep.txt"), out.join("file-link")).unwrap();
        fs::write(out.join(MARKER), "").unwrap();
        let options = WriteOptions {
            clean: true,
            marker: true,
        };
        write_folder(&files(&[("new.html", "new")]), &out, options).unwrap();
        assert_eq!(tree(&out), [MARKER, "new.html"]);
        assert_eq!(
            fs::read_to_string(outside.join("keep.txt")).unwrap(),
            "mine"
        );
        assert_eq!(
            tree(dir.path()),
            [
                "build",
                "build/.ironsmith-output",
                "build/new.html",
                "outside",
                "outside/keep.txt"
            ],
            "no old output or staging folder is left"
        );
    }
    #[test]
    fn unclean_build_keeps_files_it_does_not_produce() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("build");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("keep.txt"), "kept").unwrap();
        fs::write(out.join("a.html"), "old").unwrap();
        write_folder(
            &files(&[("a.html", "new")]),
            &out,
            WriteOptions {
                clean: false,
                marker: true,
            },
        )
        .unwrap();
        assert_eq!(fs::read_to_string(out.join("keep.txt")).unwrap(), "kept");
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "new");
    }

    #[cfg(unix)]
    #[test]
    fn unclean_write_without_marker_keeps_links_and_adds_no_marker() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("project");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        std::os::unix::fs::symlink("notes.txt", out.join("link.txt")).unwrap();
        write_folder(
            &files(&[("new.txt", "new")]),
            &out,
            WriteOptions {
                clean: false,
                marker: false,
            },
        )
        .unwrap();
        assert_eq!(tree(&out), ["link.txt", "new.txt", "notes.txt"]);
        assert!(fs::symlink_metadata(out.join("link.txt"))
            .unwrap()
            .file_type()
            .is_symlink());
    }

    #[test]
    fn failed_write_leaves_previous_output_and_no_staging() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("build");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("index.html"), "previous").unwrap();
        let error = write_folder(
            &files(&[("ok.html", "x"), ("../escape.html", "x")]),
            &out,
            WriteOptions {
                clean: true,
                marker: true,
            },
        )
        .unwrap_err();
        assert!(error.to_string().contains("../escape.html"), "{error}");
        assert_eq!(tree(dir.path()), ["build", "build/index.html"]);
    }

    #[test]
    fn writes_files_at_every_depth_and_folders_that_hold_folders() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let pages: Vec<(String, String)> = (0..50)
            .map(|i| (format!("posts/p{i}/index.html"), format!("post {i}")))
            .chain([
                ("index.html".into(), "home".into()),
                ("docs/index.html".into(), "docs".into()),
                ("docs/guide/deep/er/index.html".into(), "deep".into()),
                ("assets/site.css".into(), "css".into()),
                ("assets/site.js".into(), "js".into()),
            ])
            .collect();
        let listed: Vec<(&str, &str)> = pages
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str()))
            .collect();
        write_folder(
            &files(&listed),
            &out,
            WriteOptions {
                clean: true,
                marker: false,
            },
        )
        .unwrap();
        for (path, text) in &pages {
            assert_eq!(&fs::read_to_string(out.join(path)).unwrap(), text, "{path}");
        }
        let written = tree(&out)
            .iter()
            .filter(|path| out.join(path).is_file())
            .count();
        assert_eq!(written, pages.len());
    }

    #[test]
    fn a_file_where_a_folder_is_needed_names_both() {
        let dir = tempfile::tempdir().unwrap();
        let error = write_folder(
            &files(&[("a", "file"), ("a/b.html", "x")]),
            &dir.path().join("out"),
            WriteOptions {
                clean: true,
                marker: true,
            },
        )
        .unwrap_err();
        assert!(error.to_string().contains("needs a folder `a`"), "{error}");
    }

    #[test]
    fn refuses_unsafe_destinations() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let source = root.join("src");
        fs::create_dir_all(&source).unwrap();
        assert!(check_destination(root, &source, &source, false).is_err());
        assert!(check_destination(root, &source, &source.join("out"), false).is_err());
        assert!(check_destination(root, &source, root, false).is_err());
        let foreign = root.join("docs");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("notes.txt"), "mine").unwrap();
        let error = check_destination(root, &source, &foreign, false).unwrap_err();
        assert!(error.to_string().contains("--force"), "{error}");
        assert!(check_destination(root, &source, &foreign, true).is_ok());
        assert!(check_destination(root, &source, &root.join("build"), false).is_ok());
    }
}
