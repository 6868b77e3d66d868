//! Runs the command: its stdin is written on one thread while its stdout is parsed on
//! this one, so neither side waits for the other to finish, and a watchdog kills the
//! command and every process it started when the time is up.

use std::collections::{BTreeMap, VecDeque};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use ironsmith_core::Error;

/// How many of the command's last stderr lines are kept for messages.
const TAIL_LINES: usize = 20;
/// Longer stderr lines are cut to this many characters.
const TAIL_LINE_CHARS: usize = 400;
/// Pipe buffers: one system call per 64 KiB rather than per line.
const BUFFER: usize = 64 * 1024;

/// What to run, where, and for how long at most.
#[derive(Debug)]
pub struct Spec<'a> {
    /// The program and its arguments.
    pub argv: &'a [String],
    /// The folder it runs in.
    pub dir: &'a Path,
    /// Variables added to its environment.
    pub env: &'a BTreeMap<String, String>,
    pub timeout: Duration,
}

impl Spec<'_> {
    /// How messages name the command: `` `python3 plugins/x.py` ``.
    pub fn label(&self) -> String {
        format!("`{}`", self.argv.join(" "))
    }
}

/// The last lines the command wrote on stderr, and how many there were in all.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tail {
    pub lines: VecDeque<String>,
    pub total: usize,
}

impl Tail {
    fn read(stderr: impl Read) -> Tail {
        let mut tail = Tail::default();
        let mut reader = BufReader::new(stderr);
        let mut line = Vec::new();
        while matches!(reader.read_until(b'\n', &mut line), Ok(n) if n > 0) {
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\n', '\r']);
            tail.total += 1;
            if tail.lines.len() == TAIL_LINES {
                tail.lines.pop_front();
            }
            tail.lines
                .push_back(match text.char_indices().nth(TAIL_LINE_CHARS) {
                    Some((cut, _)) => format!("{}...", &text[..cut]),
                    None => text.to_string(),
                });
            line.clear();
        }
        tail
    }

    /// One line per stderr line, and first a note of the lines left out.
    pub fn describe(&self) -> Vec<String> {
        let mut lines = Vec::with_capacity(self.lines.len() + 1);
        if self.total > self.lines.len() {
            lines.push(format!(
                "stderr: ({} earlier lines left out)",
                self.total - self.lines.len()
            ));
        }
        lines.extend(self.lines.iter().map(|line| format!("stderr: {line}")));
        lines
    }
}

/// Runs a command [`spawn`] started, feeding its stdin with `feed` while `parse` reads
/// each line of its stdout (`None` for lines to skip); the timeout counts from here.
/// Returns the parsed lines with their line numbers, and the end of its stderr. Fails when
/// the command runs out of time, writes a line `parse` refuses, or exits with an error.
pub fn run<T>(
    spec: &Spec<'_>,
    mut child: Child,
    feed: impl FnOnce(&mut dyn Write) -> io::Result<()> + Send,
    parse: impl Fn(&[u8]) -> Result<Option<T>, String>,
) -> Result<(Vec<(usize, T)>, Tail), Error> {
    let (Some(stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        kill_tree(child.id());
        return Err(Error::Message(format!(
            "{}: its standard streams could not be opened",
            spec.label()
        )));
    };
    let pid = child.id();
    let timed_out = AtomicBool::new(false);
    let (finished, watch) = mpsc::channel::<()>();
    let (read, status, written, tail) = thread::scope(|scope| {
        let timed_out = &timed_out;
        scope.spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = watch.recv_timeout(spec.timeout) {
                timed_out.store(true, Ordering::SeqCst);
                kill_tree(pid);
            }
        });
        let writer = scope.spawn(move || write_stdin(stdin, feed));
        let stderr_reader = scope.spawn(move || Tail::read(stderr));
        let read = read_lines(stdout, &parse);
        if read.is_err() {
            // It would go on writing into a pipe nobody reads.
            kill_tree(pid);
        }
        // Under the watchdog until the end: a child may hold a pipe open, or the
        // command may close them all and go on running.
        let written = writer.join();
        let tail = stderr_reader.join().unwrap_or_default();
        let status = child.wait();
        drop(finished);
        (read, status, written, tail)
    });
    let status =
        status.map_err(|e| Error::Message(format!("{}: cannot wait for it: {e}", spec.label())));
    let failure = |first: String, tail: &Tail| {
        let mut errors = vec![Error::Message(first)];
        errors.extend(tail.describe().into_iter().map(Error::Message));
        Error::from_many(errors).unwrap_or_else(|| unreachable!("one error at least"))
    };
    if timed_out.load(Ordering::SeqCst) {
        return Err(failure(
            format!(
                "{} did not finish within {}: it and the processes it started were killed; \
                 raise `timeout` if it needs longer",
                spec.label(),
                humane(spec.timeout)
            ),
            &tail,
        ));
    }
    let changes =
        read.map_err(|message| failure(format!("{} output line {message}", spec.label()), &tail))?;
    let status = status?;
    if !status.success() {
        return Err(failure(
            format!("{} {}", spec.label(), exit_description(status)),
            &tail,
        ));
    }
    match written {
        Ok(Ok(())) => Ok((changes, tail)),
        Ok(Err(e)) => Err(failure(
            format!("{}: cannot write its input: {e}", spec.label()),
            &tail,
        )),
        Err(_) => Err(Error::Message(format!(
            "{}: writing its input failed",
            spec.label()
        ))),
    }
}

