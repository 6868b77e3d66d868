//! `word-count`: each HTML page's word count and reading time, for templates
//! (`metalsmith-word-count`'s options and output; Hugo's `.WordCount` and `.ReadingTime`).
//!
//! Words are counted in what a reader sees: markup, scripts and `aria-hidden` decorations
//! are left out, inline elements do not split a word, and each Chinese or Japanese
//! character counts as a word, since those scripts put no spaces between words.

use ironsmith_core::{for_each_file, parse_options, Error, Files, Pattern, Plugin, Site};
use serde::Deserialize;
use serde_json::Value;

use crate::html_text;
use crate::prose::{self, ProseSink};

pub const NAME: &str = "word-count";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// The pages that are counted.
    pub pattern: Pattern,
    /// The key that gets the number of words.
    pub meta_key_count: String,
    /// The key that gets the reading time.
    pub meta_key_reading_time: String,
    /// Words read in a minute.
    pub speed: u32,
    /// Reading time in minutes and seconds (`"4 minutes, 30 seconds"`) rather than
    /// whole minutes rounded up (`"5 min"`).
    pub seconds: bool,
    /// Reading time as a number (minutes, or seconds with `seconds`) rather than text.
    pub raw: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pattern: Pattern::new(&["**/*.html"]).unwrap_or_else(|_| unreachable!("a valid glob")),
            meta_key_count: "wordCount".into(),
            meta_key_reading_time: "readingTime".into(),
            speed: 300,
            seconds: false,
            raw: false,
        }
    }
}

#[derive(Debug)]
pub struct WordCount {
    options: Options,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let options: Options = parse_options(options)?;
    if options.speed == 0 {
        return Err("option `speed`: give the words read in a minute, such as 300".into());
    }
    for (name, key) in [
        ("metaKeyCount", &options.meta_key_count),
        ("metaKeyReadingTime", &options.meta_key_reading_time),
    ] {
        if key.trim().is_empty() {
            return Err(format!(
                "option `{name}`: give a metadata key, not an empty string"
            ));
        }
    }
    Ok(Box::new(WordCount { options }))
}

impl Plugin for WordCount {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, _site: &mut Site) -> Result<(), Error> {
        let options = &self.options;
        for_each_file(files, &options.pattern, |_, file| {
            let mut counter = Counter::default();
            prose::read(&html_text::lossy(&file.contents), &mut counter);
            let words = counter.words;
            let reading_time = reading_time(words, options);
            file.metadata
                .insert(options.meta_key_count.clone(), words.into());
            file.metadata
                .insert(options.meta_key_reading_time.clone(), reading_time);
            Ok(())
        })
    }
}

/// Counts words as the prose goes by.
#[derive(Debug, Default)]
struct Counter {
    words: u64,
    /// Whether the last character seen belongs to a word that is already counted.
    in_word: bool,
}

impl ProseSink for Counter {
    fn text(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() {
                self.in_word = false;
            } else if is_word_by_itself(c) {
                self.words += 1;
                self.in_word = false;
            } else if !self.in_word {
                self.words += 1;
                self.in_word = true;
            }
        }
    }

    fn word_break(&mut self) {
        self.in_word = false;
    }
}

/// Han ideographs and Japanese kana: a word each.
fn is_word_by_itself(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}'     // hiragana, katakana
        | '\u{3400}'..='\u{4dbf}'   // CJK extension A
        | '\u{4e00}'..='\u{9fff}'   // CJK unified ideographs
        | '\u{f900}'..='\u{faff}'   // CJK compatibility ideographs
        | '\u{20000}'..='\u{2fa1f}' // CJK extensions B and later
    )
}

