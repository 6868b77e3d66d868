//! `exec`: a step of the chain written in any language.
//!
//! Runs an external command and speaks newline-delimited JSON with it: ironsmith writes a
//! header line (protocol version, the step's `options`, the global metadata) and one line
//! per matched file (path, metadata, contents as text or base64); the command answers
//! with one change per line (set or delete metadata keys, replace contents, add, rename
//! or remove files, change the global metadata). The README's "Writing a plugin in any
//! language" documents the protocol; `site-example/plugins/` has complete examples.

mod apply;
mod base64;
mod options;
mod process;
mod protocol;

use std::io::Write;
use std::process::Child;
use std::sync::{Mutex, PoisonError};

use ironsmith_core::{parse_options, Error, Files, Mode, Plugin, Site};
use serde_json::Value;

pub use options::{Options, Timeout};

pub const NAME: &str = "exec";

#[derive(Debug)]
pub struct Exec {
    options: Options,
    /// The command [`Plugin::start`] started, until its step takes it.
    started: Mutex<Option<Child>>,
}

impl Exec {
    pub fn new(options: Options) -> Result<Self, String> {
        options.validate()?;
        Ok(Exec {
            options,
            started: Mutex::new(None),
        })
    }

    fn spec<'a>(&'a self, site: &'a Site) -> process::Spec<'a> {
        process::Spec {
            argv: &self.options.command,
            dir: &site.root,
            env: &site.env,
            timeout: self.options.timeout.0,
        }
    }

    fn take_started(&self) -> Option<Child> {
        self.started
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(Exec::new(parse_options(options)?)?))
}

impl Plugin for Exec {
    fn name(&self) -> &str {
        self.options.name.as_deref().unwrap_or(NAME)
    }

    fn start(&self, site: &Site) {
        if !self.options.start_early {
            return;
        }
        // A command that cannot start is tried again, and its error reported, by `run`.
        if let Ok(child) = process::spawn(&self.spec(site)) {
            if let Some(earlier) = self
                .started
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .replace(child)
            {
                process::abandon(earlier);
            }
        }
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        let (changes, stderr, label) = {
            let (files, site) = (&*files, &*site);
            let spec = self.spec(site);
            let child = match self.take_started() {
                Some(child) => child,
                None => process::spawn(&spec)?,
            };
            let (changes, stderr) = process::run(
                &spec,
                child,
                |out| self.write_input(files, site, out),
                protocol::parse_change,
            )?;
            (changes, stderr, spec.label())
        };
        let source = format!("{label} output");
        let moves = apply::apply(changes, files, &mut site.metadata, &source)?;
        crate::collections::follow_moves(files, site, &moves);
        for line in stderr.describe() {
            site.warn(format!("{}: {label} {line}", self.name()));
        }
        Ok(())
    }

    fn end(&self) {
        if let Some(unused) = self.take_started() {
            process::abandon(unused);
        }
    }
}

impl Exec {
    /// The header, then each matching file in the map's order.
    fn write_input(&self, files: &Files, site: &Site, out: &mut dyn Write) -> std::io::Result<()> {
        let pattern = &self.options.pattern;
        let matching = || files.iter().filter(|(path, _)| pattern.is_match(path));
        let header = protocol::Header {
            version: protocol::VERSION,
            mode: match site.mode {
                Mode::Build => "build",
                Mode::Serve => "serve",
                Mode::Scaffold => "scaffold",
            },
            count: matching().count(),
            options: &self.options.options,
            metadata: &site.metadata,
        };
        protocol::write_header(out, &header)?;
        for (path, file) in matching() {
            protocol::write_file(out, path, file, self.options.contents)?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use ironsmith_core::File;
    use serde_json::json;

    /// A site in a temporary folder holding `script.py`, and three files.
    fn setup(script: &str) -> (tempfile::TempDir, Site, Files) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("script.py"), script).unwrap();
        let mut site = Site::new(
            dir.path().into(),
            dir.path().join("src"),
            dir.path().join("build"),
        );
        site.metadata.insert("site".into(), json!({"title": "T"}));
        let mut files = Files::new();
        let mut page = File::new("<p>one two three</p>");
        page.metadata.insert("title".into(), json!("A"));
        files.insert("a.html".into(), page);
        files.insert("b.html".into(), File::new("<p>four</p>"));
        files.insert("img.png".into(), File::new(vec![0x89, 0xff]));
        (dir, site, files)
    }

