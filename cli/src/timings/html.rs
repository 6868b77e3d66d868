//! The report as one self-contained HTML page: inline CSS and SVG, no script, nothing
//! fetched, so it opens anywhere, offline, and can be attached to a bug report.
//!
//! Every number in a table also sits in a `data-` attribute, unformatted, for tests and
//! scrapers.

use std::fmt::Write as _;

use super::{Report, Step};

/// Bar colours for the plugins; reading, writing and the rest are grey.
const PALETTE: [&str; 6] = [
    "#2f6fb0", "#d9822b", "#3a9a5b", "#b5475b", "#7d5ab5", "#2b9a9a",
];
const GREY: &str = "#8a8f98";

const STYLE: &str = "
body { font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1d2330;
       background: #f6f7f9; margin: 0; }
main { max-width: 980px; margin: 0 auto; padding: 24px 28px 40px; }
h1 { font-size: 24px; margin: 0 0 2px; }
h2 { font-size: 18px; margin: 30px 0 10px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta { color: #5b6270; margin: 0; font-size: 13px; overflow-wrap: anywhere; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin-top: 18px; }
.card { background: #fff; border: 1px solid #e1e4ea; border-radius: 8px; padding: 12px 14px; }
.card b { display: block; font-size: 22px; }
.card span { color: #5b6270; font-size: 13px; }
svg { background: #fff; border: 1px solid #e1e4ea; border-radius: 8px; width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: #1d2330; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #e1e4ea; }
th, td { padding: 5px 10px; text-align: right; border-bottom: 1px solid #edf0f4;
         font-variant-numeric: tabular-nums; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #eef1f5; font-weight: 600; }
tfoot td { font-weight: 600; background: #fafbfc; }
td.bar { width: 30%; text-align: left; }
td.path { font-family: ui-monospace, monospace; font-size: 13px; overflow-wrap: anywhere; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
footer { color: #5b6270; font-size: 13px; margin-top: 30px; }
";

pub fn render(report: &Report) -> String {
    let mut html = String::with_capacity(16 * 1024);
    let _ = write!(
        html,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>ironsmith build report: {site}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <h1>ironsmith build report</h1>\n\
         <p class=\"meta\">{site} &rarr; {destination}</p>\n\
         <p class=\"meta\">{date} &middot; {threads} threads</p>\n",
        site = escape(&report.site),
        destination = escape(&report.destination),
        date = escape(&report.date),
        threads = report.threads,
    );
    cards(&mut html, report);
    html.push_str("<h2>Where the time went</h2>\n");
    chart(&mut html, report);
    html.push_str("<h2>Steps</h2>\n");
    table(&mut html, report);
    slowest(&mut html, report);
    html.push_str(
        "<footer>Written by <code>ironsmith build --timings</code>; \
         <code>--timings=json</code> writes the same numbers as JSON.</footer>\n\
         </main>\n</body>\n</html>\n",
    );
    html
}

fn cards(html: &mut String, report: &Report) {
    let slowest_plugin = report
        .steps
        .iter()
        .filter(|step| !matches!(step.name.as_str(), "read" | "write"))
        .max_by(|a, b| a.ms.total_cmp(&b.ms));
    let _ = write!(
        html,
        "<div class=\"cards\">\n\
         <div class=\"card\" id=\"total\" data-ms=\"{total}\"><b>{total_text}</b><span>total</span></div>\n\
         <div class=\"card\"><b>{steps}</b><span>steps</span></div>\n\
         <div class=\"card\"><b>{files}</b><span>files written, {bytes}</span></div>\n\
         <div class=\"card\"><b>{slow}</b><span>slowest plugin{slow_time}</span></div>\n\
         </div>\n",
        total = report.total_ms,
        total_text = duration(report.total_ms),
        steps = report.steps.len(),
        files = thousands(report.files as u64),
        bytes = bytes(report.bytes),
        slow = slowest_plugin.map_or("none".into(), |s| escape(&s.name)),
        slow_time = slowest_plugin.map_or(String::new(), |s| format!(", {}", duration(s.ms))),
    );
}

/// One horizontal bar per step and one for the rest, on a common scale.
fn chart(html: &mut String, report: &Report) {
    const WIDTH: f64 = 920.0;
    const LABEL: f64 = 150.0;
    const BARS: f64 = 640.0;
    const ROW: f64 = 26.0;
    let rows: Vec<(&str, f64, &str)> = report
        .steps
        .iter()
        .enumerate()
        .map(|(index, step)| (step.name.as_str(), step.ms, colour(step, index)))
        .chain(std::iter::once(("other", report.other_ms, GREY)))
        .collect();
    let longest = rows.iter().map(|row| row.1).fold(0.0, f64::max).max(0.001);
    let height = ROW * rows.len() as f64 + 12.0;
    let _ = writeln!(
        html,
        "<svg id=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" \
         aria-label=\"time per step, in milliseconds\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    for (index, (name, ms, fill)) in rows.iter().enumerate() {
        let y = 6.0 + ROW * index as f64;
        let width = (ms / longest * BARS).max(1.0);
        let share = share(*ms, report.total_ms);
        let _ = writeln!(
            html,
            "<g><title>{name}: {time} ({share})</title>\
             <text x=\"{label_x}\" y=\"{text_y}\" text-anchor=\"end\">{name}</text>\
             <rect x=\"{LABEL}\" y=\"{bar_y}\" width=\"{width:.1}\" height=\"{bar_h}\" rx=\"3\" fill=\"{fill}\"/>\
             <text x=\"{value_x:.1}\" y=\"{text_y}\">{time} &middot; {share}</text></g>",
            name = escape(name),
            time = duration(*ms),
            label_x = LABEL - 8.0,
            text_y = y + 16.0,
            bar_y = y + 3.0,
            bar_h = ROW - 8.0,
            value_x = LABEL + width + 6.0,
        );
    }
    html.push_str("</svg>\n");
}

fn table(html: &mut String, report: &Report) {
    html.push_str(
        "<table id=\"steps\">\n<thead><tr><th>step</th><th>time</th><th>share</th>\
         <th>files in</th><th>files out</th><th>bytes in</th><th>bytes out</th></tr></thead>\n<tbody>\n",
    );
    for (index, step) in report.steps.iter().enumerate() {
        let _ = writeln!(
            html,
            "<tr class=\"step\"><td><span class=\"swatch\" style=\"background:{fill}\"></span>{name}</td>\
             <td data-ms=\"{ms}\">{time}</td><td>{share}</td>\
             <td data-files-in=\"{files_in}\">{files_in_text}</td><td data-files-out=\"{files_out}\">{files_out_text}</td>\
             <td data-bytes-in=\"{bytes_in}\">{bytes_in_text}</td><td data-bytes-out=\"{bytes_out}\">{bytes_out_text}</td></tr>",
            fill = colour(step, index),
            name = escape(&step.name),
            ms = step.ms,
            time = duration(step.ms),
            share = share(step.ms, report.total_ms),
            files_in = step.files_in,
            files_in_text = thousands(step.files_in as u64),
            files_out = step.files_out,
            files_out_text = thousands(step.files_out as u64),
            bytes_in = step.bytes_in,
            bytes_in_text = bytes(step.bytes_in),
            bytes_out = step.bytes_out,
            bytes_out_text = bytes(step.bytes_out),
        );
    }
    let _ = write!(
        html,
        "</tbody>\n<tfoot>\n\
         <tr class=\"other\"><td>other: configuration, threads, checks</td><td data-ms=\"{other}\">{other_text}</td>\
         <td>{other_share}</td><td></td><td></td><td></td><td></td></tr>\n\
         <tr class=\"total\"><td>total</td><td data-ms=\"{total}\">{total_text}</td><td>100%</td>\
         <td></td><td>{files}</td><td></td><td>{bytes}</td></tr>\n</tfoot>\n</table>\n",
        other = report.other_ms,
        other_text = duration(report.other_ms),
        other_share = share(report.other_ms, report.total_ms),
        total = report.total_ms,
        total_text = duration(report.total_ms),
        files = thousands(report.files as u64),
        bytes = bytes(report.bytes),
    );
}

/// The slowest files of each plugin that works file by file.
fn slowest(html: &mut String, report: &Report) {
    let steps: Vec<&Step> = report
        .steps
        .iter()
        .filter(|step| !step.slowest.is_empty())
        .collect();
    if steps.is_empty() {
        return;
    }
    html.push_str("<h2>Slowest files</h2>\n");
    for step in steps {
        let longest = step.slowest.first().map_or(0.001, |f| f.ms.max(0.001));
        let _ = writeln!(
            html,
            "<h3>{name} <span class=\"meta\">({count} slowest of {files} files)</span></h3>\n\
             <table class=\"slowest\" data-step=\"{name}\"><tbody>",
            name = escape(&step.name),
            count = step.slowest.len(),
            files = thousands(step.files_in as u64),
        );
        for file in &step.slowest {
            let _ = writeln!(
                html,
                "<tr><td class=\"path\">{path}</td><td data-ms=\"{ms}\">{time}</td>\
                 <td class=\"bar\"><span class=\"swatch\" style=\"width:{width:.0}%;background:{GREY}\"></span></td></tr>",
                path = escape(&file.path),
                ms = file.ms,
                time = duration(file.ms),
                width = file.ms / longest * 100.0,
            );
        }
        html.push_str("</tbody></table>\n");
    }
}

fn colour(step: &Step, index: usize) -> &'static str {
    match step.name.as_str() {
        "read" | "write" => GREY,
        _ => PALETTE[index % PALETTE.len()],
    }
}

/// `0.42 ms`, `128.1 ms`, `1.25 s`.
fn duration(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 1.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

fn share(ms: f64, total: f64) -> String {
    if total > 0.0 {
        format!("{:.1}%", ms / total * 100.0)
    } else {
        "-".into()
    }
}

/// `9,703`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `812 B`, `12.3 kB`, `4.5 MB` (powers of 1000, as file managers count).
fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut value = n as f64;
    let mut unit = "B";
    for next in UNITS {
        if value < 1000.0 {
            break;
        }
        value /= 1000.0;
        unit = next;
    }
    format!("{value:.1} {unit}")
}

/// Text and attribute values: paths and step names come from the site.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timings::SlowFile;

    fn step(name: &str, ms: f64, slowest: Vec<SlowFile>) -> Step {
        Step {
            name: name.into(),
            ms,
            files_in: 1200,
            files_out: 1200,
            bytes_in: 2_500_000,
            bytes_out: 2_600_000,
            slowest,
        }
    }

    fn report() -> Report {
        Report {
            version: 1,
            site: "my <site>".into(),
            destination: "my <site>/build".into(),
            date: "2025-01-01T00:00:00+00:00".into(),
            threads: 2,
            total_ms: 100.0,
            steps_ms: 90.0,
            other_ms: 10.0,
            files: 1200,
            bytes: 2_600_000,
            steps: vec![
                step("read", 20.0, Vec::new()),
                step(
                    "markdown",
                    50.0,
                    vec![SlowFile {
                        path: "posts/a&b.md".into(),
                        ms: 3.25,
                    }],
                ),
                step("write", 20.0, Vec::new()),
            ],
        }
    }

    #[test]
    fn shows_every_step_with_raw_numbers_and_escapes_names() {
        let html = render(&report());
        assert!(html.starts_with("<!doctype html>"));
        assert!(html.contains("my &lt;site&gt; &rarr; my &lt;site&gt;/build"));
        assert_eq!(html.matches("<tr class=\"step\">").count(), 3);
        assert!(html.contains("<td data-ms=\"50\">50.0 ms</td><td>50.0%</td>"));
        assert!(html.contains("data-bytes-out=\"2600000\">2.6 MB</td>"));
        assert!(
            html.contains("<tr class=\"total\"><td>total</td><td data-ms=\"100\">100.0 ms</td>")
        );
        assert!(html
            .contains("<td class=\"path\">posts/a&amp;b.md</td><td data-ms=\"3.25\">3.2 ms</td>"));
        assert!(html.contains("(1 slowest of 1,200 files)"));
        assert!(!html.contains("<script"), "no script, nothing fetched");
        assert_eq!(html.matches("http").count(), 1, "only the SVG namespace");
    }

    #[test]
    fn the_chart_has_a_bar_per_step_and_one_for_the_rest() {
        let html = render(&report());
        let chart = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
        assert_eq!(chart.matches("<rect").count(), 4);
        // The longest bar (markdown, 50 ms) takes the whole width.
        assert!(
            chart.contains("width=\"640.0\" height=\"18\" rx=\"3\" fill=\"#d9822b\""),
            "{chart}"
        );
        assert!(chart.contains("<title>other: 10.0 ms (10.0%)</title>"));
    }

    #[test]
    fn without_per_file_steps_there_is_no_slowest_section() {
        let mut report = report();
        report.steps[1].slowest.clear();
        assert!(!render(&report).contains("Slowest files"));
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(12_345), "12.3 kB");
        assert_eq!(bytes(4_500_000_000), "4.5 GB");
        assert_eq!(duration(0.42), "0.42 ms");
        assert_eq!(duration(12.34), "12.3 ms");
        assert_eq!(duration(1250.0), "1.25 s");
        assert_eq!(share(1.0, 0.0), "-");
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
