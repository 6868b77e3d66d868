//! Direct rendering of layouts that use only what most layouts use: values, `if`, `unless`,
//! `each`, `with`, the built-in `date` helper and inlined partials.
//!
//! handlebars resolves every `{{field}}` from the root of the data: inside
//! `{{#each collections.posts}}` it builds the path `collections.posts.3.title` and looks up
//! each step again, hashing each key, and it checks each `{{field}}` against the helpers
//! first. That was about half of the layouts step at 10,000 pages. Here each block keeps the
//! value it stands for, so a lookup starts there, and which names are helpers is settled
//! once, when the layout is compiled.
//!
//! The tree is handlebars' own: handlebars parses it, and whitespace control and standalone
//! lines are already applied. Any other helper call or block (`{{#if (eq a b)}}`, a site's
//! script, block parameters) is handed to handlebars where it stands, with the blocks it
//! sits in rebuilt for it as handlebars keeps them: paths from the root, never copies of
//! the values (inside nested loops, copies would grow with the square of the list). A
//! layout with what depends on more than those blocks is left to handlebars whole: partial
//! calls that stayed calls (their indentation follows what was written before them),
//! decorators (they change what later elements see), and strict mode. A page that meets a
//! case handlebars reports as an error (a list indexed by a name, a helper failing) is
//! handed back to handlebars, so the error reads the same. The tests render every
//! construct both ways and compare.
//!
//! A page can render from its own keys over the site's, never merged ([`Layers`]): then
//! no thread needs its own copy of the site's data, and no page's keys are moved in and
//! out of one. Only what needs the merged map (handing over to handlebars, `{{this}}` at
//! the top) needs the merged context.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use handlebars::template::{HelperTemplate, Parameter, Template, TemplateElement};
use handlebars::{
    BlockContext, Context, Handlebars, JsonRender, JsonTruthy, Output, Path, PathSeg,
    RenderContext, Renderable,
};
use ironsmith_core::Metadata;
use serde_json::{json, Value};

use super::context::CONTENTS;
use super::helpers::format_date;
use super::indent::Indented;
use super::inline;

/// A layout compiled for direct rendering.
#[derive(Debug)]
pub struct Direct {
    nodes: Vec<Node>,
    escape: Escape,
}

/// How the registry escapes a value, found once by asking it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Escape {
    /// handlebars' HTML escaping, done here without its copy of every value.
    Html,
    Nothing,
    /// A function of the site's, called as handlebars calls it.
    Registry,
}

impl Escape {
    /// Asks the registry's function to escape every printable ASCII character and a few
    /// others, and compares with the known answers.
    fn of(registry: &Handlebars<'_>) -> Escape {
        let probe: String = (' '..='~').chain(['\n', '\t', 'é', '漢', '😀']).collect();
        match registry.get_escape_fn()(&probe) {
            escaped if escaped == handlebars::html_escape(&probe) => Escape::Html,
            escaped if escaped == probe => Escape::Nothing,
            _ => Escape::Registry,
        }
    }
}

/// handlebars' `html_escape`, borrowing text that needs none (most values).
fn html_escape(text: &str) -> Cow<'_, str> {
    let entity = |byte| match byte {
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'&' => Some("&amp;"),
        b'\'' => Some("&#x27;"),
        b'`' => Some("&#x60;"),
        b'=' => Some("&#x3D;"),
        _ => None,
    };
    let Some(first) = text.bytes().position(|byte| entity(byte).is_some()) else {
        return Cow::Borrowed(text);
    };
    let mut escaped = String::with_capacity(text.len() + 16);
    escaped.push_str(&text[..first]);
    let mut start = first;
    for (at, byte) in text.bytes().enumerate().skip(first) {
        if let Some(entity) = entity(byte) {
            escaped.push_str(&text[start..at]);
            escaped.push_str(entity);
            start = at + 1;
        }
    }
    escaped.push_str(&text[start..]);
    Cow::Owned(escaped)
}

#[derive(Debug)]
enum Node {
    Text(String),
    Value {
        lookup: Lookup,
        escape: bool,
    },
    /// `{{date value "format"}}`: the built-in `date` helper, given arguments.
    Date {
        value: Lookup,
        format: Option<Lookup>,
        escape: bool,
    },
    /// `if` and `unless`.
    Test {
        value: Lookup,
        include_zero: bool,
        negate: bool,
        then: Option<Vec<Node>>,
        otherwise: Option<Vec<Node>>,
    },
    Each {
        list: Lookup,
        body: Option<Vec<Node>>,
        otherwise: Option<Vec<Node>>,
    },
    With {
        value: Lookup,
        body: Option<Vec<Node>>,
        otherwise: Option<Vec<Node>>,
    },
    /// An inlined partial; indented as its call was (see `indent`).
    Partial {
        indent: Option<(String, bool)>,
        body: Option<Vec<Node>>,
    },
    /// Anything else (a helper call, a block with block parameters), rendered by
    /// handlebars from the blocks the direct renderer is in.
    Handlebars(TemplateElement),
}

#[derive(Debug)]
enum Lookup {
    /// Keys under the value of the block `up` levels out from the innermost (`../`).
    Block {
        up: usize,
        keys: Vec<String>,
    },
    /// `@root.keys`.
    Root(Vec<String>),
    /// `@index`, `@first`, `@last`, `@key` of the block `up` levels out.
    Local {
        up: usize,
        name: String,
    },
    Literal(Value),
}

/// What a page renders from.
#[derive(Clone, Copy)]
pub enum Data<'a> {
    /// One map holding the page's and the site's keys, as handlebars reads it.
    Merged(&'a Context),
    /// The page's keys over the site's, unmerged.
    Layered(&'a Layers<'a>),
}

