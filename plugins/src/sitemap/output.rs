//! What the sitemap plugin writes: the sitemap document and the `robots.txt` line.

use ironsmith_core::{Error, File, FileError, Files};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use super::entry::Entry;

const XMLNS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// The sitemap document, indented, with each URL escaped by the writer.
pub(super) fn render(entries: &[Entry]) -> std::io::Result<Vec<u8>> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element("urlset")
        .with_attribute(("xmlns", XMLNS))
        .write_inner_content(|writer| {
            for entry in entries {
                writer.create_element("url").write_inner_content(|writer| {
                    let fields = [
                        ("loc", Some(&entry.loc)),
                        ("lastmod", entry.lastmod.as_ref()),
                        ("changefreq", entry.changefreq.as_ref()),
                        ("priority", entry.priority.as_ref()),
                    ];
                    for (name, value) in fields {
                        if let Some(value) = value {
                            writer
                                .create_element(name)
                                .write_text_content(BytesText::new(value))?;
                        }
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    let mut xml = writer.into_inner();
    xml.push(b'\n');
    Ok(xml)
}

/// Adds `Sitemap: <url>` to the robots file (once), creating one that allows everything
/// when the site has none.
pub(super) fn add_robots_line(
    files: &mut Files,
    path: &str,
    sitemap_url: &str,
) -> Result<(), Error> {
    let line = format!("Sitemap: {sitemap_url}");
    let Some(file) = files.get_mut(path) else {
        let robots = format!("User-agent: *\nDisallow:\n\n{line}\n");
        files.insert(path.to_string(), File::new(robots));
        return Ok(());
    };
    let text = file.text().ok_or_else(|| {
        Error::file(
            file.display_path(path),
            FileError::new("is not UTF-8 text, so the sitemap cannot add its `Sitemap:` line"),
        )
    })?;
    if text.lines().any(|existing| existing.trim() == line) {
        return Ok(());
    }
    let mut robots = text.to_string();
    if !robots.is_empty() && !robots.ends_with('\n') {
        robots.push('\n');
    }
    robots.push_str(&line);
    robots.push('\n');
    file.contents = robots.into_bytes();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_writes_each_field_escaped() {
        let entry = Entry {
            loc: "https://example.com/q&a/".into(),
            lastmod: Some("2024-03-05".into()),
            changefreq: Some("weekly".into()),
            priority: Some("0.5".into()),
        };
        let bare = Entry {
            loc: "https://example.com/".into(),
            lastmod: None,
            changefreq: None,
            priority: None,
        };
        let xml = String::from_utf8(render(&[bare, entry]).unwrap()).unwrap();
        assert_eq!(
            xml,
            r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url>
    <loc>https://example.com/</loc>
  </url>
  <url>
    <loc>https://example.com/q&amp;a/</loc>
    <lastmod>2024-03-05</lastmod>
    <changefreq>weekly</changefreq>
    <priority>0.5</priority>
  </url>
</urlset>
"#
        );
    }

    fn robots(path: &str, contents: Option<&[u8]>) -> Result<String, Error> {
        let mut files = Files::new();
        if let Some(contents) = contents {
            files.insert(path.into(), File::new(contents));
        }
        add_robots_line(&mut files, path, "https://example.com/sitemap.xml")?;
        Ok(files[path].text().unwrap().to_string())
    }

    #[test]
    fn robots_is_created_or_appended_to_once() {
        assert_eq!(
            robots("robots.txt", None).unwrap(),
            "User-agent: *\nDisallow:\n\nSitemap: https://example.com/sitemap.xml\n"
        );
        assert_eq!(
            robots(
                "static/robots.txt",
                Some(b"User-agent: *\nDisallow: /drafts/")
            )
            .unwrap(),
            "User-agent: *\nDisallow: /drafts/\nSitemap: https://example.com/sitemap.xml\n"
        );
        let already = "User-agent: *\nSitemap: https://example.com/sitemap.xml\n";
        assert_eq!(
            robots("robots.txt", Some(already.as_bytes())).unwrap(),
            already
        );
        let error = robots("robots.txt", Some(&[0xff])).unwrap_err();
        assert!(
            error.to_string().starts_with("robots.txt: is not UTF-8"),
            "{error}"
        );
    }
}