/// Starts the command with piped standard streams, in its own process group.
pub fn spawn(spec: &Spec<'_>) -> Result<Child, Error> {
    let Some((program, arguments)) = spec.argv.split_first() else {
        return Err(Error::Message("no command to run".into()));
    };
    let mut command = Command::new(program);
    command
        .args(arguments)
        .envs(spec.env)
        .current_dir(spec.dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group: a timeout then kills what it started too.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    command.spawn().map_err(|e| {
        let hint = match e.kind() {
            io::ErrorKind::NotFound => {
                format!(": is `{program}` installed and on PATH (or a path from the site root)?")
            }
            _ => String::new(),
        };
        Error::Message(format!(
            "cannot run {} in {}: {e}{hint}",
            spec.label(),
            spec.dir.display()
        ))
    })
}

/// Writes the input and closes stdin. A command that stops reading early (it needs no
/// more, or it failed) is not a failure of the writer: its exit status tells.
fn write_stdin(
    stdin: ChildStdin,
    feed: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut writer = io::BufWriter::with_capacity(BUFFER, stdin);
    match feed(&mut writer).and_then(|()| writer.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Parses stdout line by line until it closes; the error names the line.
fn read_lines<T>(
    stdout: impl Read,
    parse: &impl Fn(&[u8]) -> Result<Option<T>, String>,
) -> Result<Vec<(usize, T)>, String> {
    let mut reader = BufReader::with_capacity(BUFFER, stdout);
    let mut line = Vec::new();
    let mut parsed = Vec::new();
    for number in 1.. {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("{number}: cannot be read: {e}")),
        }
        match parse(&line) {
            Ok(Some(value)) => parsed.push((number, value)),
            Ok(None) => {}
            Err(message) => return Err(format!("{number}: {message}")),
        }
    }
    Ok(parsed)
}

/// Stops a command that was started but never given its input, and reaps it.
pub fn abandon(mut child: Child) {
    kill_tree(child.id());
    let _ = child.wait();
}

/// Kills the command's process group, so its children too (on Windows, its process
/// tree). Through the system's own tool: the standard library only kills one process.
fn kill_tree(pid: u32) {
    let id = pid.to_string();
    #[cfg(not(windows))]
    let mut command = {
        let mut command = Command::new("kill");
        command.args(["-s", "KILL", "--", &format!("-{id}")]);
        command
    };
    #[cfg(windows)]
    let mut command = {
        let mut command = Command::new("taskkill");
        command.args(["/T", "/F", "/PID", &id]);
        command
    };
    let _ = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

fn exit_description(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exited with code {code}");
    }
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return format!("was killed by signal {signal}");
    }
    format!("failed ({status})")
}

