//! What the command prints: errors once each, warnings, and the timing table.

use std::io::Write;

use ironsmith_core::Timing;

/// Prints each failure on its own line; library errors already name file, line and fix.
pub fn print_error(error: &anyhow::Error) {
    match error.downcast_ref::<ironsmith_core::Error>() {
        Some(error) => {
            for line in error.lines() {
                eprintln!("error: {line}");
            }
        }
        None => eprintln!("error: {error:#}"),
    }
}

/// One buffered write for all of them: a link check can warn 28,000 times, and a
/// system call per line took 30 ms of such a build.
pub fn print_warnings(warnings: &[String]) {
    let mut out = std::io::BufWriter::new(std::io::stderr().lock());
    for warning in warnings {
        if writeln!(out, "warning: {warning}").is_err() {
            return;
        }
    }
    let _ = out.flush();
}

/// `--verbose`: one row per step.
pub fn print_timings(timings: &[Timing]) {
    let width = timings
        .iter()
        .map(|t| t.step.len())
        .max()
        .unwrap_or(4)
        .max(4);
    eprintln!(
        "{:<width$}  {:>10}  {:>8}  {:>8}",
        "step", "time", "in", "out"
    );
    for timing in timings {
        eprintln!(
            "{:<width$}  {:>7.1} ms  {:>8}  {:>8}",
            timing.step,
            timing.elapsed.as_secs_f64() * 1000.0,
            timing.files_in,
            timing.files_out
        );
    }
    let total: f64 = timings.iter().map(|t| t.elapsed.as_secs_f64()).sum();
    eprintln!("{:<width$}  {:>7.1} ms", "total", total * 1000.0);
}

/// A bug must still end in one readable line, not a backtrace.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        eprintln!("error: internal error{location}: {message}; please report it with the input that caused it");
    }));
}
