//! `authors`: replaces each file's `author` key (a name or a list) by that author's record
//! from global metadata, giving it a Gravatar `avatar` when the record has none.

use std::fmt::Write as _;

use ironsmith_core::{parse_options, Error, FileError, Files, Metadata, Plugin, Site};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const NAME: &str = "authors";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// The front matter key naming a file's author(s).
    pub key: String,
    /// The global metadata key holding `{author-key: record}`.
    pub authors: String,
    /// An unknown author is an error (`true`) or a warning that leaves the name as written.
    pub strict: bool,
    /// Gravatar image size in pixels.
    pub avatar_size: u32,
    /// Gravatar's image for emails without one: `mp`, `identicon`, `retro`, `robohash`, ...
    pub avatar_default: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            key: "author".into(),
            authors: "authors".into(),
            strict: true,
            avatar_size: 80,
            avatar_default: "mp".into(),
        }
    }
}

#[derive(Debug)]
pub struct Authors {
    options: Options,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(Authors {
        options: parse_options(options)?,
    }))
}

impl Plugin for Authors {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        let records = self.records(&site.metadata)?;
        let key = &self.options.key;
        // Copying a record into each page is spread over the workers; the unknown authors
        // come back in the pages' order.
        let unknown: Vec<(String, FileError)> = files
            .par_iter_mut()
            .filter_map(|(path, file)| {
                let written = file.metadata.get(key)?;
                match self.resolve(written, &records) {
                    Ok(resolved) => {
                        file.metadata.insert(key.clone(), resolved);
                        None
                    }
                    Err(unknown) => Some((file.display_path(path), unknown)),
                }
            })
            .collect();
        let mut errors = Vec::new();
        for (place, unknown) in unknown {
            match self.options.strict {
                true => errors.push(Error::file(place, unknown)),
                false => site.warn(format!("{place}: {}", unknown.message)),
            }
        }
        match Error::from_many(errors) {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

impl Authors {
    /// Each author's record, with `key` and a computed `avatar` added once, not per page.
    fn records(&self, metadata: &Metadata) -> Result<Metadata, Error> {
        let source = &self.options.authors;
        let Some(Value::Object(authors)) = metadata.get(source) else {
            return Err(Error::Message(format!(
                "no `{source}` map in global metadata: load one, e.g. `- metadata: {{{source}: metadata/{source}.yaml}}` before `authors`"
            )));
        };
        let mut records = Metadata::new();
        for (key, record) in authors {
            let mut record = match record {
                Value::Object(record) => record.clone(),
                Value::String(name) => {
                    Metadata::from_iter([("name".to_string(), Value::from(name.clone()))])
                }
                _ => {
                    return Err(Error::Message(format!(
                        "`{source}.{key}` must be a map (name, email, ...) or a name"
                    )))
                }
            };
            record
                .entry("key")
                .or_insert_with(|| Value::from(key.clone()));
            if !record.contains_key("avatar") {
                if let Some(Value::String(email)) = record.get("email") {
                    let avatar = gravatar(
                        email,
                        self.options.avatar_size,
                        &self.options.avatar_default,
                    );
                    record.insert("avatar".into(), avatar.into());
                }
            }
            records.insert(key.clone(), Value::Object(record));
        }
        Ok(records)
    }

    /// The record (or list of records) for what a file's front matter wrote.
    fn resolve(&self, written: &Value, records: &Metadata) -> Result<Value, FileError> {
        match written {
            Value::String(name) => self.lookup(name, records),
            Value::Array(names) => names
                .iter()
                .map(|name| match name {
                    Value::String(name) => self.lookup(name, records),
                    other => Ok(other.clone()),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            other => Ok(other.clone()),
        }
    }

    fn lookup(&self, name: &str, records: &Metadata) -> Result<Value, FileError> {
        records.get(name).cloned().ok_or_else(|| {
            FileError::new(format!(
                "unknown {} `{name}`: add it to `{}` or use one of: {}",
                self.options.key,
                self.options.authors,
                records
                    .keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }
}

/// Gravatar's URL for an email: the SHA-256 of the trimmed, lowercased address.
fn gravatar(email: &str, size: u32, default: &str) -> String {
    let digest = Sha256::digest(email.trim().to_lowercase().as_bytes());
    let mut url = String::from("https://www.gravatar.com/avatar/");
    for byte in digest {
        let _ = write!(url, "{byte:02x}");
    }
    let _ = write!(url, "?s={size}&d={default}");
    url
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironsmith_core::File;
    use serde_json::json;

    fn site() -> Site {
        let mut site = Site::default();
        site.metadata.insert(
            "authors".into(),
            json!({
                "ada": {"name": "Ada", "email": " Ada@Example.com ", "bio": "first"},
                "grace": {"name": "Grace", "avatar": "/grace.png"},
                "anon": {"name": "Anon"}
            }),
        );
        site
    }

    fn page(author: Value) -> File {
        let mut file = File::new("x");
        file.metadata.insert("author".into(), author);
        file
    }

    fn run(options: Value, author: Value, site: &mut Site) -> Result<Value, Error> {
        let mut files: Files = [("a.md".to_string(), page(author))].into_iter().collect();
        create(&options).unwrap().run(&mut files, site)?;
        Ok(files["a.md"].metadata["author"].clone())
    }

    #[test]
    fn replaces_a_key_by_its_record_with_a_gravatar() {
        let author = run(json!(null), json!("ada"), &mut site()).unwrap();
        assert_eq!(author["name"], "Ada");
        assert_eq!(author["key"], "ada");
        // sha256("ada@example.com"), computed independently.
        assert_eq!(
            author["avatar"],
            "https://www.gravatar.com/avatar/b5fc85e55755f9e0d030a10ab4429b6b2944855f9a0d60077fe832becbc41d72?s=80&d=mp"
        );
    }

    #[test]
    fn keeps_an_avatar_the_record_has_and_gives_none_without_email() {
        assert_eq!(
            run(json!(null), json!("grace"), &mut site()).unwrap()["avatar"],
            "/grace.png"
        );
        assert!(run(json!(null), json!("anon"), &mut site())
            .unwrap()
            .get("avatar")
            .is_none());
    }

    #[test]
    fn lists_resolve_each_author() {
        let authors = run(json!(null), json!(["ada", "grace"]), &mut site()).unwrap();
        assert_eq!(authors[0]["name"], "Ada");
        assert_eq!(authors[1]["name"], "Grace");
    }

    #[test]
    fn avatar_options_change_the_url() {
        let author = run(
            json!({"avatarSize": 48, "avatarDefault": "identicon"}),
            json!("ada"),
            &mut site(),
        )
        .unwrap();
        assert!(author["avatar"]
            .as_str()
            .unwrap()
            .ends_with("?s=48&d=identicon"));
    }

    #[test]
    fn other_key_names() {
        let mut site = Site::default();
        site.metadata.insert("people".into(), json!({"bo": "Bo"}));
        let mut file = File::new("x");
        file.metadata.insert("by".into(), json!("bo"));
        let mut files: Files = [("a.md".to_string(), file)].into_iter().collect();
        create(&json!({"key": "by", "authors": "people"}))
            .unwrap()
            .run(&mut files, &mut site)
            .unwrap();
        assert_eq!(files["a.md"].metadata["by"]["name"], "Bo");
    }

    #[test]
    fn unknown_author_is_an_error_naming_file_and_known_keys() {
        let error = run(json!(null), json!("bob"), &mut site()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "a.md: unknown author `bob`: add it to `authors` or use one of: ada, grace, anon"
        );
    }

    #[test]
    fn not_strict_warns_and_leaves_the_name() {
        let mut site = site();
        let author = run(json!({"strict": false}), json!("bob"), &mut site).unwrap();
        assert_eq!(author, "bob");
        assert_eq!(site.take_warnings().len(), 1);
    }

    #[test]
    fn many_pages_resolve_and_unknown_authors_are_named_in_page_order() {
        let names = ["ada", "bob", "grace", "cy"];
        let mut files: Files = (0..400)
            .map(|i| (format!("p{i:03}.md"), page(json!(names[i % 4]))))
            .collect();
        let mut site = site();
        create(&json!({"strict": false}))
            .unwrap()
            .run(&mut files, &mut site)
            .unwrap();
        for (i, file) in files.values().enumerate() {
            let author = &file.metadata["author"];
            match names[i % 4] {
                "ada" => assert_eq!(author["name"], "Ada"),
                "grace" => assert_eq!(author["name"], "Grace"),
                unknown => assert_eq!(author, unknown),
            }
        }
        let warned: Vec<String> = site
            .take_warnings()
            .into_iter()
            .map(|warning| warning.split(':').next().unwrap_or_default().to_string())
            .collect();
        let expected: Vec<String> = (0..400)
            .filter(|i| i % 4 == 1 || i % 4 == 3)
            .map(|i| format!("p{i:03}.md"))
            .collect();
        assert_eq!(warned, expected);
    }

    #[test]
    fn missing_authors_metadata_says_how_to_load_it() {
        let error = run(json!(null), json!("ada"), &mut Site::default()).unwrap_err();
        assert!(error.to_string().contains("- metadata:"), "{error}");
    }
}
