//! The data a page renders with, without copying the site's data for each page.
//!
//! handlebars reads one JSON map, so a page's keys and the site-wide keys (`site`,
//! `collections`, ...) must sit in one top-level map. Each worker thread renders from its
//! own such map for the whole run; for each page the page's keys and `contents` are moved
//! in, the page renders, and they are moved back out, putting back any site-wide value a
//! page key hid. A page costs its own size, never the site's.
//!
//! When every layout renders from a page's layers instead (see `direct`), a thread makes
//! its context only if a page needs one, as a copy of the site's data.

use std::sync::{Mutex, MutexGuard, PoisonError};

use handlebars::Context;
use ironsmith_core::{File, Metadata};
use rayon::prelude::*;
use serde_json::{Map, Value};

/// The key a page's text is rendered under, as in Metalsmith.
pub const CONTENTS: &str = "contents";

/// One render context per worker thread.
#[derive(Debug)]
pub struct Contexts<'g> {
    /// The site's data, when contexts are made on demand; `None` when the first context
    /// holds the data itself.
    on_demand: Option<&'g Metadata>,
    slots: Vec<Mutex<Option<Context>>>,
}

impl Contexts<'static> {
    /// Contexts for `threads` worker threads: the first holds `global` itself, the others
    /// copies of it, made in parallel before any page renders (a thread cannot copy the map
    /// while another renders from it).
    pub fn new(global: Metadata, threads: usize) -> Self {
        let copies: Vec<Mutex<Option<Context>>> = (1..threads.max(1))
            .into_par_iter()
            .map(|_| Mutex::new(Some(Context::from(Value::Object(copy_map(&global))))))
            .collect();
        let mut slots = Vec::with_capacity(copies.len() + 1);
        slots.push(Mutex::new(Some(Context::from(Value::Object(global)))));
        slots.extend(copies);
        Contexts {
            on_demand: None,
            slots,
        }
    }
}

impl<'g> Contexts<'g> {
    /// Contexts for `threads` worker threads, each a copy of `global` made the first time
    /// its thread renders a page with one.
    pub fn on_demand(global: &'g Metadata, threads: usize) -> Self {
        Contexts {
            on_demand: Some(global),
            slots: (0..threads.max(1)).map(|_| Mutex::new(None)).collect(),
        }
    }

    /// The site's data, when pages render from their layers and contexts are made on
    /// demand.
    pub fn global(&self) -> Option<&'g Metadata> {
        self.on_demand
    }

    /// Runs `render` with a context holding the global metadata, `file`'s metadata and
    /// `contents`; `file.metadata` is whole again afterwards, and `contents` is handed back.
    pub fn with_page<R>(
        &self,
        file: &mut File,
        contents: String,
        render: impl FnOnce(&Context) -> R,
    ) -> (R, String) {
        let mut slot = self.slot();
        let context = slot.get_or_insert_with(|| {
            Context::from(Value::Object(
                self.on_demand.map(copy_map).unwrap_or_default(),
            ))
        });
        let page = std::mem::take(&mut file.metadata);
        let mut moved = Vec::with_capacity(page.len() + 1);
        {
            let map = top_level(context);
            for (key, value) in page {
                moved.push(enter(map, key, value));
            }
            moved.push(enter(map, CONTENTS.to_string(), Value::String(contents)));
        }
        let result = render(context);

        let map = top_level(context);
        let mut contents = String::new();
        if let Some((key, hidden)) = moved.pop() {
            if let Value::String(text) = leave(map, &key, hidden) {
                contents = text;
            }
        }
        let mut restored: Vec<(String, Value)> = Vec::with_capacity(moved.len());
        while let Some((key, hidden)) = moved.pop() {
            let value = leave(map, &key, hidden);
            restored.push((key, value));
        }
        file.metadata = restored.into_iter().rev().collect();
        (result, contents)
    }

    /// The global metadata, when [`Contexts::new`] was given it. The copies are freed on a
    /// thread of their own: freeing a site's worth of small values takes about as long as
    /// copying them, and nothing in the build needs to wait for it.
    pub fn finish(self) -> Option<Metadata> {
        let mut contexts = self
            .slots
            .into_iter()
            .filter_map(|slot| slot.into_inner().unwrap_or_else(PoisonError::into_inner));
        let global = match self.on_demand {
            Some(_) => None,
            None => contexts
                .next()
                .map(|mut context| match context.data_mut().take() {
                    Value::Object(map) => map,
                    _ => Metadata::new(),
                }),
        };
        let copies: Vec<Context> = contexts.collect();
        if !copies.is_empty() {
            // The thread runs detached; if it cannot start, the copies are freed right here.
            let _ = std::thread::Builder::new()
                .name("ironsmith-layouts-free".into())
                .spawn(move || drop(copies));
        }
        global
    }

    /// This thread's context. Any thread may land on any slot (a pool other than the one
    /// counted, or more threads than slots), which costs waiting, never correctness.
    fn slot(&self) -> MutexGuard<'_, Option<Context>> {
        let index = rayon::current_thread_index().unwrap_or(0) % self.slots.len();
        // A render that panicked leaves its page's keys behind; the panic fails the build,
        // so the other pages rendered meanwhile are never written.
        self.slots[index]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    #[cfg(test)]
    pub fn threads(&self) -> usize {
        self.slots.len()
    }
}

/// Lists at least this long are copied by several threads.
const PARALLEL_COPY: usize = 1024;

