//! The feed plugin's options: metalsmith-feed's names where they fit (`collection`, `limit`,
//! `destination`, `site_url`), plus the Atom side it lacks.

use serde::de::{Deserializer, Error as _};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// The collection to publish (required): a key of `collections` in global metadata.
    pub collection: Option<String>,
    /// How many of the collection's first items the feeds hold.
    pub limit: Limit,
    /// Where the RSS feed goes; `destination` is metalsmith-feed's name for it.
    #[serde(alias = "destination")]
    pub rss: FeedPath,
    /// Where the Atom feed goes.
    pub atom: FeedPath,
    /// What each item carries: the whole page or its excerpt.
    pub content: ContentKind,
    /// The feed's title; `site.title` when absent.
    pub title: Option<String>,
    /// The feed's description; `site.description` when absent.
    pub description: Option<String>,
    /// The site's absolute URL; `site.url` when absent.
    #[serde(alias = "site_url")]
    pub site_url: Option<String>,
    /// The feed's language (`en`, `fr-CA`); `site.language` when absent.
    pub language: Option<String>,
    /// The feed's copyright line; `site.copyright` when absent.
    pub copyright: Option<String>,
    /// Who writes the feed, for entries without an `author`; `site.author` when absent.
    pub author: Option<String>,
}

/// `limit: 20`, or `limit: false` for every item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Count(usize),
    All,
}

impl Default for Limit {
    fn default() -> Self {
        Limit::Count(20)
    }
}

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Bool(false) => Ok(Limit::All),
            Value::Number(n) => match n.as_u64() {
                Some(count) if count > 0 => {
                    Ok(Limit::Count(usize::try_from(count).unwrap_or(usize::MAX)))
                }
                _ => Err(D::Error::custom(format!(
                    "`{n}` is not a number of items: write 1 or more, or false for all of them"
                ))),
            },
            other => Err(D::Error::custom(format!(
                "expected a number of items, or false for all of them, found `{other}`"
            ))),
        }
    }
}

/// An output path, `false` for no such feed, or `true` for the default path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum FeedPath {
    #[default]
    Default,
    Off,
    Path(String),
}

impl FeedPath {
    /// The path to write, or `None` when this feed is switched off.
    pub fn resolve(&self, default: &str) -> Option<String> {
        match self {
            FeedPath::Default => Some(default.to_string()),
            FeedPath::Off => None,
            FeedPath::Path(path) => Some(path.clone()),
        }
    }
}

impl<'de> Deserialize<'de> for FeedPath {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(path) => Ok(FeedPath::Path(path)),
            Value::Bool(false) => Ok(FeedPath::Off),
            Value::Bool(true) => Ok(FeedPath::Default),
            other => Err(D::Error::custom(format!(
                "expected an output path, or false for no such feed, found `{other}`"
            ))),
        }
    }
}

/// What an item carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContentKind {
    /// The page's HTML.
    #[default]
    Full,
    /// The page's `excerpt` (HTML), else its `description` (text).
    Excerpt,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironsmith_core::parse_options;
    use serde_json::json;

    fn parse(value: Value) -> Result<Options, String> {
        parse_options(&value)
    }

    #[test]
    fn defaults_match_metalsmith_feed() {
        let options = parse(json!({"collection": "posts"})).unwrap();
        assert_eq!(options.limit, Limit::Count(20));
        assert_eq!(options.rss.resolve("rss.xml").as_deref(), Some("rss.xml"));
        assert_eq!(
            options.atom.resolve("atom.xml").as_deref(),
            Some("atom.xml")
        );
        assert_eq!(options.content, ContentKind::Full);
    }

    #[test]
    fn metalsmith_feed_names_are_accepted() {
        let options = parse(json!({
            "collection": "posts",
            "destination": "feed.xml",
            "site_url": "https://example.com",
            "limit": false
        }))
        .unwrap();
        assert_eq!(options.rss, FeedPath::Path("feed.xml".into()));
        assert_eq!(options.site_url.as_deref(), Some("https://example.com"));
        assert_eq!(options.limit, Limit::All);
        let options = parse(json!({"siteUrl": "https://a.org", "limit": 3})).unwrap();
        assert_eq!(options.site_url.as_deref(), Some("https://a.org"));
        assert_eq!(options.limit, Limit::Count(3));
    }

    #[test]
    fn feeds_can_be_switched_off_or_on() {
        let options = parse(json!({"rss": false, "atom": true, "content": "excerpt"})).unwrap();
        assert_eq!(options.rss.resolve("rss.xml"), None);
        assert_eq!(
            options.atom.resolve("atom.xml").as_deref(),
            Some("atom.xml")
        );
        assert_eq!(options.content, ContentKind::Excerpt);
    }

    #[test]
    fn bad_values_name_the_option() {
        for (options, expected) in [
            (
                json!({"limit": 0}),
                "option `limit`: `0` is not a number of items",
            ),
            (
                json!({"limit": "ten"}),
                "option `limit`: expected a number of items",
            ),
            (json!({"rss": 3}), "option `rss`: expected an output path"),
            (
                json!({"content": "summary"}),
                "option `content`: unknown variant `summary`",
            ),
            (
                json!({"postDescription": "x"}),
                "unknown field `postDescription`",
            ),
        ] {
            let error = parse(options).unwrap_err();
            assert!(error.contains(expected), "{error}");
        }
    }
}
