//! Rendering file contents, strictly: a name without a value is an error naming the file
//! and line. Binary files, and text matching `copy_without_render`, were never compiled and
//! pass through byte for byte.

use std::sync::Arc;

use handlebars::Context;
use ironsmith_core::{for_each_file, Error, Files, Pattern, Plugin, Site};

use super::engine;
use super::Session;

pub const NAME: &str = "render";

#[derive(Debug)]
pub struct RenderContents {
    pub(super) session: Arc<Session>,
}

impl Plugin for RenderContents {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, files: &mut Files, _site: &mut Site) -> Result<(), Error> {
        let (templates, context) = {
            let mut state = self.session.state();
            (
                std::mem::take(&mut state.compiled.contents),
                state.context.clone(),
            )
        };
        let context = Context::wraps(&context)
            .map_err(|e| Error::Message(format!("cannot use the answers: {e}")))?;
        let registry = &self.session.engine.contents;
        let every = Pattern::new(&["**"]).map_err(Error::Message)?;
        for_each_file(files, &every, |key, file| {
            if let Some(template) = templates.get(key.as_str()) {
                let text = engine::render(template, registry, &context)
                    .map_err(|e| engine::render_error(&e))?;
                file.contents = text.into_bytes();
            }
            Ok(())
        })
    }
}
