//! Read, run the chain, write: the whole engine.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::Error;
use crate::file::{Files, Metadata};
use crate::file_timings::{self, FileTiming};
use crate::pattern::Pattern;
use crate::plugin::Plugin;
use crate::read::{read_folder, reread_folder, ReadOptions};
use crate::registry::Registry;
use crate::site::{Mode, Site};
use crate::write::{check_destination, write_folder, WriteOptions};

/// How long one step took and how many files it saw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timing {
    /// `read`, a plugin's name, or `write`.
    pub step: String,
    pub elapsed: Duration,
    pub files_in: usize,
    pub files_out: usize,
    /// The files' contents in bytes before and after the step; counted only with
    /// [`Pipeline::detailed_timings`], else 0.
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// The slowest files of a plugin that works file by file ([`crate::for_each_file`]),
    /// slowest first; only with [`Pipeline::detailed_timings`].
    pub slowest: Vec<FileTiming>,
}

/// What a run produced: the files, the site state, and where the time went.
#[derive(Debug)]
pub struct Build {
    pub files: Files,
    pub site: Site,
    pub timings: Vec<Timing>,
    /// Warnings plugins reported (a missing sort key, an unknown option value, ...).
    pub warnings: Vec<String>,
}

/// A site build: where to read and write, and the plugins to run in order.
///
/// ```no_run
/// use ironsmith_core::{plugin_fn, Pipeline};
///
/// let build = Pipeline::new("my-site")
///     .source("content")
///     .destination("public")
///     .use_plugin(plugin_fn("shout", |files, _site| {
///         for file in files.values_mut() {
///             file.contents.make_ascii_uppercase();
///         }
///         Ok(())
///     }))
///     .build()?;
/// println!("wrote {} files", build.files.len());
/// # Ok::<(), ironsmith_core::Error>(())
/// ```
#[derive(Debug)]
pub struct Pipeline {
    root: PathBuf,
    source: PathBuf,
    destination: PathBuf,
    clean: bool,
    frontmatter: bool,
    confine_links: bool,
    force: bool,
    ignore: Option<Pattern>,
    metadata: Metadata,
    concurrency: Option<usize>,
    mode: Mode,
    drafts: bool,
    env: BTreeMap<String, String>,
    /// How many slowest files to keep per step, when bytes and files are timed too.
    detailed_timings: Option<usize>,
    plugins: Vec<Box<dyn Plugin>>,
}

