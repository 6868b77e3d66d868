//! The fixture harness: copy a fixture site into a temporary folder, run the real
//! `ironsmith` binary on it, and compare what it wrote and printed with the fixture's
//! expected files.
//!
//! ```text
//! SiteTest::new("fixtures/basic").build().assert_success().assert_tree("expected");
//! SiteTest::new("fixtures/frontmatter-list").build().assert_error();
//! ```
//!
//! BLESS: when a change of output is intended, run the tests with `IRONSMITH_BLESS=1`:
//!
//! ```text
//! IRONSMITH_BLESS=1 cargo test -p ironsmith --test testsuite
//! ```
//!
//! Instead of failing, `assert_tree` then rewrites the fixture's `expected/` folder and
//! `assert_error` its `expected-stderr.txt` (when it no longer matches) from what the binary
//! produced; exit codes and the other checks still apply. Review `git diff fixtures/` before
//! committing the result: blessing accepts bugs too.
//!
//! The temporary folder looks like this; commands run in `<tmp>`, so a relative
//! `--destination` or `--config` is relative to the folder around the site:
//!
//! ```text
//! <tmp>/          the current folder of every command
//!   site/         the fixture's files, minus its `expected*` entries
//! ```
//!
//! In stderr, `<site>` stands for the site folder and `<tmp>` for the folder around it, so
//! expected files do not depend on where the tests ran. A line of `expected-stderr.txt` may
//! use `[..]` for "any text" (such as the list of known plugins, which grows); blessing
//! keeps a file whose lines still match and writes whole lines otherwise.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The name of the file every build leaves in its output so a later build may replace it.
const MARKER: &str = ".ironsmith-output";

/// The environment variable that turns comparisons into rewrites of the expected files.
const BLESS: &str = "IRONSMITH_BLESS";

fn blessing() -> bool {
    std::env::var_os(BLESS).is_some_and(|value| value != "0" && !value.is_empty())
}

/// The workspace root, where `fixtures/` lives.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ has a parent folder: the workspace")
        .to_path_buf()
}

/// One fixture site, copied into a fresh temporary folder, and the last command run on it.
pub struct SiteTest {
    /// The fixture as the test named it (`fixtures/basic`), for messages.
    name: String,
    /// The fixture folder in the repository: where expected files are read and blessed.
    fixture: PathBuf,
    /// Holds `site/`; removed when the test ends.
    tmp: tempfile::TempDir,
    site: PathBuf,
    /// The output folder, relative to the site: `build` unless the test says otherwise.
    output: PathBuf,
    last: Option<Output>,
}

impl SiteTest {
    /// Copies `fixtures/<case>` (relative to the workspace root) into a temporary folder.
    pub fn new(fixture: &str) -> SiteTest {
        let source = workspace_root().join(fixture);
        assert!(
            source.is_dir(),
            "no fixture folder {}: create it (see fixtures/README.md)",
            source.display()
        );
        let tmp = tempfile::Builder::new()
            .prefix("ironsmith-test-")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temporary folder: {e}"));
        let site = tmp.path().join("site");
        copy_folder(&source, &site, &|name| !name.starts_with("expected"));
        SiteTest {
            name: fixture.to_string(),
            fixture: source,
            tmp,
            site,
            output: PathBuf::from("build"),
            last: None,
        }
    }

    /// Where the build writes, relative to the site (`build` by default).
    pub fn output(&mut self, relative: &str) -> &mut Self {
        self.output = PathBuf::from(relative);
        self
    }

