//! Watching the site for changes: which events count, and when a burst of them is over.
//!
//! notify's full debouncer merges the events of each path (an editor's save is several)
//! and pairs the two halves of a rename; reads are left out (the build's own reading of
//! layouts would otherwise start the next build); [`next_batch`] then waits for the whole
//! site to be quiet, so a `git checkout` of 500 files is one rebuild, not one per file.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

/// How long one path must be still before its events are passed on.
const SETTLE: Duration = Duration::from_millis(5);

/// How long the whole site must be quiet before a rebuild starts.
pub const QUIET: Duration = Duration::from_millis(15);

/// The longest a rebuild waits for quiet: a tool writing without pause still gets previews.
pub const MAX_WAIT: Duration = Duration::from_secs(2);

/// Whether `name` (a file name, no folder) is an editor's temporary, swap or backup file:
/// such files never start a rebuild and never reach the output.
pub fn is_temporary(name: &str) -> bool {
    const SUFFIXES: [&str; 9] = [
        "~",
        ".swp",
        ".swo",
        ".swx",
        ".swn",
        ".kate-swp",
        ".tmp",
        ".crswap",
        ".bak",
    ];
    name == "4913"
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || name.starts_with(".#")
        || name.starts_with(".goutputstream-")
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
}

/// Whether a source file's key (a `/`-separated path) is kept: none of its names is temporary.
pub fn keep_key(key: &str) -> bool {
    !key.split('/').any(is_temporary)
}

/// Which changed paths start a rebuild.
#[derive(Debug, Clone)]
pub struct Filter {
    /// The output folder: what tools write there is no change to the site.
    destination: PathBuf,
}

impl Filter {
    pub fn new(destination: PathBuf) -> Self {
        Filter { destination }
    }

    pub fn counts(&self, path: &Path) -> bool {
        if path.starts_with(&self.destination) {
            return false;
        }
        !path.components().any(|component| match component {
            Component::Normal(name) => name == ".git" || name.to_str().is_some_and(is_temporary),
            _ => false,
        })
    }
}

/// Watches `roots` (recursively) and sends each debounced group of changed paths that
/// `filter` counts. Dropping the returned watcher stops it and closes the channel.
pub fn start(
    roots: &[PathBuf],
    filter: Filter,
    changes: Sender<Vec<PathBuf>>,
) -> Result<Debouncer<RecommendedWatcher, RecommendedCache>> {
    let everything = roots.to_vec();
    let handler = move |result: DebounceEventResult| match result {
        Ok(events) => {
            let mut paths = Vec::new();
            for event in events {
                if event.need_rescan() {
                    // The system dropped events: anything may have changed.
                    paths.extend(everything.iter().cloned());
                } else if !matches!(event.kind, EventKind::Access(_)) {
                    paths.extend(event.event.paths.into_iter().filter(|p| filter.counts(p)));
                }
            }
            if !paths.is_empty() {
                // The receiver is gone only while the server stops.
                let _ = changes.send(paths);
            }
        }
        Err(errors) => {
            for error in errors {
                eprintln!("warning: watching for changes: {error}");
            }
        }
    };
    let mut debouncer =
        new_debouncer(SETTLE, None, handler).context("cannot watch the site for changes")?;
    for root in roots {
        debouncer
            .watch(root, RecursiveMode::Recursive)
            .with_context(|| format!("{}: cannot watch for changes", root.display()))?;
    }
    Ok(debouncer)
}

