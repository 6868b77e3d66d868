//! The built-in ironsmith plugins, one module each, and the [`registry`] that lets a
//! configuration file name them.
//!
//! Each module has a `NAME`, an `Options` struct (Metalsmith's option names where a
//! Metalsmith plugin exists), the plugin type, and a `create` constructor for the registry.
//!
//! ```
//! use ironsmith_core::{PluginSpec, Registry};
//!
//! let registry: Registry = ironsmith_plugins::registry();
//! let spec = PluginSpec::new("@metalsmith/markdown", serde_json::json!({}));
//! let plugin = registry.create(&spec)?.expect("enabled");
//! assert_eq!(plugin.name(), "markdown");
//! # Ok::<(), String>(())
//! ```

pub mod assets;
pub mod authors;
pub mod collections;
mod data_file;
mod dates;
pub mod default_values;
pub mod drafts;
pub mod excerpts;
pub mod exec;
pub mod feed;
pub mod headings;
pub mod highlight;
mod html_text;
mod html_tokens;
pub mod in_place;
mod key_path;
pub mod layouts;
pub mod links;
pub mod markdown;
pub mod metadata;
pub mod minify;
pub mod navigation;
mod pages;
pub mod pagination;
pub mod permalinks;
mod prose;
pub mod remove;
pub mod rename;
pub mod sass;
pub mod scaffold;
pub mod search;
pub mod sitemap;
mod slug;
pub mod tags;
#[cfg(test)]
mod test_files;
#[cfg(test)]
mod test_random;
pub mod toc;
pub mod word_count;

use ironsmith_core::Registry;

/// Every built-in plugin by name, with Metalsmith's package names as aliases.
pub fn registry() -> Registry {
    let mut registry = Registry::new();
    registry
        .register(markdown::NAME, markdown::create)
        .alias("@metalsmith/markdown", markdown::NAME)
        .alias("metalsmith-markdown", markdown::NAME)
        .register(drafts::NAME, drafts::create)
        .alias("@metalsmith/drafts", drafts::NAME)
        .alias("metalsmith-drafts", drafts::NAME)
        .register(metadata::NAME, metadata::create)
        .alias("@metalsmith/metadata", metadata::NAME)
        .alias("metalsmith-metadata", metadata::NAME);
    registry.register(authors::NAME, authors::create);
    registry
        .register(permalinks::NAME, permalinks::create)
        .alias("@metalsmith/permalinks", permalinks::NAME)
        .alias("metalsmith-permalinks", permalinks::NAME)
        .register(collections::NAME, collections::create)
        .alias("@metalsmith/collections", collections::NAME)
        .alias("metalsmith-collections", collections::NAME)
        .register(default_values::NAME, default_values::create)
        .alias("@metalsmith/default-values", default_values::NAME)
        .alias("metalsmith-default-values", default_values::NAME);
    registry
        .register(feed::NAME, feed::create)
        .alias("@metalsmith/feed", feed::NAME)
        .alias("metalsmith-feed", feed::NAME);
    registry
        .register(pagination::NAME, pagination::create)
        .alias("metalsmith-pagination", pagination::NAME)
        .register(tags::NAME, tags::create)
        .alias("metalsmith-tags", tags::NAME);
    registry
        .register(excerpts::NAME, excerpts::create)
        .alias("@metalsmith/excerpts", excerpts::NAME)
        .alias("metalsmith-excerpts", excerpts::NAME)
        .register(word_count::NAME, word_count::create)
        .alias("metalsmith-word-count", word_count::NAME);
    registry
        .register(sitemap::NAME, sitemap::create)
        .alias("metalsmith-sitemap", sitemap::NAME);
    registry
        .register(sass::NAME, sass::create)
        .alias("@metalsmith/sass", sass::NAME)
        .alias("metalsmith-sass", sass::NAME)
        .register(assets::NAME, assets::create)
        .alias("metalsmith-assets", assets::NAME)
        .register(rename::NAME, rename::create)
        .alias("metalsmith-rename", rename::NAME)
        .register(remove::NAME, remove::create)
        .alias("@metalsmith/remove", remove::NAME)
        .alias("metalsmith-remove", remove::NAME)
        .register(links::NAME, links::create)
        .register(search::NAME, search::create)
        .register(minify::NAME, minify::create);
    registry.register(exec::NAME, exec::create);
    registry
        .register(headings::NAME, headings::create)
        .register(toc::NAME, toc::create)
        .register(highlight::NAME, highlight::create)
        .register(navigation::NAME, navigation::create)
        .register(in_place::NAME, in_place::create)
        .alias("@metalsmith/in-place", in_place::NAME)
        .alias("metalsmith-in-place", in_place::NAME);
    registry
        .register(layouts::NAME, layouts::create)
        .alias("@metalsmith/layouts", layouts::NAME)
        .alias("metalsmith-layouts", layouts::NAME);
    registry
}
