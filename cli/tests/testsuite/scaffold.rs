//! `ironsmith new` and `ironsmith template`, through the real binary: templates from
//! `fixtures/scaffold-*/template`, from git (a bare repository made here with the `git`
//! command), saved and shipped; one interactive session through a pseudo-terminal.
//!
//! Every command runs with `IRONSMITH_DATA_DIR` and `TMPDIR` inside the test's own
//! temporary folder, so saved templates never touch the real data folder and a test can
//! check that no temporary clone is left behind.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::support::{workspace_root, Tree};

/// 2024-06-10, so `year` and `date` do not depend on the day the tests run.
const SOURCE_DATE_EPOCH: &str = "1718000000";

/// A temporary folder to scaffold in: `data/` (saved templates), `tmp/` (the `TMPDIR`).
struct Scaffolding {
    dir: tempfile::TempDir,
}

impl Scaffolding {
    fn new() -> Scaffolding {
        let dir = tempfile::Builder::new()
            .prefix("ironsmith-scaffold-")
            .tempdir()
            .expect("a temporary folder");
        fs::create_dir_all(dir.path().join("tmp")).expect("the TMPDIR folder");
        Scaffolding { dir }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Copies `fixtures/<name>/template` here (as `<name>`), with the modes tests rely on.
    fn fixture(&self, name: &str) -> PathBuf {
        let target = self.path(name);
        copy(
            &workspace_root()
                .join("fixtures")
                .join(name)
                .join("template"),
            &target,
        );
        #[cfg(unix)]
        if target.join("run.sh").exists() {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(target.join("run.sh"), fs::Permissions::from_mode(0o755))
                .expect("chmod run.sh");
        }
        target
    }

    /// A template made of these files.
    fn template(&self, name: &str, files: &[(&str, &str)]) -> PathBuf {
        let folder = self.path(name);
        for (path, contents) in files {
            write(&folder.join(path), contents);
        }
        folder
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ironsmith"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("IRONSMITH_DATA_DIR", self.path("data"))
            .env("TMPDIR", self.path("tmp"))
            .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
            .stdin(Stdio::null());
        command
    }

    fn run(&self, args: &[&str]) -> Run {
        let output = self
            .command(args)
            .output()
            .expect("the ironsmith binary runs");
        let run = Run { output };
        let leftovers = fs::read_dir(self.path("tmp")).expect("list TMPDIR").count();
        assert_eq!(
            leftovers,
            0,
            "a temporary folder was left behind\n{}",
            run.transcript()
        );
        run
    }

    fn read(&self, relative: &str) -> String {
        let path = self.path(relative);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }
}

struct Run {
    output: Output,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn transcript(&self) -> String {
        format!(
            "status: {:?}\n--- stdout\n{}--- stderr\n{}---",
            self.output.status.code(),
            self.stdout(),
            self.stderr()
        )
    }

    fn success(&self) -> &Self {
        assert_eq!(self.output.status.code(), Some(0), "{}", self.transcript());
        self
    }

    fn failure(&self) -> &Self {
        assert_eq!(self.output.status.code(), Some(1), "{}", self.transcript());
        assert!(
            !self.stderr().contains("internal error"),
            "{}",
            self.transcript()
        );
        self
    }

