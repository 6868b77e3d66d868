//! Grammars compiled before the pages need them. Compiling one takes up to 25 ms, as much as
//! the rest of a small site's build, so at the start of a run the site's sources are searched
//! for the languages their code blocks name (a fence's ```` ```rust ````, a `language-rust`
//! class), and those grammars compile on a thread of their own while the steps before
//! `highlight` run.
//!
//! It is a guess and never changes the output: a language named outside a code block costs a
//! grammar nothing uses, and one the sources do not name compiles when a block needs it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::{language_named, languages, languages_named_in};

/// How many source files are read: all of a small site, a bounded cost for a large one.
const FILES: usize = 256;

/// How many folder entries are looked at, for a source folder holding much else.
const ENTRIES: usize = 4096;

/// The sources that hold code blocks, by extension.
const TEXT: &[&str] = &["md", "markdown", "html", "htm", "hbs", "handlebars"];

/// Compiles, on a thread of its own, the grammars of the languages the sources under
/// `source` name.
pub(super) fn spawn(source: PathBuf, aliases: HashMap<String, usize>) {
    // A thread that cannot start leaves each grammar to compile when a block needs it.
    let _ = std::thread::Builder::new()
        .name("highlight-grammars".into())
        .spawn(move || {
            for language in named_in_sources(&source, &aliases, FILES) {
                // A grammar that fails to compile is reported by the block that needs it.
                let _ = languages::config(language);
            }
        });
}

/// The known languages the first `limit` text files under `source` name, in the order found.
fn named_in_sources(source: &Path, aliases: &HashMap<String, usize>, limit: usize) -> Vec<usize> {
    let mut found = Vec::new();
    let texts = WalkDir::new(source)
        .into_iter()
        .take(ENTRIES)
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file() && is_text(entry.path()))
        .take(limit);
    for entry in texts {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let named = languages_named_in(aliases, &text);
        for language in named.into_iter().chain(fenced_in(aliases, &text)) {
            if !found.contains(&language) {
                found.push(language);
            }
        }
    }
    found
}

fn is_text(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| TEXT.contains(&extension.to_ascii_lowercase().as_str()))
}

/// The known languages markdown fences name: the first word of the info string after
/// ```` ``` ```` or `~~~`, before any `,` (`rust,ignore`), as markdown writes it into the
/// block's `language-` class.
fn fenced_in<'a>(
    aliases: &'a HashMap<String, usize>,
    markdown: &'a str,
) -> impl Iterator<Item = usize> + 'a {
    markdown.lines().filter_map(move |line| {
        let line = line.trim_start();
        let info = line
            .strip_prefix("```")
            .or_else(|| line.strip_prefix("~~~"))?;
        let word = info
            .trim_start_matches(['`', '~'])
            .split(|c: char| c.is_whitespace() || c == ',')
            .find(|word| !word.is_empty())?;
        language_named(aliases, word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(found: Vec<usize>) -> Vec<&'static str> {
        found
            .into_iter()
            .map(|index| languages::LANGUAGES[index][0])
            .collect()
    }

    #[test]
    fn fences_name_their_language_by_the_first_word_of_the_info_string() {
        let aliases = HashMap::from([("console".to_string(), languages::find("bash").unwrap())]);
        let markdown = "```rust,ignore\nlet a;\n```\n  ~~~~ Python title=x\n~~~~\n\
                        ```\nplain\n```\n```cobol\n```\n```console\n$ ls\n```\n> ```yml\n";
        let found: Vec<usize> = fenced_in(&aliases, markdown).collect();
        assert_eq!(names(found), ["rust", "python", "bash"]);
    }

    #[test]
    fn sources_are_searched_up_to_a_bound() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("docs/deep")).unwrap();
        std::fs::write(dir.path().join("docs/deep/a.md"), "```toml\nx = 1\n```\n").unwrap();
        std::fs::write(
            dir.path().join("docs/b.html"),
            "<pre><code class=\"language-css\">p {}</code></pre>",
        )
        .unwrap();
        std::fs::write(dir.path().join("c.hbs"), "```json\n{}\n```").unwrap();
        std::fs::write(dir.path().join("d.png"), "```go\n```").unwrap();
        let none = HashMap::new();
        let mut found = names(named_in_sources(dir.path(), &none, FILES));
        found.sort_unstable();
        assert_eq!(found, ["css", "json", "toml"]);
        assert_eq!(named_in_sources(dir.path(), &none, 1).len(), 1);
        assert!(named_in_sources(&dir.path().join("missing"), &none, FILES).is_empty());
    }
}
