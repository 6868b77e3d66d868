//! The plugin trait, a closure adapter, and the parallel per-file runner.

use std::fmt;
use std::time::{Duration, Instant};

use indexmap::map::Entry;
use rayon::prelude::*;

use crate::error::{Error, FileError};
use crate::file::{File, Files};
use crate::file_timings::{self, FileTiming};
use crate::pattern::Pattern;
use crate::site::Site;

/// One step of the chain. Plugins run in the order the configuration lists them.
pub trait Plugin: Send + Sync {
    /// The name the configuration uses for this plugin; errors and timings are labelled with it.
    fn name(&self) -> &str;

    /// Transforms the files and the site. Errors name the files they concern.
    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error>;

    /// Called for every plugin when a run starts, before the first one runs. Slow work that
    /// needs neither the files nor the steps before it (starting a process) can begin here
    /// and overlap those steps; [`Plugin::end`] follows whether the run succeeds or not.
    fn start(&self, _site: &Site) {}

    /// Called for every plugin when a run ends, after a failure too: gives up whatever
    /// [`Plugin::start`] began and [`Plugin::run`] did not use.
    fn end(&self) {}
}

impl fmt::Debug for dyn Plugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Plugin({})", self.name())
    }
}

/// A plugin made from a closure: for one-off steps in Rust sites and in tests.
///
/// ```
/// use ironsmith_core::{plugin_fn, Plugin};
///
/// let count = plugin_fn("count", |files, site| {
///     site.metadata.insert("count".into(), files.len().into());
///     Ok(())
/// });
/// assert_eq!(count.name(), "count");
/// ```
pub fn plugin_fn<F>(name: &str, run: F) -> impl Plugin
where
    F: Fn(&mut Files, &mut Site) -> Result<(), Error> + Send + Sync,
{
    FnPlugin {
        name: name.to_string(),
        run,
    }
}

struct FnPlugin<F> {
    name: String,
    run: F,
}

impl<F> Plugin for FnPlugin<F>
where
    F: Fn(&mut Files, &mut Site) -> Result<(), Error> + Send + Sync,
{
    fn name(&self) -> &str {
        &self.name
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        (self.run)(files, site)
    }
}

/// Files moved by a step: `(from, to)` paths, in the map's order.
pub type Moves = Vec<(String, String)>;

/// Runs `transform` over every file whose path matches `pattern`, in parallel.
///
/// The closure may change the path it is given to move the file (`a.md` -> `a.html`); the
/// map keeps its order. Every failure is collected, each naming its file, so one build
/// reports all broken pages at once; two files moved onto one path is an error naming both.
pub fn for_each_file<F>(files: &mut Files, pattern: &Pattern, transform: F) -> Result<(), Error>
where
    F: Fn(&mut String, &mut File) -> Result<(), FileError> + Sync,
{
    for_each_file_moving(files, pattern, transform).map(drop)
}

/// [`for_each_file`], returning the moves it made, for a step that must tell what refers to
/// files by path (collections) where they went.
pub fn for_each_file_moving<F>(
    files: &mut Files,
    pattern: &Pattern,
    transform: F,
) -> Result<Moves, Error>
where
    F: Fn(&mut String, &mut File) -> Result<(), FileError> + Sync,
{
    // Checked once per call: without a report, no file is timed.
    let recording = file_timings::limit();
    let outcomes: Vec<Outcome> = files
        .par_iter_mut()
        .enumerate()
        .filter(|(_, (key, _))| pattern.is_match(key))
        .map(|(index, (key, file))| {
            let started = recording.map(|_| Instant::now());
            let mut path = key.clone();
            let outcome = match transform(&mut path, file) {
                Ok(()) => Ok((path != *key).then_some(path)),
                Err(error) => Err(Error::file(file.display_path(key), error)),
            };
            (index, outcome, started.map(|s| s.elapsed()))
        })
        .collect();
    if let Some(limit) = recording {
        record_slowest(files, &outcomes, limit);
    }

    let mut errors = Vec::new();
    let mut targets: Vec<Option<String>> = Vec::new();
    for (index, outcome, _) in outcomes {
        match outcome {
            Ok(Some(path)) => {
                if targets.is_empty() {
                    targets.resize(files.len(), None);
                }
                targets[index] = Some(path);
            }
            Ok(None) => {}
            Err(error) => errors.push(error),
        }
    }
    if let Some(error) = Error::from_many(errors) {
        return Err(error);
    }
    if targets.is_empty() {
        return Ok(Moves::new());
    }
    move_files(files, targets)
}

/// A file's index in the map, its new path or its error, and its time when recording.
type Outcome = (usize, Result<Option<String>, Error>, Option<Duration>);

/// Hands the `limit` slowest files of this call, by their path before any move, to the
/// step's recording.
fn record_slowest(files: &Files, outcomes: &[Outcome], limit: usize) {
    let mut timed: Vec<(usize, Duration)> = outcomes
        .iter()
        .filter_map(|(index, _, elapsed)| elapsed.map(|e| (*index, e)))
        .collect();
    file_timings::keep_slowest(&mut timed, limit, |(_, elapsed)| *elapsed);
    let slowest = timed
        .into_iter()
        .filter_map(|(index, elapsed)| {
            let (path, _) = files.get_index(index)?;
            Some(FileTiming {
                path: path.clone(),
                elapsed,
            })
        })
        .collect();
    file_timings::add(slowest);
}