    fn stderr_has(&self, text: &str) -> &Self {
        assert!(
            self.stderr().contains(text),
            "stderr lacks {text:?}\n{}",
            self.transcript()
        );
        self
    }
}

fn write(path: &Path, contents: &str) {
    fs::create_dir_all(path.parent().expect("a parent")).expect("create folders");
    fs::write(path, contents).expect("write");
}

fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("list fixture") {
        let entry = entry.expect("list fixture");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// The files of a generated folder, without the answers file (it names the template's path).
fn tree_without_answers(root: &Path) -> Tree {
    let tree = Tree::read(root);
    assert!(
        tree.files().contains_key(".ironsmith-answers.yaml"),
        "no answers file in {}",
        root.display()
    );
    let scratch = tempfile::tempdir().expect("a temporary folder");
    for (path, bytes) in tree.files() {
        if path != ".ironsmith-answers.yaml" {
            let target = scratch.path().join(path);
            fs::create_dir_all(target.parent().expect("a parent")).expect("create folders");
            fs::write(target, bytes).expect("write");
        }
    }
    Tree::read(scratch.path())
}

const BASIC_SET: [&str; 12] = [
    "--defaults",
    "--set",
    "name=My Tool",
    "--set",
    "license=MIT",
    "--set",
    "ci=yes",
    "--set",
    "provider=gitlab",
    "--set",
    "token=s3cret",
    "--quiet",
];

fn new_basic(test: &Scaffolding, dest: &str) -> Run {
    let template = test.fixture("scaffold-basic");
    let template = template.to_str().expect("UTF-8 path");
    let mut args = vec!["new", template, dest];
    args.extend(BASIC_SET);
    test.run(&args)
}

#[test]
fn a_local_template_renders_contents_names_and_modes() {
    let test = Scaffolding::new();
    new_basic(&test, "out").success();
    let expected = Tree::read(&workspace_root().join("fixtures/scaffold-basic/expected"));
    if let Some(difference) = expected.difference(&tree_without_answers(&test.path("out"))) {
        panic!("the generated folder differs from fixtures/scaffold-basic/expected:\n{difference}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(test.path("out/run.sh"))
            .expect("run.sh")
            .permissions()
            .mode();
        assert_eq!(mode & 0o111, 0o111, "run.sh is no longer executable");
    }
    let answers = test.read("out/.ironsmith-answers.yaml");
    assert!(answers.contains("template: "), "{answers}");
    assert!(answers.contains("name: My Tool"), "{answers}");
    assert!(
        !answers.contains("s3cret"),
        "a secret was recorded:\n{answers}"
    );
}

#[test]
fn the_answers_file_replays() {
    let test = Scaffolding::new();
    new_basic(&test, "out").success();
    test.run(&[
        "new",
        "--answers",
        "out/.ironsmith-answers.yaml",
        "again",
        "--defaults",
    ])
    .success();
    assert_eq!(test.read("again/my-tool/main.txt"), "MY TOOL\n");
    assert_eq!(
        test.read("again/.ironsmith-answers.yaml"),
        test.read("out/.ironsmith-answers.yaml")
    );
    assert!(test.read("again/README.md").contains("into `again`"));
    // Without DEST, the answers file's own folder is made again (so --force is needed).
    test.run(&[
        "new",
        "--answers",
        "out/.ironsmith-answers.yaml",
        "--defaults",
    ])
    .failure()
    .stderr_has("is not empty");
    test.run(&[
        "new",
        "--answers",
        "out/.ironsmith-answers.yaml",
        "--defaults",
        "--force",
    ])
    .success();
}

#[test]
fn dry_run_prints_the_tree_with_sizes_and_writes_nothing() {
    let test = Scaffolding::new();
    let template = test.fixture("scaffold-basic");
    let mut args = vec!["new", template.to_str().expect("UTF-8"), "out", "--dry-run"];
    args.extend(BASIC_SET);
    let run = test.run(&args);
    run.success();
    let stdout = run.stdout();
    assert!(stdout.starts_with("out/ (8 files, "), "{stdout}");
    assert!(
        stdout.contains("\n  my-tool/\n    main.txt  8 B\n"),
        "{stdout}"
    );
    assert!(stdout.contains("\n  logo.png  20 B\n"), "{stdout}");
    assert!(!test.path("out").exists());
}

#[test]
fn missing_values_without_a_terminal_are_one_error_listing_each_set() {
    let test = Scaffolding::new();
    let template = test.fixture("scaffold-basic");
    test.run(&[
        "new",
        template.to_str().expect("UTF-8"),
        "out",
        "--set",
        "license=MIT",
    ])
    .failure()
    .stderr_has("no terminal to ask on")
    .stderr_has("  --set name=...      Project name (text, default: Out)")
    .stderr_has("  --set ci=...        Add a CI workflow? (yes or no, default: no)")
    .stderr_has("  --set port=...      Port (a whole number, default: 8080)");
    assert!(!test.path("out").exists());
}

#[test]
fn invalid_values_without_a_terminal_are_errors() {
    let test = Scaffolding::new();
    let template = test.fixture("scaffold-basic");
    let template = template.to_str().expect("UTF-8");
    test.run(&[
        "new",
        template,
        "out",
        "--defaults",
        "--set",
        "port=eighty",
        "--set",
        "slug=Bad Slug",
        "--set",
        "license=GPL",
        "--set",
        "ci=maybe",
    ])
    .failure()
    .stderr_has(
        "--set slug=Bad Slug: `Bad Slug` is not valid: lowercase letters, digits and dashes",
    )
    .stderr_has("--set license=GPL: `GPL` is not one of MIT, Apache-2.0")
    .stderr_has("--set ci=maybe: `maybe` is not yes or no")
    .stderr_has("--set port=eighty: `eighty` is not a whole number");
    assert!(!test.path("out").exists());
}

#[test]
fn an_unknown_set_key_is_a_warning_listing_the_known_ones() {
    let test = Scaffolding::new();
    let template = test.fixture("scaffold-basic");
    test.run(&["new", template.to_str().expect("UTF-8"), "out", "--defaults", "--set", "nmae=x"])
        .success()
        .stderr_has("warning: --set nmae: the template has no placeholder `nmae` (it has: name, slug, license, ci, provider, langs, port, token)");
}

#[test]
fn a_non_empty_destination_needs_force_which_adds_and_overwrites_only() {
    let test = Scaffolding::new();
    write(&test.path("out/README.md"), "mine\n");
    write(&test.path("out/notes.txt"), "mine\n");
    new_basic(&test, "out").failure().stderr_has(
        "the destination out is not empty: choose a new folder, or pass --force to add to it",
    );
    assert_eq!(test.read("out/README.md"), "mine\n");
    let template = test.path("scaffold-basic");
    let mut args = vec!["new", template.to_str().expect("UTF-8"), "out", "--force"];
    args.extend(BASIC_SET);
    test.run(&args).success();
    assert!(test.read("out/README.md").starts_with("# My Tool"));
    assert_eq!(test.read("out/notes.txt"), "mine\n");
    write(&test.path("file"), "x");
    new_basic(&test, "file")
        .failure()
        .stderr_has("the destination file is a file");
}

#[test]
fn a_render_error_names_file_and_line_and_leaves_everything_as_it_was() {
    let test = Scaffolding::new();
    let template = test.fixture("scaffold-errors");
    write(&test.path("out/keep.txt"), "keep\n");
    test.run(&[
        "new",
        template.to_str().expect("UTF-8"),
        "out",
        "--defaults",
        "--force",
    ])
    .failure()
    .stderr_has("scaffold-errors/list.md:3:")
    .stderr_has("`this.nmae` has no value");
    let left: Vec<String> = Tree::read(&test.path("out"))
        .files()
        .keys()
        .cloned()
        .collect();
    assert_eq!(left, ["keep.txt"]);
    let beside: Vec<_> = fs::read_dir(test.dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("ironsmith"))
        .collect();
    assert!(beside.is_empty(), "staging folders left: {beside:?}");
}

#[test]
fn a_syntax_error_names_file_and_line() {
    let test = Scaffolding::new();
    let template = test.template(
        "t",
        &[("a.txt", "fine\n{{#if x}}\nno end\n"), ("b.txt", "{{name")],
    );
    test.run(&[
        "new",
        template.to_str().expect("UTF-8"),
        "out",
        "--defaults",
    ])
    .failure()
    .stderr_has("t/b.txt:1:")
    .stderr_has("copy_without_render");
    assert!(!test.path("out").exists());
}

#[test]
fn a_bad_template_yaml_is_located() {
    let test = Scaffolding::new();
    let template = test.fixture("scaffold-bad-spec");
    test.run(&["new", template.to_str().expect("UTF-8"), "out"])
        .failure()
        .stderr_has("scaffold-bad-spec/template.yaml:3:")
        .stderr_has("unknown field `promt`");
}

#[test]
fn values_that_would_leave_the_destination_are_refused_before_writing() {
    let test = Scaffolding::new();
    let template = test.fixture("scaffold-names");
    let template = template.to_str().expect("UTF-8");
    for (key, value) in [
        ("name", "../x"),
        ("name", "/etc/x"),
        ("folder", "a/../../b"),
        ("folder", ".."),
    ] {
        let set = format!("{key}={value}");
        test.run(&["new", template, "out", "--defaults", "--set", &set])
            .failure()
            .stderr_has(&format!("{{{{{key}}}}}"));
        assert!(!test.path("out").exists(), "{set}: something was written");
    }
    assert!(!test.path("x").exists() && !test.path("b").exists());
}

#[test]
fn two_names_rendering_to_one_path_are_an_error() {
    let test = Scaffolding::new();
    let template = test.fixture("scaffold-names");
    test.run(&[
        "new",
        template.to_str().expect("UTF-8"),
        "out",
        "--defaults",
        "--set",
        "other=a",
    ])
    .failure()
    .stderr_has("renders to `a.txt`, as does");
}

#[cfg(unix)]
#[test]
fn git_folders_are_left_out_and_links_out_of_the_template_refused() {
    let test = Scaffolding::new();
    let template = test.template(
        "t",
        &[
            ("a.txt", "a\n"),
            (".git/HEAD", "ref\n"),
            ("sub/.git", "gitdir: x\n"),
        ],
    );
    test.run(&["new", template.to_str().expect("UTF-8"), "out"])
        .success();
    let files: Vec<String> = Tree::read(&test.path("out"))
        .files()
        .keys()
        .cloned()
        .collect();
    assert_eq!(files, [".ironsmith-answers.yaml", "a.txt"]);

    write(&test.path("secret.txt"), "secret\n");
    std::os::unix::fs::symlink(test.path("secret.txt"), template.join("leak.txt"))
        .expect("symlink");
    test.run(&["new", template.to_str().expect("UTF-8"), "out2"])
        .failure()
        .stderr_has("leak.txt")
        .stderr_has("outside");
    assert!(!test.path("out2").exists());
}

#[test]
fn templates_and_refs_starting_with_a_dash_or_unknown_are_refused() {
    let test = Scaffolding::new();
    test.run(&["new", "--", "--upload-pack=touch x", "out"])
        .failure()
        .stderr_has("cannot start with `-`");
    test.run(&["new", "file:///nowhere.git", "out", "--ref=-x"])
        .failure()
        .stderr_has("cannot be empty or start with `-`");
    test.run(&["new", "file:///nowhere.git#--x", "out"])
        .failure()
        .stderr_has("cannot be empty or start with `-`");
    test.run(&["new", "no-such-template", "out"])
        .failure()
        .stderr_has("no template `no-such-template`");
    test.run(&["new", "blog", "out", "--ref", "main"])
        .failure()
        .stderr_has("applies to a git repository");
    assert!(!test.path("out").exists() && !test.path("x").exists());
}

fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A bare repository whose tag `v1` says `one` and whose `main` says `two`.
fn bare_repository(test: &Scaffolding) -> PathBuf {
    let work = test.template("work", &[("version.txt", "one {{name}}\n")]);
    git(&work, &["init", "-q"]);
    git(&work, &["add", "."]);
    git(&work, &["commit", "-qm", "one"]);
    git(&work, &["tag", "v1"]);
    write(&work.join("version.txt"), "two {{name}}\n");
    git(&work, &["commit", "-qam", "two"]);
    git(
        test.dir.path(),
        &["clone", "-q", "--bare", "work", "repo.git"],
    );
    test.path("repo.git")
}

#[test]
fn templates_come_from_git_at_a_ref_through_a_removed_clone() {
    let test = Scaffolding::new();
    let repository = bare_repository(&test);
    let url = format!("file://{}", repository.display());
    test.run(&["new", &format!("{url}#v1"), "a", "--set", "name=x"])
        .success();
    assert_eq!(test.read("a/version.txt"), "one x\n");
    let answers = test.read("a/.ironsmith-answers.yaml");
    assert!(
        answers.contains(&format!("template: {url}\nref: v1\n")),
        "{answers}"
    );

    let path = repository.to_str().expect("UTF-8");
    test.run(&["new", path, "b", "--set", "name=y"]).success();
    assert_eq!(test.read("b/version.txt"), "two y\n");
    test.run(&["new", path, "c", "--ref", "v1", "--set", "name=z"])
        .success();
    assert_eq!(test.read("c/version.txt"), "one z\n");

    test.run(&["new", &url, "d", "--ref", "no-such-ref", "--set", "name=z"])
        .failure()
        .stderr_has("cannot clone")
        .stderr_has("no-such-ref");
    assert!(!test.path("d").exists());
}

#[test]
fn templates_come_from_git_at_a_commit_id_in_full_or_abbreviated() {
    let test = Scaffolding::new();
    let repository = bare_repository(&test);
    let url = format!("file://{}", repository.display());
    let output = Command::new("git")
        .args(["rev-parse", "v1^{commit}"])
        .current_dir(&repository)
        .output()
        .expect("git runs");
    let commit = String::from_utf8(output.stdout).expect("UTF-8");
    let commit = commit.trim();
    assert_eq!(commit.len(), 40, "{commit}");

    test.run(&["new", &url, "full", "--ref", commit, "--set", "name=x"])
        .success();
    assert_eq!(test.read("full/version.txt"), "one x\n");
    assert!(!test.path("full/.git").exists());
    let answers = test.read("full/.ironsmith-answers.yaml");
    assert!(answers.contains(&format!("ref: {commit}\n")), "{answers}");

    let short = &commit[..7];
    test.run(&["new", &format!("{url}#{short}"), "short", "--set", "name=y"])
        .success();
    assert_eq!(test.read("short/version.txt"), "one y\n");

    test.run(&["new", &url, "none", "--ref", "deadbeef", "--set", "name=z"])
        .failure()
        .stderr_has("no branch, tag or commit `deadbeef`");
    assert!(!test.path("none").exists());

    // A repository that is not there is said so, and not cloned again whole to look for
    // a commit: git's trace shows a single clone.
    let trace = test.path("git-trace.txt");
    let output = test
        .command(&[
            "new",
            &format!("{url}-missing"),
            "gone",
            "--ref",
            "deadbeef",
        ])
        .env("GIT_TRACE", &trace)
        .output()
        .expect("the ironsmith binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("does not appear to be a git repository"),
        "{stderr}"
    );
    let traced = fs::read_to_string(&trace).expect("git wrote its trace");
    let clones = traced
        .lines()
        .filter(|line| line.contains("git clone"))
        .count();
    assert_eq!(clones, 1, "{traced}");
}

#[test]
fn saved_templates_are_added_listed_used_and_removed() {
    let test = Scaffolding::new();
    let template = test.fixture("scaffold-names");
    test.run(&["template", "add", "mine", template.to_str().expect("UTF-8")])
        .success();
    assert!(test
        .path("data/templates/mine/template/template.yaml")
        .is_file());
    let listed = test.run(&["template", "list"]);
    let stdout = listed.success().stdout();
    assert!(stdout.contains("  blog "), "{stdout}");
    assert!(stdout.contains("  mine       "), "{stdout}");
    test.run(&["new", "mine", "out", "--defaults"]).success();
    assert_eq!(test.read("out/a.txt"), "x\n");
    test.run(&["template", "add", "mine", template.to_str().expect("UTF-8")])
        .failure()
        .stderr_has("already saved");
    test.run(&["template", "add", "blog", template.to_str().expect("UTF-8")])
        .failure()
        .stderr_has("is a shipped template");
    test.run(&["template", "remove", "mine"]).success();
    assert!(!test.path("data/templates/mine").exists());
    test.run(&["template", "remove", "mine"])
        .failure()
        .stderr_has("no saved template named `mine` (none is saved)");
    let repository = bare_repository(&test);
    let url = format!("file://{}", repository.display());
    test.run(&["template", "add", "remote", &url, "--ref", "v1"])
        .success();
    let stdout = test.run(&["template", "list"]).stdout();
    assert!(
        stdout.contains(&format!("  remote     {url}#v1")),
        "{stdout}"
    );
    test.run(&["new", "remote", "r", "--set", "name=s"])
        .success();
    assert_eq!(test.read("r/version.txt"), "one s\n");
}

#[test]
fn the_shipped_blog_and_docs_build() {
    let test = Scaffolding::new();
    test.run(&[
        "new",
        "blog",
        "my-blog",
        "--defaults",
        "--set",
        "title=Forge & Anvil",
    ])
    .success();
    test.run(&["build", "my-blog"]).success();
    let home = test.read("my-blog/build/index.html");
    assert!(
        home.contains("<title>Home · Forge &amp; Anvil</title>"),
        "{home}"
    );
    assert!(test
        .read("my-blog/data/site.yaml")
        .contains("title: \"Forge & Anvil\"\n"));
    assert!(home.contains("href=\"/posts/hello-world/\""), "{home}");
    assert!(test.path("my-blog/build/atom.xml").is_file());
    assert!(test
        .read("my-blog/build/posts/hello-world/index.html")
        .contains("June 10, 2024"));

    test.run(&[
        "new",
        "docs",
        "my-docs",
        "--defaults",
        "--set",
        "changelog=yes",
    ])
    .success();
    test.run(&["build", "my-docs"]).success();
    let changelog = test.read("my-docs/build/changelog/index.html");
    assert!(
        changelog.contains("<title>Changelog · My Docs</title>"),
        "{changelog}"
    );
    assert!(
        changelog.contains("<a href=\"/getting-started/\">Getting started</a>"),
        "{changelog}"
    );
    test.run(&["new", "docs", "no-log", "--defaults"]).success();
    assert!(!test.path("no-log/src/changelog.md").exists());
}

/// The plugin template compiles against this workspace's core, offline, in a target folder
/// kept between runs (`target/scaffold-plugin`), so only the first run builds the
/// dependencies.
#[test]
fn the_shipped_plugin_template_compiles() {
    let test = Scaffolding::new();
    let core = workspace_root().join("core");
    let core = format!("core={}", core.display());
    test.run(&["new", "plugin", "word-count", "--defaults", "--set", &core])
        .success();
    let crate_folder = test.path("word-count");
    assert!(test
        .read("word-count/src/lib.rs")
        .contains("pub struct WordCount {"));
    // The workspace's lock file pins the same dependency versions as the workspace's build.
    fs::copy(
        workspace_root().join("Cargo.lock"),
        crate_folder.join("Cargo.lock"),
    )
    .expect("lock");
    let output = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--all-targets", "--quiet"])
        .current_dir(&crate_folder)
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/scaffold-plugin"),
        )
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the generated plugin does not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[cfg(unix)]
#[test]
fn an_interactive_session_on_a_terminal() {
    use expectrl::{Eof, Expect, Session};

    let test = Scaffolding::new();
    let template = test.fixture("scaffold-basic");
    let mut command = test.command(&["new", template.to_str().expect("UTF-8"), "out"]);
    command.stdin(Stdio::inherit());
    let mut session = Session::spawn(command).expect("a pseudo-terminal");
    session.set_expect_timeout(Some(std::time::Duration::from_secs(20)));
    let mut step = |wait: &str, keys: &str| {
        session
            .expect(wait)
            .unwrap_or_else(|e| panic!("waiting for {wait:?}: {e}"));
        session
            .send(keys)
            .unwrap_or_else(|e| panic!("sending {keys:?}: {e}"));
    };
    step("Project name", "Shop Front\r");
    step("Slug", "Bad Slug\r");
    // Asked again, with the reason; the typed text stays to be corrected.
    step("lowercase letters, digits and dashes", &"\x7f".repeat(8));
    step("Slug", "shop-front\r");
    step("License", "\x1b[B\r");
    step("Add a CI workflow?", "y\r");
    step("CI provider", "\r");
    step("Languages", "\x1b[B \r");
    step("Port", "\r");
    step("API token", "s3cret\r");
    session.expect(Eof).expect("the command ends");
    let status = session.get_process().wait().expect("an exit status");
    assert!(format!("{status:?}").ends_with(", 0)"), "{status:?}");

    let readme = test.read("out/README.md");
    assert!(readme.starts_with("# Shop Front & co\n"), "{readme}");
    assert!(
        readme.contains("Slug shop-front, port 8080, languages: en fr."),
        "{readme}"
    );
    assert!(readme.contains("CI runs on github."), "{readme}");
    assert!(
        !test.path("out/LICENSE-MIT").exists(),
        "Apache-2.0 was chosen"
    );
    assert_eq!(
        test.read("out/.ci/github.yml"),
        "provider: github\ntoken: \"s3cret\"\n"
    );
    let answers = test.read("out/.ironsmith-answers.yaml");
    assert!(answers.contains("license: Apache-2.0"), "{answers}");
    assert!(!answers.contains("s3cret"), "{answers}");
}

/// Ctrl-C in a terminal interrupts the whole foreground process group: git and ironsmith.
/// A `git` that starts a clone and hangs stands in for a slow network.
#[cfg(unix)]
#[test]
fn ctrl_c_during_a_clone_leaves_no_temporary_folder() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    use std::time::{Duration, Instant};

    let test = Scaffolding::new();
    let bin = test.path("bin");
    write(
        &bin.join("git"),
        "#!/bin/sh\n# The last argument is the folder to clone into.\nfor last; do :; done\nmkdir -p \"$last/.git\" && exec sleep 30\n",
    );
    fs::set_permissions(bin.join("git"), fs::Permissions::from_mode(0o755)).expect("chmod git");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut child = test
        .command(&["new", "https://example.invalid/template.git", "out"])
        .env("PATH", path)
        .process_group(0)
        .spawn()
        .expect("the ironsmith binary runs");
    let clone_started = || {
        fs::read_dir(test.path("tmp"))
            .expect("list TMPDIR")
            .flatten()
            .any(|entry| entry.path().join("template/.git").is_dir())
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while !clone_started() {
        assert!(Instant::now() < deadline, "the clone never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let group = format!("-{}", child.id());
    let killed = Command::new("kill")
        .args(["-INT", "--", &group])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = child.wait().expect("ironsmith exits");
    assert_eq!(
        status.code(),
        Some(1),
        "an interrupted clone is a failed command"
    );
    let leftovers: Vec<_> = fs::read_dir(test.path("tmp"))
        .expect("list TMPDIR")
        .flatten()
        .map(|entry| entry.path())
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
    assert!(!test.path("out").exists());
}