/// Waits for a change, then gathers every change that follows until `quiet` passes without
/// one (or `max_wait` has passed): the paths, each once, sorted. `None` once the watcher
/// has stopped.
pub fn next_batch(
    changes: &Receiver<Vec<PathBuf>>,
    quiet: Duration,
    max_wait: Duration,
) -> Option<Vec<PathBuf>> {
    let mut batch: BTreeSet<PathBuf> = changes.recv().ok()?.into_iter().collect();
    let started = Instant::now();
    while started.elapsed() < max_wait {
        match changes.recv_timeout(quiet) {
            Ok(more) => batch.extend(more),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    Some(batch.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::thread;

    #[test]
    fn editor_temporary_files_are_recognised() {
        for name in [
            "post.md~",
            ".post.md.swp",
            ".post.md.swo",
            ".post.md.swx",
            "4913",
            "post.md___jb_tmp___",
            "post.md___jb_old___",
            ".#post.md",
            "#post.md#",
            ".goutputstream-AB12CD",
            "post.md.kate-swp",
            "post.md.tmp",
            "post.md.crswap",
            "post.md.bak",
        ] {
            assert!(is_temporary(name), "{name}");
        }
        for name in [
            "post.md",
            "4913.md",
            "#",
            "swp.md",
            "notes~draft.md",
            "a.html",
        ] {
            assert!(!is_temporary(name), "{name}");
        }
    }

    #[test]
    fn keys_with_a_temporary_name_anywhere_are_left_out() {
        assert!(keep_key("posts/a.md"));
        assert!(!keep_key("posts/.a.md.swp"));
        assert!(!keep_key("posts~/a.md"));
    }

    #[test]
    fn the_filter_skips_output_git_and_temporary_files() {
        let filter = Filter::new(PathBuf::from("/site/build"));
        assert!(filter.counts(Path::new("/site/src/a.md")));
        assert!(filter.counts(Path::new("/site/ironsmith.yaml")));
        assert!(filter.counts(Path::new("/site/builder/a.md")));
        assert!(!filter.counts(Path::new("/site/build/index.html")));
        assert!(!filter.counts(Path::new("/site/build")));
        assert!(!filter.counts(Path::new("/site/.git/index")));
        assert!(!filter.counts(Path::new("/site/src/.a.md.swp")));
        assert!(!filter.counts(Path::new("/site/src/4913")));
    }

    #[test]
    fn a_burst_of_changes_is_one_batch_with_each_path_once() {
        let (send, receive) = mpsc::channel();
        let writer = thread::spawn(move || {
            for round in 0..2 {
                for file in 0..250 {
                    send.send(vec![PathBuf::from(format!("/s/{file}.md"))])
                        .unwrap();
                    if file % 50 == 0 {
                        thread::sleep(Duration::from_millis(2 + round));
                    }
                }
            }
            // Quiet long enough to end the batch, then one more change: a second batch.
            thread::sleep(Duration::from_millis(200));
            send.send(vec![PathBuf::from("/s/late.md")]).unwrap();
        });
        let quiet = Duration::from_millis(50);
        let first = next_batch(&receive, quiet, MAX_WAIT).unwrap();
        assert_eq!(first.len(), 250);
        let second = next_batch(&receive, quiet, MAX_WAIT).unwrap();
        assert_eq!(second, [PathBuf::from("/s/late.md")]);
        writer.join().unwrap();
        assert!(next_batch(&receive, quiet, MAX_WAIT).is_none());
    }

    #[test]
    fn changes_that_never_stop_still_end_a_batch() {
        let (send, receive) = mpsc::channel();
        let writer = thread::spawn(move || {
            for file in 0..100 {
                if send
                    .send(vec![PathBuf::from(format!("/s/{file}"))])
                    .is_err()
                {
                    return;
                }
                thread::sleep(Duration::from_millis(5));
            }
        });
        let started = Instant::now();
        let batch = next_batch(
            &receive,
            Duration::from_millis(50),
            Duration::from_millis(100),
        );
        assert!(started.elapsed() < Duration::from_millis(400));
        assert!(!batch.unwrap().is_empty());
        drop(receive);
        writer.join().unwrap();
    }

    #[test]
    fn the_watcher_reports_a_saved_file_once_and_ignores_swap_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("src")).unwrap();
        let (send, receive) = mpsc::channel();
        let _watcher = start(
            std::slice::from_ref(&root),
            Filter::new(root.join("build")),
            send,
        )
        .unwrap();
        // An editor's atomic save: a swap file, a temporary file renamed over the page.
        std::fs::write(root.join("src/.a.md.swp"), "swap").unwrap();
        std::fs::write(root.join("src/a.md.tmp"), "new").unwrap();
        std::fs::rename(root.join("src/a.md.tmp"), root.join("src/a.md")).unwrap();
        std::fs::create_dir_all(root.join("build")).unwrap();
        std::fs::write(root.join("build/index.html"), "output").unwrap();
        let batch = receive_batch(&receive);
        assert_eq!(batch, [root.join("src/a.md")]);
    }

    /// The paths of the first change and of those within 200 ms of it; fails after 5 s.
    fn receive_batch(receive: &Receiver<Vec<PathBuf>>) -> Vec<PathBuf> {
        let mut batch: BTreeSet<PathBuf> = receive
            .recv_timeout(Duration::from_secs(5))
            .unwrap()
            .into_iter()
            .collect();
        while let Ok(more) = receive.recv_timeout(Duration::from_millis(200)) {
            batch.extend(more);
        }
        batch.into_iter().collect()
    }
}
