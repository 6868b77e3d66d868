//! Rebuilding in memory: the source stays read between builds and only changed files are
//! read again; the chain runs over a copy, and the result is served as it is, never written.

use std::path::{Path, PathBuf};
use std::time::Instant;

use ironsmith_core::{check_output_path, Error, FileError, Files, Mode, Pipeline, Timing};
use rayon::prelude::*;

use crate::build::pipeline_from;
use crate::serve::watch::keep_key;

/// A site as `serve` found it: enough to make its pipeline again when the configuration
/// changes.
#[derive(Debug, Clone)]
pub struct SiteFiles {
    /// The configuration file, absolute.
    pub config: PathBuf,
    /// The folder holding it, absolute: paths in the configuration are relative to it.
    pub root: PathBuf,
    pub drafts: bool,
}

impl SiteFiles {
    fn pipeline(&self) -> Result<Pipeline, Error> {
        Ok(pipeline_from(&self.config, self.root.clone())?
            .mode(Mode::Serve)
            .drafts(self.drafts))
    }
}

/// Keeps what one build needs for the next.
#[derive(Debug)]
pub struct Rebuilder {
    site: SiteFiles,
    /// `None` until the configuration loads: every change tries again.
    pipeline: Option<Pipeline>,
    /// The source files as read, before any plugin ran.
    sources: Files,
}

/// What a good build made, kept whole: the served bytes are each file's contents.
#[derive(Debug, Default)]
pub struct Output {
    pub files: Files,
}

/// How one output differs from the one before: what the browser must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// No byte changed.
    None,
    /// Only stylesheets changed (these URL paths): they are swapped without a reload.
    Styles(Vec<String>),
    /// Anything else: pages reload.
    Pages,
}

impl Rebuilder {
    pub fn new(site: SiteFiles) -> Self {
        Rebuilder {
            site,
            pipeline: None,
            sources: Files::new(),
        }
    }

    /// The pipeline of the last configuration that loaded.
    pub fn pipeline(&self) -> Option<&Pipeline> {
        self.pipeline.as_ref()
    }

    /// Builds again after the files at `changed` changed (nothing, the first time), with
    /// the time each step took. A changed configuration makes a new pipeline and reads the
    /// whole source again.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<(Output, Vec<Timing>), Error> {
        if self.pipeline.is_none() || changed.iter().any(|path| path == &self.site.config) {
            self.pipeline = None;
            self.sources.clear();
            self.pipeline = Some(self.site.pipeline()?);
        }
        let Some(pipeline) = &self.pipeline else {
            return Err(Error::Message("the configuration did not load".into()));
        };
        let started = Instant::now();
        pipeline.reread(&mut self.sources, changed, &keep_key)?;
        let read = Timing {
            step: "read".into(),
            elapsed: started.elapsed(),
            files_in: 0,
            files_out: self.sources.len(),
            ..Timing::default()
        };
        // The chain changes the files it is given: it gets a copy, made in parallel.
        let copy: Files = self
            .sources
            .par_iter()
            .map(|(key, file)| (key.clone(), file.clone()))
            .collect();
        let mut build = pipeline.process_files(copy)?;
        build.timings.insert(0, read);
        check_paths(&build.files)?;
        for warning in &build.warnings {
            eprintln!("warning: {warning}");
        }
        // Freeing every page's metadata takes a while at 10,000 pages: not on the way to
        // the browser.
        std::thread::spawn(move || drop(build.site));
        Ok((Output { files: build.files }, build.timings))
    }
}

