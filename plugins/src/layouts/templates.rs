//! A build's templates: helpers and partials, then the layouts pages use, each read and
//! compiled once per run (the dev server rebuilds in one process, so nothing is kept
//! between runs), with partial calls inlined.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use handlebars::template::Template;
use handlebars::{
    Context, Handlebars, Output, RenderContext, RenderError, RenderErrorReason, Renderable,
};
use ironsmith_core::{Error, FileError, Location, Site};
use walkdir::WalkDir;

use super::direct::{Data, Direct, Helpers, Layers};
use super::inline::{self, Inliner, Partial};
use super::names::{self, Catalog};
use super::options::Options;
use super::{helpers, scripts};

/// A compiled layout.
#[derive(Debug)]
pub struct Layout {
    template: Template,
    /// The file, for errors.
    path: String,
    /// What the last page's output added to its contents; the template's size at first.
    /// Sizing the next page's buffer by it spares most pages a regrowth and the copy
    /// `File::set_text` makes of a buffer with much room to spare.
    added: AtomicUsize,
    /// The template compiled for direct rendering, when it can be (see `direct`).
    direct: Option<Direct>,
}

impl Layout {
    /// The output buffer to start a page with `contents_len` bytes of contents with.
    fn capacity(&self, contents_len: usize) -> usize {
        let added = self.added.load(Ordering::Relaxed);
        contents_len + added + added / 8
    }

    /// Remembers what this page's output added to its contents, for the next page.
    fn record(&self, output: &str, contents_len: usize) {
        let added = output.len().saturating_sub(contents_len);
        self.added.store(added, Ordering::Relaxed);
    }
}

/// Which pages use a layout, so an error in it can name one.
#[derive(Debug)]
pub struct Usage {
    first_page: String,
    pages: usize,
}

impl Usage {
    pub fn new(first_page: String) -> Self {
        Usage {
            first_page,
            pages: 0,
        }
    }

    pub fn add(&mut self) {
        self.pages += 1;
    }

    /// Adds the pages that use the layout to an error about it.
    fn blame(&self, error: Error) -> Error {
        let Error::File {
            path,
            location,
            message,
        } = error
        else {
            return error;
        };
        let others = match self.pages.saturating_sub(1) {
            0 => String::new(),
            1 => " and 1 other page".to_string(),
            n => format!(" and {n} other pages"),
        };
        Error::File {
            path,
            location,
            message: format!("{message} (the layout of {}{others})", self.first_page),
        }
    }
}

/// Everything a run renders with.
#[derive(Debug)]
pub struct Templates {
    registry: Handlebars<'static>,
    layouts: HashMap<String, Layout>,
    /// The partials as written, to inline into templates compiled later.
    partials: BTreeMap<String, Partial>,
    partials_folder: String,
}

impl Templates {
    /// Loads helpers and partials (any error in them fails the run) and the `wanted`
    /// layouts; an error in a layout is returned beside the templates, naming a page that
    /// uses it, and that layout's pages are left unrendered.
    pub fn load(
        site: &Site,
        options: &Options,
        catalog: &Catalog,
        wanted: &BTreeMap<String, Usage>,
    ) -> Result<(Templates, Vec<Error>), Error> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(options.engine_options.strict);
        if options.engine_options.no_escape {
            registry.register_escape_fn(handlebars::no_escape);
        }
        helpers::register(&mut registry);
        inline::register(&mut registry);
        let (helpers_folder, required) = options.helpers_folder();
        let scripts = scripts::register(&mut registry, &site.resolve(helpers_folder), required)?;

        let (partials_folder, required) = options.partials_folder();
        let partials_path = site.resolve(&partials_folder);
        let mut sources = read_partials(&partials_path, required)?;
        for (name, text) in options.inline_partials().into_iter().flatten() {
            sources.insert(
                name.clone(),
                (format!("engineOptions.partials.{name}"), text.clone()),
            );
        }
        let partials = compile_partials(sources)?;

