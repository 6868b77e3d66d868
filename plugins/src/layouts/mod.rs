//! `layouts`: renders pages into handlebars layouts, as `@metalsmith/layouts` does.
//!
//! A file matching `pattern` whose `layout` key (or the `default` option) names a template
//! in `directory` is replaced by that template rendered with the global metadata, the
//! page's own metadata, and `contents` (the page as it was). `layout: false` opts a page
//! out. Partials come from `<directory>/partials` by path (`nav/top.hbs` is `{{> nav/top}}`),
//! helpers from `helpers/*.rhai`, beside the built-in `date`, `json`, `slug`, `first`,
//! `last`, `limit` and handlebars' own comparisons.
//!
//! It stays linear in the number of pages: each template is compiled once per run, each
//! worker thread renders from one context holding the site-wide data (see `context`), and
//! partials called without parameters are inlined at load time (see `inline`). Values and
//! the common blocks render without handlebars' lookup from the root for every value;
//! other helper calls are handed to handlebars where they stand (see `direct`).

pub(crate) mod context;
mod date;
mod direct;
mod helpers;
mod indent;
mod inline;
mod names;
mod options;
mod scripts;
pub(crate) mod templates;

use std::collections::{BTreeMap, HashMap};

use ironsmith_core::{for_each_file, parse_options, Error, File, FileError, Files, Plugin, Site};
use rayon::prelude::*;
use serde_json::Value;

use context::Contexts;
use direct::Layers;
use names::Catalog;
pub use options::{EngineOptions, EnginePartials, Options, Transform};
use templates::{Templates, Usage};

pub const NAME: &str = "layouts";

/// Builds the plugin from configuration options.
pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    Ok(Box::new(Layouts::new(parse_options(options)?)?))
}

/// Renders pages into their layouts.
#[derive(Debug)]
pub struct Layouts {
    options: Options,
}

impl Layouts {
    pub fn new(options: Options) -> Result<Self, String> {
        options.check()?;
        Ok(Layouts { options })
    }
}

impl Plugin for Layouts {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        let options = &self.options;
        let skip = [
            site.resolve(options.partials_folder().0),
            site.resolve(options.helpers_folder().0),
        ];
        let catalog = Catalog::read(&site.resolve(&options.directory), &skip)?;

        // Which layouts pages use, before compiling any: only those are read, and an error
        // in one can name a page that uses it. The pages are looked at in parallel, and each
        // name they give is resolved once. A page whose `layout` key is malformed counts,
        // with no name: rendering it reports the error.
        let requests: Vec<(&str, &File, Option<&str>)> = files
            .par_iter()
            .filter(|(key, _)| options.pattern.is_match(key))
            .filter_map(|(key, file)| {
                match names::requested(&file.metadata, options.default.as_deref()) {
                    Ok(None) => None,
                    Ok(Some(name)) => Some((key.as_str(), file, Some(name))),
                    Err(_) => Some((key.as_str(), file, None)),
                }
            })
            .collect();
        let pages = requests.len();
        let mut resolved: HashMap<&str, Option<String>> = HashMap::new();
        let mut wanted: BTreeMap<String, Usage> = BTreeMap::new();
        for &(key, file, name) in &requests {
            let Some(name) = name else { continue };
            let layout = resolved
                .entry(name)
                .or_insert_with(|| catalog.resolve(name).ok());
            let Some(layout) = layout else { continue };
            match wanted.get_mut(layout.as_str()) {
                Some(usage) => usage.add(),
                None => {
                    let mut usage = Usage::new(file.display_path(key));
                    usage.add();
                    wanted.insert(layout.clone(), usage);
                }
            }
        }
        if pages == 0 {
            if options.suppress_no_files_error {
                return Ok(());
            }
            return Err(Error::Message(format!(
                "no file to process: none of the files matching {} has a `layout` and there \
                 is no `default` layout; set one, or `suppressNoFilesError: true`",
                options.pattern.globs().join(", ")
            )));
        }