/// The same check a build makes before writing: no output path may leave the destination.
fn check_paths(files: &Files) -> Result<(), Error> {
    let errors: Vec<Error> = files
        .iter()
        .filter_map(|(key, file)| {
            check_output_path(key)
                .err()
                .map(|reason| Error::file(file.display_path(key), FileError::new(reason)))
        })
        .collect();
    match Error::from_many(errors) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// What changed between two outputs: added, removed and modified files.
pub fn compare(old: &Files, new: &Files) -> Change {
    let mut changed: Vec<&str> = new
        .par_iter()
        .filter(|(key, file)| !matches!(old.get(*key), Some(was) if was.contents == file.contents))
        .map(|(key, _)| key.as_str())
        .collect();
    changed.extend(
        old.keys()
            .filter(|key| !new.contains_key(*key))
            .map(String::as_str),
    );
    if changed.is_empty() {
        return Change::None;
    }
    if changed.iter().all(|key| is_stylesheet(key)) {
        return Change::Styles(changed.iter().map(|key| format!("/{key}")).collect());
    }
    Change::Pages
}

fn is_stylesheet(key: &str) -> bool {
    Path::new(key)
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("css"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironsmith_core::File;
    use std::fs;

    fn files(entries: &[(&str, &str)]) -> Files {
        entries
            .iter()
            .map(|(key, text)| (key.to_string(), File::new(*text)))
            .collect()
    }

    #[test]
    fn compare_tells_styles_from_pages() {
        let old = files(&[("index.html", "a"), ("css/site.css", "x"), ("b.css", "y")]);
        assert_eq!(compare(&old, &old), Change::None);
        let styles = files(&[("index.html", "a"), ("css/site.css", "x2"), ("b.css", "y")]);
        assert_eq!(
            compare(&old, &styles),
            Change::Styles(vec!["/css/site.css".into()])
        );
        let page = files(&[("index.html", "a2"), ("css/site.css", "x2"), ("b.css", "y")]);
        assert_eq!(compare(&old, &page), Change::Pages);
        let removed = files(&[("index.html", "a"), ("css/site.css", "x")]);
        assert_eq!(
            compare(&old, &removed),
            Change::Styles(vec!["/b.css".into()])
        );
        let added = files(&[
            ("index.html", "a"),
            ("css/site.css", "x"),
            ("b.css", "y"),
            ("n.js", ""),
        ]);
        assert_eq!(compare(&old, &added), Change::Pages);
    }

    #[test]
    fn output_paths_are_checked_as_a_build_checks_them() {
        assert!(check_paths(&files(&[("a/index.html", "")])).is_ok());
        let error = check_paths(&files(&[("../escape.html", "")]))
            .unwrap_err()
            .to_string();
        assert!(error.contains("../escape.html"), "{error}");
    }

    fn site(dir: &Path) -> SiteFiles {
        let write = |relative: &str, text: &str| {
            let path = dir.join(relative);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        write(
            "ironsmith.yaml",
            "plugins:\n  - markdown\n  - collections:\n      posts: { pattern: \"posts/*.html\" }\n  - layouts: { default: page.hbs }\n",
        );
        write(
            "layouts/page.hbs",
            "{{#each collections.posts}}[{{title}}]{{/each}}{{{contents}}}",
        );
        write("src/posts/a.md", "---\ntitle: A\n---\nfirst");
        write("src/posts/b.md", "---\ntitle: B\n---\nsecond");
        SiteFiles {
            config: dir.join("ironsmith.yaml"),
            root: dir.to_path_buf(),
            drafts: false,
        }
    }

    #[test]
    fn a_rebuild_reads_changes_and_collections_do_not_grow() {
        let dir = tempfile::tempdir().unwrap();
        let mut rebuilder = Rebuilder::new(site(dir.path()));
        let first = rebuilder.rebuild(&[]).unwrap().0;
        assert_eq!(
            first.files["posts/a.html"].contents,
            b"[A][B]<p>first</p>\n"
        );
        fs::write(
            dir.path().join("src/posts/a.md"),
            "---\ntitle: A\n---\nedited",
        )
        .unwrap();
        let second = rebuilder
            .rebuild(&[dir.path().join("src/posts/a.md")])
            .unwrap()
            .0;
        assert_eq!(
            second.files["posts/a.html"].contents,
            b"[A][B]<p>edited</p>\n"
        );
        assert_eq!(compare(&first.files, &second.files), Change::Pages);
        // A third run over the same sources: nothing new, no member listed twice.
        let third = rebuilder.rebuild(&[]).unwrap().0;
        assert_eq!(compare(&second.files, &third.files), Change::None);
        assert_eq!(
            third.files["posts/b.html"].contents,
            b"[A][B]<p>second</p>\n"
        );
    }

    #[test]
    fn a_broken_configuration_fails_until_it_is_fixed() {
        let dir = tempfile::tempdir().unwrap();
        let site = site(dir.path());
        let config = site.config.clone();
        let mut rebuilder = Rebuilder::new(site);
        rebuilder.rebuild(&[]).unwrap();
        fs::write(&config, "plugins:\n  - no-such-plugin\n").unwrap();
        let error = rebuilder
            .rebuild(std::slice::from_ref(&config))
            .unwrap_err()
            .to_string();
        assert!(error.contains("no-such-plugin"), "{error}");
        // Any later change tries the configuration again.
        let error = rebuilder.rebuild(&[]).unwrap_err().to_string();
        assert!(error.contains("no-such-plugin"), "{error}");
        fs::write(&config, "plugins:\n  - markdown\n").unwrap();
        let output = rebuilder.rebuild(&[]).unwrap().0;
        assert!(output.files.contains_key("posts/a.html"));
    }
}
