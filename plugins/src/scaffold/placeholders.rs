//! Finding placeholders by walking handlebars' own parse of each file's contents and name
//! (and of template.yaml's conditions), so whatever handlebars would render is found, and
//! nothing that merely looks like braces is.
//!
//! `{{name}}` and a helper's arguments (`{{kebab name}}`) want text; `{{#if flag}}`,
//! `{{#unless flag}}` and `{{#flag}}` a yes/no; `{{#each items}}` a list. Inside `each` and
//! `with` blocks names belong to the item, unless they climb out (`../name`, `@root.name`).

use std::collections::HashMap;
use std::sync::Arc;

use handlebars::template::{Parameter, Template, TemplateElement};
use handlebars::{Path, PathSeg};
use indexmap::IndexMap;
use ironsmith_core::{Error, FileError, Files, Plugin, Site};
use rayon::prelude::*;

use super::engine::{self, BUILT_INS};
use super::names;
use super::Session;

pub const NAME: &str = "placeholders";

/// How a placeholder is used, from the least demanding: a list can be tested and shown, and
/// text can be tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Usage {
    Flag,
    Text,
    List,
}

/// Placeholders in the order first met, each with its most demanding use.
pub type Found = IndexMap<String, Usage>;

/// Adds the placeholders of `template` to `found`.
pub fn collect(template: &Template, found: &mut Found) {
    Walker { found }.template(template, 0);
}

/// Whether a template uses `{{{…}}}`, which a file name must not (its values must pass
/// through the escape that keeps `/` out).
fn has_raw_output(template: &Template) -> bool {
    template.elements.iter().any(|element| match element {
        TemplateElement::HtmlExpression(_) => true,
        TemplateElement::HelperBlock(helper) => {
            helper.template.as_ref().is_some_and(has_raw_output)
                || helper.inverse.as_ref().is_some_and(has_raw_output)
        }
        _ => false,
    })
}

struct Walker<'a> {
    found: &'a mut Found,
}

impl Walker<'_> {
    /// `depth` counts the `each`/`with` blocks around: how far `../` must climb to the top.
    fn template(&mut self, template: &Template, depth: usize) {
        for element in &template.elements {
            self.element(element, depth);
        }
    }

    fn element(&mut self, element: &TemplateElement, depth: usize) {
        match element {
            TemplateElement::Expression(helper) | TemplateElement::HtmlExpression(helper) => {
                self.helper(
                    &helper.name,
                    &helper.params,
                    helper.hash.values(),
                    false,
                    depth,
                );
            }
            TemplateElement::HelperBlock(helper) => {
                let name = helper.name.as_name().unwrap_or_default();
                self.helper(
                    &helper.name,
                    &helper.params,
                    helper.hash.values(),
                    true,
                    depth,
                );
                let inner = match name {
                    "each" | "with" => depth + 1,
                    _ => depth,
                };
                if let Some(body) = &helper.template {
                    self.template(body, inner);
                }
                if let Some(inverse) = &helper.inverse {
                    self.template(inverse, depth);
                }
            }
            TemplateElement::DecoratorExpression(decorator)
            | TemplateElement::DecoratorBlock(decorator)
            | TemplateElement::PartialExpression(decorator)
            | TemplateElement::PartialBlock(decorator) => {
                for param in decorator.params.iter().chain(decorator.hash.values()) {
                    self.param(param, Some(Usage::Text), depth);
                }
                if let Some(body) = &decorator.template {
                    self.template(body, depth);
                }
            }
            _ => {}
        }
    }

    fn helper<'p>(
        &mut self,
        name: &Parameter,
        params: &[Parameter],
        hash: impl Iterator<Item = &'p Parameter>,
        block: bool,
        depth: usize,
    ) {
        match name {
            Parameter::Path(path) if params.is_empty() => {
                let is_value = path_name(path, depth).is_some_and(|n| !engine::is_helper(&n));
                if is_value {
                    self.path(path, Usage::Text, depth);
                }
            }
            Parameter::Name(helper) if params.is_empty() && !block => {
                // `{{title}}`: a case helper without argument reads the value of its name.
                self.add(helper.clone(), Usage::Text);
            }
            Parameter::Name(helper) if block && !engine::is_helper(helper) => {
                // A Mustache section: `{{#flag}}…{{/flag}}`.
                self.add(helper.clone(), Usage::Flag);
            }
            Parameter::Subexpression(sub) => self.element(sub.as_element(), depth),
            _ => {}
        }
        let usage = match name.as_name() {
            Some("if" | "unless" | "and" | "or" | "not") => Some(Usage::Flag),
            Some("each") => Some(Usage::List),
            Some("with" | "lookup" | "log") => None,
            _ => Some(Usage::Text),
        };
        for param in params {
            self.param(param, usage, depth);
        }
        for param in hash {
            self.param(param, Some(Usage::Text), depth);
        }
    }

    fn param(&mut self, param: &Parameter, usage: Option<Usage>, depth: usize) {
        match param {
            Parameter::Path(path) => {
                if let Some(usage) = usage {
                    self.path(path, usage, depth);
                }
            }
            Parameter::Subexpression(sub) => self.element(sub.as_element(), depth),
            _ => {}
        }
    }

    fn path(&mut self, path: &Path, usage: Usage, depth: usize) {
        if let Some(name) = path_name(path, depth) {
            self.add(name, usage);
        }
    }

    fn add(&mut self, name: String, usage: Usage) {
        if BUILT_INS.contains(&name.as_str()) {
            return;
        }
        let entry = self.found.entry(name).or_insert(usage);
        *entry = (*entry).max(usage);
    }
}

