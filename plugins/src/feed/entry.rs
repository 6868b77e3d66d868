//! One feed item, read from a collection member's page: what both formats publish.

use chrono::{DateTime, FixedOffset};
use ironsmith_core::{File, FileError};
use serde_json::Value;

use super::links;
use super::options::ContentKind;
use crate::dates;

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub title: String,
    /// Absolute: also the item's permanent id.
    pub url: String,
    pub published: Option<DateTime<FixedOffset>>,
    pub updated: Option<DateTime<FixedOffset>>,
    pub authors: Vec<Person>,
    /// From `tags`.
    pub categories: Vec<String>,
    /// The page's HTML, with absolute links (`content: full` only).
    pub content: Option<String>,
    pub summary: Option<Summary>,
}

/// An `excerpt` is HTML; a `description` is plain text. Feeds mark which is which.
#[derive(Debug, Clone, PartialEq)]
pub enum Summary {
    Html(String),
    Text(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub name: String,
    pub email: Option<String>,
}

impl Entry {
    /// Reads the page at `path`, published under the `site` URL.
    pub fn read(
        path: &str,
        file: &File,
        site: &str,
        content: ContentKind,
    ) -> Result<Entry, FileError> {
        let metadata = &file.metadata;
        let title = match metadata.get("title") {
            Some(Value::String(title)) if !title.trim().is_empty() => title.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(FileError::new(
                "has no `title`: every feed item needs one, so give it a `title` in front matter",
            )),
        };
        let page = links::page_path(metadata.get("permalink").and_then(Value::as_str), path);
        let url = format!("{site}/{page}");
        let content = match content {
            ContentKind::Full => {
                let html = file.text().ok_or_else(|| {
                    FileError::new("is not UTF-8 text, so it cannot go in a feed: leave it out of the collection")
                })?;
                Some(links::absolutize(html, site, &page))
            }
            ContentKind::Excerpt => None,
        };
        let summary = match (metadata.get("excerpt"), metadata.get("description")) {
            (Some(Value::String(excerpt)), _) if !excerpt.trim().is_empty() => {
                Some(Summary::Html(links::absolutize(excerpt, site, &page)))
            }
            (_, Some(Value::String(text))) if !text.trim().is_empty() => {
                Some(Summary::Text(text.clone()))
            }
            _ => None,
        };
        Ok(Entry {
            title,
            url,
            published: date(metadata.get("date"), "date")?,
            updated: date(metadata.get("updated"), "updated")?,
            authors: people(metadata.get("author")).map_err(FileError::new)?,
            categories: categories(metadata.get("tags")),
            content,
            summary,
        })
    }

    /// When the item last changed: `updated`, else `date`.
    pub fn last_change(&self) -> Option<DateTime<FixedOffset>> {
        self.updated.or(self.published)
    }
}

fn date(value: Option<&Value>, key: &str) -> Result<Option<DateTime<FixedOffset>>, FileError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(value) => dates::from_value(value).map(Some).ok_or_else(|| {
            FileError::new(format!(
                "`{key}` is `{}`, which is not a date: write it as 2024-03-05, 2024-03-05 10:30 or 2024-03-05T10:30:00+02:00",
                value.as_str().map_or_else(|| value.to_string(), str::to_string)
            ))
        }),
    }
}

/// `author: Ada`, the authors plugin's record `{name, email}`, or a list of either.
pub fn people(value: Option<&Value>) -> Result<Vec<Person>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items.iter().map(person).collect(),
        Some(value) => Ok(vec![person(value)?]),
    }
}

fn person(value: &Value) -> Result<Person, String> {
    match value {
        Value::String(name) => Ok(Person {
            name: name.clone(),
            email: None,
        }),
        Value::Object(record) => match record.get("name") {
            Some(Value::String(name)) => Ok(Person {
                name: name.clone(),
                email: record
                    .get("email")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            }),
            _ => Err("`author` is a record without a `name`: give the author a `name`".into()),
        },
        other => Err(format!(
            "`author` must be a name, a record with a `name`, or a list of them, found `{other}`"
        )),
    }
}

