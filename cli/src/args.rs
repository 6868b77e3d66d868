//! Command-line flags.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A fast static site generator built from a chain of plugins.
#[derive(Debug, Parser)]
#[command(name = "ironsmith", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a site: read its source, run its plugins, write its destination.
    Build(BuildArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site's folder, holding ironsmith.yaml or metalsmith.json.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// The configuration file to use instead of DIR's; its folder becomes the site root.
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Where to write, instead of the configuration's `destination` (relative to here).
    #[arg(short, long, value_name = "OUT")]
    pub destination: Option<PathBuf>,

    /// Replace a non-empty destination that holds no earlier ironsmith output.
    #[arg(long)]
    pub force: bool,

    /// Keep files marked `draft: true` (for the drafts plugin).
    #[arg(long)]
    pub drafts: bool,

    /// Print how long each step took and how many files it saw.
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,

    /// Print errors only.
    #[arg(short, long)]
    pub quiet: bool,
}