        let (templates, mut errors) = Templates::load(site, options, &catalog, &wanted)?;
        let threads = rayon::current_num_threads().min(pages);
        // Pages render from their layers and the site's data where every layout can;
        // else the global metadata moves into the render contexts and back: no copy for
        // the first worker thread, and no thread more than there are pages.
        let contexts = match templates.all_render_from_layers(wanted.keys()) {
            true => Contexts::on_demand(&site.metadata, threads),
            false => Contexts::new(std::mem::take(&mut site.metadata), threads),
        };
        let rendered = for_each_file(files, &options.pattern, |_, file| {
            self.render(file, &catalog, &templates, &contexts)
        });
        if let Some(global) = contexts.finish() {
            site.metadata = global;
        }
        match rendered {
            Err(Error::Many(page_errors)) => errors.extend(page_errors),
            Err(error) => errors.push(error),
            Ok(()) => {}
        }
        match Error::from_many(errors) {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

impl Layouts {
    fn render(
        &self,
        file: &mut File,
        catalog: &Catalog,
        templates: &Templates,
        contexts: &Contexts,
    ) -> Result<(), FileError> {
        let own = file.metadata.contains_key(names::KEY);
        let Some(requested) = names::requested(&file.metadata, self.options.default.as_deref())?
        else {
            return Ok(());
        };
        let name = catalog.resolve(requested).map_err(|problem| {
            let source = if own {
                "front matter `layout`"
            } else {
                "option `default`"
            };
            FileError::new(format!("{source}: {problem}"))
        })?;
        // A layout that failed to load is reported once, with the pages using it.
        let Some(layout) = templates.layout(&name) else {
            return Ok(());
        };
        let contents = match String::from_utf8(std::mem::take(&mut file.contents)) {
            Ok(text) => text,
            Err(error) => {
                file.contents = error.into_bytes();
                return Err(FileError::new(format!(
                    "is not UTF-8 text, so layout `{name}` cannot render it: save it as \
                     UTF-8 or leave it out of the layouts `pattern`"
                )));
            }
        };
        let contents = match contexts.global() {
            Some(global) => {
                let contents = Value::String(contents);
                let layers = Layers {
                    contents: &contents,
                    page: &file.metadata,
                    global,
                };
                if let Some(output) = templates.render_from_layers(layout, &layers) {
                    file.set_text(output);
                    return Ok(());
                }
                match contents {
                    Value::String(contents) => contents,
                    _ => unreachable!("made a string above"),
                }
            }
            None => contents,
        };
        let contents_len = contents.len();
        let (rendered, contents) = contexts.with_page(file, contents, |context| {
            templates.render(layout, context, contents_len)
        });
        match rendered {
            Ok(output) => {
                file.set_text(output);
                Ok(())
            }
            Err(error) => {
                file.contents = contents.into_bytes();
                Err(error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    /// A site root holding `files` (layouts, partials, helpers), with `metadata` as its
    /// global metadata.
    fn site(files: &[(&str, &str)], metadata: Value) -> (tempfile::TempDir, Site) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        for (path, text) in files {
            write(&root.join(path), text.as_bytes());
        }
        let mut site = Site::new(root.clone(), root.join("src"), root.join("build"));
        if let Value::Object(map) = metadata {
            site.metadata = map;
        }
        (dir, site)
    }

    fn write(path: &Path, bytes: &[u8]) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    fn page(contents: &str, metadata: Value) -> File {
        let mut file = File::new(contents);
        if let Value::Object(map) = metadata {
            file.metadata = map;
        }
        file
    }

    fn pages(list: Vec<(&str, File)>) -> Files {
        list.into_iter()
            .map(|(path, file)| (path.to_string(), file))
            .collect()
    }

    fn run(options: Value, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        create(&options).unwrap().run(files, site)
    }

    fn text(files: &Files, path: &str) -> String {
        String::from_utf8(files[path].contents.clone()).unwrap()
    }

    fn lines(error: Error) -> Vec<String> {
        error.lines()
    }

    #[test]
    fn default_layout_per_file_layout_and_none() {
        let (_dir, mut site) = site(
            &[
                ("layouts/default.hbs", "<main>{{{contents}}}</main>"),
                (
                    "layouts/post.hbs",
                    "<article>{{title}}: {{{contents}}}</article>",
                ),
                ("layouts/blog/entry.html", "<div>{{{contents}}}</div>"),
            ],
            json!({}),
        );
        let mut files = pages(vec![
            ("a.html", page("<p>a</p>", json!({}))),
            (
                "b.html",
                page("<p>b</p>", json!({"layout": "post.hbs", "title": "B"})),
            ),
            ("c.html", page("<p>c</p>", json!({"layout": false}))),
            ("d.html", page("<p>d</p>", json!({"layout": null}))),
            ("e.html", page("<p>e</p>", json!({"layout": "blog/entry"}))),
            ("f.md", page("# f", json!({"layout": "post.hbs"}))),
        ]);
        run(json!({"default": "default.hbs"}), &mut files, &mut site).unwrap();
        assert_eq!(text(&files, "a.html"), "<main><p>a</p></main>");
        assert_eq!(text(&files, "b.html"), "<article>B: <p>b</p></article>");
        assert_eq!(text(&files, "c.html"), "<p>c</p>");
        assert_eq!(text(&files, "d.html"), "<p>d</p>");
        assert_eq!(text(&files, "e.html"), "<div><p>e</p></div>");
        assert_eq!(text(&files, "f.md"), "# f");
        assert_eq!(files["b.html"].metadata["title"], "B");
        assert_eq!(files["b.html"].metadata["layout"], "post.hbs");
    }

    #[test]
    fn global_metadata_is_visible_and_hidden_globals_come_back() {
        let (_dir, mut site) = site(
            &[(
                "layouts/page.hbs",
                "{{title}}|{{site.title}}|{{#each collections.posts}}{{this}}{{/each}}",
            )],
            json!({"site": {"title": "S"}, "title": "global", "collections": {"posts": ["x", "y"]}}),
        );
        let mut files: Files = (0..200)
            .map(|i| {
                let metadata = if i % 2 == 0 {
                    json!({"layout": "page.hbs", "title": format!("p{i}")})
                } else {
                    json!({"layout": "page.hbs"})
                };
                (format!("p{i:03}.html"), page("", metadata))
            })
            .collect();
        run(json!({}), &mut files, &mut site).unwrap();
        for (i, file) in files.values().enumerate() {
            let expected = if i % 2 == 0 {
                format!("p{i}|S|xy")
            } else {
                "global|S|xy".to_string()
            };
            assert_eq!(String::from_utf8_lossy(&file.contents), expected);
        }
        assert_eq!(site.metadata["title"], "global");
        assert!(site.metadata.get("contents").is_none());
    }

    #[test]
    fn the_top_as_a_whole_renders_merged_when_pages_render_from_layers() {
        // `{{#each this}}` at the top needs the page's and the site's keys in one map; the
        // other layout renders from layers. Both are the same on every thread.
        let (_dir, mut site) = site(
            &[
                (
                    "layouts/keys.hbs",
                    "{{#each this}}{{@key}},{{/each}}{{contents}}",
                ),
                (
                    "layouts/plain.hbs",
                    "{{title}}|{{site.title}}|{{{contents}}}",
                ),
            ],
            json!({"site": {"title": "S"}, "title": "global"}),
        );
        let mut files: Files = (0..100)
            .map(|i| {
                let layout = if i % 2 == 0 { "keys.hbs" } else { "plain.hbs" };
                let metadata = json!({"layout": layout, "title": format!("p{i}")});
                (
                    format!("p{i:03}.html"),
                    page(&format!("<b>{i}</b>"), metadata),
                )
            })
            .collect();
        run(json!({}), &mut files, &mut site).unwrap();
        for (i, file) in files.values().enumerate() {
            let expected = match i % 2 {
                0 => format!("site,title,layout,contents,&lt;b&gt;{i}&lt;/b&gt;"),
                _ => format!("p{i}|S|<b>{i}</b>"),
            };
            assert_eq!(String::from_utf8_lossy(&file.contents), expected);
            assert_eq!(file.metadata["title"], format!("p{i}"));
        }
        assert_eq!(site.metadata["title"], "global");
        assert_eq!(site.metadata.len(), 2);
    }

    #[test]
    fn partials_are_named_by_path_and_options_can_add_them() {
        let (_dir, mut site) = site(
            &[
                (
                    "layouts/page.hbs",
                    "{{> nav/top}}|{{> footer}}|{{> inline}}",
                ),
                ("layouts/partials/nav/top.hbs", "top {{title}}"),
                ("layouts/partials/footer.html", "foot"),
                ("layouts/partials/.draft.hbs", "{{#if}"),
            ],
            json!({}),
        );
        let mut files = pages(vec![(
            "a.html",
            page("", json!({"layout": "page", "title": "T"})),
        )]);
        let options = json!({"engineOptions": {"partials": {"inline": "from {{title}}"}}});
        run(options, &mut files, &mut site).unwrap();
        assert_eq!(text(&files, "a.html"), "top T|foot|from T");
    }

    #[test]
    fn folders_can_be_moved() {
        let (_dir, mut site) = site(
            &[
                ("templates/page.hbs", "{{> head}}{{shout title}}"),
                ("shared/head.hbs", "<head>"),
                ("scripts/shout.rhai", "params[0].to_upper()"),
            ],
            json!({}),
        );
        let mut files = pages(vec![(
            "a.html",
            page("", json!({"layout": "page.hbs", "title": "t"})),
        )]);
        let options = json!({"directory": "templates", "partials": "shared", "helpers": "scripts"});
        run(options, &mut files, &mut site).unwrap();
        assert_eq!(text(&files, "a.html"), "<head>T");

        let mut files = pages(vec![("a.html", page("", json!({"layout": "page.hbs"})))]);
        let error = run(
            json!({"directory": "templates", "partials": "nope"}),
            &mut files,
            &mut site,
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("the partials folder does not exist"),
            "{error}"
        );
    }

    #[test]
    fn a_rhai_helper_from_the_helpers_folder() {
        let (_dir, mut site) = site(
            &[
                (
                    "layouts/page.hbs",
                    "{{price cents currency=\"€\"}} {{date}}",
                ),
                (
                    "helpers/price.rhai",
                    "let euros = params[0] / 100;\nhash[\"currency\"] + euros.to_string()",
                ),
                ("helpers/date.rhai", "\"overridden\""),
            ],
            json!({}),
        );
        let mut files = pages(vec![(
            "a.html",
            page("", json!({"layout": "page.hbs", "cents": 1250})),
        )]);
        run(json!({}), &mut files, &mut site).unwrap();
        assert_eq!(text(&files, "a.html"), "€12 overridden");
    }

    #[test]
    fn date_helper_in_a_real_layout() {
        let (_dir, mut site) = site(
            &[(
                "layouts/post.hbs",
                "<time datetime=\"{{date}}\">{{date date \"%B %e, %Y\"}}</time>\
                 {{#each collections.posts}}<li>{{date}} {{date date \"%Y\"}}</li>{{/each}}",
            )],
            json!({"collections": {"posts": [{"date": "2023-01-02 10:30"}]}}),
        );
        let mut files = pages(vec![(
            "a.html",
            page(
                "",
                json!({"layout": "post.hbs", "date": "2024-03-05T10:30:00+02:00"}),
            ),
        )]);
        run(json!({}), &mut files, &mut site).unwrap();
        assert_eq!(
            text(&files, "a.html"),
            "<time datetime=\"2024-03-05T10:30:00+02:00\">March  5, 2024</time>\
             <li>2023-01-02 10:30 2023</li>"
        );
    }

    #[test]
    fn layout_names_are_checked_and_errors_name_the_page_and_key() {
        let (_dir, mut site) = site(&[("layouts/post.hbs", "x"), ("secret.hbs", "s")], json!({}));
        let mut files = pages(vec![
            ("a.html", page("", json!({"layout": "../secret.hbs"}))),
            ("b.html", page("", json!({"layout": "/etc/passwd"}))),
            ("c.html", page("", json!({"layout": "p\0.hbs"}))),
            ("d.html", page("", json!({"layout": "missing.hbs"}))),
            ("e.html", page("", json!({"layout": 7}))),
            ("f.html", page("ok", json!({"layout": "post.hbs"}))),
        ]);
        let error = run(json!({}), &mut files, &mut site).unwrap_err();
        let lines = lines(error);
        assert_eq!(lines.len(), 5, "{lines:#?}");
        assert!(
            lines[0].starts_with(
                "a.html: front matter `layout`: `../secret.hbs` leaves the layouts folder"
            ),
            "{}",
            lines[0]
        );
        assert!(
            lines[1]
                .starts_with("b.html: front matter `layout`: `/etc/passwd` is an absolute path"),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].starts_with("c.html: front matter `layout`: ") && lines[2].contains("NUL"),
            "{}",
            lines[2]
        );
        assert!(
            lines[3].starts_with("d.html: front matter `layout`: `missing.hbs` not found in ")
                && lines[3].contains("the layouts are: `post.hbs`"),
            "{}",
            lines[3]
        );
        assert!(
            lines[4].starts_with("e.html: front matter `layout` must name a layout file"),
            "{}",
            lines[4]
        );
        assert_eq!(text(&files, "f.html"), "x");

        let mut files = pages(vec![("a.html", page("", json!({})))]);
        let error = run(json!({"default": "gone.hbs"}), &mut files, &mut site).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("a.html: option `default`: `gone.hbs` not found"),
            "{error}"
        );
    }

    #[test]
    fn a_missing_partial_names_the_page_template_and_line() {
        let (dir, mut site) = site(
            &[
                (
                    "layouts/post.hbs",
                    "<html>\n  {{> nav}}\n  {{> footer}}\n</html>\n",
                ),
                (
                    "layouts/partials/nav.hbs",
                    "<nav>\n{{#if x}}{{> menu}}{{/if}}\n</nav>\n",
                ),
            ],
            json!({}),
        );
        let mut files = pages(vec![(
            "posts/a.html",
            page("", json!({"layout": "post.hbs", "x": true})),
        )]);
        let error = run(json!({}), &mut files, &mut site)
            .unwrap_err()
            .to_string();
        let layouts = dir.path().join("layouts");
        let expected = format!(
            "posts/a.html: {}:2:10: partial `menu` not found: add it to {} (as `menu.hbs`) (in layout {})",
            layouts.join("partials/nav.hbs").display(),
            layouts.join("partials").display(),
            layouts.join("post.hbs").display(),
        );
        assert_eq!(error, expected);

        write(&dir.path().join("layouts/partials/menu.hbs"), b"menu");
        let mut files = pages(vec![(
            "posts/a.html",
            page("", json!({"layout": "post.hbs"})),
        )]);
        let error = run(json!({}), &mut files, &mut site)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(&format!(
                "posts/a.html: {}:3:3: partial `footer` not found",
                layouts.join("post.hbs").display()
            )),
            "{error}"
        );
    }

    #[test]
    fn syntax_errors_name_the_template_file_line_and_pages() {
        let (dir, mut site) = site(
            &[
                ("layouts/post.hbs", "<h1>{{title}}</h1>\n{{#if x}}\n"),
                ("layouts/ok.hbs", "ok {{{contents}}}"),
            ],
            json!({}),
        );
        let mut files = pages(vec![
            ("a.html", page("", json!({"layout": "post.hbs"}))),
            ("b.html", page("", json!({"layout": "post.hbs"}))),
            ("c.html", page("c", json!({"layout": "ok.hbs"}))),
        ]);
        let error = run(json!({}), &mut files, &mut site)
            .unwrap_err()
            .to_string();
        let post = dir.path().join("layouts/post.hbs").display().to_string();
        assert!(error.starts_with(&format!("{post}:3:1: ")), "{error}");
        assert!(
            error.ends_with("(the layout of a.html and 1 other page)"),
            "{error}"
        );
        assert_eq!(text(&files, "c.html"), "ok c");

        write(
            &dir.path().join("layouts/partials/nav.hbs"),
            b"<nav>\n  {{#each items}}\n  {{/if}}\n",
        );
        let mut files = pages(vec![("c.html", page("c", json!({"layout": "ok.hbs"})))]);
        let error = run(json!({}), &mut files, &mut site)
            .unwrap_err()
            .to_string();
        let nav = dir
            .path()
            .join("layouts/partials/nav.hbs")
            .display()
            .to_string();
        assert_eq!(
            error,
            format!("{nav}:3:3: helper \"each\" was opened, but \"if\" is closing")
        );
    }

    #[test]
    fn render_errors_name_the_page_template_and_line() {
        let (dir, mut site) = site(
            &[
                ("layouts/post.hbs", "<main>\n{{> card}}\n</main>"),
                (
                    "layouts/partials/card.hbs",
                    "<b>\n  {{date when \"%Y\"}}\n</b>",
                ),
            ],
            json!({}),
        );
        let mut files = pages(vec![
            (
                "a.html",
                page("", json!({"layout": "post.hbs", "when": "soon"})),
            ),
            (
                "b.html",
                page("", json!({"layout": "post.hbs", "when": "2024-01-01"})),
            ),
            (
                "c.html",
                page("", json!({"layout": "post.hbs", "when": "later"})),
            ),
        ]);
        let error = run(json!({}), &mut files, &mut site).unwrap_err();
        let lines = lines(error);
        let card = dir
            .path()
            .join("layouts/partials/card.hbs")
            .display()
            .to_string();
        assert_eq!(lines.len(), 2, "{lines:#?}");
        assert!(
            lines[0].starts_with(&format!("a.html: {card}:2:3: `date` cannot read `soon`")),
            "{}",
            lines[0]
        );
        assert!(lines[1].starts_with("c.html: "), "{}", lines[1]);
        assert_eq!(text(&files, "b.html"), "<main>\n<b>\n  2024\n</b></main>");
    }

    #[test]
    fn non_utf8_contents_are_an_error_naming_the_file() {
        let (_dir, mut site) = site(&[("layouts/page.hbs", "{{{contents}}}")], json!({}));
        let mut files = pages(vec![("img.html", page("", json!({"layout": "page.hbs"})))]);
        files["img.html"].contents = vec![0xff, 0xfe];
        let error = run(json!({}), &mut files, &mut site).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("img.html: is not UTF-8 text, so layout `page.hbs` cannot render it"),
            "{error}"
        );
        assert_eq!(files["img.html"].contents, [0xff, 0xfe]);
    }

    #[test]
    fn no_file_to_process_is_an_error_unless_suppressed() {
        let (_dir, mut site) = site(&[("layouts/page.hbs", "x")], json!({}));
        let mut files = pages(vec![
            ("a.html", page("a", json!({}))),
            ("b.md", page("b", json!({"layout": "page.hbs"}))),
        ]);
        let error = run(json!({}), &mut files, &mut site).unwrap_err();
        assert!(
            error.to_string().starts_with("no file to process"),
            "{error}"
        );
        run(json!({"suppressNoFilesError": true}), &mut files, &mut site).unwrap();
        assert_eq!(text(&files, "a.html"), "a");
    }

    #[test]
    fn engine_options_strict_and_no_escape() {
        let (_dir, mut site) = site(&[("layouts/page.hbs", "{{html}}{{missing}}")], json!({}));
        let mut files = pages(vec![(
            "a.html",
            page("", json!({"layout": "page.hbs", "html": "<b>"})),
        )]);
        run(
            json!({"engineOptions": {"noEscape": true}}),
            &mut files,
            &mut site,
        )
        .unwrap();
        assert_eq!(text(&files, "a.html"), "<b>");
        let mut files = pages(vec![(
            "a.html",
            page("", json!({"layout": "page.hbs", "html": "<b>"})),
        )]);
        let error = run(
            json!({"engineOptions": {"strict": true}}),
            &mut files,
            &mut site,
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("page.hbs:1:9: Failed to access variable in strict mode"),
            "{error}"
        );
    }

    #[test]
    fn options_are_checked_by_create_and_the_registry_knows_metalsmith_names() {
        let error = create(&json!({"directroy": "x"})).unwrap_err();
        assert!(error.contains("unknown field `directroy`"), "{error}");
        let error = create(&json!({"transform": "pug"})).unwrap_err();
        assert!(
            error.starts_with("option `transform`: `pug` is not available"),
            "{error}"
        );
        let error = create(&json!({"engineOptions": {"helpers": {}}})).unwrap_err();
        assert!(error.contains("unknown field `helpers`"), "{error}");
        assert!(create(&json!({"transform": "handlebars"})).is_ok());
        let registry = crate::registry();
        for name in ["layouts", "@metalsmith/layouts", "metalsmith-layouts"] {
            let spec = ironsmith_core::PluginSpec::new(name, json!(true));
            assert_eq!(registry.create(&spec).unwrap().unwrap().name(), NAME);
        }
    }

    /// A site-wide collection of 20,000 items and 2,000 pages calling partials: with a copy
    /// of the global data per page or per partial call this takes minutes; here it is the
    /// cost of the pages. (The copy count itself is asserted in `context`.)
    #[test]
    fn large_global_data_is_not_copied_per_page() {
        let posts: Vec<Value> = (0..20_000)
            .map(|i| json!({"title": format!("post {i}"), "contents": "x".repeat(64)}))
            .collect();
        let (_dir, mut site) = site(
            &[
                (
                    "layouts/post.hbs",
                    "<html>\n{{> head}}\n<body>\n  {{> nav}}\n{{{contents}}}\n</body>\n</html>\n",
                ),
                (
                    "layouts/partials/head.hbs",
                    "<head><title>{{title}} | {{site.title}}</title></head>\n",
                ),
                ("layouts/partials/nav.hbs", "<nav>\n  {{> link}}\n</nav>\n"),
                (
                    "layouts/partials/link.hbs",
                    "<a href=\"/\">{{site.title}}</a>\n",
                ),
            ],
            json!({"site": {"title": "S"}, "collections": {"posts": posts}}),
        );
        let mut files: Files = (0..2_000)
            .map(|i| {
                let file = page(
                    "<p>body</p>",
                    json!({"layout": "post.hbs", "title": format!("t{i}")}),
                );
                (format!("posts/{i:04}.html"), file)
            })
            .collect();
        run(json!({}), &mut files, &mut site).unwrap();
        assert_eq!(
            text(&files, "posts/0042.html"),
            "<html>\n<head><title>t42 | S</title></head>\n<body>\n  <nav>\n    <a href=\"/\">S</a>\n  </nav>\n<p>body</p>\n</body>\n</html>\n"
        );
    }
}
