//! The indentation of an inlined partial's output, as handlebars indents a called one.
//!
//! For an indented call (`  {{> nav}}`), handlebars indents the partial's output as it
//! writes it: a write at a line start (the first one, when the call stands alone on its
//! line) begins with the indent, unless it begins with a line break, and every line break
//! inside a write is followed by the indent unless it ends the write. An inlined partial
//! renders through [`Indented`], which applies that rule to the same writes, so the output
//! is the same byte for byte, values that span lines (`{{{contents}}}`) included.

use std::io;

use handlebars::Output;

/// Indents what is written through it.
pub struct Indented<'a> {
    out: &'a mut dyn Output,
    indent: &'a str,
    at_line_start: bool,
}

impl<'a> Indented<'a> {
    /// `standalone` when the call is on a line of its own, so its output starts a line.
    pub fn new(out: &'a mut dyn Output, indent: &'a str, standalone: bool) -> Self {
        Indented {
            out,
            indent,
            at_line_start: standalone,
        }
    }
}

impl Output for Indented<'_> {
    fn write(&mut self, segment: &str) -> io::Result<()> {
        if segment.is_empty() {
            return Ok(());
        }
        if self.at_line_start && !segment.starts_with(['\n', '\r']) {
            self.out.write(self.indent)?;
        }
        let mut rest = segment;
        loop {
            match rest.find('\n') {
                Some(newline) if newline + 1 < rest.len() => {
                    self.out.write(&rest[..=newline])?;
                    self.out.write(self.indent)?;
                    rest = &rest[newline + 1..];
                }
                _ => {
                    self.out.write(rest)?;
                    break;
                }
            }
        }
        self.at_line_start = segment.ends_with(['\n', '\r']);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layouts::inline::tests::both_ways;
    use handlebars::StringOutput;
    use serde_json::json;

    fn indented(writes: &[&str], indent: &str, standalone: bool) -> String {
        let mut out = StringOutput::new();
        let mut indented = Indented::new(&mut out, indent, standalone);
        for write in writes {
            indented.write(write).unwrap();
        }
        out.into_string().unwrap()
    }

    #[test]
    fn lines_get_the_indent_but_a_final_line_break_does_not() {
        assert_eq!(indented(&["a\nb\n"], "  ", true), "  a\n  b\n");
        assert_eq!(indented(&["a\n\nb"], "  ", false), "a\n  \n  b");
        assert_eq!(indented(&["\nx"], "\t", true), "\n\tx");
        assert_eq!(
            indented(&["a\n", "", "b", "c\n", "\n"], "  ", false),
            "a\n  bc\n\n"
        );
    }

    #[test]
    fn blocks_loops_and_empty_output_match_handlebars() {
        let partials = [
            (
                "tags",
                "{{#each tags}}<i>{{this}}</i> {{/each}}\n<p>\n  done\n</p>\n",
            ),
            ("rows", "{{#each tags}}\n<li>{{this}}</li>\n{{/each}}\n"),
            ("maybe", "{{#if show}}<b>shown</b>{{/if}}\nafter\n"),
            ("body", "<article>\n{{{contents}}}\n</article>\n"),
        ];
        let data = json!({"tags": ["a", "b"], "show": false, "contents": "<p>one</p>\n<p>two</p>"});
        for layout in [
            "<div>\n  {{> tags}}\n</div>\n",
            "<ul>\n    {{> rows}}\n</ul>\n",
            "x\n  {{> maybe}}\ny\n",
            "<main>\n  {{> body}}\n</main>\n",
        ] {
            let (expected, actual) = both_ways(layout, &partials, &data);
            assert_eq!(actual, expected, "{layout}");
        }
    }

    #[test]
    fn real_calls_inside_get_the_indents_stacked() {
        let partials = [
            ("outer", "<section>\n  {{> inner level=2}}\n</section>\n"),
            ("inner", "<p>\n{{level}}\n</p>\n"),
        ];
        let (expected, actual) =
            both_ways("<main>\n  {{> outer}}\n</main>\n", &partials, &json!({}));
        assert_eq!(actual, expected);
        assert!(actual.contains("\n    2\n"), "{actual}");
    }
}