/// `metalsmith-word-count`'s estimate: whole minutes rounded up (`"5 min"`), or minutes and
/// seconds rounded down (`"4 minutes, 30 seconds"`); a number of minutes or seconds when raw.
fn reading_time(words: u64, options: &Options) -> Value {
    let speed = u64::from(options.speed);
    if !options.seconds {
        let minutes = words.div_ceil(speed);
        return match options.raw {
            true => minutes.into(),
            false => format!("{minutes} min").into(),
        };
    }
    let minutes = words / speed;
    let seconds = (words % speed) * 60 / speed;
    if options.raw {
        return (minutes * 60 + seconds).into();
    }
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    let seconds_text = format!("{seconds} second{}", plural(seconds));
    match minutes {
        0 => seconds_text.into(),
        _ => format!("{minutes} minute{}, {seconds_text}", plural(minutes)).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(options: Value, pages: &[(&str, &str)]) -> Result<Files, Error> {
        crate::test_files::run_over(create, options, pages)
    }

    fn count(html: &str) -> Value {
        let files = run(json!(null), &[("a.html", html)]).unwrap();
        files["a.html"].metadata["wordCount"].clone()
    }

    /// `n` words of prose in paragraphs of ten.
    fn prose(n: usize) -> String {
        (0..n)
            .map(|i| if i % 10 == 9 { "word</p><p>" } else { "word " })
            .collect()
    }

    #[test]
    fn counts_the_words_a_reader_sees() {
        assert_eq!(count("<h1>A title</h1><p>One <em>two</em> three.</p>"), 5);
        assert_eq!(count("<p>w<em>or</em>d</p><p>next</p>"), 2);
        assert_eq!(count("<p>a</p><p>b</p>"), 2, "blocks separate words");
        assert_eq!(count("<p>a&nbsp;b &amp; c</p>"), 4);
        assert_eq!(
            count("<p>a<script>var x = 1;</script></p><style>p {}</style>"),
            1
        );
        assert_eq!(count("<h2>Intro <a aria-hidden=\"true\">#</a></h2>"), 1);
        assert_eq!(count(""), 0);
    }

    #[test]
    fn each_chinese_or_japanese_character_is_a_word() {
        assert_eq!(count("<p>静的サイト generator</p>"), 6);
    }

    #[test]
    fn default_reading_time_is_whole_minutes_rounded_up() {
        let html = prose(301);
        let files = run(json!(null), &[("a.html", &html), ("b.html", "<p>hi</p>")]).unwrap();
        assert_eq!(files["a.html"].metadata["wordCount"], 301);
        assert_eq!(files["a.html"].metadata["readingTime"], "2 min");
        assert_eq!(files["b.html"].metadata["readingTime"], "1 min");
    }

    #[test]
    fn speed_seconds_and_raw_options() {
        let html = prose(750);
        let time = |options: Value| {
            run(options, &[("a.html", &html)]).unwrap()["a.html"].metadata["readingTime"].clone()
        };
        assert_eq!(time(json!({"speed": 600})), "2 min");
        assert_eq!(time(json!({"seconds": true})), "2 minutes, 30 seconds");
        assert_eq!(
            time(json!({"seconds": true, "speed": 700})),
            "1 minute, 4 seconds"
        );
        assert_eq!(time(json!({"seconds": true, "speed": 1000})), "45 seconds");
        assert_eq!(time(json!({"raw": true})), 3);
        assert_eq!(time(json!({"raw": true, "seconds": true})), 150);
    }

    #[test]
    fn meta_keys_and_pattern_options() {
        let options = json!({
            "metaKeyCount": "words",
            "metaKeyReadingTime": "minutes",
            "pattern": "posts/**",
        });
        let files = run(
            options,
            &[("posts/a.html", "<p>a b</p>"), ("c.html", "<p>c</p>")],
        )
        .unwrap();
        let post = &files["posts/a.html"].metadata;
        assert_eq!(
            (&post["words"], &post["minutes"]),
            (&json!(2), &json!("1 min"))
        );
        assert!(post.get("wordCount").is_none());
        assert!(files["c.html"].metadata.is_empty(), "outside the pattern");
    }

    #[test]
    fn bad_options_are_named() {
        let error = |options: Value| create(&options).unwrap_err();
        assert!(error(json!({"speed": 0})).contains("`speed`"));
        assert!(error(json!({"speed": -5})).contains("speed"));
        assert!(error(json!({"metaKeyCount": ""})).contains("`metaKeyCount`"));
        assert!(error(json!({"metaKeyReadingTime": " "})).contains("`metaKeyReadingTime`"));
        assert!(error(json!({"wpm": 200})).contains("wpm"));
    }
}
