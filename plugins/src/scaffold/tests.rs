//! The whole chain over template folders in temporary directories.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::*;

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(files: &[(&str, &str)]) -> Case {
        let case = Case {
            dir: tempfile::tempdir().unwrap(),
        };
        for (path, contents) in files {
            case.write(path, contents.as_bytes());
        }
        case
    }

    fn template(&self) -> PathBuf {
        self.dir.path().join("template")
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn write(&self, path: &str, contents: &[u8]) {
        let path = self.template().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    fn scaffold(&self, set: &[(&str, &str)]) -> Scaffold {
        Scaffold {
            template: self.template(),
            destination: self.out(),
            source: Some("test".into()),
            reference: None,
            inputs: Inputs {
                set: set
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                file: Metadata::new(),
                file_name: "answers.yaml".into(),
                defaults: false,
                ask: None,
            },
            today: NaiveDate::from_ymd_opt(2025, 3, 9).unwrap(),
            force: false,
        }
    }

    fn run(&self, set: &[(&str, &str)]) -> Result<Build, Error> {
        self.scaffold(set).run(false)
    }

    fn read(&self, path: &str) -> String {
        fs::read_to_string(self.out().join(path)).unwrap()
    }

    fn tree(&self) -> Vec<String> {
        tree(&self.out())
    }
}

fn tree(root: &Path) -> Vec<String> {
    let mut paths: Vec<String> = walkdir::WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    paths.sort();
    paths
}

fn error_of(result: Result<Build, Error>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(error) => error.lines().join("\n"),
    }
}

#[test]
fn renders_contents_and_names_and_records_the_answers() {
    let case = Case::new(&[
        (
            "{{kebab name}}/README.md",
            "# {{name}} ({{year}}, {{date}}, {{dest_name}})\n",
        ),
        (
            "plain.txt",
            "no placeholders: {{{{raw}}}}{{x}}{{{{/raw}}}}\n",
        ),
        ("template.yaml", "placeholders:\n  name: {prompt: Name}\n"),
    ]);
    let build = case.run(&[("name", "My Site")]).unwrap();
    assert!(build.warnings.is_empty(), "{:?}", build.warnings);
    assert_eq!(
        case.tree(),
        [".ironsmith-answers.yaml", "my-site/README.md", "plain.txt"]
    );
    assert_eq!(
        case.read("my-site/README.md"),
        "# My Site (2025, 2025-03-09, out)\n"
    );
    assert_eq!(case.read("plain.txt"), "no placeholders: {{x}}\n");
    let record = Record::load(&case.out().join(ANSWERS_FILE)).unwrap();
    assert_eq!(record.template.as_deref(), Some("test"));
    assert_eq!(Value::Object(record.answers), json!({"name": "My Site"}));
}

#[test]
fn binary_and_verbatim_files_are_copied_byte_for_byte() {
    let case = Case::new(&[
        ("layouts/page.hbs", "{{title}} stays {{{{"),
        ("template.yaml", "copy_without_render: layouts/**\n"),
    ]);
    let png = b"\x89PNG\r\n\x1a\n{{name}}\xff\x00";
    case.write("logo.png", png);
    case.run(&[]).unwrap();
    assert_eq!(fs::read(case.out().join("logo.png")).unwrap(), png);
    assert_eq!(case.read("layouts/page.hbs"), "{{title}} stays {{{{");
}

#[test]
fn ignore_git_and_template_yaml_are_left_out() {
    let case = Case::new(&[
        ("keep.txt", "k"),
        ("notes.tmp", "t"),
        (".git/HEAD", "ref"),
        ("sub/.git", "gitdir: x"),
        ("template.yaml", "ignore: ['*.tmp']\n"),
    ]);
    case.run(&[]).unwrap();
    assert_eq!(case.tree(), [".ironsmith-answers.yaml", "keep.txt"]);
}

