//! Applies a command's changes to the files and the site, in the order it wrote them.

use std::collections::{BTreeMap, HashMap};

use ironsmith_core::{check_output_path, Error, File, Files, Metadata, Moves};

use super::protocol::Change;

/// A change and the line of the answer it came from.
pub type Numbered = (usize, Change);

/// Applies every change; each failure names its line (with `source`, such as the
/// command), and all of them are reported together. On failure the files are left
/// half-changed: the build stops there and writes nothing. Returns the files renamed
/// (`(from, to)`, after any chain of renames), for lists that refer to them by path.
pub fn apply(
    changes: Vec<Numbered>,
    files: &mut Files,
    global: &mut Metadata,
    source: &str,
) -> Result<Moves, Error> {
    if changes.is_empty() {
        return Ok(Moves::new());
    }
    let mut slots = Slots::new(std::mem::take(files));
    let mut errors = Vec::new();
    for (line, change) in changes {
        if let Err(message) = slots.apply(change, global) {
            errors.push(Error::Message(format!("{source} line {line}: {message}")));
        }
    }
    let moves = slots.moves();
    *files = slots.into_files();
    match Error::from_many(errors) {
        Some(error) => Err(error),
        None => Ok(moves),
    }
}

/// The files in their order, where removing and renaming cost O(1): a removed file
/// leaves an empty slot, a renamed one changes its key in place.
struct Slots {
    entries: Vec<(String, Option<File>)>,
    at: HashMap<String, usize>,
    /// How many files there were before the changes: later slots hold added files.
    sent: usize,
    /// The path each renamed file was sent under, by slot.
    sent_as: BTreeMap<usize, String>,
}

impl Slots {
    fn new(files: Files) -> Self {
        let entries: Vec<(String, Option<File>)> = files
            .into_iter()
            .map(|(key, file)| (key, Some(file)))
            .collect();
        let at = entries
            .iter()
            .enumerate()
            .map(|(index, (key, _))| (key.clone(), index))
            .collect();
        Slots {
            sent: entries.len(),
            entries,
            at,
            sent_as: BTreeMap::new(),
        }
    }

    /// Files sent under one path and kept under another, in slot order.
    fn moves(&self) -> Moves {
        self.sent_as
            .iter()
            .filter_map(|(&index, from)| match &self.entries[index] {
                (to, Some(_)) if to != from => Some((from.clone(), to.clone())),
                _ => None,
            })
            .collect()
    }

    fn into_files(self) -> Files {
        self.entries
            .into_iter()
            .filter_map(|(key, file)| Some((key, file?)))
            .collect()
    }

    fn file(&mut self, path: &str) -> Result<&mut File, String> {
        self.at
            .get(path)
            .and_then(|&index| self.entries[index].1.as_mut())
            .ok_or_else(|| format!("there is no file `{path}` (paths are the ones ironsmith sent, after earlier renames)"))
    }

    fn free(&self, path: &str) -> Result<(), String> {
        check_output_path(path)?;
        match self.at.contains_key(path) {
            true => Err(format!("a file `{path}` exists already")),
            false => Ok(()),
        }
    }

