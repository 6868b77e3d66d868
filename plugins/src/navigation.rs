//! `navigation`: a site's pages as a tree, for sidebars, breadcrumbs and previous/next links.
//!
//! The tree follows the source folders: each folder is a section, its `index` page is the
//! section's own page, and front matter `nav_title`, `nav_order` and `nav_exclude` adjust
//! it. The whole tree is stored once, in global metadata (`nav`); each page gets only what
//! is its own: `nav_current` (its node's key), `breadcrumbs`, `nav_previous` and `nav_next`
//! (in reading order: depth first, a section's page before its children). The `nav-current`
//! and `nav-active` template helpers compare a node with the page being rendered, so a
//! page never holds a copy of the tree.
//!
//! It runs after `permalinks`: the tree comes from where files were read, URLs from their
//! `permalink` (or where they will be written).

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::Path;

use handlebars::{
    Context, Handlebars, Helper, HelperDef, RenderContext, RenderError, RenderErrorReason,
    ScopedJson,
};
use ironsmith_core::{
    parse_options, Error, File, FileError, Files, Metadata, Pattern, Plugin, Site,
};
use serde::Deserialize;
use serde_json::{Map, Value};

pub const NAME: &str = "navigation";

/// The per-page key naming the page's own node.
pub const CURRENT: &str = "nav_current";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Options {
    /// The pages in the tree.
    pub pattern: Pattern,
    /// The source folder the tree starts from (`docs`); the whole source by default.
    pub root: String,
    /// The global key holding the tree.
    pub key: String,
    /// The front matter key that orders siblings (ascending; pages without it come last).
    pub sort_by: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pattern: Pattern::new(&["**/*.html"]).unwrap_or_else(|_| unreachable!("a valid glob")),
            root: String::new(),
            key: "nav".into(),
            sort_by: "nav_order".into(),
        }
    }
}

#[derive(Debug)]
pub struct Navigation {
    options: Options,
}

pub fn create(options: &Value) -> Result<Box<dyn Plugin>, String> {
    let mut options: Options = parse_options(options)?;
    options.root = options.root.trim_matches('/').to_string();
    if options.key.is_empty() {
        return Err(
            "option `key`: the key is empty: name the global key for the tree, such as `nav`"
                .into(),
        );
    }
    Ok(Box::new(Navigation { options }))
}

/// A page of the tree, as its front matter describes it.
#[derive(Debug)]
struct Page {
    index: usize,
    /// Folders from the root down to the page's own folder.
    folders: Vec<String>,
    /// The file's name without extension; `None` for a folder's index page.
    name: Option<String>,
    /// The source path (from the root): the node's key.
    key: String,
    title: String,
    order: Option<f64>,
    exclude: bool,
    url: String,
    path: String,
}

/// A node of the tree under construction.
#[derive(Debug, Default)]
struct Node {
    key: String,
    /// What siblings are sorted by after the order: the file or folder name.
    name: String,
    title: String,
    order: Option<f64>,
    exclude: bool,
    section: bool,
    page: Option<usize>,
    url: Option<String>,
    path: Option<String>,
    children: Vec<usize>,
}