impl Pipeline {
    /// A pipeline rooted at `root`, with Metalsmith's defaults: `src` into `build`, clean,
    /// front matter parsed, no plugins.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Pipeline {
            root: root.into(),
            source: PathBuf::from("src"),
            destination: PathBuf::from("build"),
            clean: true,
            frontmatter: true,
            confine_links: false,
            force: false,
            ignore: None,
            metadata: Metadata::new(),
            concurrency: None,
            mode: Mode::Build,
            drafts: false,
            env: BTreeMap::new(),
            detailed_timings: None,
            plugins: Vec::new(),
        }
    }

    /// A pipeline from a parsed configuration file, its plugins built by `registry`.
    ///
    /// `config_path` names the file in errors; paths in it are relative to `root`.
    pub fn from_config(
        config: Config,
        root: impl Into<PathBuf>,
        config_path: &Path,
        registry: &Registry,
    ) -> Result<Self, Error> {
        let mut plugins = Vec::new();
        let mut errors = Vec::new();
        for spec in &config.plugins.0 {
            match registry.create(spec) {
                Ok(Some(plugin)) => plugins.push(plugin),
                Ok(None) => {}
                Err(message) => errors.push(Error::Config {
                    path: config_path.display().to_string(),
                    location: config.locate(spec, &message),
                    message,
                }),
            }
        }
        if let Some(error) = Error::from_many(errors) {
            return Err(error);
        }
        let mut pipeline = Pipeline::new(root)
            .source(config.source)
            .destination(config.destination)
            .clean(config.clean)
            .frontmatter(config.frontmatter)
            .metadata(config.metadata);
        pipeline.ignore = config.ignore;
        pipeline.concurrency = config.concurrency;
        pipeline.env = config.env;
        pipeline.plugins = plugins;
        Ok(pipeline)
    }

    /// The folder to read, relative to the root unless absolute.
    pub fn source(mut self, source: impl Into<PathBuf>) -> Self {
        self.source = source.into();
        self
    }

    /// The folder to write, relative to the root unless absolute.
    pub fn destination(mut self, destination: impl Into<PathBuf>) -> Self {
        self.destination = destination.into();
        self
    }

    pub fn clean(mut self, clean: bool) -> Self {
        self.clean = clean;
        self
    }

    pub fn frontmatter(mut self, frontmatter: bool) -> Self {
        self.frontmatter = frontmatter;
        self
    }

    /// Refuse symbolic links leading out of the source instead of following them (for
    /// folders from elsewhere, such as a template).
    pub fn confine_links(mut self, confine: bool) -> Self {
        self.confine_links = confine;
        self
    }

    /// Replace a non-empty destination that holds no earlier ironsmith output.
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// Leave out source paths matching these globs.
    pub fn ignore(mut self, globs: &[&str]) -> Result<Self, Error> {
        let pattern = Pattern::new(globs).map_err(Error::Message)?;
        self.ignore = Some(pattern);
        Ok(self)
    }

    /// Adds global metadata (later keys win).
    pub fn metadata(mut self, metadata: Metadata) -> Self {
        self.metadata.extend(metadata);
        self
    }

    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Keep files marked `draft: true` (the drafts plugin reads this).
    pub fn drafts(mut self, drafts: bool) -> Self {
        self.drafts = drafts;
        self
    }

    /// Also count each step's bytes in and out and keep its `slowest_files` slowest files,
    /// for a build report. Off by default: it costs a pass over the files per step.
    pub fn detailed_timings(mut self, slowest_files: usize) -> Self {
        self.detailed_timings = Some(slowest_files);
        self
    }

    /// Appends a plugin to the chain.
    pub fn use_plugin(mut self, plugin: impl Plugin + 'static) -> Self {
        self.plugins.push(Box::new(plugin));
        self
    }

    /// Appends an already boxed plugin (as a registry makes them).
    pub fn use_boxed(mut self, plugin: Box<dyn Plugin>) -> Self {
        self.plugins.push(plugin);
        self
    }

    pub fn source_dir(&self) -> PathBuf {
        under_root(&self.root, &self.source)
    }

    pub fn destination_dir(&self) -> PathBuf {
        under_root(&self.root, &self.destination)
    }

    /// Reads the source and runs the chain, writing nothing.
    pub fn process(&self) -> Result<Build, Error> {
        self.with_threads(|| self.process_here())
    }

    /// Runs the chain over files read already, writing nothing: watch mode keeps the files
    /// between builds and rereads only what changed (see [`Pipeline::reread`]).
    pub fn process_files(&self, files: Files) -> Result<Build, Error> {
        self.with_threads(|| self.run_chain(|| Ok((files, Vec::new()))))
    }

    /// Brings `files` up to date with the source after the paths in `changed` changed, as
    /// [`reread_folder`] does with this pipeline's reading options.
    pub fn reread(
        &self,
        files: &mut Files,
        changed: &[PathBuf],
        keep: &(dyn Fn(&str) -> bool + Sync),
    ) -> Result<(), Error> {
        let options = self.read_options();
        let source = self.source_dir();
        self.with_threads(|| reread_folder(&source, &options, files, changed, keep))
    }

    /// Reads, runs the chain, and writes the destination atomically.
    pub fn build(&self) -> Result<Build, Error> {
        let destination = self.destination_dir();
        check_destination(&self.root, &self.source_dir(), &destination, self.force)?;
        self.with_threads(|| {
            let mut build = self.process_here()?;
            let started = Instant::now();
            write_folder(
                &build.files,
                &destination,
                WriteOptions {
                    clean: self.clean,
                    marker: true,
                },
            )?;
            let bytes = self.bytes(&build.files);
            build.timings.push(Timing {
                step: "write".into(),
                elapsed: started.elapsed(),
                files_in: build.files.len(),
                files_out: build.files.len(),
                bytes_in: bytes,
                bytes_out: bytes,
                slowest: Vec::new(),
            });
            Ok(build)
        })
    }

    fn with_threads<T: Send>(
        &self,
        run: impl FnOnce() -> Result<T, Error> + Send,
    ) -> Result<T, Error> {
        match self.concurrency {
            Some(threads) => rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .map_err(|e| Error::Message(format!("cannot start {threads} threads: {e}")))?
                .install(run),
            None => run(),
        }
    }

    /// How this pipeline reads its source, for a whole read and a watch-mode reread alike.
    fn read_options(&self) -> ReadOptions {
        ReadOptions {
            frontmatter: self.frontmatter,
            ignore: self.ignore.clone(),
            confine_links: self.confine_links,
        }
    }

    fn process_here(&self) -> Result<Build, Error> {
        self.run_chain(|| {
            let started = Instant::now();
            let files = read_folder(&self.source_dir(), &self.read_options())?;
            let read = Timing {
                step: "read".into(),
                elapsed: started.elapsed(),
                files_in: 0,
                files_out: files.len(),
                bytes_out: self.bytes(&files),
                ..Timing::default()
            };
            Ok((files, vec![read]))
        })
    }

    /// The total size of the files' contents, when detailed timings are on.
    fn bytes(&self, files: &Files) -> u64 {
        match self.detailed_timings {
            Some(_) => files.values().map(|f| f.contents.len() as u64).sum(),
            None => 0,
        }
    }

    /// Runs every plugin in order over the files `input` gives (reading them, in a full
    /// build), with a timing per step. Plugins are started before the input is taken, so
    /// what they start overlaps the reading too.
    fn run_chain(
        &self,
        input: impl FnOnce() -> Result<(Files, Vec<Timing>), Error>,
    ) -> Result<Build, Error> {
        let mut site = Site::new(self.root.clone(), self.source_dir(), self.destination_dir());
        site.metadata = self.metadata.clone();
        site.mode = self.mode;
        site.drafts = self.drafts;
        site.env = self.env.clone();
        for plugin in &self.plugins {
            plugin.start(&site);
        }
        let ran = input().and_then(|(mut files, mut timings)| {
            timings.reserve(self.plugins.len() + 1);
            self.run_plugins(&mut files, &mut site, &mut timings)?;
            Ok((files, timings))
        });
        for plugin in &self.plugins {
            plugin.end();
        }
        let (files, timings) = ran?;
        let warnings = site.take_warnings();
        Ok(Build {
            files,
            site,
            timings,
            warnings,
        })
    }

    /// Runs each plugin in turn, stopping at the first failure.
    fn run_plugins(
        &self,
        files: &mut Files,
        site: &mut Site,
        timings: &mut Vec<Timing>,
    ) -> Result<(), Error> {
        for plugin in &self.plugins {
            let bytes_in = self.bytes(files);
            let started = Instant::now();
            let files_in = files.len();
            let (result, slowest) = match self.detailed_timings {
                Some(limit) => file_timings::record(limit, || plugin.run(files, site)),
                None => (plugin.run(files, site), Vec::new()),
            };
            result.map_err(|error| error.in_plugin(plugin.name()))?;
            let elapsed = started.elapsed();
            timings.push(Timing {
                step: plugin.name().to_string(),
                elapsed,
                files_in,
                files_out: files.len(),
                bytes_in,
                bytes_out: self.bytes(files),
                slowest,
            });
        }
        Ok(())
    }
}

