//! Where templates come from, and `ironsmith template add | list | remove`.
//!
//! `ironsmith new TEMPLATE` takes, in this order: a git URL (`URL#REF` or `--ref` picks a
//! branch or tag), or a local bare repository; a saved template's name; a shipped
//! template's name (`blog`, `docs`, `plugin`); a folder. A bare word names a template
//! before a folder: write `./blog` for the folder.

mod git;
mod saved;
mod shipped;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use tempfile::TempDir;

use crate::args::{TemplateArgs, TemplateCommand};

/// A template folder ready to read, and how the answers file names it.
#[derive(Debug)]
pub struct Fetched {
    pub folder: PathBuf,
    pub source: String,
    pub reference: Option<String>,
    /// Holds a clone or a shipped template; removed when this is dropped.
    _temporary: Option<TempDir>,
}

/// Finds (or clones, or unpacks) the template `template`.
pub fn fetch(template: &str, reference: Option<&str>) -> Result<Fetched> {
    if template.starts_with('-') {
        bail!("`{template}`: a template cannot start with `-`");
    }
    let (location, reference) = split_reference(template, reference)?;
    if let Some(reference) = &reference {
        if reference.starts_with('-') || reference.is_empty() {
            bail!("`{reference}`: a git ref cannot be empty or start with `-`");
        }
    }
    let local = Path::new(location);
    if git::is_url(location) || git::is_bare_repository(local) {
        return clone(location, reference);
    }
    let is_name = !location.contains(['/', '\\']) && !location.starts_with('.');
    if is_name {
        if let Some(folder) = saved::find(location)? {
            return from_folder(folder, location.to_string(), reference);
        }
        if shipped::exists(location) {
            let temporary = private_folder()?;
            let folder = shipped::extract(location, temporary.path())?;
            let mut fetched = from_folder(folder, location.to_string(), reference)?;
            fetched._temporary = Some(temporary);
            return Ok(fetched);
        }
    }
    if local.is_dir() {
        if reference.is_some() && local.join(".git").exists() {
            return clone(location, reference);
        }
        let folder = local
            .canonicalize()
            .with_context(|| format!("{}: cannot resolve the path", local.display()))?;
        let source = folder.display().to_string();
        return from_folder(folder, source, reference);
    }
    bail!(
        "no template `{location}`: give a folder, a git URL, or the name of a template (see `ironsmith template list`)"
    )
}

/// `URL#REF` and `--ref REF`; both must agree.
fn split_reference<'a>(
    template: &'a str,
    reference: Option<&str>,
) -> Result<(&'a str, Option<String>)> {
    let (location, in_url) = match template.rsplit_once('#') {
        Some((location, fragment))
            if git::is_url(location) || git::is_bare_repository(Path::new(location)) =>
        {
            (location, Some(fragment))
        }
        _ => (template, None),
    };
    match (in_url, reference) {
        (Some(a), Some(b)) if a != b => {
            bail!("`{template}` asks for `{a}` but --ref for `{b}`: give one")
        }
        (a, b) => Ok((location, a.or(b).map(str::to_string))),
    }
}

fn from_folder(folder: PathBuf, source: String, reference: Option<String>) -> Result<Fetched> {
    if reference.is_some() {
        bail!("--ref (or `#ref`) applies to a git repository, and `{source}` is not one");
    }
    Ok(Fetched {
        folder,
        source,
        reference,
        _temporary: None,
    })
}

fn clone(location: &str, reference: Option<String>) -> Result<Fetched> {
    let temporary = private_folder()?;
    let folder = temporary.path().join("template");
    git::clone(location, reference.as_deref(), &folder)?;
    let source = match git::is_url(location) {
        true => git::without_password(location),
        false => Path::new(location)
            .canonicalize()
            .map(|path| path.display().to_string())
            .unwrap_or_else(|_| location.to_string()),
    };
    Ok(Fetched {
        folder,
        source,
        reference,
        _temporary: Some(temporary),
    })
}

/// A temporary folder only this user can read, removed when dropped.
fn private_folder() -> Result<TempDir> {
    tempfile::Builder::new()
        .prefix("ironsmith-template-")
        .tempdir()
        .context("cannot create a temporary folder")
}

/// `ironsmith template ...`.
pub fn run(args: &TemplateArgs) -> Result<()> {
    match &args.command {
        TemplateCommand::Add {
            name,
            source,
            reference,
        } => {
            let fetched = fetch(source, reference.as_deref())?;
            let origin = saved::Origin {
                source: fetched.source.clone(),
                reference: fetched.reference.clone(),
            };
            let folder = saved::add(name, &fetched.folder, &origin)?;
            eprintln!("saved `{name}` in {}", folder.display());
            Ok(())
        }
        TemplateCommand::List => {
            println!("shipped:");
            for (name, description) in shipped::TEMPLATES {
                println!("  {name:<10} {description}");
            }
            let (folder, saved) = saved::list()?;
            println!("saved (in {}):", folder.display());
            if saved.is_empty() {
                println!("  none: save one with `ironsmith template add NAME SOURCE`");
            }
            for saved::Saved { name, origin } in saved {
                let from = match origin {
                    Some(saved::Origin {
                        source,
                        reference: Some(reference),
                    }) => format!("{source}#{reference}"),
                    Some(saved::Origin { source, .. }) => source,
                    None => "(unknown source)".into(),
                };
                println!("  {name:<10} {from}");
            }
            Ok(())
        }
        TemplateCommand::Remove { name } => {
            saved::remove(name)?;
            eprintln!("removed `{name}`");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_come_from_the_url_or_the_flag_but_must_agree() {
        let (location, reference) = split_reference("https://h/r.git#v1", None).unwrap();
        assert_eq!(
            (location, reference.as_deref()),
            ("https://h/r.git", Some("v1"))
        );
        let (location, reference) = split_reference("https://h/r.git", Some("main")).unwrap();
        assert_eq!(
            (location, reference.as_deref()),
            ("https://h/r.git", Some("main"))
        );
        assert!(split_reference("https://h/r.git#a", Some("b")).is_err());
        let (location, reference) = split_reference("./my#folder", None).unwrap();
        assert_eq!((location, reference), ("./my#folder", None));
    }

    #[test]
    fn dashes_are_refused() {
        let error = fetch("--upload-pack=x", None).unwrap_err().to_string();
        assert!(error.contains("cannot start with `-`"), "{error}");
        let error = fetch("https://h/r.git#--x", None).unwrap_err().to_string();
        assert!(
            error.contains("cannot be empty or start with `-`"),
            "{error}"
        );
    }
}
