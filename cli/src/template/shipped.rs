//! The templates shipped inside the binary (from `cli/templates/`, embedded by `build.rs`).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Each shipped template's name and what it makes, for `ironsmith template list`.
pub const TEMPLATES: [(&str, &str); 3] = [
    ("blog", "an ironsmith blog: posts, tags, an Atom feed"),
    (
        "docs",
        "an ironsmith documentation site: pages in order, with navigation",
    ),
    (
        "plugin",
        "a Rust crate for a new ironsmith plugin, with tests",
    ),
];

/// Every shipped file: path (`<template>/...`), bytes, Unix mode.
static FILES: &[(&str, &[u8], u32)] = include!(concat!(env!("OUT_DIR"), "/shipped.rs"));

pub fn exists(name: &str) -> bool {
    TEMPLATES.iter().any(|(shipped, _)| *shipped == name)
}

/// Writes the template `name` into `into`; returns its folder.
pub fn extract(name: &str, into: &Path) -> Result<PathBuf> {
    let folder = into.join(name);
    let prefix = format!("{name}/");
    for (path, bytes, mode) in FILES {
        let Some(relative) = path.strip_prefix(&prefix) else {
            continue;
        };
        let target = folder.join(relative);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("{}: cannot create the folder", parent.display()))?;
        }
        fs::write(&target, bytes).with_context(|| format!("{}: cannot write", target.display()))?;
        set_mode(&target, *mode)?;
    }
    Ok(folder)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .with_context(|| format!("{}: cannot set its mode", path.display()))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_template_is_embedded_with_a_template_yaml() {
        for (name, _) in TEMPLATES {
            let yaml = format!("{name}/template.yaml");
            assert!(
                FILES.iter().any(|(path, _, _)| *path == yaml),
                "{yaml} is not embedded"
            );
        }
    }

    #[test]
    fn extract_writes_only_that_template() {
        let dir = tempfile::tempdir().unwrap();
        let folder = extract("docs", dir.path()).unwrap();
        assert!(folder.join("template.yaml").is_file());
        assert!(!dir.path().join("blog").exists());
    }
}