/// `root` joined with `path`, without the `.` steps between them: `./build` in a site at
/// `.` is shown as `./build`, not `././build`.
fn under_root(root: &Path, path: &Path) -> PathBuf {
    root.join(path).components().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_under_the_root_are_shown_without_dot_steps() {
        assert_eq!(
            under_root(Path::new("."), Path::new("./build")),
            Path::new("./build")
        );
        assert_eq!(
            under_root(Path::new("/site/./a"), Path::new("../out")),
            Path::new("/site/a/../out")
        );
        assert_eq!(
            under_root(Path::new("/site"), Path::new("/abs")),
            Path::new("/abs")
        );
    }
    use crate::file::File;
    use crate::plugin::plugin_fn;
    use std::fs;

    fn site_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, contents) in files {
            let path = dir.path().join("src").join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, contents).unwrap();
        }
        dir
    }

    /// Records its calls in a shared log; fails its run when told to.
    struct Logged {
        name: &'static str,
        fails: bool,
        log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    }

    impl Plugin for Logged {
        fn name(&self) -> &str {
            self.name
        }

        /// Leaves a file in the source: the read sees it only if it comes after.
        fn start(&self, site: &Site) {
            fs::write(site.source.join(self.name), "").unwrap();
            self.log
                .lock()
                .unwrap()
                .push(format!("start {}", self.name));
        }

        fn run(&self, files: &mut Files, _site: &mut Site) -> Result<(), Error> {
            let read = files.len();
            self.log
                .lock()
                .unwrap()
                .push(format!("run {} over {read}", self.name));
            match self.fails {
                true => Err(Error::Message("broken".into())),
                false => Ok(()),
            }
        }

        fn end(&self) {
            self.log.lock().unwrap().push(format!("end {}", self.name));
        }
    }

    #[test]
    fn plugins_start_before_the_read_and_end_after_a_failure() {
        let dir = site_with(&[("a.txt", "a")]);
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let logged = |name, fails| Logged {
            name,
            fails,
            log: log.clone(),
        };
        let error = Pipeline::new(dir.path())
            .use_plugin(logged("first", true))
            .use_plugin(logged("second", false))
            .build()
            .unwrap_err();
        assert!(error.to_string().contains("broken"), "{error}");
        assert_eq!(
            *log.lock().unwrap(),
            [
                "start first",
                "start second",
                "run first over 3",
                "end first",
                "end second"
            ]
        );
    }

    #[test]
    fn runs_plugins_in_order_and_writes() {
        let dir = site_with(&[("a.txt", "---\ntitle: A\n---\nhello")]);
        let build = Pipeline::new(dir.path())
            .use_plugin(plugin_fn("first", |files, _| {
                files["a.txt"].contents.extend_from_slice(b" 1");
                Ok(())
            }))
            .use_plugin(plugin_fn("second", |files, site| {
                files["a.txt"].contents.extend_from_slice(b" 2");
                site.warn("careful");
                Ok(())
            }))
            .build()
            .unwrap();
        let written = fs::read_to_string(dir.path().join("build/a.txt")).unwrap();
        assert_eq!(written, "hello 1 2");
        let steps: Vec<_> = build.timings.iter().map(|t| t.step.as_str()).collect();
        assert_eq!(steps, ["read", "first", "second", "write"]);
        assert_eq!(build.warnings, ["careful"]);
    }

    #[test]
    fn a_failing_plugin_writes_nothing_and_is_named() {
        let dir = site_with(&[("a.txt", "x")]);
        let error = Pipeline::new(dir.path())
            .use_plugin(plugin_fn("breaks", |_, _| Err(Error::Message("no".into()))))
            .build()
            .unwrap_err();
        assert_eq!(error.lines(), ["breaks: no"]);
        assert!(!dir.path().join("build").exists());
    }

    #[test]
    fn process_writes_nothing() {
        let dir = site_with(&[("a.txt", "x")]);
        let build = Pipeline::new(dir.path())
            .use_plugin(plugin_fn("add", |files, _| {
                files.insert("b.txt".into(), File::new("y"));
                Ok(())
            }))
            .process()
            .unwrap();
        assert_eq!(build.files.len(), 2);
        assert!(!dir.path().join("build").exists());
    }

    #[test]
    fn global_metadata_reaches_plugins() {
        let dir = site_with(&[("a.txt", "x")]);
        let mut metadata = Metadata::new();
        metadata.insert("site".into(), serde_json::json!({"title": "T"}));
        let build = Pipeline::new(dir.path())
            .metadata(metadata)
            .use_plugin(plugin_fn("check", |_, site| {
                assert_eq!(site.metadata["site"]["title"], "T");
                Ok(())
            }))
            .process()
            .unwrap();
        assert_eq!(build.site.metadata["site"]["title"], "T");
    }

    #[test]
    fn reread_and_process_files_rebuild_from_fresh_site_state() {
        let dir = site_with(&[("a.txt", "one")]);
        let pipeline = Pipeline::new(dir.path())
            .mode(Mode::Serve)
            .use_plugin(plugin_fn("list", |files, site| {
                let list = site
                    .metadata
                    .entry("seen")
                    .or_insert_with(|| serde_json::json!([]));
                for (key, file) in files.iter() {
                    let text = format!("{key}={}", file.text().unwrap_or(""));
                    list.as_array_mut().unwrap().push(text.into());
                }
                assert_eq!(site.mode, Mode::Serve);
                Ok(())
            }));
        let mut files = Files::new();
        pipeline.reread(&mut files, &[], &|_| true).unwrap();
        let first = pipeline.process_files(files.clone()).unwrap();
        assert_eq!(
            first.site.metadata["seen"],
            serde_json::json!(["a.txt=one"])
        );
        fs::write(dir.path().join("src/a.txt"), "two").unwrap();
        let changed = [dir.path().join("src/a.txt")];
        pipeline.reread(&mut files, &changed, &|_| true).unwrap();
        let second = pipeline.process_files(files).unwrap();
        assert_eq!(
            second.site.metadata["seen"],
            serde_json::json!(["a.txt=two"])
        );
        let steps: Vec<_> = second.timings.iter().map(|t| t.step.as_str()).collect();
        assert_eq!(steps, ["list"]);
        assert!(!dir.path().join("build").exists());
    }

    #[test]
    fn detailed_timings_count_bytes_and_keep_the_slowest_files() {
        let dir = site_with(&[("a.md", "aaaa"), ("b.md", "bb"), ("c.txt", "c")]);
        let pattern = Pattern::new(&["*.md"]).unwrap();
        let build = Pipeline::new(dir.path())
            .detailed_timings(1)
            .use_plugin(plugin_fn("double", move |files, _| {
                crate::plugin::for_each_file(files, &pattern, |path, file| {
                    if path == "a.md" {
                        std::thread::sleep(Duration::from_millis(30));
                    }
                    file.contents = file.contents.repeat(2);
                    Ok(())
                })
            }))
            .build()
            .unwrap();
        let [read, double, write] = &build.timings[..] else {
            panic!("{:?}", build.timings)
        };
        assert_eq!((read.bytes_in, read.bytes_out), (0, 7));
        assert_eq!((double.bytes_in, double.bytes_out), (7, 13));
        assert_eq!((write.bytes_in, write.bytes_out), (13, 13));
        let slowest: Vec<_> = double.slowest.iter().map(|t| t.path.as_str()).collect();
        assert_eq!(slowest, ["a.md"]);
        assert!(double.elapsed >= double.slowest[0].elapsed);
        assert!(read.slowest.is_empty() && write.slowest.is_empty());
    }

    #[test]
    fn without_detailed_timings_nothing_is_counted() {
        let dir = site_with(&[("a.md", "aaaa")]);
        let pattern = Pattern::new(&["*.md"]).unwrap();
        let build = Pipeline::new(dir.path())
            .use_plugin(plugin_fn("touch", move |files, _| {
                crate::plugin::for_each_file(files, &pattern, |_, _| Ok(()))
            }))
            .process()
            .unwrap();
        let touch = &build.timings[1];
        assert_eq!((touch.bytes_in, touch.bytes_out), (0, 0));
        assert!(touch.slowest.is_empty());
    }

    #[test]
    fn concurrency_runs_in_a_pool_of_that_size() {
        let dir = site_with(&[("a.txt", "x")]);
        let mut pipeline = Pipeline::new(dir.path());
        pipeline.concurrency = Some(1);
        let build = pipeline
            .use_plugin(plugin_fn("threads", |_, site| {
                site.metadata
                    .insert("threads".into(), rayon::current_num_threads().into());
                Ok(())
            }))
            .process()
            .unwrap();
        assert_eq!(build.site.metadata["threads"], 1);
    }
}
