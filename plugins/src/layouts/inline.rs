//! Partials called without parameters, inlined at load time into the templates calling them.
//!
//! handlebars 6.4 copies the current context on every `{{> partial}}` call (`partial.rs`:
//! `merge_json` returns `base.clone()` when the call has no hash), and then every lookup
//! inside the partial copies the value it finds. At the top of a layout the current context
//! is the whole site, so with a 10,000-item collection each page copies it once per partial:
//! a build grows with the square of its pages. An inlined partial renders in place, reading
//! the caller's context without a copy.
//!
//! The inlined body is wrapped in a block helper that renders it as the partial's own
//! template, so a render error inside it still names the partial and the partial's line,
//! and indents it as handlebars indents an indented call (see `indent`). Calls that keep
//! their meaning only as real partials stay real: calls with parameters or a hash,
//! `{{#> block}}` calls, partials a template redefines with `{{#*inline}}`, and partials
//! that use `@partial-block` or decorators.

use std::collections::{BTreeMap, HashMap, HashSet};

use handlebars::template::{Parameter, Template, TemplateElement};
use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, Renderable,
};
use ironsmith_core::{Error, FileError, Location};
use serde_json::Value;

use super::indent::Indented;

/// The wrapper helper's name; `:` keeps it apart from names a site would choose.
pub(super) const HELPER: &str = "ironsmith:partial";
const WRAPPER: &str = "{{#ironsmith:partial}}{{/ironsmith:partial}}";

/// How deep partials may nest; a loop is caught before this, so only absurd (or
/// exponentially large) nesting reaches it.
pub const MAX_DEPTH: usize = 32;

/// A compiled partial file, as written.
#[derive(Debug)]
pub struct Partial {
    pub template: Template,
    /// The file, for errors.
    pub path: String,
    /// Whether its body means the same inlined as called.
    inlinable: bool,
}

impl Partial {
    pub fn new(template: Template, path: String) -> Self {
        let inlinable = self_contained(&template);
        Partial {
            template,
            path,
            inlinable,
        }
    }
}

/// Inlines partials into templates, expanding each partial once.
pub struct Inliner<'a> {
    partials: &'a BTreeMap<String, Partial>,
    /// Names a template defines with `{{#*inline "name"}}`: such a definition wins over the
    /// file at render time, so calls to these names must stay calls.
    redefined: HashSet<String>,
    wrapper: TemplateElement,
    expanded: HashMap<String, Template>,
    /// The partials being expanded, outermost first: a loop shows up here.
    stack: Vec<String>,
}