/// A page's text, its keys and the site's: a top-level name is looked up in that order.
#[derive(Debug)]
pub struct Layers<'a> {
    pub contents: &'a Value,
    pub page: &'a Metadata,
    pub global: &'a Metadata,
}

impl Layers<'_> {
    fn get(&self, key: &str) -> Option<&Value> {
        if key == CONTENTS {
            return Some(self.contents);
        }
        self.page.get(key).or_else(|| self.global.get(key))
    }
}

/// The value a block stands for: a value, or the page's layers at the top.
#[derive(Clone, Copy)]
enum Scope<'a> {
    Value(&'a Value),
    Layers(&'a Layers<'a>),
}

/// A construct or a page that direct rendering leaves to handlebars.
#[derive(Debug, PartialEq)]
pub struct Unsupported;

/// What the compiler needs to know of the registry it stands in for.
pub struct Helpers<'a> {
    pub registry: &'a Handlebars<'static>,
    /// Helpers the site's scripts define; one may replace `if`, `each` and the others.
    pub scripts: &'a BTreeSet<String>,
}

impl Helpers<'_> {
    /// Whether `{{name}}` reads the field `name`, as opposed to calling a helper that
    /// does something else. Asked of handlebars itself, once per name: a field holding
    /// a marker must render as the marker. (The built-in `date` passes: bare, it prints
    /// the `date` field.)
    fn reads_field(&self, name: &str, answers: &mut HashMap<String, bool>) -> bool {
        *answers.entry(name.to_string()).or_insert_with(|| {
            const MARKER: &str = "ironsmith-field-probe";
            let template = format!("{{{{{name}}}}}");
            self.registry
                .render_template(&template, &json!({ name: MARKER }))
                .is_ok_and(|output| output == MARKER)
        })
    }
}

impl Direct {
    /// The layout compiled for direct rendering, or `None` when it uses something only
    /// handlebars renders.
    pub fn compile(template: &Template, helpers: &Helpers<'_>) -> Option<Direct> {
        if helpers.registry.strict_mode() {
            return None;
        }
        let mut compiler = Compiler {
            helpers,
            answers: HashMap::new(),
        };
        let nodes = compiler.template(template).ok()?;
        Some(Direct {
            nodes,
            escape: Escape::of(helpers.registry),
        })
    }

    /// Renders `data` into `out` with `registry`'s escaping and helpers.
    pub fn render(
        &self,
        registry: &Handlebars<'_>,
        data: Data<'_>,
        out: &mut dyn Output,
    ) -> Result<(), Unsupported> {
        let (context, root) = match data {
            Data::Merged(context) => (Some(context), Scope::Value(context.data())),
            Data::Layered(layers) => (None, Scope::Layers(layers)),
        };
        let mut renderer = Renderer {
            registry,
            context,
            root,
            escape: self.escape,
            blocks: vec![Block {
                value: root,
                locals: Locals::default(),
                place: Place::Root,
            }],
        };
        renderer.nodes(&self.nodes, out)
    }

    /// Whether some element is handed to handlebars, which reads the merged context.
    pub fn hands_over(&self) -> bool {
        fn any(nodes: &[Node]) -> bool {
            nodes.iter().any(|node| match node {
                Node::Handlebars(_) => true,
                Node::Test {
                    then, otherwise, ..
                } => [then, otherwise].into_iter().flatten().any(|n| any(n)),
                Node::Each {
                    body, otherwise, ..
                }
                | Node::With {
                    body, otherwise, ..
                } => [body, otherwise].into_iter().flatten().any(|n| any(n)),
                Node::Partial { body, .. } => body.as_deref().is_some_and(any),
                Node::Text(_) | Node::Value { .. } | Node::Date { .. } => false,
            })
        }
        any(&self.nodes)
    }
}

struct Compiler<'a, 'h> {
    helpers: &'a Helpers<'h>,
    answers: HashMap<String, bool>,
}

impl Compiler<'_, '_> {
    fn template(&mut self, template: &Template) -> Result<Vec<Node>, Unsupported> {
        let mut nodes = Vec::with_capacity(template.elements.len());
        for element in &template.elements {
            match element {
                TemplateElement::Comment(_) => {}
                TemplateElement::RawString(text) => nodes.push(Node::Text(text.clone())),
                TemplateElement::Expression(expression) => {
                    nodes.push(self.or_handlebars(element, |c| c.expression(expression, true))?);
                }
                TemplateElement::HtmlExpression(expression) => {
                    nodes.push(self.or_handlebars(element, |c| c.expression(expression, false))?);
                }
                TemplateElement::HelperBlock(block) => {
                    nodes.push(self.or_handlebars(element, |c| c.block(block))?);
                }
                _ => return Err(Unsupported),
            }
        }
        Ok(nodes)
    }

    /// The element compiled, or kept for handlebars when it holds nothing whose meaning
    /// depends on more than the blocks around it.
    fn or_handlebars(
        &mut self,
        element: &TemplateElement,
        compile: impl FnOnce(&mut Self) -> Result<Node, Unsupported>,
    ) -> Result<Node, Unsupported> {
        match compile(self) {
            Ok(node) => Ok(node),
            Err(Unsupported) if handlebars_alone_renders(element) => {
                Ok(Node::Handlebars(element.clone()))
            }
            Err(Unsupported) => Err(Unsupported),
        }
    }

    fn optional(&mut self, template: Option<&Template>) -> Result<Option<Vec<Node>>, Unsupported> {
        template.map(|template| self.template(template)).transpose()
    }

