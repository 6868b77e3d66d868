//! Which layout a page asks for, and which template file that name means.
//!
//! A layout name comes from front matter, so it is untrusted: it must name a file inside
//! the layouts folder, never leave it.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use ironsmith_core::{Error, FileError, Metadata};
use serde_json::Value;
use walkdir::WalkDir;

/// The front matter key naming a page's layout.
pub const KEY: &str = "layout";

/// The layout a page asks for: its own `layout` key, else the default; `None` for none.
///
/// `layout: false` and `layout: null` opt out even when there is a default.
pub fn requested<'a>(
    metadata: &'a Metadata,
    default: Option<&'a str>,
) -> Result<Option<&'a str>, FileError> {
    match metadata.get(KEY) {
        None => Ok(default),
        Some(Value::String(name)) => Ok(Some(name)),
        Some(Value::Bool(false) | Value::Null) => Ok(None),
        Some(other) => Err(FileError::new(format!(
            "front matter `{KEY}` must name a layout file (`{KEY}: post.hbs`) or be `false` \
             for none, not {other}"
        ))),
    }
}

/// The name with `.` and empty segments dropped, or why it may not be used.
pub fn clean(name: &str) -> Result<Cow<'_, str>, String> {
    if name.contains('\0') {
        return Err(format!("`{}` contains a NUL byte", name.escape_debug()));
    }
    let absolute = name.starts_with(['/', '\\'])
        || Path::new(name).is_absolute()
        || name.as_bytes().get(1) == Some(&b':');
    if absolute {
        return Err(format!(
            "`{name}` is an absolute path: name a file inside the layouts folder"
        ));
    }
    let segments: Vec<&str> = name
        .split(['/', '\\'])
        .filter(|segment| !segment.is_empty() && *segment != ".")
        .collect();
    if segments.contains(&"..") {
        return Err(format!(
            "`{name}` leaves the layouts folder: name a file inside it"
        ));
    }
    if segments.is_empty() {
        return Err("is empty: name a layout file, or write `false` for none".to_string());
    }
    if segments.len() == 1 && segments[0] == name {
        return Ok(Cow::Borrowed(name));
    }
    Ok(Cow::Owned(segments.join("/")))
}

/// The templates in the layouts folder, by the names pages use for them.
#[derive(Debug)]
pub struct Catalog {
    folder: PathBuf,
    exists: bool,
    names: BTreeSet<String>,
    /// `post` -> [`post.hbs`]: names without extension, for pages that leave it out.
    stems: HashMap<String, Vec<String>>,
}

impl Catalog {
    /// No layouts at all: for rendering templates that are not layouts.
    pub fn empty() -> Catalog {
        Catalog {
            folder: PathBuf::new(),
            exists: false,
            names: BTreeSet::new(),
            stems: HashMap::new(),
        }
    }

    /// Lists `folder`, leaving out hidden entries and the `skip` folders (partials and
    /// helpers may live inside the layouts folder).
    pub fn read(folder: &Path, skip: &[PathBuf]) -> Result<Catalog, Error> {
        let mut catalog = Catalog {
            folder: folder.to_path_buf(),
            exists: folder.is_dir(),
            names: BTreeSet::new(),
            stems: HashMap::new(),
        };
        if !catalog.exists {
            return Ok(catalog);
        }
        let walker = WalkDir::new(folder)
            .follow_links(true)
            .into_iter()
            .filter_entry(|entry| {
                entry.depth() == 0
                    || !(is_hidden(entry.file_name()) || skip.iter().any(|s| s == entry.path()))
            });
        for entry in walker {
            let entry = entry.map_err(|error| walk_error(folder, error))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(relative) = entry.path().strip_prefix(folder) else {
                continue;
            };
            let Some(name) = slash_path(relative) else {
                continue;
            };
            if let Some(stem) = without_extension(&name) {
                catalog
                    .stems
                    .entry(stem.to_string())
                    .or_default()
                    .push(name.clone());
            }
            catalog.names.insert(name);
        }
        Ok(catalog)
    }

    /// The catalog name of the template `name` means: the exact file, else the one file
    /// with that name plus an extension.
    pub fn resolve(&self, name: &str) -> Result<String, String> {
        let name = clean(name)?;
        if self.names.contains(name.as_ref()) {
            return Ok(name.into_owned());
        }
        match self.stems.get(name.as_ref()).map(Vec::as_slice) {
            Some([only]) => return Ok(only.clone()),
            Some(several) if !several.is_empty() => {
                return Err(format!(
                    "`{name}` could be any of {}: write the file name with its extension",
                    quoted_list(several.iter())
                ))
            }
            _ => {}
        }
        if !self.exists {
            return Err(format!(
                "`{name}` not found: the layouts folder {} does not exist",
                self.folder.display()
            ));
        }
        if self.names.is_empty() {
            return Err(format!(
                "`{name}` not found: {} holds no layouts",
                self.folder.display()
            ));
        }
        Err(format!(
            "`{name}` not found in {}; the layouts are: {}",
            self.folder.display(),
            quoted_list(self.names.iter())
        ))
    }

