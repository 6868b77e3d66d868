//! A site built from Rust, with a plugin of its own: `cargo run --example word_count -- DIR`.
use ironsmith_core::{for_each_file, Error, Files, Pattern, Pipeline, Plugin, Site};
use ironsmith_plugins::markdown::{Markdown, Options};

/// Adds `words` (the count) to every markdown page's metadata.
struct WordCount {
    pattern: Pattern,
}

impl Plugin for WordCount {
    fn name(&self) -> &str {
        "word-count"
    }

    fn run(&self, files: &mut Files, _site: &mut Site) -> Result<(), Error> {
        // Runs on every matching file in parallel; each error names its file.
        for_each_file(files, &self.pattern, |_path, file| {
            let text = file.text().ok_or("is not UTF-8 text")?;
            let words = text.split_whitespace().count();
            file.metadata.insert("words".into(), words.into());
            Ok(())
        })
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "site-example".into());
    let build = Pipeline::new(dir)
        .destination("build-word-count")
        .use_plugin(WordCount {
            pattern: Pattern::new(&["**/*.md"])?,
        })
        .use_plugin(Markdown::new(Options::default())?)
        .build()?;
    for (path, file) in &build.files {
        if let Some(words) = file.metadata.get("words") {
            println!("{path}: {words} words");
        }
    }
    Ok(())
}