    fn exec(options: Value) -> Box<dyn Plugin> {
        create(&options).unwrap()
    }

    fn python(extra: Value) -> Value {
        let mut options = json!({"command": ["python3", "script.py"]});
        for (key, value) in extra.as_object().unwrap() {
            options[key] = value.clone();
        }
        options
    }

    const ECHO_INPUT: &str = r#"
import json, sys
lines = [json.loads(line) for line in sys.stdin]
print(json.dumps({"op": "add", "path": "input.json", "contents": json.dumps(lines)}))
"#;

    fn input_seen(options: Value) -> Value {
        let (_dir, mut site, mut files) = setup(ECHO_INPUT);
        exec(python(options)).run(&mut files, &mut site).unwrap();
        serde_json::from_slice(&files["input.json"].contents).unwrap()
    }

    #[test]
    fn sends_a_header_then_the_matching_files() {
        let lines = input_seen(json!({"options": {"min": 2}}));
        assert_eq!(
            lines,
            json!([
                {"version": 1, "mode": "build", "count": 3, "options": {"min": 2}, "metadata": {"site": {"title": "T"}}},
                {"path": "a.html", "metadata": {"title": "A"}, "contents": "<p>one two three</p>", "encoding": "utf8"},
                {"path": "b.html", "metadata": {}, "contents": "<p>four</p>", "encoding": "utf8"},
                {"path": "img.png", "metadata": {}, "contents": "if8=", "encoding": "base64"},
            ])
        );
    }

    #[test]
    fn pattern_and_contents_choose_what_is_sent() {
        let lines = input_seen(json!({"pattern": "*.html", "contents": false}));
        assert_eq!(lines[0]["count"], 2);
        assert_eq!(
            lines[1],
            json!({"path": "a.html", "metadata": {"title": "A"}})
        );
        assert_eq!(lines.as_array().unwrap().len(), 3);
    }

    #[test]
    fn applies_the_answer_and_reports_stderr_as_warnings() {
        let (_dir, mut site, mut files) = setup(
            r#"
import json, sys
header = json.loads(sys.stdin.readline())
for line in sys.stdin:
    f = json.loads(line)
    if f["encoding"] == "utf8":
        words = len(f["contents"].replace("<p>", " ").replace("</p>", " ").split())
        print(json.dumps({"op": "set", "path": f["path"], "metadata": {"words": words}}))
print(json.dumps({"op": "remove", "path": "img.png"}))
print(json.dumps({"op": "setGlobal", "metadata": {"mode": header["mode"]}}))
print("counted", file=sys.stderr)
"#,
        );
        site.mode = Mode::Serve;
        let plugin = exec(python(json!({"name": "words"})));
        assert_eq!(plugin.name(), "words");
        plugin.run(&mut files, &mut site).unwrap();
        assert_eq!(files["a.html"].metadata["words"], 3);
        assert_eq!(files["b.html"].metadata["words"], 1);
        assert!(!files.contains_key("img.png"));
        assert_eq!(site.metadata["mode"], "serve");
        assert_eq!(
            site.take_warnings(),
            ["words: `python3 script.py` stderr: counted"]
        );
    }