/// The top-level name a path reads (`author.name` for `{{../author.name}}` one block
/// down), or `None` for the item of a block, `this` and `@index`-like locals.
fn path_name(path: &Path, depth: usize) -> Option<String> {
    let Path::Relative((segments, raw)) = path else {
        return None;
    };
    let from_root = raw.starts_with("@root");
    let climbs = raw.matches("../").count();
    if !from_root && climbs < depth {
        return None;
    }
    let names: Vec<&str> = segments
        .iter()
        .filter_map(|segment| match segment {
            PathSeg::Named(name) => Some(name.as_str()),
            _ => None,
        })
        .collect();
    (!names.is_empty()).then(|| names.join("."))
}

/// A file's compiled name and contents.
#[derive(Debug, Default)]
pub struct Compiled {
    /// By file key: only names and contents that hold a placeholder are compiled.
    pub names: HashMap<String, Template>,
    pub contents: HashMap<String, Template>,
}

/// Compiles every name and text file (but `copy_without_render` matches) once, and lists
/// the placeholders they use.
#[derive(Debug)]
pub struct FindPlaceholders {
    pub(super) session: Arc<Session>,
}

impl Plugin for FindPlaceholders {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, _site: &mut Site) -> Result<(), Error> {
        let mut state = self.session.state();
        let verbatim = state.spec.spec.copy_without_render.clone();
        type Parsed = (String, Option<Template>, Option<Template>);
        let results: Vec<Result<Parsed, Error>> = files
            .par_iter()
            .map(|(key, file)| {
                let shown = file.display_path(key);
                let name = compile_name(key).map_err(|e| Error::file(shown.clone(), e))?;
                let render = !verbatim.as_ref().is_some_and(|p| p.is_match(key));
                let contents = match file.text() {
                    Some(text) if render && text.contains("{{") => Some(
                        Template::compile(text)
                            .map_err(|e| Error::file(shown, engine::syntax_error(&e)))?,
                    ),
                    _ => None,
                };
                Ok((key.clone(), name, contents))
            })
            .collect();
        let mut errors = Vec::new();
        let mut compiled = Compiled::default();
        let mut found = Found::new();
        for result in results {
            match result {
                Ok((key, name, contents)) => {
                    if let Some(name) = name {
                        collect(&name, &mut found);
                        compiled.names.insert(key.clone(), name);
                    }
                    if let Some(contents) = contents {
                        collect(&contents, &mut found);
                        compiled.contents.insert(key, contents);
                    }
                }
                Err(error) => errors.push(error),
            }
        }
        if let Some(error) = Error::from_many(errors) {
            return Err(error);
        }
        let spec = &state.spec;
        let conditions = spec.when.values().chain(spec.defaults.values());
        for condition in conditions.chain(spec.conditional.iter().map(|c| &c.condition)) {
            collect(condition, &mut found);
        }
        state.found = found;
        state.compiled = compiled;
        Ok(())
    }
}

