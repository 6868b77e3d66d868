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
    /// Make a new folder from a template: a shipped one (blog, docs, plugin), a saved one,
    /// a folder or a git URL.
    New(NewArgs),
    /// Save, list and remove templates that `ironsmith new` takes by name.
    Template(TemplateArgs),
    /// Build a site, serve it over HTTP, and rebuild and reload the browser on every change.
    Serve(ServeArgs),
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

    /// Write a report of where the time went beside the output: `ironsmith-timings.html`,
    /// or `ironsmith-timings.json` with `--timings=json`.
    #[arg(
        long,
        value_name = "FORMAT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "html"
    )]
    pub timings: Option<crate::timings::Format>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site's folder, holding ironsmith.yaml or metalsmith.json.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// The configuration file to use instead of DIR's; its folder becomes the site root.
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The port to listen on; 0 picks a free one.
    #[arg(short, long, default_value_t = 8080)]
    pub port: u16,

    /// The address to listen on. Other machines can reach 0.0.0.0: only for trusted networks.
    #[arg(short, long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,

    /// Also answer requests naming this host (repeatable); localhost and IP addresses always work.
    #[arg(long, value_name = "NAME")]
    pub allow_host: Vec<String>,

    /// Keep files marked `draft: true` (for the drafts plugin).
    #[arg(long)]
    pub drafts: bool,

    /// Open the site in the default browser once it is served.
    #[arg(long)]
    pub open: bool,

    /// Print how long each step of each rebuild took.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// `blog`, `docs`, `plugin`, a saved template's name, a folder, or a git URL
    /// (`URL#REF` picks a branch, tag or commit). With --answers naming it, it may be left out.
    pub template: Option<String>,

    /// The folder to create: it must not exist, or be empty (see --force). With --answers
    /// and no DEST, the answers file's folder.
    pub dest: Option<PathBuf>,

    /// The git branch, tag or commit id to use.
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,

    /// A placeholder's value (repeatable): `--set name="My blog" --set ci=no`.
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = key_value)]
    pub set: Vec<(String, String)>,

    /// Answers from a YAML file, such as a generated folder's `.ironsmith-answers.yaml`.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Take each placeholder's default instead of asking.
    #[arg(long)]
    pub defaults: bool,

    /// Add to a non-empty DEST: files are added and overwritten, none deleted.
    #[arg(long)]
    pub force: bool,

    /// Print the files that would be written, with their sizes, and write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Print errors only.
    #[arg(short, long)]
    pub quiet: bool,
}

fn key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("`{text}` is not KEY=VALUE")),
    }
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    #[command(subcommand)]
    pub command: TemplateCommand,
}

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Save a copy of SOURCE (a folder or a git URL) under NAME.
    Add {
        name: String,
        source: String,
        /// The git branch, tag or commit id to save.
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
    },
    /// List the shipped and saved templates.
    List,
    /// Delete a saved template.
    Remove { name: String },
}
