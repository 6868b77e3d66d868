//! Listing pages: a list of members split into numbered pages, each with a `pagination` map
//! (Metalsmith-pagination's keys). Shared by `pagination` and `tags`.
//!
//! Neighbouring pages are small summaries (`num`, `index`, `path`, `permalink`, `url`), never
//! the pages themselves, and each member is copied onto one page only.

use ironsmith_core::{check_output_path, File, Files, Metadata};
use serde_json::Value;

/// How many pages `pagination.pages` lists by default: enough for page-number links, and a
/// bound that keeps the cost linear (every page listing every page is quadratic).
pub const PAGE_LINKS: usize = 10;

/// How many pages `members` fill at `per_page` each (`0`: all on one page). An empty list
/// still gets one page, so a listing's URL exists before its first member does.
pub fn page_count(members: usize, per_page: usize) -> usize {
    if per_page == 0 || members == 0 {
        1
    } else {
        members.div_ceil(per_page)
    }
}

/// Splits `members` into `paths.len()` pages (page `n` written to `paths[n - 1]`) and returns
/// each page's `pagination` map, in page order.
///
/// `window` limits `pagination.pages` to that many summaries centred on the current page
/// (Metalsmith-pagination's `getPages(n)`); `0` lists every page on every page, which costs
/// pages² summaries.
pub fn paginate(
    members: Vec<Value>,
    per_page: usize,
    paths: &[String],
    window: usize,
) -> Vec<Metadata> {
    let total = members.len();
    let count = paths.len();
    let summaries: Vec<Value> = paths
        .iter()
        .enumerate()
        .map(|(index, path)| summary(index, path))
        .collect();
    let mut members = members.into_iter();
    let take = if per_page == 0 { total } else { per_page };
    (0..count)
        .map(|index| {
            let mut pagination = Metadata::new();
            pagination.insert("num".into(), Value::from(index + 1));
            pagination.insert("index".into(), Value::from(index));
            pagination.insert("total".into(), Value::from(total));
            pagination.insert("numPages".into(), Value::from(count));
            let (start, end) = window_bounds(index, count, window);
            pagination.insert("pages".into(), Value::from(summaries[start..end].to_vec()));
            let files: Vec<Value> = members.by_ref().take(take).collect();
            pagination.insert("files".into(), Value::Array(files));
            if index > 0 {
                pagination.insert("previous".into(), summaries[index - 1].clone());
            }
            if let Some(next) = summaries.get(index + 1) {
                pagination.insert("next".into(), next.clone());
            }
            pagination.insert("first".into(), summaries[0].clone());
            pagination.insert("last".into(), summaries[count - 1].clone());
            pagination
        })
        .collect()
}

/// The slice of pages `getPages(n)` returns: `n` pages with the current one as centred as
/// the ends allow.
fn window_bounds(index: usize, count: usize, size: usize) -> (usize, usize) {
    if size == 0 || size >= count {
        return (0, count);
    }
    let offset = size / 2;
    if index + offset >= count {
        (count.saturating_sub(size), count)
    } else {
        let start = index.saturating_sub(offset);
        (start, (start + size).min(count))
    }
}

/// What a template needs to link to a page.
fn summary(index: usize, path: &str) -> Value {
    let mut page = Metadata::new();
    page.insert("num".into(), Value::from(index + 1));
    page.insert("index".into(), Value::from(index));
    page.insert("path".into(), Value::from(path));
    page.insert("permalink".into(), Value::from(permalink(path)));
    page.insert("url".into(), Value::from(url(path)));
    Value::Object(page)
}

/// The `permalink` the permalinks plugin would give a file at `path`: its folder for an
/// `index.html` (`page/2` for `page/2/index.html`, `""` for the root), else the path itself.
pub fn permalink(path: &str) -> &str {
    if path == "index.html" {
        ""
    } else {
        path.strip_suffix("/index.html").unwrap_or(path)
    }
}

