//! The RSS 2.0 feed, built with the `rss` crate.

use std::collections::BTreeMap;

use rss::extension::dublincore::DublinCoreExtension;
use rss::extension::Extension;
use rss::{Category, Channel, Guid, Item};

use super::entry::{Entry, Summary};
use super::Info;

const ATOM_NAMESPACE: &str = "http://www.w3.org/2005/Atom";

/// The feed's XML. It points at itself (`atom:link rel="self"`) as validators ask.
pub fn render(info: &Info, entries: &[Entry], feed_url: &str) -> Result<Vec<u8>, rss::Error> {
    let mut channel = Channel::default();
    channel.set_title(info.title.clone());
    channel.set_link(format!("{}/", info.site));
    channel.set_description(info.description.clone());
    channel.set_language(info.language.clone());
    channel.set_copyright(info.copyright.clone());
    channel.set_generator(Some("ironsmith".to_string()));
    channel.set_last_build_date(info.updated.map(|date| date.to_rfc2822()));
    channel.set_namespaces(BTreeMap::from([(
        "atom".to_string(),
        ATOM_NAMESPACE.to_string(),
    )]));
    channel.set_extensions(BTreeMap::from([(
        "atom".to_string(),
        BTreeMap::from([("link".to_string(), vec![self_link(feed_url)])]),
    )]));
    channel.set_items(entries.iter().map(item).collect::<Vec<_>>());
    channel.pretty_write_to(Vec::new(), b' ', 2)
}

fn self_link(feed_url: &str) -> Extension {
    Extension {
        name: "atom:link".to_string(),
        value: None,
        attrs: BTreeMap::from([
            ("href".to_string(), feed_url.to_string()),
            ("rel".to_string(), "self".to_string()),
            ("type".to_string(), "application/rss+xml".to_string()),
        ]),
        children: BTreeMap::new(),
    }
}

fn item(entry: &Entry) -> Item {
    let mut item = Item::default();
    item.set_title(entry.title.clone());
    item.set_link(entry.url.clone());
    let mut guid = Guid::default();
    guid.set_value(entry.url.clone());
    guid.set_permalink(true);
    item.set_guid(guid);
    item.set_pub_date(entry.published.map(|date| date.to_rfc2822()));
    let description = match (&entry.content, &entry.summary) {
        (Some(html), _) | (None, Some(Summary::Html(html))) => Some(html.clone()),
        (None, Some(Summary::Text(text))) => Some(escape_html(text)),
        (None, None) => None,
    };
    item.set_description(description);
    // RSS's own `author` must be an email address; names go in `dc:creator`.
    if let Some(person) = entry.authors.iter().find(|p| p.email.is_some()) {
        let email = person.email.as_deref().unwrap_or_default();
        item.set_author(format!("{email} ({})", person.name));
    }
    if !entry.authors.is_empty() {
        let mut creators = DublinCoreExtension::default();
        creators.set_creators(
            entry
                .authors
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>(),
        );
        item.set_dublin_core_ext(creators);
    }
    item.set_categories(
        entry
            .categories
            .iter()
            .map(|name| {
                let mut category = Category::default();
                category.set_name(name.clone());
                category
            })
            .collect::<Vec<_>>(),
    );
    item
}

/// A plain-text description goes where readers expect HTML: `a < b` must stay text.
fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::super::entry::Person;
    use super::*;
    use crate::dates;

    fn info() -> Info {
        Info {
            title: "Forge & Notes".into(),
            description: "About <things>".into(),
            site: "https://example.com".into(),
            language: Some("en".into()),
            copyright: Some("CC BY".into()),
            author: None,
            updated: dates::parse("2024-03-06"),
        }
    }

    fn entry(title: &str) -> Entry {
        Entry {
            title: title.into(),
            url: format!("https://example.com/{title}/"),
            published: dates::parse("2024-03-05T10:30:00+02:00"),
            updated: None,
            authors: vec![
                Person {
                    name: "Ada".into(),
                    email: Some("ada@example.com".into()),
                },
                Person {
                    name: "Grace".into(),
                    email: None,
                },
            ],
            categories: vec!["rust".into()],
            content: Some("<p>x ]]> y</p>".into()),
            summary: None,
        }
    }

    fn parse(entries: &[Entry]) -> Channel {
        let xml = render(&info(), entries, "https://example.com/rss.xml").unwrap();
        Channel::read_from(&xml[..]).unwrap()
    }

    #[test]
    fn channel_and_items_read_back() {
        let channel = parse(&[entry("a"), entry("b")]);
        assert_eq!(channel.title(), "Forge & Notes");
        assert_eq!(channel.link(), "https://example.com/");
        assert_eq!(channel.description(), "About <things>");
        assert_eq!(channel.language(), Some("en"));
        assert_eq!(channel.copyright(), Some("CC BY"));
        assert_eq!(
            channel.last_build_date(),
            Some("Wed, 6 Mar 2024 00:00:00 +0000")
        );
        let link = &channel.extensions()["atom"]["link"][0];
        assert_eq!(link.attrs()["href"], "https://example.com/rss.xml");
        assert_eq!(link.attrs()["rel"], "self");

        let item = &channel.items()[0];
        assert_eq!(item.title(), Some("a"));
        assert_eq!(item.link(), Some("https://example.com/a/"));
        assert_eq!(item.guid().map(Guid::value), Some("https://example.com/a/"));
        assert_eq!(item.pub_date(), Some("Tue, 5 Mar 2024 10:30:00 +0200"));
        assert_eq!(item.description(), Some("<p>x ]]> y</p>"));
        assert_eq!(item.author(), Some("ada@example.com (Ada)"));
        let creators = item.dublin_core_ext().map(|dc| dc.creators().to_vec());
        assert_eq!(creators, Some(vec!["Ada".to_string(), "Grace".to_string()]));
        assert_eq!(item.categories()[0].name(), "rust");
        assert_eq!(channel.items()[1].title(), Some("b"));
    }

    #[test]
    fn summaries_fill_the_description_without_content() {
        let mut html = entry("a");
        html.content = None;
        html.summary = Some(Summary::Html("<p>short</p>".into()));
        let mut text = entry("b");
        text.content = None;
        text.summary = Some(Summary::Text("a < b & c".into()));
        let mut bare = entry("c");
        bare.content = None;
        bare.published = None;
        bare.authors.clear();
        let channel = parse(&[html, text, bare]);
        assert_eq!(channel.items()[0].description(), Some("<p>short</p>"));
        assert_eq!(channel.items()[1].description(), Some("a &lt; b &amp; c"));
        assert_eq!(channel.items()[2].description(), None);
        assert_eq!(channel.items()[2].pub_date(), None);
        assert_eq!(channel.items()[2].author(), None);
        assert!(channel.items()[2].dublin_core_ext().is_none());
    }
}