#[test]
fn open_blocks_in_folder_names_make_conditional_files() {
    let case = Case::new(&[
        ("{{#if ci}}.github/workflows/ci.yml", "on: push\n"),
        ("{{#unless ci}}NO-CI.md", "none\n"),
        ("docs/{{#if ci}}ci.md{{else}}manual.md", "x\n"),
        ("extras/a.txt", "a\n"),
        ("template.yaml", "conditional: {'extras/**': 'ci'}\n"),
    ]);
    case.run(&[("ci", "no")]).unwrap();
    assert_eq!(
        case.tree(),
        [".ironsmith-answers.yaml", "NO-CI.md", "docs/manual.md"]
    );
    fs::remove_dir_all(case.out()).unwrap();
    case.run(&[("ci", "yes")]).unwrap();
    assert_eq!(
        case.tree(),
        [
            ".github/workflows/ci.yml",
            ".ironsmith-answers.yaml",
            "docs/ci.md",
            "extras/a.txt"
        ]
    );
}

#[test]
fn names_are_not_escaped() {
    let case = Case::new(&[("{{name}}.txt", "{{name}}")]);
    case.run(&[("name", "A&B")]).unwrap();
    assert_eq!(case.read("A&B.txt"), "A&B");
}

#[test]
fn values_leaving_the_destination_are_refused_before_writing() {
    for value in ["../x", "/etc/x", "a/../../b", ".."] {
        let case = Case::new(&[("{{name}}/x.txt", "x"), ("ok.txt", "y")]);
        let result = case.run(&[("name", value)]);
        if let Ok(build) = &result {
            panic!("{value}: {:?}", build.files.keys().collect::<Vec<_>>());
        }
        let error = error_of(result);
        assert!(error.contains("{{name}}/x.txt"), "{value}: {error}");
        assert!(!case.out().exists(), "{value}: something was written");
    }
}

#[test]
fn two_names_on_one_path_are_an_error() {
    let case = Case::new(&[("{{a}}.txt", "1"), ("{{b}}.txt", "2")]);
    let error = error_of(case.run(&[("a", "x"), ("b", "x")]));
    assert!(error.contains("renders to `x.txt`"), "{error}");
}

#[test]
fn unknown_names_in_contents_are_errors_with_file_and_line() {
    let case = Case::new(&[(
        "list.md",
        "items:\n{{#each items}}\n- {{this.nme}}\n{{/each}}\n",
    )]);
    let mut scaffold = case.scaffold(&[]);
    scaffold.inputs.file.insert("items".into(), json!(["a"]));
    let error = error_of(scaffold.run(false));
    assert!(error.contains("list.md:3:"), "{error}");
    assert!(error.contains("`this.nme` has no value"), "{error}");
    assert!(!case.out().exists());
}

#[test]
fn syntax_errors_name_file_and_line() {
    let case = Case::new(&[("a.txt", "ok\n{{#if x}}\n"), ("b.txt", "{{name")]);
    let error = error_of(case.run(&[]));
    assert!(
        error.contains("a.txt:2:") || error.contains("a.txt:3:"),
        "{error}"
    );
    assert!(error.contains("b.txt:1:"), "{error}");
}

#[test]
fn missing_values_are_one_error_listing_each_set() {
    let case = Case::new(&[
        ("a.txt", "{{name}} {{#if ci}}ci{{/if}}"),
        (
            "template.yaml",
            "placeholders:\n  ci: {prompt: 'Add CI?'}\n",
        ),
    ]);
    let error = error_of(case.run(&[]));
    assert!(
        error.contains("--set ci=...    Add CI? (yes or no, default: no)"),
        "{error}"
    );
    assert!(error.contains("--set name=...  name (text)"), "{error}");
}

#[test]
fn defaults_take_every_default_and_may_use_earlier_answers() {
    let case = Case::new(&[
        ("a.txt", "{{name}}|{{slug}}|{{port}}|{{#if ci}}ci{{/if}}|{{license}}"),
        (
            "template.yaml",
            "placeholders:\n  name: {default: My Site}\n  slug: {default: '{{kebab name}}'}\n  port: {default: 8080}\n  license: {choices: [MIT, GPL]}\n",
        ),
    ]);
    let mut scaffold = case.scaffold(&[("name", "Other One")]);
    scaffold.inputs.defaults = true;
    scaffold.run(false).unwrap();
    assert_eq!(case.read("a.txt"), "Other One|other-one|8080||MIT");
}