    /// A path inside the temporary site.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.site.join(relative)
    }

    /// The bytes of a file in the temporary site.
    pub fn read(&self, relative: &str) -> Vec<u8> {
        let path = self.path(relative);
        fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// The text of a file in the temporary site.
    pub fn read_text(&self, relative: &str) -> String {
        String::from_utf8(self.read(relative))
            .unwrap_or_else(|e| panic!("{relative} is not UTF-8: {e}"))
    }

    /// A file's permission bits.
    #[cfg(unix)]
    pub fn mode(&self, relative: &str) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        let path = self.path(relative);
        let metadata =
            fs::metadata(&path).unwrap_or_else(|e| panic!("cannot stat {}: {e}", path.display()));
        metadata.permissions().mode() & 0o777
    }

    /// Writes a file into the temporary site (creating its folders), before a build.
    pub fn write(&mut self, relative: &str, contents: impl AsRef<[u8]>) -> &mut Self {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
        }
        fs::write(&path, contents)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        self
    }

    /// Sets a file's permission bits, so a test does not depend on how git checked it out.
    #[cfg(unix)]
    pub fn set_mode(&mut self, relative: &str, mode: u32) -> &mut Self {
        use std::os::unix::fs::PermissionsExt;
        let path = self.path(relative);
        fs::set_permissions(&path, fs::Permissions::from_mode(mode))
            .unwrap_or_else(|e| panic!("cannot chmod {}: {e}", path.display()));
        self
    }

    /// `ironsmith build <site>`.
    pub fn build(&mut self) -> &mut Self {
        self.build_with(&[])
    }

    /// `ironsmith build <site> ARGS...`.
    pub fn build_with(&mut self, args: &[&str]) -> &mut Self {
        let site = self
            .site
            .to_str()
            .expect("the temporary path is UTF-8")
            .to_owned();
        let mut all = vec!["build", site.as_str()];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// `ironsmith ARGS...`, exactly as given, run in `<tmp>`.
    pub fn run(&mut self, args: &[&str]) -> &mut Self {
        let output = Command::new(env!("CARGO_BIN_EXE_ironsmith"))
            .args(args)
            .current_dir(self.tmp.path())
            .output()
            .unwrap_or_else(|e| panic!("cannot run the ironsmith binary: {e}"));
        self.last = Some(output);
        self
    }

    fn last(&self) -> &Output {
        self.last
            .as_ref()
            .expect("no command has run yet: call build() or run() first")
    }

    /// The last command's exit code (`None` if a signal ended it).
    pub fn exit_code(&self) -> Option<i32> {
        self.last().status.code()
    }

    /// The last command's stdout.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.last().stdout).into_owned()
    }

    /// The last command's stderr, with the temporary paths replaced by `<site>` and `<tmp>`.
    pub fn stderr(&self) -> String {
        let mut text = String::from_utf8_lossy(&self.last().stderr).into_owned();
        let tmp = self.tmp.path();
        // Longest first, so `<tmp>/site` becomes `<site>` rather than `<tmp>/site`.
        let mut replacements = Vec::new();
        for (path, placeholder) in [(self.site.clone(), "<site>"), (tmp.to_path_buf(), "<tmp>")] {
            if let Ok(canonical) = fs::canonicalize(&path) {
                replacements.push((canonical.display().to_string(), placeholder));
            }
            replacements.push((path.display().to_string(), placeholder));
        }
        replacements.sort_by_key(|(path, _)| std::cmp::Reverse(path.len()));
        for (path, placeholder) in replacements {
            text = text.replace(&path, placeholder);
        }
        text
    }

    /// What the last command printed, for failure messages.
    fn transcript(&self) -> String {
        format!(
            "exit code: {:?}\n--- stdout\n{}--- stderr\n{}---",
            self.exit_code(),
            self.stdout(),
            self.stderr()
        )
    }

    /// Exit code 0, no crash, no staging folder left.
    pub fn assert_success(&mut self) -> &mut Self {
        assert_eq!(
            self.exit_code(),
            Some(0),
            "{}: the build failed\n{}",
            self.name,
            self.transcript()
        );
        self.assert_no_crash().assert_no_staging()
    }

    /// Exit code 1, no crash, no staging folder left; the message is not checked.
    pub fn assert_failure(&mut self) -> &mut Self {
        assert_eq!(
            self.exit_code(),
            Some(1),
            "{}: expected a failed build (exit code 1)\n{}",
            self.name,
            self.transcript()
        );
        self.assert_no_crash().assert_no_staging()
    }

    /// Exit code 1, and stderr holds the lines of the fixture's `expected-stderr.txt`,
    /// in order (other lines may come between them).
    pub fn assert_error(&mut self) -> &mut Self {
        self.assert_failure();
        let expected_path = self.fixture.join("expected-stderr.txt");
        let actual = self.stderr();
        let expected = fs::read_to_string(&expected_path);
        let unmatched = match &expected {
            Ok(expected) => first_unmatched_line(expected, &actual),
            Err(e) => Some(format!("(cannot read {}: {e})", expected_path.display())),
        };
        let Some(unmatched) = unmatched else {
            return self;
        };
        // Only a file that no longer matches is rewritten, so hand-written `[..]` survive.
        if blessing() {
            fs::write(&expected_path, &actual)
                .unwrap_or_else(|e| panic!("cannot bless {}: {e}", expected_path.display()));
            return self;
        }
        panic!(
            "{}: stderr lacks this line of expected-stderr.txt (or has it out of order):\n  {unmatched}\n{}\nrun with {BLESS}=1 if the new output is intended",
            self.name,
            self.transcript()
        );
    }

    /// Exit code 2: clap refused the command line.
    pub fn assert_usage_error(&mut self) -> &mut Self {
        assert_eq!(
            self.exit_code(),
            Some(2),
            "{}: expected a usage error (exit code 2)\n{}",
            self.name,
            self.transcript()
        );
        self.assert_no_crash()
    }

    /// stderr contains `text` (after the `<site>`/`<tmp>` replacement).
    pub fn assert_stderr_contains(&mut self, text: &str) -> &mut Self {
        assert!(
            self.stderr().contains(text),
            "{}: stderr does not contain {text:?}\n{}",
            self.name,
            self.transcript()
        );
        self
    }

    /// No error may come from a panic: "none may panic" holds for every input.
    fn assert_no_crash(&mut self) -> &mut Self {
        let stderr = self.stderr();
        assert!(
            !stderr.contains("panicked") && !stderr.contains("internal error"),
            "{}: the binary panicked\n{}",
            self.name,
            self.transcript()
        );
        self
    }

    /// No `.<name>.ironsmith-*` staging folder is left beside the output, failed build or not.
    fn assert_no_staging(&mut self) -> &mut Self {
        let output = self.site.join(&self.output);
        let parent = output.parent().unwrap_or(&self.site);
        let Ok(entries) = fs::read_dir(parent) else {
            return self;
        };
        let left: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with('.') && name.contains("ironsmith-"))
            .collect();
        assert!(
            left.is_empty(),
            "{}: temporary folders left beside the output in {}: {left:?}",
            self.name,
            parent.display()
        );
        self
    }

    /// The output folder equals the fixture's `expected` folder: the same files (none
    /// missing, none extra) with the same bytes.
    pub fn assert_tree(&mut self, expected: &str) -> &mut Self {
        let output = self.site.join(&self.output);
        assert!(
            output.is_dir(),
            "{}: no output folder {}\n{}",
            self.name,
            output.display(),
            self.transcript()
        );
        let mut actual = Tree::read(&output);
        // The marker only tells a later build that it may replace this folder. It is the
        // same in every output, so expected/ folders leave it out; tests that care about it
        // (`build::basic`) check it directly.
        actual.files.remove(MARKER);
        let expected_dir = self.fixture.join(expected);
        if blessing() {
            actual.write(&expected_dir);
            return self;
        }
        assert!(
            expected_dir.is_dir(),
            "{}: no {} folder: run with {BLESS}=1 to create it from the output",
            self.name,
            expected_dir.display()
        );
        if let Some(difference) = Tree::read(&expected_dir).difference(&actual) {
            panic!(
                "{}: the output {} differs from {expected}/:\n{difference}run with {BLESS}=1 if the change is intended",
                self.name,
                output.display()
            );
        }
        self
    }

    /// Every file under a folder of the site, for before/after comparisons.
    pub fn snapshot(&self, relative: &str) -> Tree {
        Tree::read(&self.path(relative))
    }
}

