//! The slowest files of a step, for the build report.
//!
//! [`crate::for_each_file`] has no [`crate::Site`] to report to, so the pipeline switches
//! recording on for the thread that runs a plugin; the per-file runner asks once per call.
//! When recording is off (every build without a report) nothing is timed per file.

use std::cell::RefCell;
use std::time::Duration;

/// How long one file took in a per-file plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileTiming {
    /// The file's path as the plugin received it.
    pub path: String,
    pub elapsed: Duration,
}

/// The slowest files seen so far on this thread, at most `limit` of them.
struct Recorder {
    limit: usize,
    slowest: Vec<FileTiming>,
}

thread_local! {
    static RECORDER: RefCell<Option<Recorder>> = const { RefCell::new(None) };
}

/// Runs `run` with per-file recording on for this thread; returns its result and the
/// `limit` slowest files of every [`crate::for_each_file`] call it made, slowest first.
pub(crate) fn record<T>(limit: usize, run: impl FnOnce() -> T) -> (T, Vec<FileTiming>) {
    /// Puts back what was recorded before, even if `run` panics.
    struct Restore(Option<Recorder>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            RECORDER.with(|cell| *cell.borrow_mut() = previous);
        }
    }

    let previous = RECORDER.with(|cell| {
        cell.borrow_mut().replace(Recorder {
            limit,
            slowest: Vec::new(),
        })
    });
    let restore = Restore(previous);
    let value = run();
    let recorder = RECORDER.with(|cell| cell.borrow_mut().take());
    drop(restore);
    let mut slowest = recorder.map(|r| r.slowest).unwrap_or_default();
    sort_slowest_first(&mut slowest);
    (value, slowest)
}

/// How many files to keep when recording is on for this thread, else `None`.
pub(crate) fn limit() -> Option<usize> {
    RECORDER.with(|cell| cell.borrow().as_ref().map(|r| r.limit))
}

/// Adds files to this thread's recording, keeping only the slowest.
pub(crate) fn add(timings: Vec<FileTiming>) {
    RECORDER.with(|cell| {
        if let Some(recorder) = cell.borrow_mut().as_mut() {
            recorder.slowest.extend(timings);
            let limit = recorder.limit;
            keep_slowest(&mut recorder.slowest, limit, |t| t.elapsed);
        }
    });
}

/// Truncates `items` to the `limit` with the longest times, in no particular order:
/// a selection, not a sort, since a step may time 100,000 files.
pub(crate) fn keep_slowest<T>(items: &mut Vec<T>, limit: usize, elapsed: impl Fn(&T) -> Duration) {
    if items.len() > limit {
        if limit > 0 {
            items.select_nth_unstable_by(limit - 1, |a, b| elapsed(b).cmp(&elapsed(a)));
        }
        items.truncate(limit);
    }
}

fn sort_slowest_first(timings: &mut [FileTiming]) {
    timings.sort_by(|a, b| b.elapsed.cmp(&a.elapsed).then_with(|| a.path.cmp(&b.path)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timing(path: &str, ms: u64) -> FileTiming {
        FileTiming {
            path: path.into(),
            elapsed: Duration::from_millis(ms),
        }
    }

    #[test]
    fn off_unless_recording() {
        assert_eq!(limit(), None);
        add(vec![timing("a", 1)]);
        let ((), slowest) = record(3, || assert_eq!(limit(), Some(3)));
        assert!(slowest.is_empty(), "nothing added outside leaks in");
        assert_eq!(limit(), None);
    }

    #[test]
    fn keeps_the_slowest_across_calls_slowest_first() {
        let ((), slowest) = record(2, || {
            add(vec![timing("a", 5), timing("b", 1)]);
            add(vec![timing("c", 9), timing("d", 3)]);
        });
        assert_eq!(slowest, [timing("c", 9), timing("a", 5)]);
    }

    #[test]
    fn nested_recordings_are_separate() {
        let (inner, outer) = record(5, || {
            add(vec![timing("outer", 2)]);
            let ((), inner) = record(5, || add(vec![timing("inner", 1)]));
            assert_eq!(limit(), Some(5), "the outer recording is back");
            inner
        });
        assert_eq!(inner, [timing("inner", 1)]);
        assert_eq!(outer, [timing("outer", 2)]);
    }

    #[test]
    fn a_limit_of_zero_keeps_none() {
        let mut items = vec![3u64, 1, 2];
        keep_slowest(&mut items, 0, |&ms| Duration::from_millis(ms));
        assert!(items.is_empty());
    }
}
