//! The ironsmith engine: read a folder into an ordered map of files, run a chain of
//! plugins over it, and write the result atomically.
//!
//! The core knows nothing about markdown, HTML or templates; plugins do all of that.
//!
//! ```
//! use ironsmith_core::{plugin_fn, Pipeline};
//!
//! # let dir = tempfile::tempdir()?;
//! # std::fs::create_dir_all(dir.path().join("src"))?;
//! # std::fs::write(dir.path().join("src/hello.txt"), "---\nname: world\n---\nhello")?;
//! let build = Pipeline::new(dir.path())
//!     .use_plugin(plugin_fn("greet", |files, _site| {
//!         for file in files.values_mut() {
//!             let name = file.metadata["name"].as_str().unwrap_or("you").to_owned();
//!             file.contents.extend_from_slice(format!(", {name}").as_bytes());
//!         }
//!         Ok(())
//!     }))
//!     .build()?;
//! assert_eq!(build.files["hello.txt"].contents, b"hello, world");
//! assert!(dir.path().join("build/hello.txt").is_file());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod config;
mod error;
mod file;
mod file_timings;
mod frontmatter;
mod output_path;
mod pattern;
mod pipeline;
mod plugin;
mod read;
mod registry;
mod simple_yaml;
mod site;
mod write;
pub mod yaml;

pub use config::{Config, PluginList, PluginSpec, CONFIG_FILES};
pub use error::{Error, FileError, Location};
pub use file::{File, Files, Metadata};
pub use file_timings::FileTiming;
pub use output_path::check as check_output_path;
pub use pattern::Pattern;
pub use pipeline::{Build, Pipeline, Timing};
pub use plugin::{for_each_file, for_each_file_moving, plugin_fn, Moves, Plugin};
pub use read::{read_folder, reread_folder, ReadOptions};
pub use registry::{parse_options, Constructor, Registry};
pub use site::{Mode, Site};
pub use write::{check_destination, write_folder, WriteOptions, MARKER};