    /// `{{path}}` or `{{date value "format"}}`.
    fn expression(
        &mut self,
        expression: &HelperTemplate,
        escape: bool,
    ) -> Result<Node, Unsupported> {
        if expression.block || !expression.hash.is_empty() || expression.block_param.is_some() {
            return Err(Unsupported);
        }
        if expression.params.is_empty() {
            return self.value(expression, escape);
        }
        match (&expression.name, expression.params.as_slice()) {
            (Parameter::Name(name), [value, format @ ..])
                if name == "date" && format.len() <= 1 && !self.helpers.scripts.contains(name) =>
            {
                Ok(Node::Date {
                    value: parameter(value)?,
                    format: format.first().map(parameter).transpose()?,
                    escape,
                })
            }
            _ => Err(Unsupported),
        }
    }

    /// `{{path}}`: a value, unless handlebars would call a helper of that name.
    fn value(&mut self, expression: &HelperTemplate, escape: bool) -> Result<Node, Unsupported> {
        let Parameter::Path(path) = &expression.name else {
            return Err(Unsupported);
        };
        // handlebars calls a helper when the whole path, as written, names one; only a
        // single plain name can.
        if let Path::Relative((segments, raw)) = path {
            if matches!(segments.as_slice(), [PathSeg::Named(name)] if name == raw)
                && !self.helpers.reads_field(raw, &mut self.answers)
            {
                return Err(Unsupported);
            }
        }
        Ok(Node::Value {
            lookup: lookup(path)?,
            escape,
        })
    }

    fn block(&mut self, block: &HelperTemplate) -> Result<Node, Unsupported> {
        let Parameter::Name(name) = &block.name else {
            return Err(Unsupported);
        };
        if block.block_param.is_some() || self.helpers.scripts.contains(name) {
            return Err(Unsupported);
        }
        let then = self.optional(block.template.as_ref())?;
        let otherwise = self.optional(block.inverse.as_ref())?;
        match name.as_str() {
            "if" | "unless" => {
                let include_zero = match block.hash.get("includeZero") {
                    None => false,
                    Some(Parameter::Literal(flag)) => flag.as_bool().unwrap_or(false),
                    Some(_) => return Err(Unsupported),
                };
                if block.hash.keys().any(|key| key != "includeZero") {
                    return Err(Unsupported);
                }
                Ok(Node::Test {
                    value: only_parameter(block)?,
                    include_zero,
                    negate: name == "unless",
                    then,
                    otherwise,
                })
            }
            "each" | "with" if block.hash.is_empty() => {
                let value = only_parameter(block)?;
                Ok(if name == "each" {
                    Node::Each {
                        list: value,
                        body: then,
                        otherwise,
                    }
                } else {
                    Node::With {
                        value,
                        body: then,
                        otherwise,
                    }
                })
            }
            inline::HELPER if block.hash.is_empty() && otherwise.is_none() => {
                let indent = match block.params.as_slice() {
                    [] => None,
                    [Parameter::Literal(Value::String(indent)), Parameter::Literal(standalone)] => {
                        Some((indent.clone(), standalone == &Value::Bool(true)))
                    }
                    _ => return Err(Unsupported),
                };
                Ok(Node::Partial { indent, body: then })
            }
            _ => Err(Unsupported),
        }
    }
}

/// Whether handlebars renders `element` alone as it would in place: a partial call
/// depends on the indentation state of what was written before it, and a decorator
/// changes what later elements see, so neither may appear in it.
fn handlebars_alone_renders(element: &TemplateElement) -> bool {
    match element {
        TemplateElement::RawString(_)
        | TemplateElement::Comment(_)
        | TemplateElement::Expression(_)
        | TemplateElement::HtmlExpression(_) => true,
        TemplateElement::HelperBlock(block) => [&block.template, &block.inverse]
            .into_iter()
            .flatten()
            .all(|template| template.elements.iter().all(handlebars_alone_renders)),
        _ => false,
    }
}

fn only_parameter(block: &HelperTemplate) -> Result<Lookup, Unsupported> {
    match block.params.as_slice() {
        [only] => parameter(only),
        _ => Err(Unsupported),
    }
}

/// A helper's argument: a path or a literal (a subexpression is left to handlebars).
fn parameter(parameter: &Parameter) -> Result<Lookup, Unsupported> {
    match parameter {
        Parameter::Path(path) => lookup(path),
        Parameter::Literal(value) => Ok(Lookup::Literal(value.clone())),
        _ => Err(Unsupported),
    }
}

/// A path as handlebars resolves it: leading `../`s or `@root`, then names.
fn lookup(path: &Path) -> Result<Lookup, Unsupported> {
    match path {
        Path::Local((up, name, _)) => Ok(Lookup::Local {
            up: *up,
            name: name.clone(),
        }),
        Path::Relative((segments, _)) => {
            let mut up = 0;
            let mut root = false;
            let mut keys = Vec::with_capacity(segments.len());
            for segment in segments {
                match segment {
                    PathSeg::Named(key) => keys.push(key.clone()),
                    // The grammar's rule type is private; its name is all there is to read.
                    PathSeg::Ruled(rule) if keys.is_empty() && !root => {
                        match format!("{rule:?}").as_str() {
                            "path_up" => up += 1,
                            "path_root" if up == 0 => root = true,
                            _ => return Err(Unsupported),
                        }
                    }
                    _ => return Err(Unsupported),
                }
            }
            Ok(if root {
                Lookup::Root(keys)
            } else {
                Lookup::Block { up, keys }
            })
        }
    }
}

/// What a block stands for: `this`, and the `@` variables `each` sets.
struct Block<'a> {
    value: Scope<'a>,
    locals: Locals<'a>,
    place: Place<'a>,
}