impl<'a> Inliner<'a> {
    /// `templates` are the other templates of the build (layouts), searched for
    /// `{{#*inline}}` definitions as the partials are.
    pub fn new<'t>(
        partials: &'a BTreeMap<String, Partial>,
        templates: impl IntoIterator<Item = &'t Template>,
    ) -> Self {
        let mut redefined = HashSet::new();
        for partial in partials.values() {
            inline_definitions(&partial.template, &mut redefined);
        }
        for template in templates {
            inline_definitions(template, &mut redefined);
        }
        let wrapper = Template::compile(WRAPPER)
            .ok()
            .and_then(|mut template| template.elements.pop())
            .unwrap_or_else(|| unreachable!("the wrapper template parses"));
        Inliner {
            partials,
            redefined,
            wrapper,
            expanded: HashMap::new(),
            stack: Vec::new(),
        }
    }

    /// Every partial with its own calls inlined, by name: what real calls render.
    pub fn partials(&mut self) -> Result<Vec<(&'a str, Template)>, Error> {
        let partials = self.partials;
        partials
            .iter()
            .map(|(name, partial)| {
                Ok((
                    name.as_str(),
                    self.expand(name, partial, &partial.path, None)?,
                ))
            })
            .collect()
    }

    /// Inlines the calls in `template`, the file at `path`.
    pub fn template(&mut self, template: &mut Template, path: &str) -> Result<(), Error> {
        for index in 0..template.elements.len() {
            let call = match &template.elements[index] {
                TemplateElement::PartialExpression(call) => self
                    .inlinable(call)
                    .map(|(name, partial)| (name, partial, call.indent.clone())),
                _ => None,
            };
            if let Some((name, partial, indent)) = call {
                let at = template.mapping.get(index).map(|m| Location {
                    line: m.0,
                    column: m.1,
                });
                let body = self.expand(name, partial, path, at)?;
                let indentation = indent.filter(|indent| !indent.is_empty()).map(|indent| {
                    let standalone = index == 0
                        || matches!(&template.elements[index - 1],
                            TemplateElement::RawString(text)
                                if text.is_empty() || text.ends_with(['\n', '\r']));
                    (indent, standalone)
                });
                template.elements[index] = self.wrap(body, indentation);
                continue;
            }
            match &mut template.elements[index] {
                TemplateElement::HelperBlock(block) => {
                    for inner in [&mut block.template, &mut block.inverse]
                        .into_iter()
                        .flatten()
                    {
                        self.template(inner, path)?;
                    }
                }
                TemplateElement::PartialBlock(block) | TemplateElement::DecoratorBlock(block) => {
                    if let Some(inner) = &mut block.template {
                        self.template(inner, path)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The partial a call renders, when inlining it keeps its meaning.
    fn inlinable(
        &self,
        call: &handlebars::template::DecoratorTemplate,
    ) -> Option<(&'a str, &'a Partial)> {
        if !call.params.is_empty() || !call.hash.is_empty() {
            return None;
        }
        let partials = self.partials;
        let (name, partial) = partials.get_key_value(call.name.as_name()?)?;
        (partial.inlinable && !self.redefined.contains(name)).then_some((name.as_str(), partial))
    }

    /// `partial`'s body with its own calls inlined, expanded once and copied afterwards;
    /// `caller` and `at` say where the call is, for errors.
    fn expand(
        &mut self,
        name: &str,
        partial: &Partial,
        caller: &str,
        at: Option<Location>,
    ) -> Result<Template, Error> {
        if let Some(body) = self.expanded.get(name) {
            return Ok(body.clone());
        }
        let problem = |message: String| {
            let error = FileError::new(message);
            Error::file(
                caller,
                match at {
                    Some(at) => error.at(at),
                    None => error,
                },
            )
        };
        if let Some(start) = self.stack.iter().position(|open| open == name) {
            let mut chain = self.stack[start..].to_vec();
            chain.push(name.to_string());
            return Err(problem(format!(
                "partials include each other in a loop ({}): break the loop, or pass the \
                 recursive call a parameter so it ends",
                chain.join(" -> ")
            )));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(problem(format!(
                "partials nest more than {MAX_DEPTH} deep (from {} to {name}): flatten them",
                self.stack.first().map_or(name, String::as_str)
            )));
        }
        self.stack.push(name.to_string());
        let mut body = partial.template.clone();
        let result = self.template(&mut body, &partial.path);
        self.stack.pop();
        result?;
        self.expanded.insert(name.to_string(), body.clone());
        Ok(body)
    }

    /// The element rendering `body` in place; an indented call passes its indent, and
    /// whether it stands alone on its line, as the wrapper's parameters.
    fn wrap(&self, body: Template, indentation: Option<(String, bool)>) -> TemplateElement {
        let mut wrapper = self.wrapper.clone();
        if let TemplateElement::HelperBlock(block) = &mut wrapper {
            block.template = Some(body);
            if let Some((indent, standalone)) = indentation {
                block.params = vec![
                    Parameter::Literal(Value::String(indent)),
                    Parameter::Literal(Value::Bool(standalone)),
                ];
            }
        }
        wrapper
    }
}

/// Whether a partial means the same rendered in its caller as called: no decorators (an
/// `{{#*inline}}` would leak into the caller) and no `@partial-block` (it would see the
/// caller's).
fn self_contained(template: &Template) -> bool {
    template.elements.iter().all(|element| match element {
        TemplateElement::DecoratorExpression(_) | TemplateElement::DecoratorBlock(_) => false,
        TemplateElement::PartialExpression(call) | TemplateElement::PartialBlock(call) => {
            call.name.as_name() != Some("@partial-block")
                && call.template.as_ref().map_or(true, self_contained)
        }
        TemplateElement::HelperBlock(block) => [&block.template, &block.inverse]
            .into_iter()
            .flatten()
            .all(self_contained),
        _ => true,
    })
}

fn inline_definitions(template: &Template, names: &mut HashSet<String>) {
    for element in &template.elements {
        match element {
            TemplateElement::DecoratorBlock(block) | TemplateElement::PartialBlock(block) => {
                let defines = matches!(element, TemplateElement::DecoratorBlock(_))
                    && block.name.as_name() == Some("inline");
                if let (true, Some(Parameter::Literal(Value::String(name)))) =
                    (defines, block.params.first())
                {
                    names.insert(name.clone());
                }
                if let Some(inner) = &block.template {
                    inline_definitions(inner, names);
                }
            }
            TemplateElement::HelperBlock(block) => {
                for inner in [&block.template, &block.inverse].into_iter().flatten() {
                    inline_definitions(inner, names);
                }
            }
            _ => {}
        }
    }
}

/// Renders an inlined partial's body in the caller's context, as the template it came
/// from, so errors and handlebars' self-inclusion check see the partial's name; indented
/// as handlebars indents a called partial when the call was indented.
struct InlinedPartial;

impl HelperDef for InlinedPartial {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        registry: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let Some(body) = h.template() else {
            return Ok(());
        };
        let caller = rc.get_current_template_name();
        let result = match h.param(0).and_then(|indent| indent.value().as_str()) {
            Some(indent) => {
                let standalone = h
                    .param(1)
                    .is_some_and(|flag| flag.value() == &Value::Bool(true));
                body.render(
                    registry,
                    ctx,
                    rc,
                    &mut Indented::new(out, indent, standalone),
                )
            }
            None => body.render(registry, ctx, rc, out),
        };
        rc.set_current_template_name(caller);
        result
    }
}

pub fn register(registry: &mut Handlebars<'_>) {
    registry.register_helper(HELPER, Box::new(InlinedPartial));
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use serde_json::json;

    /// Partials compiled from their sources, by name.
    pub fn compiled(partials: &[(&str, &str)]) -> BTreeMap<String, Partial> {
        partials
            .iter()
            .map(|(name, source)| {
                let template = Template::compile_with_name(source, name.to_string()).unwrap();
                (
                    name.to_string(),
                    Partial::new(template, format!("{name}.hbs")),
                )
            })
            .collect()
    }

    /// Renders `layout` once with real partials (handlebars alone) and once inlined.
    pub fn both_ways(layout: &str, partials: &[(&str, &str)], data: &Value) -> (String, String) {
        let mut plain = Handlebars::new();
        for (name, source) in partials {
            plain.register_partial(name, source).unwrap();
        }
        let expected = plain.render_template(layout, data).unwrap();

        let compiled = compiled(partials);
        let mut layout = Template::compile_with_name(layout, "layout".to_string()).unwrap();
        let mut registry = Handlebars::new();
        register(&mut registry);
        let mut inliner = Inliner::new(&compiled, [&layout]);
        for (name, partial) in inliner.partials().unwrap() {
            registry.register_template(name, partial);
        }
        inliner.template(&mut layout, "layout.hbs").unwrap();
        registry.register_template("layout", layout);
        let actual = registry.render("layout", data).unwrap();
        (expected, actual)
    }

    fn same(layout: &str, partials: &[(&str, &str)], data: Value) -> String {
        let (expected, actual) = both_ways(layout, partials, &data);
        assert_eq!(actual, expected, "layout:\n{layout}");
        actual
    }

    fn calls(template: &Template) -> usize {
        template
            .elements
            .iter()
            .map(|element| match element {
                TemplateElement::PartialExpression(_) => 1,
                TemplateElement::HelperBlock(block) => [&block.template, &block.inverse]
                    .into_iter()
                    .flatten()
                    .map(calls)
                    .sum(),
                _ => 0,
            })
            .sum()
    }

    const HEAD: &str = "<head>\n  <title>{{title}}</title>\n  {{#if description}}<meta content=\"{{description}}\">{{/if}}\n</head>\n";
    const NAV: &str = "<nav>\n  <ul>\n    {{#each items}}\n    <li>{{> item}}</li>\n    {{/each}}\n  </ul>\n</nav>\n";
    const ITEM: &str = "<a href=\"/{{url}}/\">{{name}}</a>";

    fn data() -> Value {
        json!({
            "title": "T", "description": "D",
            "items": [{"url": "a", "name": "A"}, {"url": "b", "name": "B"}],
        })
    }

    #[test]
    fn inlined_partials_render_as_real_ones() {
        let partials = [("head", HEAD), ("nav", NAV), ("item", ITEM)];
        same(
            "<!doctype html>\n<html>\n{{> head}}\n<body>\n{{> nav}}\n</body>\n</html>\n",
            &partials,
            data(),
        );
        same("{{> head}}{{> nav}}", &partials, data());
        same(
            "<p>{{> item}}</p>\n{{#with items.[0]}}{{> item}}{{/with}}",
            &partials,
            data(),
        );
    }

    #[test]
    fn indented_standalone_partials_keep_their_indentation() {
        let partials = [("head", HEAD), ("nav", NAV), ("item", ITEM)];
        same(
            "<html>\n  {{> head}}\n  <body>\n    {{> nav}}\n  </body>\n</html>\n",
            &partials,
            data(),
        );
        let nested = [
            ("outer", "<div>\n  {{> inner}}\n</div>\n"),
            ("inner", "<p>\n  {{title}}\n</p>\n"),
        ];
        same("<main>\n    {{> outer}}\n</main>\n", &nested, data());
        same("\t{{> outer}}\n", &nested, data());
    }

    #[test]
    fn partials_inside_blocks_and_each() {
        let partials = [
            (
                "row",
                "<tr><td>{{@index}}</td><td>{{name}}</td><td>{{@root.title}}</td></tr>\n",
            ),
            ("cell", "  {{#if url}}\n  <i>{{url}}</i>\n  {{/if}}\n"),
        ];
        same(
            "<table>\n  {{#each items}}\n  {{> row}}\n  {{/each}}\n</table>\n",
            &partials,
            data(),
        );
        same(
            "{{#each items}}\n  {{> cell}}\n{{else}}\n  none\n{{/each}}\n",
            &partials,
            data(),
        );
        same(
            "{{#if missing}}{{else}}\n   {{> cell}}\n{{/if}}",
            &partials,
            json!({"url": "u"}),
        );
    }

    #[test]
    fn inline_and_unusual_positions() {
        let partials = [
            ("multi", "line one\nline two\n{{title}}\nend"),
            ("empty", ""),
            ("bare", "{{title}}"),
        ];
        same("<p> {{> multi}}</p>\n", &partials, data());
        same("  {{> multi}}\nafter\n", &partials, data());
        same("{{> multi}}", &partials, data());
        same("a\n  {{> empty}}\nb\n", &partials, data());
        same("a\n  {{> bare}}\nb\n", &partials, data());
        same("{{~> bare~}}  \n x", &partials, data());
    }

    #[test]
    fn calls_that_need_handlebars_stay_calls() {
        let partials = [
            ("card", "<b>{{title}}</b>{{> item}}"),
            ("item", ITEM),
            ("wrap", "<div>{{> @partial-block}}</div>"),
            ("nav", "file nav"),
        ];
        let out = same(
            "{{> card title=\"x\"}}|{{> card items.[0]}}|{{#> wrap}}in {{title}}{{/wrap}}|\
             {{#*inline \"nav\"}}inline nav{{/inline}}{{> nav}}",
            &partials,
            data(),
        );
        assert_eq!(
            out,
            "<b>x</b><a href=\"//\"></a>|<b></b><a href=\"/a/\">A</a>|<div>in T</div>|inline nav"
        );
    }

    fn inliner_for(partials: &[(&str, &str)]) -> BTreeMap<String, Partial> {
        partials
            .iter()
            .map(|(name, source)| {
                let template = Template::compile_with_name(source, name.to_string()).unwrap();
                (
                    name.to_string(),
                    Partial::new(template, format!("partials/{name}.hbs")),
                )
            })
            .collect()
    }

    #[test]
    fn no_call_without_parameters_is_left() {
        let partials = inliner_for(&[("head", HEAD), ("nav", NAV), ("item", ITEM)]);
        let mut inliner = Inliner::new(&partials, []);
        let mut layout =
            Template::compile("{{> head}}\n{{#each items}}{{#if x}}{{> nav}}{{/if}}{{/each}}")
                .unwrap();
        inliner.template(&mut layout, "layout.hbs").unwrap();
        assert_eq!(calls(&layout), 0);
        let mut with_hash = Template::compile("{{> head a=1}}").unwrap();
        inliner.template(&mut with_hash, "layout.hbs").unwrap();
        assert_eq!(calls(&with_hash), 1);
    }

    #[test]
    fn a_loop_is_an_error_naming_the_chain_and_the_call() {
        let partials = inliner_for(&[("a", "x\n{{> b}}"), ("b", "{{#if y}}{{> a}}{{/if}}")]);
        let error = Inliner::new(&partials, [])
            .partials()
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(
                "partials/b.hbs:1:10: partials include each other in a loop (a -> b -> a)"
            ),
            "{error}"
        );
        let partials = inliner_for(&[("c", "{{> c}}")]);
        let error = Inliner::new(&partials, [])
            .partials()
            .unwrap_err()
            .to_string();
        assert!(error.contains("(c -> c)"), "{error}");
    }

    #[test]
    fn nesting_has_a_limit() {
        let chain = |levels: usize| -> BTreeMap<String, Partial> {
            let sources: Vec<(String, String)> = (0..levels)
                .map(|level| {
                    (
                        format!("p{level:02}"),
                        format!("{{{{> p{:02}}}}}", level + 1),
                    )
                })
                .collect();
            let pairs: Vec<(&str, &str)> = sources
                .iter()
                .map(|(n, s)| (n.as_str(), s.as_str()))
                .collect();
            inliner_for(&pairs)
        };
        let deepest = chain(MAX_DEPTH);
        assert!(Inliner::new(&deepest, []).partials().is_ok());
        let too_deep = chain(MAX_DEPTH + 1);
        let error = Inliner::new(&too_deep, [])
            .partials()
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(&format!(
                "nest more than {MAX_DEPTH} deep (from p00 to p{MAX_DEPTH})"
            )),
            "{error}"
        );
    }
}
