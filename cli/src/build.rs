//! `ironsmith build`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use ironsmith_core::{Config, Pipeline, CONFIG_FILES};

use crate::args::BuildArgs;
use crate::{report, timings};

pub fn run(args: &BuildArgs) -> Result<()> {
    let started = Instant::now();
    let mut pipeline = load_pipeline(args)?;
    if args.timings.is_some() {
        pipeline = pipeline.detailed_timings(timings::SLOWEST_FILES);
    }
    let destination = pipeline.destination_dir();
    let build = pipeline.build()?;
    let total = started.elapsed();
    if args.verbose {
        report::print_timings(&build.timings);
    }
    if let Some(format) = args.timings {
        let site = args.config.as_deref().unwrap_or(&args.dir);
        let report = timings::Report::new(site, &destination, &build.timings, total);
        let path = report.write(format, &destination)?;
        if !args.quiet {
            eprintln!("wrote the build report to {}", path.display());
        }
    }
    if !args.quiet {
        report::print_warnings(&build.warnings);
        let count = build.files.len();
        eprintln!(
            "built {count} file{} into {} in {:.2} s",
            if count == 1 { "" } else { "s" },
            destination.display(),
            total.as_secs_f64()
        );
    }
    // The process is about to exit: freeing every file one by one would only add time.
    std::mem::forget(build);
    Ok(())
}

/// The pipeline a site's configuration describes, with command-line overrides applied.
fn load_pipeline(args: &BuildArgs) -> Result<Pipeline> {
    let (config_path, root) = locate_config(&args.dir, args.config.as_deref())?;
    let mut pipeline = pipeline_from(&config_path, root)?
        .force(args.force)
        .drafts(args.drafts);
    if let Some(destination) = &args.destination {
        let destination = std::path::absolute(destination)
            .with_context(|| format!("{}: cannot resolve the path", destination.display()))?;
        pipeline = pipeline.destination(destination);
    }
    Ok(pipeline)
}

/// The configuration file to use (`--config`, else the one in `dir`) and the site root:
/// the folder holding it.
pub fn locate_config(dir: &Path, config: Option<&Path>) -> Result<(PathBuf, PathBuf)> {
    let config_path = match config {
        Some(path) => path.to_path_buf(),
        None => find_config(dir)?,
    };
    // `-c site.yaml` has the empty parent ``; the current folder is meant.
    let root = match config_path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((config_path, root))
}

/// The pipeline a configuration file describes, its plugins from the built-in registry.
pub fn pipeline_from(config_path: &Path, root: PathBuf) -> Result<Pipeline, ironsmith_core::Error> {
    let config = Config::load(config_path)?;
    Pipeline::from_config(config, root, config_path, &ironsmith_plugins::registry())
}

fn find_config(dir: &Path) -> Result<PathBuf> {
    if !dir.is_dir() {
        bail!("{}: no such folder: give the site's folder", dir.display());
    }
    match Config::find(dir) {
        Some(path) => Ok(path),
        None => bail!(
            "{}: no configuration file: create one of {} (see the README)",
            dir.display(),
            CONFIG_FILES.join(", ")
        ),
    }
}