    fn apply(&mut self, change: Change, global: &mut Metadata) -> Result<(), String> {
        match change {
            Change::Set { path, metadata } => self.file(&path)?.metadata.extend(metadata),
            Change::Delete { path, keys } => {
                let file = self.file(&path)?;
                for key in keys {
                    file.metadata.shift_remove(&key);
                }
            }
            Change::Contents {
                path,
                contents,
                encoding,
            } => {
                let bytes = encoding.decode(contents)?;
                self.file(&path)?.contents = bytes;
            }
            Change::Add {
                path,
                contents,
                encoding,
                metadata,
            } => {
                self.free(&path)
                    .map_err(|e| format!("cannot add `{path}`: {e}"))?;
                let mut file = File::new(encoding.decode(contents)?);
                file.metadata = metadata;
                self.at.insert(path.clone(), self.entries.len());
                self.entries.push((path, Some(file)));
            }
            Change::Rename { path, to } => {
                self.file(&path)?;
                self.free(&to)
                    .map_err(|e| format!("cannot rename `{path}` to `{to}`: {e}"))?;
                if let Some(index) = self.at.remove(&path) {
                    self.at.insert(to.clone(), index);
                    if index < self.sent {
                        self.sent_as.entry(index).or_insert(path);
                    }
                    self.entries[index].0 = to;
                }
            }
            Change::Remove { path } => {
                self.file(&path)?;
                if let Some(index) = self.at.remove(&path) {
                    self.entries[index].1 = None;
                }
            }
            Change::SetGlobal { metadata } => global.extend(metadata),
            Change::DeleteGlobal { keys } => {
                for key in keys {
                    global.shift_remove(&key);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::protocol::parse_change;
    use serde_json::{json, Value};

    fn files() -> Files {
        ["a.html", "b.html", "c.png"]
            .into_iter()
            .map(|path| {
                let mut file = File::new(path);
                file.metadata.insert("title".into(), json!(path));
                file.metadata.insert("draft".into(), json!(false));
                (path.to_string(), file)
            })
            .collect()
    }

    fn run(lines: &[Value], files: &mut Files, global: &mut Metadata) -> Result<Moves, Error> {
        let changes = lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let change = parse_change(line.to_string().as_bytes()).unwrap().unwrap();
                (i + 1, change)
            })
            .collect();
        apply(changes, files, global, "`cmd` output")
    }

    #[test]
    fn applies_every_change_in_order_keeping_the_files_order() {
        let mut map = files();
        let mut global = Metadata::new();
        global.insert("old".into(), json!(1));
        run(
            &[
                json!({"op": "set", "path": "a.html", "metadata": {"words": 3, "title": "A"}}),
                json!({"op": "delete", "path": "a.html", "keys": ["draft", "absent"]}),
                json!({"op": "contents", "path": "c.png", "contents": "iVBO", "encoding": "base64"}),
                json!({"op": "add", "path": "new/x.txt", "contents": "hi", "metadata": {"k": true}}),
                json!({"op": "rename", "path": "a.html", "to": "z/a.html"}),
                json!({"op": "set", "path": "z/a.html", "metadata": {"moved": true}}),
                json!({"op": "remove", "path": "b.html"}),
                json!({"op": "add", "path": "b.html", "contents": "again"}),
                json!({"op": "setGlobal", "metadata": {"total": 9}}),
                json!({"op": "deleteGlobal", "keys": ["old"]}),
            ],
            &mut map,
            &mut global,
        )
        .unwrap();
        let keys: Vec<_> = map.keys().map(String::as_str).collect();
        assert_eq!(keys, ["z/a.html", "c.png", "new/x.txt", "b.html"]);
        assert_eq!(
            Value::Object(map["z/a.html"].metadata.clone()),
            json!({"title": "A", "words": 3, "moved": true})
        );
        assert_eq!(map["z/a.html"].contents, b"a.html");
        assert_eq!(map["c.png"].contents, [0x89, 0x50, 0x4e]);
        assert_eq!(map["new/x.txt"].contents, b"hi");
        assert_eq!(map["new/x.txt"].metadata["k"], json!(true));
        assert_eq!(map["b.html"].contents, b"again");
        assert_eq!(Value::Object(global), json!({"total": 9}));
    }

    #[test]
    fn every_bad_change_is_reported_with_its_line() {
        let mut map = files();
        let error = run(
            &[
                json!({"op": "set", "path": "gone.html", "metadata": {}}),
                json!({"op": "add", "path": "../evil.html"}),
                json!({"op": "add", "path": "a.html"}),
                json!({"op": "rename", "path": "a.html", "to": "/etc/x"}),
                json!({"op": "rename", "path": "a.html", "to": "b.html"}),
                json!({"op": "remove", "path": "b.html"}),
                json!({"op": "remove", "path": "b.html"}),
                json!({"op": "contents", "path": "a.html", "contents": "!", "encoding": "base64"}),
            ],
            &mut map,
            &mut Metadata::new(),
        )
        .unwrap_err();
        let lines = error.lines();
        let expected = [
            "`cmd` output line 1: there is no file `gone.html`",
            "`cmd` output line 2: cannot add `../evil.html`: output path `../evil.html` contains `..`",
            "`cmd` output line 3: cannot add `a.html`: a file `a.html` exists already",
            "`cmd` output line 4: cannot rename `a.html` to `/etc/x`: output path `/etc/x` is absolute",
            "`cmd` output line 5: cannot rename `a.html` to `b.html`: a file `b.html` exists already",
            "`cmd` output line 7: there is no file `b.html`",
            "`cmd` output line 8: `contents` is not valid base64",
        ];
        assert_eq!(lines.len(), expected.len(), "{lines:#?}");
        for (line, wanted) in lines.iter().zip(expected) {
            assert!(
                line.starts_with(wanted),
                "{line}\n does not start with\n{wanted}"
            );
        }
    }

    #[test]
    fn renames_of_sent_files_come_back_as_moves() {
        let mut map = files();
        let moves = run(
            &[
                json!({"op": "rename", "path": "a.html", "to": "x.html"}),
                json!({"op": "rename", "path": "x.html", "to": "y/a.html"}),
                json!({"op": "rename", "path": "b.html", "to": "gone.html"}),
                json!({"op": "remove", "path": "gone.html"}),
                json!({"op": "rename", "path": "c.png", "to": "d.png"}),
                json!({"op": "rename", "path": "d.png", "to": "c.png"}),
                json!({"op": "add", "path": "new.txt", "contents": "hi"}),
                json!({"op": "rename", "path": "new.txt", "to": "newer.txt"}),
            ],
            &mut map,
            &mut Metadata::new(),
        )
        .unwrap();
        assert_eq!(moves, [("a.html".to_string(), "y/a.html".to_string())]);
    }

    #[test]
    fn no_changes_leave_the_files_alone() {
        let mut map = files();
        apply(Vec::new(), &mut map, &mut Metadata::new(), "x").unwrap();
        assert_eq!(map, files());
    }
}