/// The first non-blank line of `expected` that no line of `actual` matches, in order.
fn first_unmatched_line(expected: &str, actual: &str) -> Option<String> {
    let mut actual_lines = actual.lines();
    expected
        .lines()
        .filter(|line| !line.trim().is_empty())
        .find(|wanted| !actual_lines.any(|line| line_matches(wanted, line)))
        .map(str::to_string)
}

/// Whether `actual` is the `expected` line, where `[..]` in `expected` stands for any text.
fn line_matches(expected: &str, actual: &str) -> bool {
    let mut parts = expected.split("[..]");
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Copies a folder recursively, keeping permission bits; `keep` filters top-level names.
fn copy_folder(from: &Path, to: &Path, keep: &dyn Fn(&str) -> bool) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("cannot create {}: {e}", to.display()));
    let entries =
        fs::read_dir(from).unwrap_or_else(|e| panic!("cannot list {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("cannot list {}: {e}", from.display()));
        let name = entry.file_name();
        if !keep(&name.to_string_lossy()) {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        if source.is_dir() {
            copy_folder(&source, &target, &|_| true);
        } else {
            fs::copy(&source, &target).unwrap_or_else(|e| {
                panic!(
                    "cannot copy {} to {}: {e}",
                    source.display(),
                    target.display()
                )
            });
        }
    }
}

/// The files under a folder, by `/`-separated relative path, with their bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct Tree {
    files: BTreeMap<String, Vec<u8>>,
}