/// Where a block's value sits in the data: handlebars keeps blocks as paths from the root,
/// so an element handed to it gets them, built only then.
#[derive(Clone, Copy)]
enum Place<'a> {
    Root,
    /// `keys` under the value of the block at `from` (the root when `None`), then the
    /// item an `each` is at.
    Under {
        from: Option<usize>,
        keys: &'a [String],
        item: Option<Item<'a>>,
    },
    /// A literal of the template, which handlebars holds as a value.
    Literal,
}

impl<'a> Place<'a> {
    /// The place of an item of the list here.
    fn at(self, item: Item<'a>) -> Place<'a> {
        match self {
            Place::Under { from, keys, .. } => Place::Under {
                from,
                keys,
                item: Some(item),
            },
            other => other,
        }
    }
}

#[derive(Clone, Copy)]
enum Item<'a> {
    Index(usize),
    Key(&'a str),
}

impl Block<'_> {
    /// The block as handlebars keeps it: the path of the value it stands for (`None`, a
    /// literal, is kept as a copy), and its `@` variables.
    fn for_handlebars(&self, path: Option<Vec<String>>) -> BlockContext<'static> {
        let mut block = BlockContext::new();
        match path {
            Some(path) => *block.base_path_mut() = path,
            None => {
                if let Scope::Value(value) = self.value {
                    block.set_base_value(value.clone());
                }
            }
        }
        for name in ["index", "first", "last", "key"] {
            if let Some(value) = self.locals.get(name) {
                block.set_local_var(name, value);
            }
        }
        block
    }
}

#[derive(Clone, Copy, Default)]
struct Locals<'a> {
    index: Option<usize>,
    first: Option<bool>,
    last: Option<bool>,
    key: Option<&'a str>,
}

impl Locals<'_> {
    /// `@name`'s value, as handlebars' `each` sets it.
    fn get(&self, name: &str) -> Option<Value> {
        match name {
            "index" => self.index.map(Value::from),
            "first" => self.first.map(Value::Bool),
            "last" => self.last.map(Value::Bool),
            "key" => self.key.map(Value::from),
            _ => None,
        }
    }
}

enum Found<'a> {
    Borrowed(&'a Value),
    Made(Value),
    Missing,
}

impl Found<'_> {
    /// The value found; `None` when missing.
    fn as_value(&self) -> Option<&Value> {
        match self {
            Found::Borrowed(value) => Some(value),
            Found::Made(value) => Some(value),
            Found::Missing => None,
        }
    }

    /// The value found, or null: what handlebars hands a helper for a missing argument.
    fn or_null(&self) -> &Value {
        self.as_value().unwrap_or(&Value::Null)
    }
}

struct Renderer<'a> {
    registry: &'a Handlebars<'a>,
    /// The merged context; `None` when rendering from layers.
    context: Option<&'a Context>,
    root: Scope<'a>,
    escape: Escape,
    /// The root block first, the innermost last.
    blocks: Vec<Block<'a>>,
}

impl<'a> Renderer<'a> {
    fn nodes(&mut self, nodes: &'a [Node], out: &mut dyn Output) -> Result<(), Unsupported> {
        for node in nodes {
            self.node(node, out)?;
        }
        Ok(())
    }

    fn optional(
        &mut self,
        nodes: Option<&'a Vec<Node>>,
        out: &mut dyn Output,
    ) -> Result<(), Unsupported> {
        match nodes {
            Some(nodes) => self.nodes(nodes, out),
            None => Ok(()),
        }
    }

    fn node(&mut self, node: &'a Node, out: &mut dyn Output) -> Result<(), Unsupported> {
        match node {
            Node::Text(text) => write(out, text),
            Node::Value { lookup, escape } => match self.find(lookup)? {
                Found::Missing => Ok(()),
                Found::Borrowed(value) => self.write_value(value, *escape, out),
                Found::Made(value) => self.write_value(&value, *escape, out),
            },
            Node::Date {
                value,
                format,
                escape,
            } => {
                let value = self.find(value)?;
                let format = format
                    .as_ref()
                    .map(|format| self.find(format))
                    .transpose()?;
                let formatted = format_date(value.as_value(), format.as_ref().map(Found::or_null))
                    .map_err(|_| Unsupported)?;
                match formatted {
                    Some(text) => self.write_text(&text, *escape, out),
                    None => Ok(()),
                }
            }
            Node::Test {
                value,
                include_zero,
                negate,
                then,
                otherwise,
            } => {
                let truthy = self.find(value)?.or_null().is_truthy(*include_zero);
                let branch = if truthy != *negate { then } else { otherwise };
                self.optional(branch.as_ref(), out)
            }
            Node::Each {
                list,
                body,
                otherwise,
            } => {
                let Some(body) = body else { return Ok(()) };
                let list_place = self.place(list);
                match self.find(list)? {
                    Found::Borrowed(Value::Array(items))
                        if !items.is_empty() || otherwise.is_none() =>
                    {
                        for (index, item) in items.iter().enumerate() {
                            let locals = Locals {
                                index: Some(index),
                                first: Some(index == 0),
                                last: Some(index + 1 == items.len()),
                                key: None,
                            };
                            let place = list_place.at(Item::Index(index));
                            self.within(item, locals, place, body, out)?;
                        }
                        Ok(())
                    }
                    Found::Borrowed(Value::Object(map))
                        if !map.is_empty() || otherwise.is_none() =>
                    {
                        for (index, (key, item)) in map.iter().enumerate() {
                            let locals = Locals {
                                index: Some(index),
                                first: Some(index == 0),
                                last: Some(index + 1 == map.len()),
                                key: Some(key),
                            };
                            let place = list_place.at(Item::Key(key));
                            self.within(item, locals, place, body, out)?;
                        }
                        Ok(())
                    }
                    _ => self.optional(otherwise.as_ref(), out),
                }
            }
            Node::With {
                value: lookup,
                body,
                otherwise,
            } => match self.find(lookup)? {
                Found::Borrowed(value) if value.is_truthy(false) => {
                    // `with` keeps the enclosing block's `@index` and the others.
                    let locals = self.innermost().locals;
                    let place = self.place(lookup);
                    match body {
                        Some(body) => self.within(value, locals, place, body, out),
                        None => Ok(()),
                    }
                }
                // A made value is an `@` variable: a block over one is left to handlebars.
                Found::Made(value) if value.is_truthy(false) => Err(Unsupported),
                _ => self.optional(otherwise.as_ref(), out),
            },
            Node::Handlebars(element) => {
                let context = self.context.ok_or(Unsupported)?;
                let mut render_context = RenderContext::new(None);
                for (at, block) in self.blocks.iter().enumerate().skip(1) {
                    render_context.push_block(block.for_handlebars(self.path(at)));
                }
                element
                    .render(self.registry, context, &mut render_context, out)
                    .map_err(|_| Unsupported)
            }
            Node::Partial { indent, body } => match indent {
                Some((indent, standalone)) => {
                    let mut indented = Indented::new(out, indent, *standalone);
                    self.optional(body.as_ref(), &mut indented)
                }
                None => self.optional(body.as_ref(), out),
            },
        }
    }

