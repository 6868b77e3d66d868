//! Dotted key paths (`author.name`) into metadata, as plugin options name them.

use serde_json::{Map, Value};

/// The value at `a.b.c`, if every step exists.
pub fn get<'a>(metadata: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut value = metadata.get(parts.next()?)?;
    for part in parts {
        value = value.get(part)?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn follows_each_step() {
        let Value::Object(map) = json!({"author": {"name": "Ada"}, "n": 1}) else {
            unreachable!()
        };
        assert_eq!(get(&map, "author.name"), Some(&json!("Ada")));
        assert_eq!(get(&map, "n"), Some(&json!(1)));
        assert_eq!(get(&map, "author.email"), None);
        assert_eq!(get(&map, "n.x"), None);
    }
}
