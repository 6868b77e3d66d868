//! Templates from git, cloned with the `git` command into a private temporary folder that
//! is removed when the command ends, whether it succeeded or not.

use std::io::IsTerminal;
use std::path::Path;
use std::process::Command;
use std::sync::Once;

use anyhow::{anyhow, bail, Result};

/// Whether `source` is a URL git understands (or `user@host:path`), rather than a path.
pub fn is_url(source: &str) -> bool {
    const SCHEMES: [&str; 5] = ["https://", "http://", "ssh://", "git://", "file://"];
    if SCHEMES.iter().any(|scheme| source.starts_with(scheme)) {
        return true;
    }
    // scp-like: `git@github.com:owner/repo.git`, where a `/` never comes before the `:`.
    match (source.find('@'), source.find(':'), source.find('/')) {
        (Some(at), Some(colon), slash) => at < colon && slash.map_or(true, |slash| colon < slash),
        _ => false,
    }
}

/// Whether `path` is a bare repository (a `HEAD` file beside `objects/` and `refs/`).
pub fn is_bare_repository(path: &Path) -> bool {
    path.join("HEAD").is_file() && path.join("objects").is_dir() && path.join("refs").is_dir()
}

/// Clones `url` at `reference` (a branch, a tag or a commit id) into `into`, which must not
/// exist.
///
/// A branch or tag is cloned alone, one commit deep. A commit id cannot be asked for that
/// way, so a reference that could be one (7 to 64 hex digits) that is no branch or tag
/// costs a whole clone, then a checkout of that commit: templates are small.
pub fn clone(url: &str, reference: Option<&str>, into: &Path) -> Result<()> {
    outlive_interrupts();
    let at = reference.map(|r| format!(" at `{r}`")).unwrap_or_default();
    let mut shallow = git();
    shallow.args(["clone", "--quiet", "--depth", "1"]);
    if let Some(reference) = reference {
        shallow.args(["--branch", reference]);
    }
    let Err(not_a_branch) = run(shallow.arg("--").arg(url).arg(into)) else {
        return Ok(());
    };
    // Only a reference the repository lacks as a branch or tag may be a commit: any other
    // failure (no network, no access, no repository) would only fail again, slower.
    let Some(commit) = reference
        .filter(|reference| could_be_commit(reference))
        .filter(|_| not_a_branch.contains("not found in upstream"))
    else {
        bail!("cannot clone {url}{at}: {not_a_branch}");
    };
    let _ = std::fs::remove_dir_all(into);
    let mut whole = git();
    whole.args(["clone", "--quiet", "--no-checkout", "--"]);
    run(whole.arg(url).arg(into)).map_err(|reason| anyhow!("cannot clone {url}{at}: {reason}"))?;
    let mut checkout = git();
    checkout.arg("-C").arg(into).args([
        "-c",
        "advice.detachedHead=false",
        "checkout",
        "--quiet",
        "--detach",
        &format!("{commit}^{{commit}}"),
        "--",
    ]);
    run(&mut checkout).map_err(|reason| {
        anyhow!(
            "cannot clone {url}{at}: no branch, tag or commit `{commit}` in the repository ({reason})"
        )
    })
}

/// Whether `reference` may name a commit by its id, in full or abbreviated.
fn could_be_commit(reference: &str) -> bool {
    (7..=64).contains(&reference.len()) && reference.bytes().all(|b| b.is_ascii_hexdigit())
}

fn git() -> Command {
    let mut command = Command::new("git");
    if !std::io::stdin().is_terminal() {
        // No one could type a password: fail rather than wait.
        command.env("GIT_TERMINAL_PROMPT", "0");
    }
    command
}

/// Runs a git command; on failure, what it printed, on one line.
fn run(command: &mut Command) -> std::result::Result<(), String> {
    let output = command.output().map_err(|_| {
        "cannot run `git`, needed for a template from git: install git, or give a folder"
            .to_string()
    })?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let reason = stderr
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.contains("--depth is ignored"))
        .collect::<Vec<_>>()
        .join("; ");
    match reason.is_empty() {
        true => Err(format!("git stopped ({})", output.status)),
        false => Err(reason),
    }
}

/// Ctrl-C reaches git and ironsmith alike. Without a handler ironsmith would die at once,
/// leaving the half-made clone behind; with one, git stops, the clone fails, and the
/// temporary folder is removed as the error returns. What follows a clone is quick and
/// writes atomically, so ignoring a later Ctrl-C costs nothing.
fn outlive_interrupts() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        // Refused only when a handler exists already, which then does the same job.
        let _ = ctrlc::set_handler(|| {});
    });
}

/// A URL as the answers file records it: without a password.
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}@{host}{}", &rest[authority_end..])
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_paths_are_told_apart() {
        for url in [
            "https://github.com/o/r.git",
            "file:///tmp/repo.git",
            "ssh://git@host/r",
            "git@github.com:o/r.git",
        ] {
            assert!(is_url(url), "{url}");
        }
        for path in ["./blog", "/tmp/t", "blog", "templates/a@b:c", "C:/x"] {
            assert!(!is_url(path), "{path}");
        }
    }

    #[test]
    fn passwords_are_not_recorded() {
        assert_eq!(
            without_password("https://ann:token@example.com/r.git"),
            "https://ann@example.com/r.git"
        );
        assert_eq!(
            without_password("https://example.com/a@b"),
            "https://example.com/a@b"
        );
        assert_eq!(without_password("git@host:r.git"), "git@host:r.git");
    }
}