#[test]
fn a_default_using_a_later_answer_is_an_error() {
    let case = Case::new(&[
        ("a.txt", "{{slug}} {{name}}"),
        (
            "template.yaml",
            "placeholders:\n  slug: {default: '{{kebab name}}'}\n",
        ),
    ]);
    let mut scaffold = case.scaffold(&[]);
    scaffold.inputs.defaults = true;
    let error = error_of(scaffold.run(false));
    assert!(
        error.contains("placeholder `slug`: `default` uses `name`, which is not asked before it"),
        "{error}"
    );
}

#[test]
fn values_depending_on_a_missing_one_are_listed_as_missing_too() {
    let case = Case::new(&[
        ("a.txt", "{{name}} {{slug}} {{#if ci}}{{provider}}{{/if}}"),
        (
            "template.yaml",
            "placeholders:\n  name: {}\n  slug: {default: '{{kebab name}}'}\n  ci: {type: bool}\n  provider: {when: ci}\n",
        ),
    ]);
    let mut scaffold = case.scaffold(&[("provider", "github")]);
    scaffold.inputs.defaults = true;
    let error = error_of(scaffold.run(false));
    assert!(error.contains("--set name=...  name (text)"), "{error}");
    assert!(error.contains("--set slug=...  slug (text)"), "{error}");
    assert!(!error.contains("--set ci="), "{error}");
}

#[test]
fn invalid_values_without_a_terminal_are_errors() {
    let case = Case::new(&[
        ("a.txt", "{{port}} {{slug}}"),
        (
            "template.yaml",
            "placeholders:\n  port: {type: integer}\n  slug: {regex: '^[a-z]+$', regex_message: 'lowercase letters only'}\n",
        ),
    ]);
    let error = error_of(case.run(&[("port", "eighty"), ("slug", "Bad")]));
    assert!(
        error.contains("--set port=eighty: `eighty` is not a whole number"),
        "{error}"
    );
    assert!(
        error.contains("--set slug=Bad: `Bad` is not valid: lowercase letters only"),
        "{error}"
    );
}

#[test]
fn unknown_set_keys_are_a_warning_listing_the_known_ones() {
    let case = Case::new(&[("a.txt", "{{name}} {{title}}")]);
    let mut scaffold = case.scaffold(&[("name", "x"), ("title", "y"), ("nmae", "z")]);
    scaffold.inputs.file.insert("titel".into(), json!("t"));
    let build = scaffold.run(false).unwrap();
    assert_eq!(
        build.warnings,
        [
            "--set nmae: the template has no placeholder `nmae` (it has: name, title)",
            "answers.yaml: the template has no placeholder `titel` (it has: name, title)"
        ]
    );
}

#[test]
fn when_skips_questions_and_secrets_are_not_recorded() {
    let case = Case::new(&[
        ("a.txt", "{{#if ci}}{{provider}}{{/if}}|{{token}}"),
        (
            "template.yaml",
            "placeholders:\n  ci: {type: bool}\n  provider: {when: ci, choices: [github, gitlab]}\n  token: {secret: true}\n",
        ),
    ]);
    case.run(&[("ci", "false"), ("token", "s3cret")]).unwrap();
    assert_eq!(case.read("a.txt"), "|s3cret");
    let record = Record::load(&case.out().join(ANSWERS_FILE)).unwrap();
    assert_eq!(
        Value::Object(record.answers),
        json!({"ci": false, "provider": "github"})
    );
}

/// Answers from a script, as a terminal would give them.
struct Script {
    answers: Vec<&'static str>,
    problems: std::sync::Arc<Mutex<Vec<String>>>,
}

impl Ask for Script {
    fn ask(&mut self, question: &Question, problem: Option<&str>) -> Result<Value, String> {
        if let Some(problem) = problem {
            self.problems.lock().unwrap().push(problem.to_string());
        }
        let text = self.answers.remove(0);
        question.parse(text)
    }
}

