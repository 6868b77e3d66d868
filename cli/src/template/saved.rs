//! Templates saved under a name: `ironsmith template add NAME SOURCE` keeps a copy (so it
//! works offline and does not change under you) in the user's data folder, or in
//! `$IRONSMITH_DATA_DIR` when that is set.
//!
//! ```text
//! <data>/templates/<name>/template/...   the files
//! <data>/templates/<name>/source.yaml    where they came from
//! ```

use std::fs;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use ironsmith_core::{read_folder, write_folder, Pattern, ReadOptions, WriteOptions};
use serde::{Deserialize, Serialize};

use super::shipped;

/// Overrides the data folder (tests use it so they never touch the real one).
const DATA_DIR_VARIABLE: &str = "IRONSMITH_DATA_DIR";

/// Where a saved template came from.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    pub source: String,
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

fn templates_folder() -> Result<PathBuf> {
    let data = match std::env::var_os(DATA_DIR_VARIABLE) {
        Some(folder) if !folder.is_empty() => PathBuf::from(folder),
        _ => directories::ProjectDirs::from("", "", "ironsmith")
            .context("cannot find your home folder to save templates in: set IRONSMITH_DATA_DIR")?
            .data_dir()
            .to_path_buf(),
    };
    Ok(data.join("templates"))
}

/// The files of the saved template `name`, if there is one.
pub fn find(name: &str) -> Result<Option<PathBuf>> {
    if check_name(name).is_err() {
        return Ok(None);
    }
    let folder = templates_folder()?.join(name).join("template");
    Ok(folder.is_dir().then_some(folder))
}

/// A saved template, as `ironsmith template list` shows it.
#[derive(Debug)]
pub struct Saved {
    pub name: String,
    /// `None` when its `source.yaml` is missing or unreadable.
    pub origin: Option<Origin>,
}

/// The folder templates are saved in, and the saved ones by name.
pub fn list() -> Result<(PathBuf, Vec<Saved>)> {
    let folder = templates_folder()?;
    let mut saved = Vec::new();
    let entries = match fs::read_dir(&folder) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok((folder, saved)),
        Err(error) => {
            return Err(error).with_context(|| format!("{}: cannot list", folder.display()))
        }
    };
    for entry in entries {
        let entry = entry.with_context(|| format!("{}: cannot list", folder.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !entry.path().join("template").is_dir() {
            continue;
        }
        let origin = fs::read_to_string(entry.path().join("source.yaml"))
            .ok()
            .and_then(|text| ironsmith_core::yaml::from_str(&text).ok());
        saved.push(Saved { name, origin });
    }
    saved.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((folder, saved))
}

/// A name usable as a folder name and on the command line, and not a shipped template's.
fn check_name(name: &str) -> Result<()> {
    let valid = !name.is_empty()
        && !name.starts_with(['.', '-'])
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !valid {
        bail!("`{name}` cannot name a template: use letters, digits, `-`, `_` and `.`");
    }
    if shipped::exists(name) {
        bail!("`{name}` is a shipped template: choose another name");
    }
    Ok(())
}

/// Copies the template at `folder` (`.git` left out) under `name`, all at once.
pub fn add(name: &str, folder: &std::path::Path, origin: &Origin) -> Result<PathBuf> {
    check_name(name)?;
    let templates = templates_folder()?;
    let target = templates.join(name);
    if target.exists() {
        bail!(
            "a template named `{name}` is already saved: remove it first (ironsmith template remove {name})"
        );
    }
    fs::create_dir_all(&templates)
        .with_context(|| format!("{}: cannot create the folder", templates.display()))?;
    let files = read_folder(
        folder,
        &ReadOptions {
            ignore: Some(Pattern::new(&["**/.git"]).map_err(anyhow::Error::msg)?),
            confine_links: true,
            ..ReadOptions::default()
        },
    )?;
    let staging = tempfile::Builder::new()
        .prefix(".adding-")
        .tempdir_in(&templates)
        .with_context(|| format!("{}: cannot create a folder in it", templates.display()))?;
    write_folder(
        &files,
        &staging.path().join("template"),
        WriteOptions {
            clean: true,
            marker: false,
        },
    )?;
    let yaml = ironsmith_core::yaml::to_string(origin).map_err(anyhow::Error::msg)?;
    let origin_file = staging.path().join("source.yaml");
    fs::write(&origin_file, yaml)
        .with_context(|| format!("{}: cannot write", origin_file.display()))?;
    fs::rename(staging.path(), &target)
        .with_context(|| format!("{}: cannot create", target.display()))?;
    Ok(target)
}

/// Deletes the saved template `name`.
pub fn remove(name: &str) -> Result<()> {
    let Some(files) = find(name)? else {
        let (_, saved) = list()?;
        let names: Vec<&str> = saved.iter().map(|saved| saved.name.as_str()).collect();
        let known = match names.is_empty() {
            true => "none is saved".to_string(),
            false => format!("saved: {}", names.join(", ")),
        };
        bail!("no saved template named `{name}` ({known})");
    };
    let folder = files.parent().unwrap_or(&files);
    fs::remove_dir_all(folder).with_context(|| format!("{}: cannot remove", folder.display()))
}
