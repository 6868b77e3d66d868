//! The README's Rust example is a real, compiled example target: keep the two identical.

#[test]
fn readme_quotes_the_word_count_example_verbatim() {
    let readme = include_str!("../../README.md");
    let example = include_str!("../examples/word_count.rs");
    assert!(
        readme.contains(example),
        "README.md's plugin example differs from plugins/examples/word_count.rs: copy the file into the README"
    );
}