/// `30s`, `1.5s`, `250ms`: as a timeout is written.
fn humane(duration: Duration) -> String {
    match duration.as_millis() {
        ms if ms < 1000 => format!("{ms}ms"),
        ms if ms % 1000 == 0 => format!("{}s", ms / 1000),
        _ => format!("{}s", duration.as_secs_f64()),
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn sh(script: &str, timeout: Duration) -> Vec<String> {
        vec![
            "sh".into(),
            "-c".into(),
            script.into(),
            timeout.as_millis().to_string(),
        ]
    }

    fn run_sh(
        script: &str,
        input: &'static str,
        timeout: Duration,
    ) -> Result<(Vec<(usize, String)>, Tail), Error> {
        let argv = sh(script, timeout);
        let spec = Spec {
            argv: &argv,
            dir: Path::new("."),
            env: &BTreeMap::new(),
            timeout,
        };
        run(
            &spec,
            spawn(&spec)?,
            move |out| out.write_all(input.as_bytes()),
            |line| {
                let text = String::from_utf8_lossy(line).trim().to_string();
                match text.as_str() {
                    "" => Ok(None),
                    "bad" => Err("not a word".into()),
                    _ => Ok(Some(text)),
                }
            },
        )
    }

    const SECOND: Duration = Duration::from_secs(10);

    #[test]
    fn streams_both_ways_and_numbers_the_lines() {
        let (lines, tail) = run_sh("tr a-z A-Z; echo note >&2", "one\n\ntwo\n", SECOND).unwrap();
        assert_eq!(lines, [(1, "ONE".to_string()), (3, "TWO".to_string())]);
        assert_eq!(tail.describe(), ["stderr: note"]);
    }

    #[test]
    fn the_configured_environment_reaches_the_program() {
        let argv = sh("echo \"$IRONSMITH_TEST_GREETING\"", SECOND);
        let env = BTreeMap::from([("IRONSMITH_TEST_GREETING".to_string(), "hello".to_string())]);
        let spec = Spec {
            argv: &argv,
            dir: Path::new("."),
            env: &env,
            timeout: SECOND,
        };
        let (lines, _) = run(
            &spec,
            spawn(&spec).unwrap(),
            |_| Ok(()),
            |line| Ok(Some(String::from_utf8_lossy(line).trim().to_string())),
        )
        .unwrap();
        assert_eq!(lines, [(1, "hello".to_string())]);
    }

    #[test]
    fn input_larger_than_a_pipe_does_not_deadlock() {
        let argv = sh("cat", SECOND);
        let spec = Spec {
            argv: &argv,
            dir: Path::new("."),
            env: &BTreeMap::new(),
            timeout: SECOND,
        };
        let (lines, _) = run(
            &spec,
            spawn(&spec).unwrap(),
            |out| {
                for i in 0..200_000 {
                    writeln!(out, "line {i}")?;
                }
                Ok(())
            },
            |line| Ok(Some(line.len())),
        )
        .unwrap();
        assert_eq!(lines.len(), 200_000);
    }

    #[test]
    fn a_command_that_stops_reading_early_is_fine() {
        let argv = sh("head -n 1", SECOND);
        let spec = Spec {
            argv: &argv,
            dir: Path::new("."),
            env: &BTreeMap::new(),
            timeout: SECOND,
        };
        let (lines, _) = run(
            &spec,
            spawn(&spec).unwrap(),
            |out| {
                for _ in 0..100_000 {
                    out.write_all(b"again and again\n")?;
                }
                Ok(())
            },
            |_| Ok(Some(())),
        )
        .unwrap();
        assert_eq!(lines.len(), 1);
    }

    #[test]
    fn a_failing_command_shows_its_code_and_the_end_of_its_stderr() {
        let script = "cat >/dev/null; i=0; while [ $i -lt 25 ]; do echo \"oops $i\" >&2; i=$((i+1)); done; exit 3";
        let error = run_sh(script, "x\n", SECOND).unwrap_err();
        let lines = error.lines();
        assert!(lines[0].ends_with("exited with code 3"), "{lines:?}");
        assert_eq!(lines[1], "stderr: (5 earlier lines left out)");
        assert_eq!(lines[2], "stderr: oops 5");
        assert_eq!(lines.last().unwrap(), "stderr: oops 24");
    }

    #[test]
    fn a_malformed_line_names_its_number_and_stops_the_command() {
        let started = Instant::now();
        let error = run_sh("echo fine; echo bad; sleep 30", "", SECOND).unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "it was not stopped"
        );
        let lines = error.lines();
        assert!(
            lines[0].starts_with(
                "`sh -c echo fine; echo bad; sleep 30 10000` output line 2: not a word"
            ),
            "{lines:?}"
        );
    }

    #[test]
    fn a_timeout_kills_the_command_and_its_children() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("child-survived");
        // A child in the background keeps the pipes open and would write the marker later.
        let script = format!(
            "(sleep 1; touch {}) & echo started >&2; sleep 30",
            marker.display()
        );
        let started = Instant::now();
        let error = run_sh(&script, "", Duration::from_millis(300)).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        let lines = error.lines();
        assert!(
            lines[0].ends_with("did not finish within 300ms: it and the processes it started were killed; raise `timeout` if it needs longer"),
            "{lines:?}"
        );
        assert_eq!(lines[1], "stderr: started");
        thread::sleep(Duration::from_millis(1500));
        assert!(
            !marker.exists(),
            "the background child outlived the timeout"
        );
    }

    #[test]
    fn a_missing_program_is_named() {
        let argv = vec!["ironsmith-no-such-program".to_string()];
        let spec = Spec {
            argv: &argv,
            dir: Path::new("."),
            env: &BTreeMap::new(),
            timeout: SECOND,
        };
        let error = spawn(&spec).unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("cannot run `ironsmith-no-such-program` in .: ")
                && message.ends_with("is `ironsmith-no-such-program` installed and on PATH (or a path from the site root)?"),
            "{message}"
        );
    }

    #[test]
    fn long_stderr_lines_are_cut() {
        let tail = Tail::read(format!("{}\nshort\r\n", "x".repeat(500)).as_bytes());
        assert_eq!(tail.total, 2);
        assert_eq!(tail.lines[0], format!("{}...", "x".repeat(400)));
        assert_eq!(tail.lines[1], "short");
    }

    #[test]
    fn timeouts_read_as_written() {
        assert_eq!(humane(Duration::from_millis(250)), "250ms");
        assert_eq!(humane(Duration::from_secs(30)), "30s");
        assert_eq!(humane(Duration::from_millis(1500)), "1.5s");
    }
}