/// A root-relative link to `path`: `/page/2/` for `page/2/index.html`, `/feed.xml` for `feed.xml`.
pub fn url(path: &str) -> String {
    match permalink(path) {
        "" => "/".into(),
        folder if folder.len() < path.len() => format!("/{folder}/"),
        file => format!("/{file}"),
    }
}

/// A piece of a path pattern: literal text, or the name of a `:name` placeholder.
enum Piece<'a> {
    Text(&'a str),
    Placeholder(&'a str),
}

/// Splits a pattern into text and placeholders; a `:` not followed by a letter, digit or `_`
/// is text.
fn pieces(pattern: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find(':') {
        let after = &rest[start + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if len == 0 {
            pieces.push(Piece::Text(&rest[..=start]));
        } else {
            pieces.push(Piece::Text(&rest[..start]));
            pieces.push(Piece::Placeholder(&after[..len]));
        }
        rest = &after[len..];
    }
    pieces.push(Piece::Text(rest));
    pieces
}

/// Checks a path pattern when the options are read: each placeholder is one of `known`, and
/// one of `required` is there, else every page would get the same path.
pub fn check_pattern(
    option: &str,
    pattern: &str,
    known: &[&str],
    required: &[&str],
) -> Result<(), String> {
    let list = |names: &[&str]| {
        names
            .iter()
            .map(|name| format!("`:{name}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut has_required = required.is_empty();
    for piece in pieces(pattern) {
        if let Piece::Placeholder(name) = piece {
            if !known.contains(&name) {
                return Err(format!(
                    "option `{option}`: `{pattern}` has the placeholder `:{name}`; the placeholders are {}",
                    list(known)
                ));
            }
            has_required |= required.contains(&name);
        }
    }
    if has_required {
        Ok(())
    } else {
        Err(format!(
            "option `{option}`: `{pattern}` needs one of {} so that each page gets its own path",
            list(required)
        ))
    }
}

/// A path pattern with its placeholders replaced; one without a value stays as written
/// (`check_pattern` refuses those when the options are read).
pub fn fill(pattern: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    for piece in pieces(pattern) {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Placeholder(name) => match values.iter().find(|(key, _)| *key == name) {
                Some((_, value)) => out.push_str(value),
                None => {
                    out.push(':');
                    out.push_str(name);
                }
            },
        }
    }
    out
}

/// Adds a generated page; a path some file already has is an error naming that file.
pub fn insert(files: &mut Files, path: String, file: File) -> Result<(), String> {
    check_output_path(&path)?;
    if let Some(existing) = files.get(&path) {
        let from = existing
            .origin
            .as_ref()
            .map(|origin| format!(" (from {})", origin.display()))
            .unwrap_or_default();
        return Err(format!(
            "`{path}` is already a file of the site{from}: change the path pattern"
        ));
    }
    files.insert(path, file);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(count: usize) -> Vec<String> {
        (1..=count)
            .map(|n| format!("page/{n}/index.html"))
            .collect()
    }

    fn nums(pages: &Value) -> Vec<u64> {
        pages
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["num"].as_u64().unwrap())
            .collect()
    }

    #[test]
    fn counts_pages_with_one_for_an_empty_list_and_zero_for_all_on_one() {
        assert_eq!(page_count(0, 10), 1);
        assert_eq!(page_count(10, 10), 1);
        assert_eq!(page_count(11, 10), 2);
        assert_eq!(page_count(25, 0), 1);
    }

    #[test]
    fn splits_members_and_links_neighbours_with_summaries() {
        let members: Vec<Value> = (1..=5).map(|n| json!({"title": n})).collect();
        let pages = paginate(members, 2, &paths(3), 0);
        assert_eq!(pages.len(), 3);
        assert_eq!(pages[0]["files"], json!([{"title": 1}, {"title": 2}]));
        assert_eq!(pages[2]["files"], json!([{"title": 5}]));
        assert_eq!(pages[1]["num"], 2);
        assert_eq!(pages[1]["index"], 1);
        assert_eq!(pages[1]["total"], 5);
        assert_eq!(pages[1]["numPages"], 3);
        assert_eq!(
            pages[1]["previous"],
            json!({"num": 1, "index": 0, "path": "page/1/index.html", "permalink": "page/1", "url": "/page/1/"})
        );
        assert_eq!(pages[1]["next"]["num"], 3);
        assert_eq!(pages[1]["first"]["num"], 1);
        assert_eq!(pages[1]["last"]["num"], 3);
        assert!(pages[0].get("previous").is_none());
        assert!(pages[2].get("next").is_none());
        assert_eq!(nums(&pages[1]["pages"]), [1, 2, 3]);
    }

    #[test]
    fn per_page_zero_puts_every_member_on_one_page() {
        let members: Vec<Value> = (1..=3).map(|n| json!(n)).collect();
        let pages = paginate(members, 0, &paths(1), 0);
        assert_eq!(pages[0]["files"], json!([1, 2, 3]));
    }

    #[test]
    fn an_empty_list_gets_one_empty_page() {
        let pages = paginate(Vec::new(), 10, &paths(1), PAGE_LINKS);
        assert_eq!(pages[0]["files"], json!([]));
        assert_eq!(pages[0]["total"], 0);
        assert_eq!(pages[0]["first"], pages[0]["last"]);
    }

    #[test]
    fn a_window_centres_the_current_page_as_get_pages_does() {
        let pages = paginate(Vec::new(), 1, &paths(10), 5);
        assert_eq!(nums(&pages[0]["pages"]), [1, 2, 3, 4, 5]);
        assert_eq!(nums(&pages[4]["pages"]), [3, 4, 5, 6, 7]);
        assert_eq!(nums(&pages[8]["pages"]), [6, 7, 8, 9, 10]);
        assert_eq!(nums(&pages[9]["pages"]), [6, 7, 8, 9, 10]);
        let few = paginate(Vec::new(), 1, &paths(2), 5);
        assert_eq!(nums(&few[1]["pages"]), [1, 2]);
    }

    #[test]
    fn permalinks_and_urls_match_the_permalinks_plugin() {
        assert_eq!(permalink("index.html"), "");
        assert_eq!(permalink("blog/page/2/index.html"), "blog/page/2");
        assert_eq!(permalink("topics/rust.html"), "topics/rust.html");
        assert_eq!(url("index.html"), "/");
        assert_eq!(url("tags/rust/index.html"), "/tags/rust/");
        assert_eq!(url("topics/rust.html"), "/topics/rust.html");
    }

    #[test]
    fn fill_replaces_placeholders_and_keeps_lone_colons() {
        let values = [("num", "2"), ("tag", "rust")];
        assert_eq!(
            fill("tags/:tag/:num/index.html", &values),
            "tags/rust/2/index.html"
        );
        assert_eq!(fill("a:/b:", &values), "a:/b:");
    }

    #[test]
    fn check_pattern_names_unknown_and_missing_placeholders() {
        let known = ["num", "index"];
        assert!(check_pattern("path", "page/:num/index.html", &known, &known).is_ok());
        let error = check_pattern("path", "page/:nmu/index.html", &known, &known).unwrap_err();
        assert_eq!(
            error,
            "option `path`: `page/:nmu/index.html` has the placeholder `:nmu`; the placeholders are `:num`, `:index`"
        );
        let error = check_pattern("path", "page/index.html", &known, &known).unwrap_err();
        assert!(error.contains("needs one of `:num`, `:index`"), "{error}");
        assert!(check_pattern("first", "index.html", &known, &[]).is_ok());
    }

    #[test]
    fn insert_refuses_taken_and_unsafe_paths() {
        let mut files = Files::new();
        insert(&mut files, "a/index.html".into(), File::new("")).unwrap();
        let error = insert(&mut files, "a/index.html".into(), File::new("")).unwrap_err();
        assert!(error.contains("already a file"), "{error}");
        let error = insert(&mut files, "../x.html".into(), File::new("")).unwrap_err();
        assert!(error.contains(".."), "{error}");
    }
}