        let mut errors = Vec::new();
        let mut compiled = Vec::new();
        for (name, usage) in wanted {
            match read_layout(catalog, name) {
                Ok(layout) => compiled.push((name, usage, layout)),
                Err(error) => errors.push(usage.blame(error)),
            }
        }
        let mut inliner = Inliner::new(&partials, compiled.iter().map(|(_, _, l)| &l.template));
        for (name, partial) in inliner.partials()? {
            registry.register_template(name, partial);
        }
        let mut layouts = HashMap::new();
        let helpers = Helpers {
            registry: &registry,
            scripts: &scripts,
        };
        for (name, usage, mut layout) in compiled {
            match inliner.template(&mut layout.template, &layout.path) {
                Ok(()) => {
                    layout.direct = Direct::compile(&layout.template, &helpers);
                    layouts.insert(name.clone(), layout);
                }
                Err(error) => errors.push(usage.blame(error)),
            }
        }
        let templates = Templates {
            registry,
            layouts,
            partials,
            partials_folder: partials_path.display().to_string(),
        };
        Ok((templates, errors))
    }

    /// Helpers and partials without layouts: for `render_text`.
    pub fn without_layouts(site: &Site, options: &Options) -> Result<Templates, Error> {
        let (templates, _) = Templates::load(site, options, &Catalog::empty(), &BTreeMap::new())?;
        Ok(templates)
    }

    /// The layout a catalog name stands for; `None` when it failed to load.
    pub fn layout(&self, name: &str) -> Option<&Layout> {
        self.layouts.get(name)
    }

    /// Whether every layout in `names` renders from a page's layers, never needing the
    /// merged context (unless a page meets a case only handlebars renders).
    pub fn all_render_from_layers<'n>(&self, mut names: impl Iterator<Item = &'n String>) -> bool {
        names.all(|name| {
            self.layout(name)
                .and_then(|layout| layout.direct.as_ref())
                .is_some_and(|direct| !direct.hands_over())
        })
    }

    /// Renders `layout` from a page's layers; `None` when the page needs the merged
    /// context (see [`Templates::render`]).
    pub fn render_from_layers(&self, layout: &Layout, layers: &Layers<'_>) -> Option<String> {
        let direct = layout.direct.as_ref()?;
        let contents_len = layers.contents.as_str().map_or(0, str::len);
        let mut out = Buffer(String::with_capacity(layout.capacity(contents_len)));
        direct
            .render(&self.registry, Data::Layered(layers), &mut out)
            .ok()?;
        layout.record(&out.0, contents_len);
        Some(out.0)
    }

    /// Renders `layout` into a string sized for `contents_len` bytes of page contents.
    pub fn render(
        &self,
        layout: &Layout,
        context: &Context,
        contents_len: usize,
    ) -> Result<String, FileError> {
        let output = self.render_into(layout, context, layout.capacity(contents_len));
        if let Ok(output) = &output {
            layout.record(output, contents_len);
        }
        output.map_err(|error| match self.partial_file(&error, layout) {
            Some(partial) => FileError::new(format!(
                "{partial}{}: {} (in layout {})",
                at(&error),
                self.reason(&error),
                layout.path
            )),
            None => FileError::new(format!(
                "{}{}: {}",
                layout.path,
                at(&error),
                self.reason(&error)
            )),
        })
    }

    /// Renders `text` itself as a template (a page's contents, for `in-place`), with the
    /// same helpers and partials as layouts. An error in the text gives its line and
    /// column (the caller names the page); an error in a partial names the partial's file.
    pub fn render_text(
        &self,
        text: &str,
        name: &str,
        context: &Context,
    ) -> Result<String, FileError> {
        let mut template =
            Template::compile_with_name(text, name.to_string()).map_err(|error| {
                let problem = FileError::new(error.reason().to_string());
                match error.pos() {
                    Some((line, column)) => problem.at(Location { line, column }),
                    None => problem,
                }
            })?;
        Inliner::new(&self.partials, [&template])
            .template(&mut template, name)
            .map_err(|error| match error {
                Error::File {
                    location, message, ..
                } => FileError { message, location },
                other => FileError::new(other.to_string()),
            })?;
        let page = Layout {
            template,
            path: name.to_string(),
            added: AtomicUsize::new(text.len()),
            direct: None,
        };
        self.render_into(&page, context, text.len() + text.len() / 4)
            .map_err(|error| match self.partial_file(&error, &page) {
                Some(partial) => {
                    FileError::new(format!("{partial}{}: {}", at(&error), self.reason(&error)))
                }
                None => {
                    let problem = FileError::new(self.reason(&error));
                    match (error.line_no, error.column_no) {
                        (Some(line), Some(column)) => problem.at(Location { line, column }),
                        _ => problem,
                    }
                }
            })
    }

    /// Renders into a string of `capacity` bytes: directly when the layout allows, else
    /// (or when the page needs handlebars' error) with handlebars.
    fn render_into(
        &self,
        layout: &Layout,
        context: &Context,
        capacity: usize,
    ) -> Result<String, RenderError> {
        if let Some(direct) = &layout.direct {
            let mut out = Buffer(String::with_capacity(capacity));
            if direct
                .render(&self.registry, Data::Merged(context), &mut out)
                .is_ok()
            {
                return Ok(out.0);
            }
        }
        let mut render_context = RenderContext::new(layout.template.name.as_ref());
        let mut out = Buffer(String::with_capacity(capacity));
        layout
            .template
            .render(&self.registry, context, &mut render_context, &mut out)?;
        Ok(out.0)
    }

    /// The file of the partial an error happened in; `None` when it is in the template.
    fn partial_file<'a>(&'a self, error: &'a RenderError, layout: &Layout) -> Option<&'a str> {
        let name = error.template_name.as_deref()?;
        if Some(name) == layout.template.name.as_deref() {
            return None;
        }
        Some(
            self.partials
                .get(name)
                .map_or(name, |partial| partial.path.as_str()),
        )
    }

    fn reason(&self, error: &RenderError) -> String {
        match error.reason() {
            RenderErrorReason::PartialNotFound(partial) => format!(
                "partial `{partial}` not found: add it to {} (as `{partial}.hbs`)",
                self.partials_folder
            ),
            other => other.to_string(),
        }
    }
}