    /// Where the template a catalog name stands for lives.
    pub fn path(&self, name: &str) -> PathBuf {
        self.folder.join(name)
    }
}

/// A path relative to a folder as `/`-separated text; `None` when it is not UTF-8.
pub fn slash_path(relative: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect();
    parts.map(|parts| parts.join("/"))
}

/// `nav/top.hbs` -> `nav/top`; `None` when the file name has no extension.
pub fn without_extension(name: &str) -> Option<&str> {
    let file_start = name.rfind('/').map_or(0, |slash| slash + 1);
    match name[file_start..].rfind('.') {
        Some(dot) if dot > 0 => Some(&name[..file_start + dot]),
        _ => None,
    }
}

pub fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|name| name.starts_with('.'))
}

pub fn walk_error(folder: &Path, error: walkdir::Error) -> Error {
    let path = error.path().unwrap_or(folder).to_path_buf();
    match error.into_io_error() {
        Some(io) => Error::io(path, io),
        None => Error::Message(format!(
            "{}: a symbolic link loops back to a folder above it",
            path.display()
        )),
    }
}

fn quoted_list<'a>(names: impl Iterator<Item = &'a String>) -> String {
    names
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn catalog(files: &[&str]) -> (tempfile::TempDir, Catalog) {
        let dir = tempfile::tempdir().unwrap();
        for file in files {
            let path = dir.path().join("layouts").join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let folder = dir.path().join("layouts");
        let catalog = Catalog::read(&folder, &[folder.join("partials")]).unwrap();
        (dir, catalog)
    }

    #[test]
    fn requested_reads_the_key_then_the_default() {
        let page = |value: Value| -> Metadata { [(KEY.to_string(), value)].into_iter().collect() };
        assert_eq!(
            requested(&Metadata::new(), Some("d.hbs")),
            Ok(Some("d.hbs"))
        );
        assert_eq!(requested(&Metadata::new(), None), Ok(None));
        assert_eq!(
            requested(&page(json!("a.hbs")), Some("d")),
            Ok(Some("a.hbs"))
        );
        assert_eq!(requested(&page(json!(false)), Some("d")), Ok(None));
        assert_eq!(requested(&page(json!(null)), Some("d")), Ok(None));
        let error = requested(&page(json!(3)), None).unwrap_err();
        assert!(error.message.contains("front matter `layout`"), "{error}");
    }

    #[test]
    fn names_that_leave_the_folder_are_refused() {
        for name in ["../x.hbs", "a/../../x.hbs", "..\\x.hbs", "a/.."] {
            let error = clean(name).unwrap_err();
            assert!(
                error.contains("leaves the layouts folder"),
                "{name}: {error}"
            );
        }
        for name in ["/etc/passwd", "\\x.hbs", "C:\\x.hbs", "c:x.hbs"] {
            let error = clean(name).unwrap_err();
            assert!(error.contains("absolute path"), "{name}: {error}");
        }
        assert!(clean("a\0.hbs").unwrap_err().contains("NUL"));
        assert!(clean("").unwrap_err().contains("is empty"));
        assert!(clean("./").unwrap_err().contains("is empty"));
        assert_eq!(clean("./blog//post.hbs").unwrap(), "blog/post.hbs");
        assert!(matches!(
            clean("post.hbs").unwrap(),
            Cow::Borrowed("post.hbs")
        ));
    }

    #[test]
    fn resolves_exact_names_and_unique_stems() {
        let (_dir, catalog) = catalog(&[
            "post.hbs",
            "blog/entry.hbs",
            "page.hbs",
            "page.html",
            ".hidden.hbs",
            "partials/nav.hbs",
        ]);
        assert_eq!(catalog.resolve("post.hbs").unwrap(), "post.hbs");
        assert_eq!(catalog.resolve("post").unwrap(), "post.hbs");
        assert_eq!(catalog.resolve("blog/entry").unwrap(), "blog/entry.hbs");
        assert_eq!(
            catalog.resolve("./blog\\entry.hbs").unwrap(),
            "blog/entry.hbs"
        );
        let error = catalog.resolve("page").unwrap_err();
        assert!(error.contains("`page.hbs`, `page.html`"), "{error}");
        let error = catalog.resolve("nav.hbs").unwrap_err();
        assert!(
            error
                .contains("the layouts are: `blog/entry.hbs`, `page.hbs`, `page.html`, `post.hbs`"),
            "{error}"
        );
        assert!(catalog.resolve(".hidden.hbs").is_err());
        assert!(catalog.path("post.hbs").ends_with("layouts/post.hbs"));
    }

    #[test]
    fn a_missing_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::read(&dir.path().join("nope"), &[]).unwrap();
        let error = catalog.resolve("post.hbs").unwrap_err();
        assert!(error.contains("does not exist"), "{error}");
    }

    #[test]
    fn extensions_come_off_the_file_name_only() {
        assert_eq!(without_extension("nav/top.hbs"), Some("nav/top"));
        assert_eq!(without_extension("a.b.hbs"), Some("a.b"));
        assert_eq!(without_extension("v1.2/readme"), None);
        assert_eq!(without_extension(".hbs"), None);
    }
}