/// Re-keys the files given a target (by index), keeping the map's order; returns the moves.
fn move_files(files: &mut Files, targets: Vec<Option<String>>) -> Result<Moves, Error> {
    let old = std::mem::take(files);
    files.reserve(old.len());
    let mut moved = Moves::new();
    // For each file placed, where `moved` holds its path before the move, if it moved:
    // errors name files by that path, and building those names up front would cost a
    // string per file in every build.
    let mut moved_from: Vec<Option<usize>> = Vec::with_capacity(old.len());
    let mut errors = Vec::new();
    for ((old_key, file), target) in old.into_iter().zip(targets) {
        let (key, from) = match target {
            Some(key) => {
                moved.push((old_key, key.clone()));
                (key, Some(moved.len() - 1))
            }
            None => (old_key, None),
        };
        match files.entry(key) {
            Entry::Vacant(slot) => {
                moved_from.push(from);
                slot.insert(file);
            }
            Entry::Occupied(taken) => {
                let key = taken.key();
                let shown = |file: &File, from: Option<usize>| {
                    file.display_path(from.map_or(key.as_str(), |m| moved[m].0.as_str()))
                };
                errors.push(Error::file(
                    shown(&file, from),
                    FileError::new(format!(
                        "would be written to `{key}`, as would {}: rename one of them",
                        shown(taken.get(), moved_from[taken.index()])
                    )),
                ));
            }
        }
    }
    match Error::from_many(errors) {
        Some(error) => Err(error),
        None => Ok(moved),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(paths: &[&str]) -> Files {
        paths
            .iter()
            .map(|p| (p.to_string(), File::new(p.as_bytes())))
            .collect()
    }

    #[test]
    fn transforms_only_matching_files_and_keeps_order() {
        let mut map = files(&["a.md", "b.txt", "c.md"]);
        let pattern = Pattern::new(&["*.md"]).unwrap();
        for_each_file(&mut map, &pattern, |path, file| {
            file.contents.make_ascii_uppercase();
            *path = path.replace(".md", ".html");
            Ok(())
        })
        .unwrap();
        let keys: Vec<_> = map.keys().cloned().collect();
        assert_eq!(keys, ["a.html", "b.txt", "c.html"]);
        assert_eq!(map["a.html"].contents, b"A.MD");
        assert_eq!(map["b.txt"].contents, b"b.txt");
    }

    #[test]
    fn moves_are_returned_in_the_maps_order() {
        let mut map = files(&["b.md", "keep.txt", "a.md"]);
        let pattern = Pattern::new(&["*.md"]).unwrap();
        let moves = for_each_file_moving(&mut map, &pattern, |path, _| {
            *path = path.replace(".md", ".html");
            Ok(())
        })
        .unwrap();
        assert_eq!(
            moves,
            [
                ("b.md".to_string(), "b.html".to_string()),
                ("a.md".to_string(), "a.html".to_string())
            ]
        );
        let unmoved = for_each_file_moving(&mut map, &pattern, |_, _| Ok(())).unwrap();
        assert!(unmoved.is_empty());
    }

    #[test]
    fn two_files_moved_onto_one_path_are_named_by_their_paths_before() {
        let mut map = files(&["a.md", "b.txt", "c.md", "x.html"]);
        let pattern = Pattern::new(&["*.md", "*.txt"]).unwrap();
        let error = for_each_file(&mut map, &pattern, |path, _| {
            *path = if path == "b.txt" {
                "x.html"
            } else {
                "same.html"
            }
            .to_string();
            Ok(())
        })
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("c.md: would be written to `same.html`, as would a.md"),
            "{error}"
        );
        assert!(
            error.contains("x.html: would be written to `x.html`, as would b.txt"),
            "{error}"
        );
    }

    #[test]
    fn collects_every_error_with_its_path() {
        let mut map = files(&["a.md", "b.md", "c.md"]);
        let pattern = Pattern::new(&["*.md"]).unwrap();
        let error = for_each_file(&mut map, &pattern, |path, _| {
            if path == "b.md" {
                Ok(())
            } else {
                Err(FileError::new("broken"))
            }
        })
        .unwrap_err();
        assert_eq!(error.lines(), ["a.md: broken", "c.md: broken"]);
    }

    #[test]
    fn two_files_moved_onto_one_path_is_an_error_naming_both() {
        let mut map = files(&["a.md", "a.markdown"]);
        let pattern = Pattern::new(&["*"]).unwrap();
        let error = for_each_file(&mut map, &pattern, |path, _| {
            *path = "a.html".into();
            Ok(())
        })
        .unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("a.md") && message.contains("a.markdown"),
            "{message}"
        );
    }

    #[test]
    fn records_the_slowest_files_only_when_asked() {
        let mut map = files(&["fast.md", "slow.md", "skipped.txt", "slower.md"]);
        let pattern = Pattern::new(&["*.md"]).unwrap();
        let pause = |path: &str| match path {
            "slow.md" => std::thread::sleep(Duration::from_millis(20)),
            "slower.md" => std::thread::sleep(Duration::from_millis(40)),
            _ => {}
        };
        let (result, slowest) = file_timings::record(2, || {
            for_each_file(&mut map, &pattern, |path, _| {
                pause(path);
                *path = path.replace(".md", ".html");
                Ok(())
            })
        });
        result.unwrap();
        let paths: Vec<_> = slowest.iter().map(|t| t.path.as_str()).collect();
        assert_eq!(
            paths,
            ["slower.md", "slow.md"],
            "named as the plugin got them"
        );
        assert!(slowest[0].elapsed >= Duration::from_millis(40));
        assert!(map.contains_key("slower.html"));
    }

    #[test]
    fn plugin_fn_runs_its_closure() {
        let plugin = plugin_fn("touch", |files, _| {
            files.insert("new.txt".into(), File::new("x"));
            Ok(())
        });
        let mut map = Files::new();
        plugin.run(&mut map, &mut Site::default()).unwrap();
        assert!(map.contains_key("new.txt"));
    }
}