impl Tree {
    /// Reads every file under `root` (folders only count through their files).
    pub fn read(root: &Path) -> Tree {
        let mut files = BTreeMap::new();
        read_into(root, "", &mut files);
        Tree { files }
    }

    /// Each file's bytes, by relative path.
    pub fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.files
    }

    /// Replaces `root` with exactly these files.
    fn write(&self, root: &Path) {
        if root.exists() {
            fs::remove_dir_all(root)
                .unwrap_or_else(|e| panic!("cannot remove {}: {e}", root.display()));
        }
        for (relative, bytes) in &self.files {
            let path = root.join(relative);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)
                    .unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
            }
            fs::write(&path, bytes)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        }
    }

    /// What differs from `self` (expected) to `actual`, or `None` when they are equal.
    pub fn difference(&self, actual: &Tree) -> Option<String> {
        let mut report = String::new();
        let missing: Vec<&String> = self
            .files
            .keys()
            .filter(|k| !actual.files.contains_key(*k))
            .collect();
        let extra: Vec<&String> = actual
            .files
            .keys()
            .filter(|k| !self.files.contains_key(*k))
            .collect();
        if !missing.is_empty() {
            let _ = writeln!(report, "  missing (expected, not written): {missing:?}");
        }
        if !extra.is_empty() {
            let _ = writeln!(report, "  extra (written, not expected): {extra:?}");
        }
        let differing: Vec<&String> = self
            .files
            .iter()
            .filter(|(path, bytes)| actual.files.get(*path).is_some_and(|other| other != *bytes))
            .map(|(path, _)| path)
            .collect();
        if let Some(first) = differing.first() {
            let (expected, actual_bytes) = (&self.files[*first], &actual.files[*first]);
            let _ = writeln!(
                report,
                "  {first} differs: {}",
                first_difference(expected, actual_bytes)
            );
            if differing.len() > 1 {
                let _ = writeln!(
                    report,
                    "  and {} more differ: {:?}",
                    differing.len() - 1,
                    &differing[1..]
                );
            }
        }
        (!report.is_empty()).then_some(report)
    }
}

fn read_into(folder: &Path, prefix: &str, files: &mut BTreeMap<String, Vec<u8>>) {
    let entries =
        fs::read_dir(folder).unwrap_or_else(|e| panic!("cannot list {}: {e}", folder.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("cannot list {}: {e}", folder.display()));
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let path = entry.path();
        if path.is_dir() {
            read_into(&path, &relative, files);
        } else {
            let bytes =
                fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            files.insert(relative, bytes);
        }
    }
}

/// The first differing line of two text files, or the first differing byte otherwise.
fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    if let (Ok(expected), Ok(actual)) = (std::str::from_utf8(expected), std::str::from_utf8(actual))
    {
        // split_inclusive keeps line ends, so a CRLF/LF difference shows in the {:?} output.
        let mut expected_lines = expected.split_inclusive('\n');
        let mut actual_lines = actual.split_inclusive('\n');
        for number in 1.. {
            match (expected_lines.next(), actual_lines.next()) {
                (Some(e), Some(a)) if e == a => continue,
                (e, a) => {
                    return format!(
                        "line {number}\n    expected: {}\n    actual:   {}",
                        e.map_or("(end of file)".into(), |line| format!("{line:?}")),
                        a.map_or("(end of file)".into(), |line| format!("{line:?}"))
                    );
                }
            }
        }
    }
    let at = expected
        .iter()
        .zip(actual)
        .position(|(e, a)| e != a)
        .unwrap_or(expected.len().min(actual.len()));
    format!(
        "binary files differ at byte {at} (expected {} bytes, actual {} bytes)",
        expected.len(),
        actual.len()
    )
}

#[cfg(test)]
mod tests {
    use super::line_matches;

    #[test]
    fn wildcards_match_any_text() {
        assert!(line_matches("error: a", "error: a"));
        assert!(!line_matches("error: a", "error: ab"));
        assert!(line_matches(
            "error: [..]x.hbs[..]",
            "error: layouts: x.hbs: gone"
        ));
        assert!(line_matches("error: [..]: 3", "error: a: 3"));
        assert!(!line_matches(
            "error: [..]y.hbs[..]",
            "error: layouts: x.hbs: gone"
        ));
    }
}