impl Plugin for Navigation {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, site: &mut Site) -> Result<(), Error> {
        let mut errors = Vec::new();
        let mut pages = Vec::new();
        for (index, (key, file)) in files.iter().enumerate() {
            if !self.options.pattern.is_match(key) {
                continue;
            }
            match self.page(index, key, file, site) {
                Ok(Some(page)) => pages.push(page),
                Ok(None) => {}
                Err(error) => errors.push(Error::file(file.display_path(key), error)),
            }
        }
        let tree = Tree::build(&self.options.root, pages, files, &mut errors);
        if let Some(error) = Error::from_many(errors) {
            return Err(error);
        }
        let mut order = Vec::new();
        let mut trail = Vec::new();
        let mut per_page = HashMap::new();
        let root = tree.visit(0, &mut trail, &mut order, &mut per_page);
        for (position, &node) in order.iter().enumerate() {
            let Some((_, file)) = tree.nodes[node].page.and_then(|i| files.get_index_mut(i)) else {
                continue;
            };
            let metadata = &mut file.metadata;
            metadata.insert(CURRENT.into(), Value::String(tree.nodes[node].key.clone()));
            let crumbs = per_page.remove(&node).unwrap_or_default();
            metadata.insert("breadcrumbs".into(), Value::Array(crumbs));
            let neighbour =
                |at: Option<usize>| at.and_then(|p| order.get(p)).map(|&n| tree.link(n));
            match neighbour(position.checked_sub(1)) {
                Some(link) => metadata.insert("nav_previous".into(), link),
                None => metadata.remove("nav_previous"),
            };
            match neighbour(Some(position + 1)) {
                Some(link) => metadata.insert("nav_next".into(), link),
                None => metadata.remove("nav_next"),
            };
        }
        site.metadata.insert(
            self.options.key.clone(),
            root.unwrap_or_else(|| tree.empty_root()),
        );
        Ok(())
    }
}

impl Navigation {
    /// The page a file is, or `None` when it lies outside the root.
    fn page(
        &self,
        index: usize,
        key: &str,
        file: &File,
        site: &Site,
    ) -> Result<Option<Page>, FileError> {
        let source = source_path(key, file, &site.source);
        let relative = if self.options.root.is_empty() {
            source.as_str()
        } else {
            match source
                .strip_prefix(&self.options.root)
                .and_then(|rest| rest.strip_prefix('/'))
            {
                Some(rest) => rest,
                None => return Ok(None),
            }
        };
        let mut folders: Vec<String> = relative.split('/').map(str::to_string).collect();
        let file_name = folders.pop().unwrap_or_default();
        let stem = match file_name.rfind('.') {
            Some(dot) if dot > 0 => &file_name[..dot],
            _ => file_name.as_str(),
        };
        let name = (stem != "index").then(|| stem.to_string());
        let metadata = &file.metadata;
        let title = match metadata.get("nav_title") {
            None | Some(Value::Null) => match metadata.get("title") {
                Some(Value::String(title)) => title.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => pretty(
                    name.as_deref()
                        .or(folders.last().map(String::as_str))
                        .unwrap_or("Home"),
                ),
            },
            Some(Value::String(title)) => title.clone(),
            Some(other) => {
                return Err(FileError::new(format!(
                    "front matter `nav_title` must be text, found `{other}`"
                )))
            }
        };
        let order = match metadata.get(&self.options.sort_by) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => n.as_f64(),
            Some(other) => {
                return Err(FileError::new(format!(
                    "front matter `{}` must be a number, found `{other}`",
                    self.options.sort_by
                )))
            }
        };
        let exclude = match metadata.get("nav_exclude") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(exclude)) => *exclude,
            Some(other) => {
                return Err(FileError::new(format!(
                    "front matter `nav_exclude` must be true or false, found `{other}`"
                )))
            }
        };
        let node_key = match &name {
            Some(_) => source.clone(),
            None => join(&self.options.root, &folders.join("/")),
        };
        Ok(Some(Page {
            index,
            folders,
            name,
            key: node_key,
            title,
            order,
            exclude,
            url: url(metadata.get("permalink"), key),
            path: key.to_string(),
        }))
    }
}

/// Where a file was read from, relative to the source (`docs/intro.md`), even after
/// `permalinks` moved it; a generated file's own path.
fn source_path(key: &str, file: &File, source: &Path) -> String {
    file.origin
        .as_deref()
        .and_then(|origin| origin.strip_prefix(source).ok())
        .and_then(|relative| {
            let parts: Option<Vec<&str>> = relative
                .components()
                .map(|c| c.as_os_str().to_str())
                .collect();
            parts.map(|parts| parts.join("/"))
        })
        .filter(|relative| !relative.is_empty())
        .unwrap_or_else(|| key.to_string())
}