#[test]
fn a_terminal_is_asked_for_missing_and_invalid_values() {
    let case = Case::new(&[
        ("a.txt", "{{name}}|{{port}}|{{#if ci}}ci{{/if}}"),
        ("template.yaml", "placeholders:\n  port: {type: integer}\n"),
    ]);
    let problems = std::sync::Arc::new(Mutex::new(Vec::new()));
    let mut scaffold = case.scaffold(&[("port", "x")]);
    scaffold.inputs.ask = Some(Box::new(Script {
        answers: vec!["80", "Typed", "yes"],
        problems: problems.clone(),
    }));
    scaffold.run(false).unwrap();
    assert_eq!(case.read("a.txt"), "Typed|80|ci");
    assert_eq!(
        *problems.lock().unwrap(),
        ["--set port=x: `x` is not a whole number"]
    );
}

#[test]
fn a_non_empty_destination_needs_force_which_adds_and_overwrites() {
    let case = Case::new(&[("a.txt", "new"), ("b.txt", "new")]);
    fs::create_dir_all(case.out()).unwrap();
    fs::write(case.out().join("a.txt"), "old").unwrap();
    fs::write(case.out().join("mine.txt"), "mine").unwrap();
    let error = error_of(case.run(&[]));
    assert!(
        error.contains("not empty") && error.contains("--force"),
        "{error}"
    );
    assert_eq!(case.tree(), ["a.txt", "mine.txt"]);
    let mut scaffold = case.scaffold(&[]);
    scaffold.force = true;
    scaffold.run(false).unwrap();
    assert_eq!(
        case.tree(),
        [".ironsmith-answers.yaml", "a.txt", "b.txt", "mine.txt"]
    );
    assert_eq!(case.read("a.txt"), "new");
    assert_eq!(case.read("mine.txt"), "mine");
}

#[test]
fn a_failure_leaves_an_existing_destination_untouched() {
    let case = Case::new(&[("a.txt", "{{name"), ("b.txt", "new")]);
    fs::create_dir_all(case.out()).unwrap();
    fs::write(case.out().join("mine.txt"), "mine").unwrap();
    let mut scaffold = case.scaffold(&[]);
    scaffold.force = true;
    assert!(scaffold.run(false).is_err());
    assert_eq!(case.tree(), ["mine.txt"]);
    assert_eq!(
        tree(case.dir.path()).len(),
        tree(&case.template()).len() + 1
    );
}

#[test]
fn dry_run_writes_nothing() {
    let case = Case::new(&[("a.txt", "x")]);
    let build = case.scaffold(&[]).run(true).unwrap();
    let keys: Vec<_> = build.files.keys().collect();
    assert_eq!(keys, [".ironsmith-answers.yaml", "a.txt"]);
    assert!(!case.out().exists());
}

#[cfg(unix)]
#[test]
fn modes_are_kept_but_setuid_and_setgid_dropped() {
    use std::os::unix::fs::PermissionsExt;
    let case = Case::new(&[("run.sh", "#!/bin/sh\n"), ("suid", "x")]);
    let set = |path: &str, mode| {
        fs::set_permissions(case.template().join(path), fs::Permissions::from_mode(mode)).unwrap()
    };
    set("run.sh", 0o755);
    set("suid", 0o6755);
    case.run(&[]).unwrap();
    let mode = |path: &str| {
        fs::metadata(case.out().join(path))
            .unwrap()
            .permissions()
            .mode()
    };
    assert_eq!(mode("run.sh") & 0o7777, 0o755);
    assert_eq!(mode("suid") & 0o7000, 0);
}

#[cfg(unix)]
#[test]
fn links_out_of_the_template_are_refused() {
    let case = Case::new(&[("a.txt", "x")]);
    let secret = case.dir.path().join("secret.txt");
    fs::write(&secret, "secret").unwrap();
    std::os::unix::fs::symlink(&secret, case.template().join("leak.txt")).unwrap();
    let error = error_of(case.run(&[]));
    assert!(
        error.contains("leak.txt") && error.contains("outside"),
        "{error}"
    );
    assert!(!case.out().exists());
}

#[test]
fn a_destination_inside_the_template_is_refused() {
    let case = Case::new(&[("a.txt", "x")]);
    let mut scaffold = case.scaffold(&[]);
    scaffold.destination = case.template().join("out");
    let error = error_of(scaffold.run(false));
    assert!(error.contains("inside the template"), "{error}");
}