/// `tags: [a, b]`, `tags: "a, b"`, or records with a `name` (as tag plugins make them).
fn categories(value: Option<&Value>) -> Vec<String> {
    let names: Vec<&str> = match value {
        Some(Value::String(list)) => list.split(',').collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(name) => Some(name.as_str()),
                Value::Object(record) => record.get("name").and_then(Value::as_str),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    names
        .into_iter()
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SITE: &str = "https://example.com";

    fn page(metadata: Value, contents: &str) -> File {
        let mut file = File::new(contents);
        if let Value::Object(map) = metadata {
            file.metadata = map;
        }
        file
    }

    fn read(metadata: Value, content: ContentKind) -> Result<Entry, FileError> {
        Entry::read(
            "posts/a/index.html",
            &page(metadata, "<p><a href=\"/x\">x</a></p>"),
            SITE,
            content,
        )
    }

    #[test]
    fn reads_title_url_dates_authors_tags_and_content() {
        let entry = read(
            json!({
                "title": "A",
                "permalink": "posts/a",
                "date": "2024-03-05 10:30",
                "updated": "2024-03-06",
                "author": {"name": "Ada", "email": "ada@example.com", "key": "ada"},
                "tags": ["rust", {"name": "feeds", "slug": "feeds"}],
                "excerpt": "<p>Short <a href=\"b\">b</a></p>"
            }),
            ContentKind::Full,
        )
        .unwrap();
        assert_eq!(entry.title, "A");
        assert_eq!(entry.url, "https://example.com/posts/a/");
        assert_eq!(
            entry.published.unwrap().to_rfc3339(),
            "2024-03-05T10:30:00+00:00"
        );
        assert_eq!(
            entry.last_change().unwrap().to_rfc3339(),
            "2024-03-06T00:00:00+00:00"
        );
        assert_eq!(
            entry.authors,
            [Person {
                name: "Ada".into(),
                email: Some("ada@example.com".into())
            }]
        );
        assert_eq!(entry.categories, ["rust", "feeds"]);
        assert_eq!(
            entry.content.as_deref(),
            Some("<p><a href=\"https://example.com/x\">x</a></p>")
        );
        assert_eq!(
            entry.summary,
            Some(Summary::Html(
                "<p>Short <a href=\"https://example.com/posts/a/b\">b</a></p>".into()
            ))
        );
    }

    #[test]
    fn excerpt_mode_has_no_content_and_falls_back_to_description() {
        let entry = read(
            json!({"title": "A", "description": "Plain & simple", "author": ["Ada", "Grace"], "tags": "a, b,"}),
            ContentKind::Excerpt,
        )
        .unwrap();
        assert_eq!(entry.content, None);
        assert_eq!(entry.summary, Some(Summary::Text("Plain & simple".into())));
        assert_eq!(entry.url, "https://example.com/posts/a/");
        assert_eq!(entry.published, None);
        let names: Vec<_> = entry.authors.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Ada", "Grace"]);
        assert_eq!(entry.categories, ["a", "b"]);
        let bare = read(json!({"title": "A"}), ContentKind::Excerpt).unwrap();
        assert_eq!(bare.summary, None);
    }

    #[test]
    fn bad_metadata_says_what_to_fix() {
        for (metadata, expected) in [
            (json!({}), "has no `title`"),
            (json!({"title": " "}), "has no `title`"),
            (
                json!({"title": "A", "date": "yesterday"}),
                "`date` is `yesterday`, which is not a date",
            ),
            (
                json!({"title": "A", "updated": true}),
                "`updated` is `true`, which is not a date",
            ),
            (
                json!({"title": "A", "author": {"email": "a@b"}}),
                "without a `name`",
            ),
            (
                json!({"title": "A", "author": 3}),
                "`author` must be a name",
            ),
        ] {
            let error = read(metadata, ContentKind::Excerpt).unwrap_err();
            assert!(error.message.contains(expected), "{}", error.message);
        }
    }

    #[test]
    fn full_content_must_be_text() {
        let mut file = File::new(vec![0xff, 0xfe]);
        file.metadata.insert("title".into(), json!("A"));
        let error = Entry::read("a.html", &file, SITE, ContentKind::Full).unwrap_err();
        assert!(error.message.contains("not UTF-8"), "{}", error.message);
    }
}