/// The page's URL: `/` + its `permalink` + `/`, else its output path (`/a/` for `a/index.html`).
fn url(permalink: Option<&Value>, key: &str) -> String {
    if let Some(Value::String(permalink)) = permalink {
        let permalink = permalink.trim_matches('/');
        return if permalink.is_empty() {
            "/".into()
        } else {
            format!("/{permalink}/")
        };
    }
    match key.strip_suffix("index.html") {
        Some(folder) if folder.is_empty() || folder.ends_with('/') => format!("/{folder}"),
        _ => format!("/{key}"),
    }
}

/// `getting-started` -> `Getting started`: a title for a folder without an index page.
fn pretty(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn join(root: &str, rest: &str) -> String {
    match (root.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_string(),
        (false, true) => root.to_string(),
        (false, false) => format!("{root}/{rest}"),
    }
}

/// The tree, as an arena whose node 0 is the root section.
#[derive(Debug)]
struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    fn build(root: &str, pages: Vec<Page>, files: &Files, errors: &mut Vec<Error>) -> Tree {
        let mut tree = Tree {
            nodes: vec![Node {
                key: root.to_string(),
                title: pretty(root.rsplit('/').next().unwrap_or_default()),
                section: true,
                ..Node::default()
            }],
        };
        let mut sections: HashMap<String, usize> = HashMap::new();
        sections.insert(String::new(), 0);
        for page in pages {
            let section = tree.section(root, &page.folders, &mut sections);
            let node = match page.name {
                None => {
                    if let Some(other) = tree.nodes[section].page {
                        let shown = |i: usize| {
                            files
                                .get_index(i)
                                .map(|(key, file)| file.display_path(key))
                                .unwrap_or_default()
                        };
                        errors.push(Error::file(
                            shown(page.index),
                            FileError::new(format!(
                                "is the index page of `{}`, as is {}: keep one",
                                tree.nodes[section].key,
                                shown(other)
                            )),
                        ));
                        continue;
                    }
                    section
                }
                Some(name) => {
                    tree.nodes.push(Node {
                        name,
                        ..Node::default()
                    });
                    let leaf = tree.nodes.len() - 1;
                    tree.nodes[section].children.push(leaf);
                    leaf
                }
            };
            let node = &mut tree.nodes[node];
            node.key = page.key;
            node.title = page.title;
            node.order = page.order;
            node.exclude = page.exclude;
            node.page = Some(page.index);
            node.url = Some(page.url);
            node.path = Some(page.path);
        }
        let mut children: Vec<Vec<usize>> = tree.nodes.iter().map(|n| n.children.clone()).collect();
        for list in &mut children {
            list.sort_by(|&a, &b| tree.compare(a, b));
        }
        for (node, list) in tree.nodes.iter_mut().zip(children) {
            node.children = list;
        }
        tree
    }

    /// The section of a folder path, made (with the sections above it) when missing.
    fn section(
        &mut self,
        root: &str,
        folders: &[String],
        sections: &mut HashMap<String, usize>,
    ) -> usize {
        let mut parent = 0;
        let mut path = String::new();
        for folder in folders {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(folder);
            parent = match sections.get(&path) {
                Some(&node) => node,
                None => {
                    self.nodes.push(Node {
                        key: join(root, &path),
                        name: folder.clone(),
                        title: pretty(folder),
                        section: true,
                        ..Node::default()
                    });
                    let node = self.nodes.len() - 1;
                    self.nodes[parent].children.push(node);
                    sections.insert(path.clone(), node);
                    node
                }
            };
        }
        parent
    }

    /// Siblings in `nav_order` order, those without one last, then by name.
    fn compare(&self, a: usize, b: usize) -> Ordering {
        let (a, b) = (&self.nodes[a], &self.nodes[b]);
        let by_order = match (a.order, b.order) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_order.then_with(|| a.name.cmp(&b.name))
    }

    /// The node as data for templates (`None` when excluded or empty), collecting the
    /// reading order and each page's breadcrumbs on the way.
    fn visit(
        &self,
        node: usize,
        trail: &mut Vec<Value>,
        order: &mut Vec<usize>,
        crumbs: &mut HashMap<usize, Vec<Value>>,
    ) -> Option<Value> {
        let current = &self.nodes[node];
        if current.exclude {
            return None;
        }
        if current.page.is_some() {
            order.push(node);
            crumbs.insert(node, trail.clone());
        }
        trail.push(self.link(node));
        let children: Vec<Value> = current
            .children
            .iter()
            .filter_map(|&child| self.visit(child, trail, order, crumbs))
            .collect();
        trail.pop();
        if current.page.is_none() && children.is_empty() && node != 0 {
            return None;
        }
        let mut map = self.summary(node);
        map.insert("section".into(), Value::Bool(current.section));
        map.insert("children".into(), Value::Array(children));
        Some(Value::Object(map))
    }

    fn summary(&self, node: usize) -> Map<String, Value> {
        let node = &self.nodes[node];
        let mut map = Metadata::with_capacity(6);
        map.insert("key".into(), Value::String(node.key.clone()));
        map.insert("title".into(), Value::String(node.title.clone()));
        let text = |value: &Option<String>| value.clone().map_or(Value::Null, Value::String);
        map.insert("url".into(), text(&node.url));
        map.insert("path".into(), text(&node.path));
        map
    }

    /// A breadcrumb or a previous/next link: the node without its children.
    fn link(&self, node: usize) -> Value {
        Value::Object(self.summary(node))
    }

    /// The tree of a site whose root is excluded.
    fn empty_root(&self) -> Value {
        let mut map = self.summary(0);
        map.insert("section".into(), Value::Bool(true));
        map.insert("children".into(), Value::Array(Vec::new()));
        Value::Object(map)
    }
}