    #[test]
    fn a_renamed_member_is_followed_by_collections() {
        let (_dir, mut site, mut files) = setup(
            "import sys\nsys.stdin.read()\nprint('{\"op\": \"rename\", \"path\": \"a.html\", \"to\": \"posts/a/index.html\"}')\n",
        );
        let collections = crate::collections::create(&json!({"pages": "*.html"})).unwrap();
        collections.run(&mut files, &mut site).unwrap();
        exec(python(json!({}))).run(&mut files, &mut site).unwrap();
        let listed: Vec<&Value> = site.metadata["collections"]["pages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|page| &page["path"])
            .collect();
        assert_eq!(listed, [&json!("posts/a/index.html"), &json!("b.html")]);
        let links = &files["b.html"].metadata["collection"]["pages"];
        assert_eq!(links["previous"]["path"], "posts/a/index.html");
    }

    #[test]
    fn a_malformed_answer_names_the_command_and_line() {
        let (_dir, mut site, mut files) = setup(
            "import sys\nsys.stdin.read()\nprint('{\"op\": \"set\", \"path\": \"a.html\", \"metadata\": {}}')\nprint('done!')\n",
        );
        let error = exec(python(json!({})))
            .run(&mut files, &mut site)
            .unwrap_err();
        let message = error.lines()[0].clone();
        assert!(
            message.starts_with("`python3 script.py` output line 2: expected value at column 1 in `done!`; expected one change per line"),
            "{message}"
        );
    }

    #[test]
    fn a_path_leaving_the_destination_is_refused() {
        let (_dir, mut site, mut files) = setup(
            "import sys\nsys.stdin.read()\nprint('{\"op\": \"rename\", \"path\": \"a.html\", \"to\": \"../../etc/a.html\"}')\n",
        );
        let error = exec(python(json!({})))
            .run(&mut files, &mut site)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "`python3 script.py` output line 1: cannot rename `a.html` to `../../etc/a.html`: output path `../../etc/a.html` contains `..`: it would leave its folder"
        );
    }

    #[test]
    fn a_failing_command_changes_nothing() {
        let (_dir, mut site, mut files) = setup(
            "import sys\nprint('{\"op\": \"remove\", \"path\": \"a.html\"}')\nsys.exit('no luck')\n",
        );
        let error = exec(python(json!({})))
            .run(&mut files, &mut site)
            .unwrap_err();
        assert_eq!(
            error.lines(),
            ["`python3 script.py` exited with code 1", "stderr: no luck"]
        );
        assert!(files.contains_key("a.html"));
    }

    #[test]
    fn the_command_runs_from_the_site_root() {
        let (dir, mut site, mut files) = setup(
            "import os, sys, json\nsys.stdin.read()\nprint(json.dumps({'op': 'setGlobal', 'metadata': {'cwd': os.getcwd()}}))\n",
        );
        exec(python(json!({}))).run(&mut files, &mut site).unwrap();
        let cwd = std::fs::canonicalize(dir.path()).unwrap();
        assert_eq!(site.metadata["cwd"], cwd.display().to_string());
    }

    #[test]
    fn bad_options_are_refused_at_load() {
        let error = create(&json!({"command": []})).unwrap_err();
        assert!(error.contains("`command` must name a program"), "{error}");
        let error = create(&json!({"command": ["x"], "pattern": 3})).unwrap_err();
        assert!(error.contains("option `pattern`"), "{error}");
    }

    /// A script that leaves `started` in the site root as soon as it runs, and `survived`
    /// if it is ever left to finish after its input closes.
    const MARKS_ITS_START: &str = "import sys\nopen('started', 'w').close()\nsys.stdin.read()\nopen('survived', 'w').close()\n";

    fn wait_for(path: &std::path::Path) -> bool {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            if path.exists() {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        false
    }

    #[test]
    fn start_runs_the_command_before_its_step_and_the_step_uses_it() {
        let (dir, mut site, mut files) = setup(MARKS_ITS_START);
        let plugin = exec(python(json!({})));
        plugin.start(&site);
        assert!(wait_for(&dir.path().join("started")), "not started early");
        std::fs::remove_file(dir.path().join("started")).unwrap();
        plugin.run(&mut files, &mut site).unwrap();
        plugin.end();
        assert!(
            dir.path().join("survived").exists(),
            "its step did not finish it"
        );
        assert!(
            !dir.path().join("started").exists(),
            "the step started a second command"
        );
    }

    #[test]
    fn end_kills_a_command_its_step_never_reached() {
        let (dir, site, _files) = setup(MARKS_ITS_START);
        let plugin = exec(python(json!({})));
        plugin.start(&site);
        assert!(wait_for(&dir.path().join("started")));
        plugin.end();
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(!dir.path().join("survived").exists(), "it was left running");
    }

    #[test]
    fn start_early_false_waits_for_the_step() {
        let (dir, mut site, mut files) = setup(MARKS_ITS_START);
        let plugin = exec(python(json!({"startEarly": false})));
        plugin.start(&site);
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(!dir.path().join("started").exists(), "it started early");
        plugin.run(&mut files, &mut site).unwrap();
        plugin.end();
        assert!(dir.path().join("survived").exists());
    }
}
