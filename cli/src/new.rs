//! `ironsmith new`: fetch the template, gather the values, run the scaffold chain.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use ironsmith_core::Files;
use ironsmith_plugins::scaffold::{Ask, Inputs, Record, Scaffold};

use crate::args::NewArgs;
use crate::{prompt, report, template};

pub fn run(args: &NewArgs) -> Result<()> {
    let started = Instant::now();
    let record = match &args.answers {
        Some(path) => Record::load(path)?,
        None => Record::default(),
    };
    let (name, destination, reference) = what_and_where(args, &record)?;
    let fetched = template::fetch(&name, reference.as_deref())?;
    let ask: Option<Box<dyn Ask>> = match std::io::stdin().is_terminal() {
        true => Some(Box::new(prompt::Terminal)),
        false => None,
    };
    let scaffold = Scaffold {
        template: fetched.folder.clone(),
        destination: destination.clone(),
        source: Some(fetched.source.clone()),
        reference: fetched.reference.clone(),
        inputs: Inputs {
            set: args.set.clone(),
            file: record.answers,
            file_name: args
                .answers
                .as_ref()
                .map(|path| path.display().to_string())
                .unwrap_or_default(),
            defaults: args.defaults,
            ask,
        },
        today: today()?,
        force: args.force,
    };
    let build = scaffold.run(args.dry_run)?;
    if !args.quiet {
        report::print_warnings(&build.warnings);
    }
    if args.dry_run {
        print_tree(&destination, &build.files);
    } else if !args.quiet {
        let count = build.files.len();
        eprintln!(
            "created {} from {name}: {count} file{} in {:.2} s",
            destination.display(),
            if count == 1 { "" } else { "s" },
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// The template, the destination and the git ref, from the arguments or the answers file.
fn what_and_where(args: &NewArgs, record: &Record) -> Result<(String, PathBuf, Option<String>)> {
    let from_file = record.template.clone();
    let (name, destination, named_by_file) = match (&args.template, &args.dest, from_file) {
        (Some(template), Some(dest), _) => (template.clone(), dest.clone(), false),
        (Some(dest), None, Some(template)) => (template, PathBuf::from(dest), true),
        (None, None, Some(template)) => {
            let folder = args
                .answers
                .as_deref()
                .and_then(Path::parent)
                .filter(|parent| !parent.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            (template, folder.to_path_buf(), true)
        }
        (Some(_), None, None) => bail!("give the folder to create: ironsmith new TEMPLATE DEST"),
        (None, _, _) => bail!(
            "give a template and a folder to create: ironsmith new TEMPLATE DEST (see `ironsmith template list`)"
        ),
    };
    let reference = match named_by_file {
        true => args.reference.clone().or(record.reference.clone()),
        false => args.reference.clone(),
    };
    Ok((name, destination, reference))
}

/// Today, or the day of `SOURCE_DATE_EPOCH` for reproducible output.
fn today() -> Result<NaiveDate> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(seconds) => {
            let seconds: i64 = seconds
                .trim()
                .parse()
                .context("SOURCE_DATE_EPOCH is not a number of seconds")?;
            chrono::DateTime::from_timestamp(seconds, 0)
                .map(|time| time.date_naive())
                .context("SOURCE_DATE_EPOCH is out of range")
        }
        Err(_) => Ok(chrono::Local::now().date_naive()),
    }
}

/// `--dry-run`: the folders and files that would be written, with sizes.
fn print_tree(destination: &Path, files: &Files) {
    let total: usize = files.values().map(|file| file.contents.len()).sum();
    println!(
        "{}/ ({} files, {}, nothing written)",
        destination.display(),
        files.len(),
        size(total)
    );
    let mut open: Vec<&str> = Vec::new();
    for (path, file) in files {
        let mut parts: Vec<&str> = path.split('/').collect();
        let name = parts.pop().unwrap_or_default();
        let shared = open.iter().zip(&parts).take_while(|(a, b)| a == b).count();
        open.truncate(shared);
        for folder in &parts[shared..] {
            println!("{}{folder}/", "  ".repeat(open.len() + 1));
            open.push(folder);
        }
        println!(
            "{}{name}  {}",
            "  ".repeat(open.len() + 1),
            size(file.contents.len())
        );
    }
}

fn size(bytes: usize) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        _ => format!("{:.1} KiB", bytes as f64 / 1024.0),
    }
}