/// Registers `nav-current` and `nav-active`, which compare a tree node (or a key) with the
/// page being rendered: `{{#if (nav-active this)}}open{{/if}}`.
pub fn register_helpers(registry: &mut Handlebars<'_>) {
    registry.register_helper("nav-current", Box::new(NodeHelper { ancestors: false }));
    registry.register_helper("nav-active", Box::new(NodeHelper { ancestors: true }));
}

/// `nav-current`: the node is the page's own; `nav-active`: it is, or holds the page.
struct NodeHelper {
    ancestors: bool,
}

impl HelperDef for NodeHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let name = h.name();
        let node = h.param(0).map(|param| param.value()).ok_or_else(|| {
            RenderError::from(RenderErrorReason::Other(format!(
                "`{name}` needs a node of the navigation tree: {{{{#if ({name} this)}}}}"
            )))
        })?;
        let key = match node {
            Value::String(key) => Some(key.as_str()),
            other => other.get("key").and_then(Value::as_str),
        };
        let current = ctx.data().get(CURRENT).and_then(Value::as_str);
        let matched = match (key, current) {
            (Some(key), Some(current)) => {
                key == current
                    || (self.ancestors
                        && (key.is_empty()
                            || current
                                .strip_prefix(key)
                                .is_some_and(|rest| rest.starts_with('/'))))
            }
            _ => false,
        };
        Ok(ScopedJson::Derived(Value::Bool(matched)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::PathBuf;

    /// Files read from `src/`, each at a key that permalinks may have changed.
    fn site_files(pages: Vec<(&str, &str, Value)>) -> Files {
        pages
            .into_iter()
            .map(|(source, key, metadata)| {
                let mut file = File::new("");
                file.origin = Some(PathBuf::from("src").join(source));
                if let Value::Object(map) = metadata {
                    file.metadata = map;
                }
                (key.to_string(), file)
            })
            .collect()
    }

    fn run(options: Value, files: &mut Files) -> Result<Site, Error> {
        let mut site = Site::new(PathBuf::new(), PathBuf::from("src"), PathBuf::from("build"));
        create(&options).unwrap().run(files, &mut site)?;
        Ok(site)
    }

    fn docs() -> Files {
        site_files(vec![
            (
                "index.md",
                "index.html",
                json!({"title": "Home", "permalink": ""}),
            ),
            (
                "docs/index.md",
                "docs/index.html",
                json!({"title": "Docs", "permalink": "docs"}),
            ),
            (
                "docs/install.md",
                "docs/install/index.html",
                json!({"title": "Install", "nav_order": 1, "permalink": "docs/install"}),
            ),
            (
                "docs/usage.md",
                "docs/usage/index.html",
                json!({"title": "Using it", "nav_title": "Usage", "nav_order": 2, "permalink": "docs/usage"}),
            ),
            (
                "docs/guides/zeta.md",
                "docs/guides/zeta/index.html",
                json!({"title": "Zeta", "permalink": "docs/guides/zeta"}),
            ),
            (
                "docs/guides/alpha.md",
                "docs/guides/alpha/index.html",
                json!({"title": "Alpha", "permalink": "docs/guides/alpha"}),
            ),
            (
                "docs/secret.md",
                "docs/secret/index.html",
                json!({"title": "Secret", "nav_exclude": true}),
            ),
            (
                "docs/old/index.md",
                "docs/old/index.html",
                json!({"title": "Old", "nav_exclude": true}),
            ),
            (
                "docs/old/page.md",
                "docs/old/page/index.html",
                json!({"title": "Old page"}),
            ),
            ("style.css", "style.css", json!({})),
        ])
    }

    fn titles(node: &Value) -> Value {
        let children: Vec<Value> = node["children"]
            .as_array()
            .unwrap()
            .iter()
            .map(titles)
            .collect();
        if children.is_empty() {
            node["title"].clone()
        } else {
            json!({node["title"].as_str().unwrap(): children})
        }
    }

    #[test]
    fn builds_the_tree_from_folders_orders_and_exclusions() {
        let mut files = docs();
        let site = run(json!(null), &mut files).unwrap();
        let nav = &site.metadata["nav"];
        assert_eq!(
            titles(nav),
            json!({"Home": [{"Docs": ["Install", "Usage", {"Guides": ["Alpha", "Zeta"]}]}]})
        );
        let docs = &nav["children"][0];
        assert_eq!(docs["key"], "docs");
        assert_eq!(docs["url"], "/docs/");
        assert_eq!(docs["path"], "docs/index.html");
        assert_eq!(docs["section"], true);
        let guides = &docs["children"][2];
        assert_eq!(guides["url"], Value::Null, "a folder without an index page");
        assert_eq!(guides["key"], "docs/guides");
        assert_eq!(guides["children"][0]["key"], "docs/guides/alpha.md");
        assert_eq!(guides["children"][0]["section"], false);
        assert_eq!(nav["url"], "/");
    }

    #[test]
    fn pages_get_their_key_breadcrumbs_and_neighbours_in_reading_order() {
        let mut files = docs();
        run(json!(null), &mut files).unwrap();
        let page = &files["docs/guides/alpha/index.html"].metadata;
        assert_eq!(page[CURRENT], "docs/guides/alpha.md");
        let crumbs: Vec<&Value> = page["breadcrumbs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| &c["title"])
            .collect();
        assert_eq!(crumbs, ["Home", "Docs", "Guides"]);
        assert_eq!(page["breadcrumbs"][1]["url"], "/docs/");
        assert_eq!(page["nav_previous"]["title"], "Usage");
        assert_eq!(page["nav_next"]["title"], "Zeta");
        let reading: Vec<&str> = ["index.html", "docs/index.html", "docs/install/index.html"]
            .iter()
            .map(|k| {
                files[*k]
                    .metadata
                    .get("nav_previous")
                    .and_then(|p| p["title"].as_str())
                    .unwrap_or("-")
            })
            .collect();
        assert_eq!(reading, ["-", "Home", "Docs"]);
        assert!(files["docs/guides/zeta/index.html"]
            .metadata
            .get("nav_next")
            .is_none());
        assert!(files["docs/secret/index.html"]
            .metadata
            .get(CURRENT)
            .is_none());
        assert!(files["docs/old/page/index.html"]
            .metadata
            .get(CURRENT)
            .is_none());
        assert!(files["style.css"].metadata.is_empty());
    }

    #[test]
    fn root_key_and_sort_by_options() {
        let mut files = docs();
        files["docs/install/index.html"]
            .metadata
            .insert("weight".into(), json!(9));
        let site = run(
            json!({"root": "/docs/", "key": "docs_nav", "sortBy": "weight"}),
            &mut files,
        )
        .unwrap();
        assert!(site.metadata.get("nav").is_none());
        let nav = &site.metadata["docs_nav"];
        assert_eq!(
            titles(nav),
            json!({"Docs": ["Install", {"Guides": ["Alpha", "Zeta"]}, "Usage"]})
        );
        assert!(files["index.html"].metadata.get(CURRENT).is_none());
        let crumbs = &files["docs/install/index.html"].metadata["breadcrumbs"];
        assert_eq!(
            crumbs,
            &json!([{"key": "docs", "title": "Docs", "url": "/docs/", "path": "docs/index.html"}])
        );
    }

    #[test]
    fn pattern_and_urls_without_permalinks() {
        let mut files = site_files(vec![
            ("a.html", "a.html", json!({})),
            (
                "getting-started/index.html",
                "getting-started/index.html",
                json!({}),
            ),
            ("b.txt", "b.txt", json!({"title": "B"})),
        ]);
        let site = run(json!({"pattern": ["*.html", "*/index.html"]}), &mut files).unwrap();
        let nav = &site.metadata["nav"];
        assert_eq!(nav["children"][0]["title"], "A");
        assert_eq!(nav["children"][0]["url"], "/a.html");
        assert_eq!(nav["children"][1]["title"], "Getting started");
        assert_eq!(nav["children"][1]["url"], "/getting-started/");
        assert_eq!(nav["children"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn generated_files_are_placed_by_their_path() {
        let mut files = Files::new();
        files.insert("tags/rust/index.html".into(), File::new(""));
        let site = run(json!(null), &mut files).unwrap();
        assert_eq!(
            site.metadata["nav"]["children"][0]["children"][0]["key"],
            "tags/rust"
        );
        assert_eq!(files["tags/rust/index.html"].metadata[CURRENT], "tags/rust");
    }

    #[test]
    fn bad_front_matter_and_two_index_pages_are_errors_naming_the_files() {
        let mut files = site_files(vec![
            ("a.md", "a.html", json!({"nav_order": "first"})),
            ("b.md", "b.html", json!({"nav_exclude": "yes"})),
            ("c.md", "c.html", json!({"nav_title": ["x"]})),
            ("d/index.md", "d/index.html", json!({})),
            ("d/index.html", "d/index-1.html", json!({})),
        ]);
        let error = run(json!(null), &mut files).unwrap_err();
        assert_eq!(
            error.lines(),
            [
                "src/a.md: front matter `nav_order` must be a number, found `\"first\"`",
                "src/b.md: front matter `nav_exclude` must be true or false, found `\"yes\"`",
                "src/c.md: front matter `nav_title` must be text, found `[\"x\"]`",
                "src/d/index.html: is the index page of `d`, as is src/d/index.md: keep one",
            ]
        );
        assert!(create(&json!({"key": ""}))
            .unwrap_err()
            .contains("the key is empty"));
        assert!(create(&json!({"sort": "x"}))
            .unwrap_err()
            .contains("unknown field `sort`"));
    }

    #[test]
    fn helpers_compare_nodes_with_the_page() {
        let mut registry = Handlebars::new();
        register_helpers(&mut registry);
        let template = "{{#each nav.children}}{{key}}:{{#if (nav-current this)}}current{{/if}}{{#if (nav-active this)}}active{{/if}} {{/each}}{{nav-active \"\"}}";
        let data = json!({
            "nav_current": "docs/guides/alpha.md",
            "nav": {"children": [{"key": "docs"}, {"key": "docs/guides/alpha.md"}, {"key": "doc"}, {"title": "no key"}]}
        });
        assert_eq!(
            registry.render_template(template, &data).unwrap(),
            "docs:active docs/guides/alpha.md:currentactive doc: : true"
        );
        let error = registry
            .render_template("{{nav-current}}", &data)
            .unwrap_err();
        assert!(
            error.to_string().contains("`nav-current` needs a node"),
            "{error}"
        );
    }
}