/// A file's path as a template, with blocks left open closed at its end; `None` when it
/// holds no placeholder.
fn compile_name(key: &str) -> Result<Option<Template>, FileError> {
    if !key.contains("{{") {
        return Ok(None);
    }
    let source = names::close_open_blocks(key);
    let template = Template::compile(&source)
        .map_err(|e| FileError::new(format!("the file name {key:?}: {}", e.reason())))?;
    if has_raw_output(&template) {
        return Err(FileError::new(format!(
            "the file name {key:?} uses `{{{{{{…}}}}}}`: write `{{{{…}}}}` (names are never escaped)"
        )));
    }
    Ok(Some(template))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(source: &str) -> Vec<(String, Usage)> {
        let mut found = Found::new();
        collect(&Template::compile(source).unwrap(), &mut found);
        found.into_iter().collect()
    }

    fn names(list: &[(&str, Usage)]) -> Vec<(String, Usage)> {
        list.iter().map(|(n, u)| (n.to_string(), *u)).collect()
    }

    #[test]
    fn expressions_and_helper_arguments_want_text() {
        assert_eq!(
            found("{{name}} {{kebab title}} {{{html}}} {{lower (upper shout)}}"),
            names(&[
                ("name", Usage::Text),
                ("title", Usage::Text),
                ("html", Usage::Text),
                ("shout", Usage::Text)
            ])
        );
    }

    #[test]
    fn conditions_want_yes_or_no_and_text_wins() {
        assert_eq!(
            found("{{#if ci}}a{{else if docker}}b{{/if}}{{#unless x}}{{/unless}}{{#flag}}y{{/flag}}{{#if name}}{{name}}{{/if}}"),
            names(&[
                ("ci", Usage::Flag),
                ("docker", Usage::Flag),
                ("x", Usage::Flag),
                ("flag", Usage::Flag),
                ("name", Usage::Text)
            ])
        );
        assert_eq!(
            found(r#"{{#if (eq license "MIT")}}{{/if}}{{#if (and a b)}}{{/if}}"#),
            names(&[
                ("license", Usage::Text),
                ("a", Usage::Flag),
                ("b", Usage::Flag)
            ])
        );
    }

    #[test]
    fn block_items_are_not_placeholders_unless_they_climb_out() {
        assert_eq!(
            found(
                "{{#each langs}}{{this}} {{name}} {{@index}} {{../owner}} {{@root.site}}{{/each}}"
            ),
            names(&[
                ("langs", Usage::List),
                ("owner", Usage::Text),
                ("site", Usage::Text)
            ])
        );
        assert_eq!(found("{{#with author}}{{name}}{{/with}}"), Vec::new());
    }

    #[test]
    fn built_ins_and_helpers_ask_nothing() {
        assert_eq!(
            found("{{year}} {{date}} {{dest_name}} {{author.name}} {{title}}"),
            names(&[("author.name", Usage::Text), ("title", Usage::Text)])
        );
    }

    #[test]
    fn names_are_compiled_with_open_blocks_closed() {
        let template = compile_name("{{#if ci}}.github/workflows/{{name}}.yml")
            .unwrap()
            .unwrap();
        let mut found = Found::new();
        collect(&template, &mut found);
        assert_eq!(found.keys().collect::<Vec<_>>(), ["ci", "name"]);
        assert!(compile_name("plain/file.txt").unwrap().is_none());
        let error = compile_name("{{{name}}}.txt").unwrap_err();
        assert!(error.message.contains("{{{…}}}"), "{}", error.message);
    }
}