/// A deep copy that shares long lists (a site's collections) out across threads: rendering
/// waits for it, and one thread alone would leave the others idle.
fn copy_map(map: &Metadata) -> Metadata {
    map.iter()
        .map(|(key, value)| (key.clone(), copy(value)))
        .collect()
}

fn copy(value: &Value) -> Value {
    match value {
        Value::Array(items) if items.len() >= PARALLEL_COPY => Value::Array(
            items
                .par_iter()
                .with_min_len(PARALLEL_COPY / 4)
                .cloned()
                .collect(),
        ),
        Value::Object(map) => Value::Object(copy_map(map)),
        other => other.clone(),
    }
}

/// The context's map; it is built from a map and only ever changed key by key.
fn top_level(context: &mut Context) -> &mut Map<String, Value> {
    match context.data_mut() {
        Value::Object(map) => map,
        _ => unreachable!("render contexts are built from a map"),
    }
}

/// Puts a page's key in, returning what it hid, to put back by [`leave`].
fn enter(map: &mut Map<String, Value>, key: String, value: Value) -> (String, Option<Value>) {
    match map.get_mut(&key) {
        Some(slot) => {
            let hidden = std::mem::replace(slot, value);
            (key, Some(hidden))
        }
        None => {
            map.insert(key.clone(), value);
            (key, None)
        }
    }
}

/// Takes a page's key out, the reverse of [`enter`]; keys leave in reverse order, so an
/// added key is always the last one and the map keeps its order.
fn leave(map: &mut Map<String, Value>, key: &str, hidden: Option<Value>) -> Value {
    let value = match hidden {
        Some(hidden) => map.get_mut(key).map(|slot| std::mem::replace(slot, hidden)),
        None => map.shift_remove(key),
    };
    value.unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn metadata(value: Value) -> Metadata {
        match value {
            Value::Object(map) => map,
            _ => panic!("a map"),
        }
    }

    #[test]
    fn page_keys_come_and_go_and_hidden_globals_come_back() {
        let global = metadata(json!({"site": {"title": "S"}, "title": "global title", "n": 1}));
        let contexts = Contexts::new(global.clone(), 1);
        let mut file = File::new("ignored");
        file.metadata = metadata(json!({"title": "page title", "tags": ["a"], "contents": "own"}));
        let (seen, contents) = contexts.with_page(&mut file, "<p>hi</p>".into(), |context| {
            context.data().clone()
        });
        assert_eq!(seen["title"], "page title");
        assert_eq!(seen["site"]["title"], "S");
        assert_eq!(seen["contents"], "<p>hi</p>");
        assert_eq!(seen["tags"][0], "a");
        assert_eq!(contents, "<p>hi</p>");
        let keys: Vec<_> = file.metadata.keys().collect();
        assert_eq!(keys, ["title", "tags", "contents"]);
        assert_eq!(file.metadata["contents"], "own");

        let mut next = File::new("");
        let (seen, _) =
            contexts.with_page(&mut next, String::new(), |context| context.data().clone());
        assert_eq!(seen["title"], "global title");
        assert!(seen.get("tags").is_none());
        let keys: Vec<_> = seen.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["site", "title", "n", "contents"]);
        assert!(next.metadata.is_empty());

        let back = contexts.finish().unwrap();
        assert_eq!(back, global);
        assert!(back.keys().eq(global.keys()));
    }

    #[test]
    fn on_demand_a_thread_copies_the_global_data_only_for_a_page_that_needs_it() {
        let global = metadata(json!({"site": {"title": "S"}, "title": "global title"}));
        let contexts = Contexts::on_demand(&global, 2);
        assert_eq!(contexts.global(), Some(&global));
        assert!(contexts
            .slots
            .iter()
            .all(|slot| slot.lock().unwrap().is_none()));
        let mut file = File::new("");
        file.metadata = metadata(json!({"title": "page title"}));
        let (seen, _) =
            contexts.with_page(&mut file, "text".into(), |context| context.data().clone());
        assert_eq!(seen["title"], "page title");
        assert_eq!(seen["site"]["title"], "S");
        assert_eq!(file.metadata["title"], "page title");
        let made = contexts
            .slots
            .iter()
            .filter(|slot| slot.lock().unwrap().is_some())
            .count();
        assert_eq!(made, 1);
        assert_eq!(contexts.finish(), None);
        assert_eq!(global["title"], "global title");
    }

    #[test]
    fn the_global_data_serves_one_thread_and_is_copied_once_per_other_thread() {
        let posts: Vec<Value> = (0..20_000)
            .map(|i| json!({"title": format!("post {i}")}))
            .collect();
        let global = metadata(json!({"collections": {"posts": posts}, "title": "site"}));
        let threads = rayon::current_num_threads();
        let contexts = Contexts::new(global.clone(), threads);
        assert_eq!(contexts.threads(), threads);
        let mut files: Vec<File> = (0..2_000)
            .map(|i| {
                let mut file = File::new("");
                file.metadata
                    .insert("title".into(), json!(format!("page {i}")));
                file
            })
            .collect();
        files.par_iter_mut().enumerate().for_each(|(i, file)| {
            let (title, _) = contexts.with_page(file, "body".into(), |context| {
                assert_eq!(
                    context.data()["collections"]["posts"]
                        .as_array()
                        .map(Vec::len),
                    Some(20_000)
                );
                context.data()["title"].clone()
            });
            assert_eq!(title, json!(format!("page {i}")));
        });
        assert!(files.iter().all(|file| file.metadata.len() == 1));
        assert_eq!(contexts.finish(), Some(global));
    }
}
