//! `ironsmith build --timings`: a report of where the build spent its time, written
//! beside the output (never inside it, where it would be deployed).
//!
//! The HTML page is self-contained (inline CSS and SVG, no script); `--timings=json`
//! writes the same numbers for scripts.

mod html;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use clap::ValueEnum;
use ironsmith_core::Timing;
use serde::Serialize;

/// How many of the slowest files each per-file step keeps.
pub const SLOWEST_FILES: usize = 10;

/// The report's format: `--timings` alone is HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Html,
    Json,
}

impl Format {
    fn file_name(self) -> &'static str {
        match self {
            Format::Html => "ironsmith-timings.html",
            Format::Json => "ironsmith-timings.json",
        }
    }
}

/// What the report shows; the JSON file is this, serialized.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The JSON layout's version, for scripts.
    pub version: u32,
    pub site: String,
    pub destination: String,
    /// When the build ran (RFC 3339, local time).
    pub date: String,
    /// The threads that read, render and write.
    pub threads: usize,
    /// The whole command, from start to output written.
    pub total_ms: f64,
    /// The sum of the steps' times.
    pub steps_ms: f64,
    /// The rest: loading the configuration, starting threads, checking the destination.
    pub other_ms: f64,
    /// What was written.
    pub files: usize,
    pub bytes: u64,
    pub steps: Vec<Step>,
}

/// One step of the build: reading, a plugin, or writing.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub name: String,
    pub ms: f64,
    pub files_in: usize,
    pub files_out: usize,
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// The slowest files of a plugin that works file by file, slowest first.
    pub slowest: Vec<SlowFile>,
}

#[derive(Debug, Serialize)]
pub struct SlowFile {
    pub path: String,
    pub ms: f64,
}

impl Report {
    /// The report of a build whose steps took `timings` and the whole command `total`.
    pub fn new(site: &Path, destination: &Path, timings: &[Timing], total: Duration) -> Self {
        let steps: Vec<Step> = timings
            .iter()
            .map(|timing| Step {
                name: timing.step.clone(),
                ms: ms(timing.elapsed),
                files_in: timing.files_in,
                files_out: timing.files_out,
                bytes_in: timing.bytes_in,
                bytes_out: timing.bytes_out,
                slowest: timing
                    .slowest
                    .iter()
                    .map(|file| SlowFile {
                        path: file.path.clone(),
                        ms: ms(file.elapsed),
                    })
                    .collect(),
            })
            .collect();
        let steps_ms = round(steps.iter().map(|step| step.ms).sum());
        let total_ms = ms(total);
        let written = timings.last();
        Report {
            version: 1,
            site: site.display().to_string(),
            destination: destination.display().to_string(),
            date: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            threads: rayon::current_num_threads(),
            total_ms,
            steps_ms,
            other_ms: round(total_ms - steps_ms).max(0.0),
            files: written.map_or(0, |t| t.files_out),
            bytes: written.map_or(0, |t| t.bytes_out),
            steps,
        }
    }

    /// Writes the report beside `destination` (which exists: the build wrote it) and
    /// returns its path.
    pub fn write(&self, format: Format, destination: &Path) -> Result<PathBuf> {
        let output = std::fs::canonicalize(destination)
            .with_context(|| format!("{}: cannot resolve the path", destination.display()))?;
        let Some(beside) = output.parent() else {
            anyhow::bail!(
                "{}: the build report goes beside the output folder, and it has no parent",
                output.display()
            );
        };
        let path = beside.join(format.file_name());
        let text = match format {
            Format::Html => html::render(self),
            Format::Json => {
                let mut text = serde_json::to_string_pretty(self)?;
                text.push('\n');
                text
            }
        };
        std::fs::write(&path, text)
            .with_context(|| format!("{}: cannot write the build report", path.display()))?;
        Ok(path)
    }
}

/// Milliseconds, to the microsecond.
fn ms(duration: Duration) -> f64 {
    round(duration.as_secs_f64() * 1000.0)
}

/// To the microsecond, so sums print without float noise.
fn round(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironsmith_core::FileTiming;

    fn timing(step: &str, ms: u64, files: usize, bytes: u64) -> Timing {
        Timing {
            step: step.into(),
            elapsed: Duration::from_millis(ms),
            files_in: files,
            files_out: files,
            bytes_in: bytes,
            bytes_out: bytes,
            slowest: Vec::new(),
        }
    }

    fn report() -> Report {
        let mut markdown = timing("markdown", 30, 2, 100);
        markdown.slowest = vec![FileTiming {
            path: "posts/<b>.md".into(),
            elapsed: Duration::from_micros(20_500),
        }];
        Report::new(
            Path::new("site"),
            Path::new("site/build"),
            &[
                timing("read", 10, 2, 50),
                markdown,
                timing("write", 20, 2, 100),
            ],
            Duration::from_millis(65),
        )
    }

    #[test]
    fn totals_add_up() {
        let report = report();
        assert_eq!(report.steps_ms, 60.0);
        assert_eq!(report.total_ms, 65.0);
        assert_eq!(report.other_ms, 5.0);
        assert_eq!((report.files, report.bytes), (2, 100));
        assert_eq!(report.steps[1].slowest[0].ms, 20.5);
    }

    #[test]
    fn json_names_every_number() {
        let value = serde_json::to_value(report()).unwrap();
        assert_eq!(value["totalMs"], 65.0);
        assert_eq!(value["steps"][1]["name"], "markdown");
        assert_eq!(value["steps"][1]["bytesOut"], 100);
        assert_eq!(value["steps"][1]["slowest"][0]["path"], "posts/<b>.md");
    }

    #[test]
    fn is_written_beside_the_output_never_inside() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("site/build");
        std::fs::create_dir_all(&output).unwrap();
        for format in [Format::Html, Format::Json] {
            let path = report().write(format, &output).unwrap();
            assert_eq!(
                path,
                std::fs::canonicalize(dir.path().join("site"))
                    .unwrap()
                    .join(format.file_name())
            );
            assert!(path.is_file());
        }
        assert_eq!(std::fs::read_dir(&output).unwrap().count(), 0);
        let json: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir.path().join("site/ironsmith-timings.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(json["version"], 1);
    }
}
