//! `metadata`: loads YAML, JSON or TOML files into global metadata
//! (`@metalsmith/metadata`'s `{key: path}` options).
//!
//! A path inside the source folder is taken from the build's files and left out of the
//! output, as Metalsmith does; any other path is read from disk, relative to the site root.
//! A folder loads every data file in it, keyed by file name without extension.

use std::fs;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use ironsmith_core::{parse_options, Error, FileError, Files, Metadata, Plugin, Site};
use serde::Deserialize;
use serde_json::Value;

use crate::data_file;

pub const NAME: &str = "metadata";

/// `{key: path}`: where each global key's data comes from. A dotted key (`data.authors`)
/// nests.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct Options(pub IndexMap<String, PathBuf>);

#[derive(Debug)]
pub struct MetadataFiles {
    options: Options,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let options: Options = parse_options(options)?;
    if options.0.is_empty() {
        return Err("give at least one `key: path/to/file.yaml`".into());
    }
    Ok(Box::new(MetadataFiles { options }))
}

impl Plugin for MetadataFiles {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        let mut errors = Vec::new();
        for (key, path) in &self.options.0 {
            match load(path, files, site) {
                Ok(value) => insert_at(&mut site.metadata, key, value),
                Err(error) => errors.push(error),
            }
        }
        match Error::from_many(errors) {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// The data at `path`: from the build's files when it is one of them, else from disk.
fn load(path: &Path, files: &mut Files, site: &Site) -> Result<Value, Error> {
    let full = site.resolve(path);
    if let Some(key) = source_key(&full, &site.source) {
        if let Some(file) = files.shift_remove(&key) {
            let shown = file.display_path(&key);
            let text = file
                .text()
                .ok_or_else(|| Error::file(&shown, FileError::new("is not UTF-8 text")))?;
            return data_file::parse(&full, text).map_err(|e| Error::file(shown, e));
        }
    }
    let stat = fs::metadata(&full).map_err(|e| {
        Error::Message(format!(
            "{}: {e}: check the path given for it under `metadata` in the configuration",
            full.display()
        ))
    })?;
    if stat.is_dir() {
        load_folder(&full)
    } else {
        read_data_file(&full)
    }
}

fn read_data_file(path: &Path) -> Result<Value, Error> {
    let text = fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    data_file::parse(path, &text).map_err(|e| Error::file(path.display().to_string(), e))
}

/// Every data file directly in `folder`, keyed by name without extension, in name order.
fn load_folder(folder: &Path) -> Result<Value, Error> {
    let mut entries: Vec<PathBuf> = fs::read_dir(folder)
        .map_err(|e| Error::io(folder, e))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.is_file()
                && path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    data_file::EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())
                })
        })
        .collect();
    entries.sort();
    let mut data = Metadata::new();
    let mut errors = Vec::new();
    for path in entries {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match read_data_file(&path) {
            Ok(value) => {
                data.insert(stem, value);
            }
            Err(error) => errors.push(error),
        }
    }
    match Error::from_many(errors) {
        Some(error) => Err(error),
        None => Ok(Value::Object(data)),
    }
}

/// The file-map key of `path` when it lies inside the source folder.
fn source_key(path: &Path, source: &Path) -> Option<String> {
    let relative = path.strip_prefix(source).ok()?;
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect();
    Some(parts?.join("/"))
}

/// Sets `metadata[a][b]` for the key `a.b`, creating maps on the way.
fn insert_at(metadata: &mut Metadata, key: &str, value: Value) {
    match key.split_once('.') {
        None => {
            metadata.insert(key.to_string(), value);
        }
        Some((head, rest)) => {
            let entry = metadata
                .entry(head.to_string())
                .or_insert_with(|| Value::Object(Metadata::new()));
            if !entry.is_object() {
                *entry = Value::Object(Metadata::new());
            }
            if let Value::Object(inner) = entry {
                insert_at(inner, rest, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironsmith_core::File;
    use serde_json::json;

    fn site(root: &Path) -> Site {
        Site::new(root.to_path_buf(), root.join("src"), root.join("build"))
    }

    fn write(root: &Path, path: &str, text: &str) {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn run(options: Value, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        create(&options).unwrap().run(files, site)
    }

    #[test]
    fn loads_files_of_each_format_and_nests_dotted_keys() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "data/site.yaml", "title: T\n");
        write(dir.path(), "data/nav.json", "[\"a\"]");
        write(dir.path(), "data/build.toml", "fast = true\n");
        let mut site = site(dir.path());
        run(
            json!({"site": "data/site.yaml", "nav": "data/nav.json", "data.build": "data/build.toml"}),
            &mut Files::new(),
            &mut site,
        )
        .unwrap();
        assert_eq!(site.metadata["site"]["title"], "T");
        assert_eq!(site.metadata["nav"], json!(["a"]));
        assert_eq!(site.metadata["data"]["build"]["fast"], true);
    }

    #[test]
    fn a_folder_loads_every_data_file_by_name() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "authors/ada.yaml", "name: Ada\n");
        write(dir.path(), "authors/grace.json", "{\"name\": \"Grace\"}");
        write(dir.path(), "authors/README.md", "not data");
        let mut site = site(dir.path());
        run(json!({"authors": "authors"}), &mut Files::new(), &mut site).unwrap();
        assert_eq!(
            site.metadata["authors"],
            json!({"ada": {"name": "Ada"}, "grace": {"name": "Grace"}})
        );
    }

    #[test]
    fn a_file_in_the_source_is_used_and_left_out_of_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let mut files: Files = [("data/site.yaml".to_string(), File::new("title: S\n"))]
            .into_iter()
            .collect();
        let mut site = site(dir.path());
        run(json!({"site": "src/data/site.yaml"}), &mut files, &mut site).unwrap();
        assert_eq!(site.metadata["site"]["title"], "S");
        assert!(files.is_empty());
    }

    #[test]
    fn a_missing_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let error = run(
            json!({"site": "nope.yaml"}),
            &mut Files::new(),
            &mut site(dir.path()),
        )
        .unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("nope.yaml") && message.contains("configuration"),
            "{message}"
        );
    }

    #[test]
    fn a_malformed_file_is_named_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "site.yaml", "title: ok\nlist: [\n");
        let error = run(
            json!({"site": "site.yaml"}),
            &mut Files::new(),
            &mut site(dir.path()),
        )
        .unwrap_err();
        let message = error.to_string();
        assert!(message.contains("site.yaml:3:"), "{message}");
    }

    #[test]
    fn options_must_be_a_map_of_paths() {
        assert!(create(&json!(null)).unwrap_err().contains("at least one"));
        assert!(create(&json!({"site": 3})).is_err());
    }
}