/// `:line:column` of an error, when it has them.
fn at(error: &RenderError) -> String {
    match (error.line_no, error.column_no) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        _ => String::new(),
    }
}

/// Output straight into the page's new contents.
struct Buffer(String);

impl Output for Buffer {
    fn write(&mut self, segment: &str) -> io::Result<()> {
        self.0.push_str(segment);
        Ok(())
    }

    fn write_fmt(&mut self, args: fmt::Arguments<'_>) -> io::Result<()> {
        fmt::Write::write_fmt(&mut self.0, args).map_err(io::Error::other)
    }
}

/// Partial sources by name (path without extension: `nav/top.hbs` is `nav/top`), each
/// with its file.
fn read_partials(
    folder: &Path,
    required: bool,
) -> Result<BTreeMap<String, (String, String)>, Error> {
    let mut sources = BTreeMap::new();
    if !folder.is_dir() {
        if required {
            return Err(Error::Message(format!(
                "{}: the partials folder does not exist: create it or fix the `partials` option",
                folder.display()
            )));
        }
        return Ok(sources);
    }
    let walker = WalkDir::new(folder)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !names::is_hidden(entry.file_name()));
    let mut errors = Vec::new();
    for entry in walker {
        let entry = entry.map_err(|error| names::walk_error(folder, error))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path().display().to_string();
        let Some(relative) = entry
            .path()
            .strip_prefix(folder)
            .ok()
            .and_then(names::slash_path)
        else {
            continue;
        };
        let name = names::without_extension(&relative)
            .unwrap_or(&relative)
            .to_string();
        if let Some((other, _)) = sources.get(&name) {
            errors.push(Error::file(
                &path,
                FileError::new(format!(
                    "partial `{name}` is also {other}: rename one of them"
                )),
            ));
            continue;
        }
        match read_text(entry.path()) {
            Ok(text) => {
                sources.insert(name, (path, text));
            }
            Err(error) => errors.push(error),
        }
    }
    match Error::from_many(errors) {
        Some(error) => Err(error),
        None => Ok(sources),
    }
}

fn compile_partials(
    sources: BTreeMap<String, (String, String)>,
) -> Result<BTreeMap<String, Partial>, Error> {
    let mut partials = BTreeMap::new();
    let mut errors = Vec::new();
    for (name, (path, text)) in sources {
        match compile(&text, &name, &path) {
            Ok(template) => {
                partials.insert(name, Partial::new(template, path));
            }
            Err(error) => errors.push(error),
        }
    }
    match Error::from_many(errors) {
        Some(error) => Err(error),
        None => Ok(partials),
    }
}

fn read_layout(catalog: &Catalog, name: &str) -> Result<Layout, Error> {
    let file = catalog.path(name);
    let path = file.display().to_string();
    let text = read_text(&file)?;
    Ok(Layout {
        template: compile(&text, name, &path)?,
        added: AtomicUsize::new(text.len()),
        path,
        direct: None,
    })
}

fn read_text(path: &Path) -> Result<String, Error> {
    let bytes = fs::read(path).map_err(|error| Error::io(path, error))?;
    String::from_utf8(bytes).map_err(|_| {
        Error::file(
            path.display().to_string(),
            FileError::new("is not UTF-8 text: save the template as UTF-8"),
        )
    })
}

/// Compiles a template named as handlebars will know it; a syntax error names the file,
/// line and column.
fn compile(text: &str, name: &str, path: &str) -> Result<Template, Error> {
    Template::compile_with_name(text, name.to_string()).map_err(|error| {
        let mut problem = FileError::new(error.reason().to_string());
        if let Some((line, column)) = error.pos() {
            problem = problem.at(Location { line, column });
        }
        Error::file(path, problem)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partials_are_named_by_path_and_names_must_be_unique() {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in [
            ("nav/top.hbs", "a"),
            ("footer.hbs", "b"),
            ("footer.html", "c"),
            (".hidden/x.hbs", "d"),
        ] {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        let error = read_partials(dir.path(), true).unwrap_err().to_string();
        assert!(
            error.contains("footer.html: partial `footer` is also "),
            "{error}"
        );
        fs::remove_file(dir.path().join("footer.html")).unwrap();
        let sources = read_partials(dir.path(), true).unwrap();
        let names: Vec<_> = sources.keys().collect();
        assert_eq!(names, ["footer", "nav/top"]);
        assert!(read_partials(&dir.path().join("none"), false)
            .unwrap()
            .is_empty());
    }
}