    fn within(
        &mut self,
        value: &'a Value,
        locals: Locals<'a>,
        place: Place<'a>,
        body: &'a [Node],
        out: &mut dyn Output,
    ) -> Result<(), Unsupported> {
        self.blocks.push(Block {
            value: Scope::Value(value),
            locals,
            place,
        });
        let result = self.nodes(body, out);
        self.blocks.pop();
        result
    }

    fn innermost(&self) -> &Block<'a> {
        &self.blocks[self.blocks.len() - 1]
    }

    /// The block `up` levels out; past the root, handlebars takes the innermost.
    fn block(&self, up: usize) -> &Block<'a> {
        &self.blocks[self.block_index(up)]
    }

    fn block_index(&self, up: usize) -> usize {
        let innermost = self.blocks.len() - 1;
        innermost.checked_sub(up).unwrap_or(innermost)
    }

    /// Where the value `lookup` finds sits.
    fn place(&self, lookup: &'a Lookup) -> Place<'a> {
        match lookup {
            Lookup::Block { up, keys } => Place::Under {
                from: Some(self.block_index(*up)),
                keys,
                item: None,
            },
            Lookup::Root(keys) => Place::Under {
                from: None,
                keys,
                item: None,
            },
            Lookup::Literal(_) | Lookup::Local { .. } => Place::Literal,
        }
    }

    /// The path from the root of the block at `at`; `None` under a literal.
    fn path(&self, at: usize) -> Option<Vec<String>> {
        match self.blocks[at].place {
            Place::Root => Some(Vec::new()),
            Place::Literal => None,
            Place::Under { from, keys, item } => {
                let mut path = match from {
                    Some(from) => self.path(from)?,
                    None => Vec::new(),
                };
                path.extend(keys.iter().cloned());
                match item {
                    Some(Item::Index(index)) => path.push(index.to_string()),
                    Some(Item::Key(key)) => path.push(key.to_string()),
                    None => {}
                }
                Some(path)
            }
        }
    }

    fn find(&self, lookup: &'a Lookup) -> Result<Found<'a>, Unsupported> {
        let (start, keys) = match lookup {
            Lookup::Block { up, keys } => (self.block(*up).value, keys),
            Lookup::Root(keys) => (self.root, keys),
            Lookup::Literal(value) => return Ok(Found::Borrowed(value)),
            Lookup::Local { up, name } => {
                let Some(at) = self.blocks.len().checked_sub(up + 1) else {
                    return Ok(Found::Missing);
                };
                let value = self.blocks[at].locals.get(name);
                return Ok(value.map_or(Found::Missing, Found::Made));
            }
        };
        let (mut value, keys) = match start {
            Scope::Value(value) => (value, keys.as_slice()),
            // The layers as one value (`{{this}}` at the top) exist only merged.
            Scope::Layers(layers) => {
                let (first, rest) = keys.split_first().ok_or(Unsupported)?;
                match layers.get(first) {
                    Some(value) => (value, rest),
                    None => return Ok(Found::Missing),
                }
            }
        };
        for key in keys {
            let next = match value {
                Value::Object(map) => map.get(key),
                // handlebars fails on a list indexed by a name; its error should be shown.
                Value::Array(items) => items.get(key.parse::<usize>().map_err(|_| Unsupported)?),
                _ => None,
            };
            match next {
                Some(next) => value = next,
                None => return Ok(Found::Missing),
            }
        }
        Ok(Found::Borrowed(value))
    }

    /// A value as handlebars prints it; text without the copy `render` makes.
    fn write_value(
        &self,
        value: &Value,
        escape: bool,
        out: &mut dyn Output,
    ) -> Result<(), Unsupported> {
        match value {
            Value::String(text) => self.write_text(text, escape, out),
            other => self.write_text(&other.render(), escape, out),
        }
    }

    fn write_text(
        &self,
        text: &str,
        escape: bool,
        out: &mut dyn Output,
    ) -> Result<(), Unsupported> {
        match (escape, self.escape) {
            (false, _) | (true, Escape::Nothing) => write(out, text),
            (true, Escape::Html) => write(out, &html_escape(text)),
            (true, Escape::Registry) => write(out, &self.registry.get_escape_fn()(text)),
        }
    }
}

/// handlebars writes nothing for an empty value; `Indented` depends on the writes made.
fn write(out: &mut dyn Output, text: &str) -> Result<(), Unsupported> {
    if text.is_empty() {
        return Ok(());
    }
    out.write(text).map_err(|_| Unsupported)
}

#[cfg(test)]
mod tests {
    use super::super::helpers;
    use super::super::inline::{tests::compiled, Inliner};
    use super::*;

    fn registry() -> Handlebars<'static> {
        let mut registry = Handlebars::new();
        helpers::register(&mut registry);
        inline::register(&mut registry);
        registry
    }

    /// `layout` compiled as the layouts plugin compiles it (partials inlined), for direct
    /// rendering with `registry`.
    fn compile_with(
        registry: &Handlebars<'static>,
        scripts: &BTreeSet<String>,
        layout: &str,
        partials: &[(&str, &str)],
    ) -> Option<Direct> {
        let partials = compiled(partials);
        let mut template = Template::compile_with_name(layout, "layout".to_string()).unwrap();
        Inliner::new(&partials, [&template])
            .template(&mut template, "layout.hbs")
            .unwrap();
        Direct::compile(&template, &Helpers { registry, scripts })
    }

    /// Renders `data` merged, and split into a page's layers (`site` and `posts` the
    /// site's, `contents` the text); both must give the same.
    fn render(direct: &Direct, registry: &Handlebars<'static>, data: &Value) -> String {
        let mut out = handlebars::StringOutput::new();
        let context = Context::wraps(data).unwrap();
        direct
            .render(registry, Data::Merged(&context), &mut out)
            .unwrap();
        let merged = out.into_string().unwrap();

        if direct.hands_over() {
            return merged;
        }
        let mut page = data.as_object().cloned().unwrap_or_default();
        let contents = page.shift_remove(CONTENTS).unwrap_or_default();
        let global: Metadata = ["site", "posts"]
            .into_iter()
            .filter_map(|key| Some((key.to_string(), page.shift_remove(key)?)))
            .collect();
        let layers = Layers {
            contents: &contents,
            page: &page,
            global: &global,
        };
        let mut out = handlebars::StringOutput::new();
        direct
            .render(registry, Data::Layered(&layers), &mut out)
            .unwrap();
        assert_eq!(out.into_string().unwrap(), merged, "rendered from layers");
        merged
    }

    /// Renders `layout` with handlebars (partials called) and directly, and compares.
    fn same(layout: &str, partials: &[(&str, &str)], data: &Value) {
        same_with(registry(), &BTreeSet::new(), layout, partials, data);
    }

    /// [`same`], with a registry of the test's own and the scripts it holds.
    fn same_with(
        mut registry: Handlebars<'static>,
        scripts: &BTreeSet<String>,
        layout: &str,
        partials: &[(&str, &str)],
        data: &Value,
    ) {
        let direct = compile_with(&registry, scripts, layout, partials)
            .unwrap_or_else(|| panic!("not compiled for direct rendering:\n{layout}"));
        let actual = render(&direct, &registry, data);
        for (name, source) in partials {
            registry.register_partial(name, source).unwrap();
        }
        let expected = registry.render_template(layout, data).unwrap();
        assert_eq!(actual, expected, "layout:\n{layout}");
    }

    fn compiles(layout: &str) -> bool {
        compile_with(&registry(), &BTreeSet::new(), layout, &[]).is_some()
    }

    fn page() -> Value {
        json!({
            "title": "Tom & \"Jerry\" <3 'x' `y` =z",
            "contents": "<p>one</p>\n<p>two</p>\n",
            "date": "2024-03-05",
            "count": 0, "ratio": 1.5, "yes": true, "no": false, "nothing": null,
            "empty": [], "none": {}, "text": "",
            "tags": ["rust", "<web>"],
            "author": {"name": "Ada", "links": {"home": "/ada/", "mail": "mailto:a"}},
            "site": {"title": "Notes", "url": "https://example.com"},
            "posts": [
                {"title": "First", "tags": ["a", "b"], "author": {"name": "Bo"}},
                {"title": "Second", "tags": [], "draft": true},
                {"title": "Third", "tags": ["c"]}
            ],
            "collection": {"posts": {"previous": {"title": "Before", "permalink": "before"}}}
        })
    }

    #[test]
    fn values_render_and_escape_as_handlebars_renders_them() {
        let data = page();
        for layout in [
            "{{title}}|{{{title}}}|{{&title}}",
            "{{{contents}}}{{contents}}",
            "{{count}} {{ratio}} {{yes}} {{no}} [{{nothing}}] [{{missing}}] [{{text}}]",
            "{{tags}} {{{tags}}} {{author}} {{empty}} {{none}}",
            "{{author.name}} {{author/name}} {{author.links.home}} {{author.missing.deep}}",
            "{{tags.0}} {{tags.[1]}} {{posts.2.title}} {{tags.9}}",
            "{{this.title}} {{./title}} {{@root.site.title}} {{[title]}}",
            "{{date}} {{site.url}}",
            "a {{! a comment }} b {{!-- another --}} c",
            "  {{~title~}}  \n{{#if yes~}}  x  {{~/if}}",
        ] {
            same(layout, &[], &data);
        }
    }

    #[test]
    fn conditions_follow_handlebars_truth() {
        let data = page();
        for layout in [
            "{{#if yes}}Y{{/if}}{{#if no}}N{{/if}}{{#if nothing}}N{{/if}}{{#if missing}}M{{/if}}",
            "{{#if count}}Z{{else}}z{{/if}}{{#if count includeZero=true}}Z{{/if}}",
            "{{#if empty}}E{{else}}e{{/if}}{{#if none}}O{{else}}o{{/if}}{{#if text}}T{{else}}t{{/if}}",
            "{{#if tags}}T{{/if}}{{#if author}}A{{/if}}{{#if ratio}}R{{/if}}",
            "{{#unless no}}u{{else}}U{{/unless}}{{#unless yes}}u{{else}}U{{/unless}}",
            "{{#if no}}1{{else if nothing}}2{{else if yes}}3{{else}}4{{/if}}",
            "{{#if true}}lit{{/if}}{{#if 0}}zero{{/if}}{{#if \"\"}}blank{{/if}}",
            "{{#if yes}}{{/if}}{{#unless yes}}{{/unless}}",
            "<ul>\n  {{#if yes}}\n  <li>shown</li>\n  {{/if}}\n</ul>\n",
        ] {
            same(layout, &[], &data);
        }
    }

    #[test]
    fn each_and_with_scope_lookups_and_at_variables() {
        let data = page();
        for layout in [
            "{{#each tags}}<i>{{this}}</i>{{@index}}{{@first}}{{@last}}[{{@key}}]{{/each}}",
            "{{#each author.links}}{{@key}}={{this}} {{@index}}{{@first}}{{@last}};{{/each}}",
            "{{#each posts}}{{title}} by {{author.name}} on {{../site.title}} ({{@root.title}}){{/each}}",
            "{{#each posts}}{{#each tags}}{{this}}:{{@index}}/{{@../index}}/{{../title}}/{{../../site.title}} {{/each}}{{/each}}",
            "{{#each empty}}x{{else}}no items{{/each}}{{#each none}}x{{else}}no keys{{/each}}",
            "{{#each empty}}x{{/each}}{{#each missing}}x{{else}}gone{{/each}}{{#each title}}x{{else}}text{{/each}}",
            "{{#each posts}}{{#if draft}}draft{{else}}{{title}}{{/if}}{{#unless @last}}, {{/unless}}{{/each}}",
            "{{#with collection.posts.previous}}<a href=\"/{{permalink}}/\">{{title}}</a>{{/with}}",
            "{{#with collection.posts.next}}x{{else}}no next{{/with}}{{#with nothing}}x{{/with}}",
            "{{#with author}}{{name}} {{../title}} {{#with links}}{{home}} {{../name}}{{/with}}{{/with}}",
            "{{#each posts}}{{#with author}}{{name}}@{{@index}}{{/with}}{{/each}}",
            "{{#each tags}}{{../../title}}{{/each}}",
            "<ul>\n  {{#each posts}}\n  <li>{{title}}</li>\n  {{/each}}\n</ul>\n",
            "{{#each posts}}{{/each}}{{#with author}}{{/with}}",
        ] {
            same(layout, &[], &data);
        }
    }

    #[test]
    fn the_date_helper_formats_as_handlebars_calls_it() {
        let data = page();
        for layout in [
            "{{date date \"%B %e, %Y\"}}|{{date date}}|{{{date date \"<%Y>\"}}}|{{date date \"<%Y>\"}}",
            "[{{date missing \"%Y\"}}][{{date nothing}}][{{date \"2024-01-02T03:04:05Z\" \"%H:%M\"}}]",
            "{{#each posts}}{{date ../date \"%Y\"}}{{date @root.date \"%m\"}} {{/each}}",
        ] {
            same(layout, &[], &data);
        }
        let registry = registry();
        // What the helper refuses goes back to handlebars, which reports it.
        for layout in [
            "{{date date \"%Q\"}}",
            "{{date title}}",
            "{{date date missing}}",
        ] {
            handed_back(layout);
            assert!(registry.render_template(layout, &data).is_err(), "{layout}");
        }
    }

    #[test]
    fn inlined_partials_render_in_place_and_indented() {
        let partials = [
            (
                "head",
                "<head>\n  <title>{{title}} | {{site.title}}</title>\n</head>\n",
            ),
            ("item", "<li>{{title}}</li>\n"),
            (
                "list",
                "<ul>\n{{#each posts}}\n  {{> item}}\n{{/each}}\n</ul>\n",
            ),
            ("body", "<article>\n{{{contents}}}\n</article>\n"),
        ];
        let data = page();
        for layout in [
            "<html>\n{{> head}}\n<body>\n  {{> list}}\n</body>\n",
            "<main>\n  {{> body}}\n</main>\n",
            "{{#each posts}}{{> item}}{{/each}}",
        ] {
            same(layout, &partials, &data);
        }
    }

    #[test]
    fn html_escaping_is_handlebars_own_without_copying_plain_text() {
        for text in [
            "",
            "plain words",
            "Tom & \"Jerry\" <3 'x' `y` =z",
            "<<>>",
            "é<ü>漢&字=",
            "ends with &",
        ] {
            assert_eq!(html_escape(text), handlebars::html_escape(text), "{text}");
        }
        assert!(matches!(html_escape("café au lait"), Cow::Borrowed(_)));
        assert_eq!(Escape::of(&registry()), Escape::Html);
    }

    #[test]
    fn a_site_escape_function_is_called_as_handlebars_calls_it() {
        let mut registry = registry();
        registry.register_escape_fn(|text| text.to_uppercase());
        assert_eq!(Escape::of(&registry), Escape::Registry);
        // HTML escaping and one more character is the site's own too.
        let mut slashes = self::registry();
        slashes.register_escape_fn(|text| handlebars::html_escape(text).replace('/', "&#x2F;"));
        assert_eq!(Escape::of(&slashes), Escape::Registry);
        let layout = "{{title}}|{{{title}}}|{{#each tags}}{{this}}{{/each}}";
        let direct = compile_with(&registry, &BTreeSet::new(), layout, &[]).unwrap();
        let expected = registry.render_template(layout, &page()).unwrap();
        assert_eq!(render(&direct, &registry, &page()), expected);
        assert!(expected.starts_with("TOM & \"JERRY\""), "{expected}");
    }

    #[test]
    fn no_escape_registries_pass_values_through() {
        let mut registry = registry();
        registry.register_escape_fn(handlebars::no_escape);
        let layout = "{{title}} {{tags}}";
        let direct = compile_with(&registry, &BTreeSet::new(), layout, &[]).unwrap();
        let expected = registry.render_template(layout, &page()).unwrap();
        assert_eq!(render(&direct, &registry, &page()), expected);
        assert!(expected.starts_with("Tom & \"Jerry\""), "{expected}");
        assert_eq!(direct.escape, Escape::Nothing);
    }

    #[test]
    fn helper_calls_and_other_blocks_render_through_handlebars_in_place() {
        let data = page();
        let partials = [("meta", "<p>\n{{json tags}} {{slug title}}\n</p>\n")];
        for layout in [
            "{{#if (eq count 0)}}zero{{/if}}{{json tags}}{{{json author}}}",
            "{{first tags}}|{{lookup tags 1}}|{{slug title}}",
            "{{#each posts}}{{#if (eq @index 1)}}[{{title}}]{{/if}}{{lookup ../tags @index}} \
             {{#with author}}{{json this}}{{@index}}{{../title}}{{/with}}{{/each}}",
            "{{#each (limit posts 2)}}{{title}}{{@index}}{{@last}}{{/each}}",
            "{{#each posts as |post i|}}{{post.title}}{{i}}{{/each}}{{#with author as |a|}}{{a.name}}{{/with}}",
            "{{#each author.links}}{{#if (eq @key \"home\")}}{{@key}}={{this}}{{/if}}{{/each}}",
            "{{#each posts limit=2}}x{{/each}}{{{{raw}}}}{{x}}{{{{/raw}}}}",
            "{{#with \"lit\"}}{{json this}}{{#each ../tags}}{{lookup ../../tags @index}}{{/each}}{{/with}}",
            "{{#each posts}}{{#each tags}}{{json ../title}}{{json ../../site}}{{/each}}{{/each}}",
            "<div>\n  {{> meta}}\n</div>\n{{#each posts}}\n  {{> meta}}\n{{/each}}\n",
        ] {
            same(layout, &partials, &data);
        }
    }

    #[test]
    fn what_only_handlebars_renders_is_left_to_it() {
        for layout in [
            "{{> missing x=1}}",
            "{{#*inline \"p\"}}x{{/inline}}",
            "{{#each posts}}{{> item x=1}}{{/each}}",
            "{{#if (eq count 0)}}{{#> block}}x{{/block}}{{/if}}",
        ] {
            assert!(!compiles(layout), "compiled: {layout}");
        }
        let mut strict = registry();
        strict.set_strict_mode(true);
        assert!(compile_with(&strict, &BTreeSet::new(), "{{title}}", &[]).is_none());
    }

    #[test]
    fn a_site_script_replaces_a_builtin_or_a_field_in_direct_rendering_too() {
        let mut registry = registry();
        for (name, script) in [
            ("title", "\"from the script\""),
            ("each", "\"no loop\""),
            ("date", "\"scripted date\""),
        ] {
            registry.register_script_helper(name, script).unwrap();
        }
        let scripts = BTreeSet::from(["title", "each", "date"].map(String::from));
        same_with(
            registry,
            &scripts,
            "{{title}}|{{author.name}}|{{#each tags}}x{{/each}}|{{date date \"%Y\"}}|{{#if tags}}y{{/if}}",
            &[],
            &page(),
        );
    }

    #[test]
    fn handed_over_blocks_are_paths_from_the_root_not_copies() {
        // A helper call inside nested loops would otherwise copy the outer list once per
        // inner item: a 10,000-post page took over 30 s that way.
        let data = page();
        let context = Context::wraps(&data).unwrap();
        let registry = registry();
        let (posts, tags) = (["posts".to_string()], ["tags".to_string()]);
        let block = |value, place| Block {
            value: Scope::Value(value),
            locals: Locals::default(),
            place,
        };
        let renderer = Renderer {
            registry: &registry,
            context: Some(&context),
            root: Scope::Value(context.data()),
            escape: Escape::Html,
            blocks: vec![
                block(context.data(), Place::Root),
                block(&data["posts"][2], {
                    let list = Place::Under {
                        from: None,
                        keys: &posts,
                        item: None,
                    };
                    list.at(Item::Index(2))
                }),
                block(
                    &data["posts"][2]["tags"][0],
                    Place::Under {
                        from: Some(1),
                        keys: &tags,
                        item: Some(Item::Key("0")),
                    },
                ),
                block(&data["title"], Place::Literal),
            ],
        };
        assert_eq!(renderer.path(2).unwrap(), ["posts", "2", "tags", "0"]);
        assert_eq!(renderer.path(0).unwrap(), Vec::<String>::new());
        assert_eq!(renderer.path(3), None);
    }

    /// Compiles `layout` for direct rendering, and checks that a render of `page()` is
    /// handed back to handlebars.
    fn handed_back(layout: &str) {
        let registry = registry();
        let direct = compile_with(&registry, &BTreeSet::new(), layout, &[]).unwrap();
        let mut out = handlebars::StringOutput::new();
        let context = Context::wraps(page()).unwrap();
        let result = direct.render(&registry, Data::Merged(&context), &mut out);
        assert_eq!(result, Err(Unsupported), "{layout}");
    }

    #[test]
    fn a_page_handlebars_fails_on_is_handed_back() {
        handed_back("{{tags.name}}");
        assert!(registry()
            .render_template("{{tags.name}}", &page())
            .is_err());
        // A block over an `@` variable is left to handlebars too (it renders it).
        handed_back("{{#each tags}}{{#with @index}}{{this}}{{/with}}{{/each}}");
    }
}
