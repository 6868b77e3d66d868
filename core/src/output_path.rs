//! Checks that keep every output inside the destination.
//!
//! Paths in the file map come from file names, but also from front matter, permalinks and
//! templates: untrusted text. Each one is checked before anything is written.

/// Why a path cannot be written.
pub fn check(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("the output path is empty".into());
    }
    if path.contains('\0') {
        return Err("the output path contains a NUL byte".into());
    }
    if path.contains('\\') {
        return Err(format!(
            "output path `{path}` contains `\\`: use `/` to separate folders"
        ));
    }
    if path.starts_with('/') || has_drive_prefix(path) {
        return Err(format!(
            "output path `{path}` is absolute: it must be relative to the destination"
        ));
    }
    for segment in path.split('/') {
        match segment {
            "" => {
                return Err(format!(
                    "output path `{path}` has an empty segment (`//` or a trailing `/`)"
                ))
            }
            "." | ".." => {
                return Err(format!(
                    "output path `{path}` contains `{segment}`: it would leave its folder"
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

fn has_drive_prefix(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn accepts_ordinary_relative_paths() {
        assert!(check("index.html").is_ok());
        assert!(check("posts/hello-world/index.html").is_ok());
        assert!(check(".well-known/security.txt").is_ok());
    }

    #[test]
    fn refuses_paths_that_could_leave_the_destination() {
        for bad in [
            "",
            "../x",
            "a/../../b",
            "/etc/passwd",
            "a/./b",
            "a//b",
            "a/",
            "a\\..\\b",
            "C:/x",
            "a\0b",
        ] {
            assert!(check(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
