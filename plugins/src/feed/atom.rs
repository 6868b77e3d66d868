//! The Atom feed, built with the `atom_syndication` crate.

use atom_syndication::{
    Category, Content, Entry as AtomEntry, Feed, FixedDateTime, Generator, Link, Person, Text,
    WriteConfig,
};

use super::entry::{Entry, Summary};
use super::Info;

/// The feed's XML. Atom requires an `updated` everywhere: items without a date take the
/// feed's, which is its newest item's (`now` only when no item has a date).
pub fn render(
    info: &Info,
    entries: &[Entry],
    feed_url: &str,
    now: FixedDateTime,
) -> Result<Vec<u8>, atom_syndication::Error> {
    let updated = info.updated.unwrap_or(now);
    let mut feed = Feed::default();
    feed.set_title(Text::plain(info.title.clone()));
    feed.set_id(feed_url.to_string());
    feed.set_updated(updated);
    feed.set_links(vec![
        link(&format!("{}/", info.site), "alternate", "text/html"),
        link(feed_url, "self", "application/atom+xml"),
    ]);
    if !info.description.is_empty() {
        feed.set_subtitle(Text::plain(info.description.clone()));
    }
    feed.set_lang(info.language.clone());
    feed.set_rights(info.copyright.clone().map(Text::plain));
    // Atom requires an author for every entry; entries inherit the feed's.
    let mut author = Person::default();
    author.set_name(info.author.clone().unwrap_or_else(|| info.title.clone()));
    feed.set_authors(vec![author]);
    let mut generator = Generator::default();
    generator.set_value("ironsmith");
    feed.set_generator(generator);
    feed.set_entries(
        entries
            .iter()
            .map(|entry| atom_entry(entry, updated))
            .collect::<Vec<_>>(),
    );
    feed.write_with_config(
        Vec::new(),
        WriteConfig {
            write_document_declaration: true,
            indent_size: Some(2),
        },
    )
}

fn link(href: &str, rel: &str, mime_type: &str) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel(rel);
    link.set_mime_type(Some(mime_type.to_string()));
    link
}

fn atom_entry(entry: &Entry, feed_updated: FixedDateTime) -> AtomEntry {
    let mut atom = AtomEntry::default();
    atom.set_title(Text::plain(entry.title.clone()));
    atom.set_id(entry.url.clone());
    atom.set_links(vec![link(&entry.url, "alternate", "text/html")]);
    atom.set_updated(entry.last_change().unwrap_or(feed_updated));
    atom.set_published(entry.published);
    atom.set_authors(
        entry
            .authors
            .iter()
            .map(|p| {
                let mut person = Person::default();
                person.set_name(p.name.clone());
                person.set_email(p.email.clone());
                person
            })
            .collect::<Vec<_>>(),
    );
    atom.set_categories(
        entry
            .categories
            .iter()
            .map(|name| {
                let mut category = Category::default();
                category.set_term(name.clone());
                category
            })
            .collect::<Vec<_>>(),
    );
    atom.set_summary(entry.summary.as_ref().map(|summary| match summary {
        Summary::Html(html) => Text::html(html.clone()),
        Summary::Text(text) => Text::plain(text.clone()),
    }));
    atom.set_content(entry.content.as_ref().map(|html| {
        let mut content = Content::default();
        content.set_content_type(Some("html".to_string()));
        content.set_value(Some(html.clone()));
        content
    }));
    atom
}

#[cfg(test)]
mod tests {
    use super::super::entry::Person as Author;
    use super::*;
    use crate::dates;
    use atom_syndication::TextType;

    fn info() -> Info {
        Info {
            title: "Forge Notes".into(),
            description: "About things".into(),
            site: "https://example.com".into(),
            language: Some("en".into()),
            copyright: None,
            author: Some("The Smiths".into()),
            updated: dates::parse("2024-03-06T12:00:00Z"),
        }
    }

    fn entry(title: &str) -> Entry {
        Entry {
            title: title.into(),
            url: format!("https://example.com/{title}/"),
            published: dates::parse("2024-03-05T10:30:00+02:00"),
            updated: dates::parse("2024-03-06"),
            authors: vec![Author {
                name: "Ada".into(),
                email: Some("ada@example.com".into()),
            }],
            categories: vec!["rust".into()],
            content: Some("<p>x & <b>y</b></p>".into()),
            summary: Some(Summary::Text("short".into())),
        }
    }

    fn now() -> FixedDateTime {
        dates::parse("2030-01-01").unwrap_or_default()
    }

    fn parse(info: &Info, entries: &[Entry]) -> Feed {
        let xml = render(info, entries, "https://example.com/atom.xml", now()).unwrap();
        Feed::read_from(&xml[..]).unwrap()
    }

    #[test]
    fn feed_and_entries_read_back() {
        let feed = parse(&info(), &[entry("a")]);
        assert_eq!(feed.title().as_str(), "Forge Notes");
        assert_eq!(feed.id(), "https://example.com/atom.xml");
        assert_eq!(feed.updated().to_rfc3339(), "2024-03-06T12:00:00+00:00");
        assert_eq!(feed.links()[0].href(), "https://example.com/");
        assert_eq!(feed.links()[1].rel(), "self");
        assert_eq!(feed.subtitle().map(Text::as_str), Some("About things"));
        assert_eq!(feed.lang(), Some("en"));
        assert_eq!(feed.authors()[0].name(), "The Smiths");

        let entry = &feed.entries()[0];
        assert_eq!(entry.title().as_str(), "a");
        assert_eq!(entry.id(), "https://example.com/a/");
        assert_eq!(entry.links()[0].href(), "https://example.com/a/");
        assert_eq!(
            entry.published().map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-03-05T10:30:00+02:00")
        );
        assert_eq!(entry.updated().to_rfc3339(), "2024-03-06T00:00:00+00:00");
        assert_eq!(entry.authors()[0].email(), Some("ada@example.com"));
        assert_eq!(entry.categories()[0].term(), "rust");
        let content = entry.content().unwrap();
        assert_eq!(content.content_type(), Some("html"));
        assert_eq!(content.value(), Some("<p>x & <b>y</b></p>"));
        assert_eq!(entry.summary().map(|s| s.r#type), Some(TextType::Text));
    }

    #[test]
    fn undated_entries_take_the_feed_date_and_the_title_stands_in_for_the_author() {
        let mut undated = entry("a");
        undated.published = None;
        undated.updated = None;
        undated.summary = Some(Summary::Html("<p>s</p>".into()));
        undated.content = None;
        let mut info = info();
        info.author = None;
        let feed = parse(&info, &[undated.clone()]);
        assert_eq!(feed.authors()[0].name(), "Forge Notes");
        let entry = &feed.entries()[0];
        assert_eq!(entry.updated().to_rfc3339(), "2024-03-06T12:00:00+00:00");
        assert_eq!(entry.published(), None);
        assert!(entry.content().is_none());
        assert_eq!(
            entry.summary().map(|s| (s.r#type, s.as_str())),
            Some((TextType::Html, "<p>s</p>"))
        );

        info.updated = None;
        let feed = parse(&info, &[undated]);
        assert_eq!(feed.updated(), &now());
        assert_eq!(feed.entries()[0].updated(), &now());
    }
}
