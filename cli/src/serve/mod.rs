//! `ironsmith serve`: build once, serve the build from memory, and on every change rebuild,
//! then tell the browser to reload (or show why the build failed).
//!
//! Three threads of work: the watcher (notify) sends changed paths; one rebuild thread
//! turns each quiet batch of them into a new output, swaps it in whole and announces it;
//! the HTTP server (axum on tokio) answers from whatever output is current. A failed build
//! changes nothing served: the error goes to the terminal once and to every open page.

mod http;
mod rebuild;
mod reload;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Instant;

use anyhow::{Context, Result};
use tokio::sync::{broadcast, watch as signal};

use crate::args::ServeArgs;
use crate::build::locate_config;
use crate::report;
use rebuild::{compare, Change, Output, Rebuilder, SiteFiles};
use reload::Notice;

/// What the server and the rebuild thread share.
#[derive(Debug)]
pub struct Shared {
    /// The last good build; replaced whole, so a response never mixes two builds.
    output: RwLock<Arc<Output>>,
    /// The errors of the last build when it failed.
    error: RwLock<Option<Arc<Vec<String>>>>,
    notices: broadcast::Sender<Notice>,
    /// Becomes `true` when the server stops, ending every event stream.
    stopping: signal::Receiver<bool>,
    /// Host names accepted besides localhost and IP addresses.
    hosts: Vec<String>,
}

impl Shared {
    fn output(&self) -> Arc<Output> {
        Arc::clone(&self.output.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn current_error(&self) -> Option<Arc<Vec<String>>> {
        self.error
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Swaps in a good build and says what changed; the old one is freed off this thread.
    fn install(&self, output: Output) -> Change {
        let change = compare(&self.output().files, &output.files);
        let old = std::mem::replace(
            &mut *self.output.write().unwrap_or_else(PoisonError::into_inner),
            Arc::new(output),
        );
        std::thread::spawn(move || drop(old));
        let was_failing = self
            .error
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .is_some();
        let notice = match &change {
            Change::Pages => Some(Notice::Reload),
            Change::Styles(paths) => Some(Notice::Styles(paths.clone())),
            Change::None if was_failing => Some(Notice::Fixed),
            Change::None => None,
        };
        if let Some(notice) = notice {
            // No open page is no one to tell.
            let _ = self.notices.send(notice);
        }
        change
    }

    fn fail(&self, lines: Vec<String>) {
        let lines = Arc::new(lines);
        *self.error.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&lines));
        let _ = self.notices.send(Notice::Failed(lines));
    }
}

pub fn run(args: &ServeArgs) -> Result<()> {
    let (config, root) = locate_config(&args.dir, args.config.as_deref())?;
    let config = std::path::absolute(&config)
        .with_context(|| format!("{}: cannot resolve the path", config.display()))?;
    let root = std::path::absolute(&root)
        .with_context(|| format!("{}: cannot resolve the path", root.display()))?;
    let mut rebuilder = Rebuilder::new(SiteFiles {
        config: config.clone(),
        root: root.clone(),
        drafts: args.drafts,
    });
    let (stop, stopping) = signal::channel(false);
    let shared = Arc::new(Shared {
        output: RwLock::new(Arc::new(Output::default())),
        error: RwLock::new(None),
        notices: broadcast::channel(16).0,
        stopping,
        hosts: args.allow_host.clone(),
    });

    let started = Instant::now();
    rebuild_once(&mut rebuilder, &shared, &[], started, args.verbose);
    // A configuration that never loaded leaves nothing to serve or watch: a usage error.
    let Some(pipeline) = rebuilder.pipeline() else {
        anyhow::bail!(
            "{}: fix the configuration, then run serve again",
            config.display()
        );
    };
    let mut roots = vec![root.clone()];
    let source = pipeline.source_dir();
    if !source.starts_with(&root) {
        roots.push(source);
    }
    let filter = watch::Filter::new(pipeline.destination_dir());

    let (changes, batches) = mpsc::channel();
    let watcher = watch::start(&roots, filter, changes)?;
    let rebuilding = Arc::clone(&shared);
    let verbose = args.verbose;
    std::thread::spawn(move || {
        while let Some(changed) = watch::next_batch(&batches, watch::QUIET, watch::MAX_WAIT) {
            rebuild_once(
                &mut rebuilder,
                &rebuilding,
                &changed,
                Instant::now(),
                verbose,
            );
        }
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the HTTP server's runtime")?;
    runtime.block_on(serve(args, shared, stop, &root))?;
    drop(watcher);
    eprintln!("stopped");
    Ok(())
}

/// Listens until Ctrl-C, then lets open responses finish.
async fn serve(
    args: &ServeArgs,
    shared: Arc<Shared>,
    stop: signal::Sender<bool>,
    root: &std::path::Path,
) -> Result<()> {
    let address = SocketAddr::new(args.bind, args.port);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| {
            format!("cannot listen on {address}: is another server using it? Try --port 0")
        })?;
    let address = listener
        .local_addr()
        .context("cannot read the server's address")?;
    if address.ip().is_unspecified() {
        eprintln!(
            "warning: listening on every network interface ({}): anyone who can reach this \
             machine can read the site; use --bind 127.0.0.1 unless that is what you want",
            args.bind
        );
    }
    let url = format!("http://{}/", browsable(address));
    eprintln!("serving {} at {url} (Ctrl-C stops)", root.display());
    if args.open {
        open_browser(&url);
    }
    let app = axum::Router::new()
        .fallback(http::handle)
        .with_state(shared);
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = tokio::signal::ctrl_c().await;
            // Event streams never end by themselves: end them, or shutdown waits forever.
            let _ = stop.send(true);
        })
        .await
        .context("the HTTP server failed")
}

/// The address to print: one a browser can open even when listening everywhere.
fn browsable(address: SocketAddr) -> String {
    match address.ip() {
        ip if ip.is_unspecified() => format!("localhost:{}", address.port()),
        IpAddr::V6(ip) => format!("[{ip}]:{}", address.port()),
        IpAddr::V4(ip) => format!("{ip}:{}", address.port()),
    }
}

/// Builds after `changed`, swaps the result in, and prints one line (or the errors).
fn rebuild_once(
    rebuilder: &mut Rebuilder,
    shared: &Shared,
    changed: &[PathBuf],
    started: Instant,
    verbose: bool,
) {
    match rebuilder.rebuild(changed) {
        Ok((output, timings)) => {
            let count = output.files.len();
            let change = shared.install(output);
            let milliseconds = started.elapsed().as_secs_f64() * 1000.0;
            if verbose {
                report::print_timings(&timings);
            }
            let what = match change {
                _ if changed.is_empty() => "",
                Change::None => ": nothing changed",
                Change::Styles(_) => ": stylesheets swapped",
                Change::Pages => ": pages reloaded",
            };
            eprintln!("built {count} files in {milliseconds:.0} ms{what}");
        }
        Err(error) => {
            let lines = error.lines();
            for line in &lines {
                eprintln!("error: {line}");
            }
            if !changed.is_empty() {
                eprintln!("the last good build is still served: save a fix to rebuild");
            }
            shared.fail(lines);
        }
    }
}

/// Opens `url` in the user's browser: `$BROWSER` first, then the desktop's own opener.
fn open_browser(url: &str) {
    if let Err(error) = webbrowser::open(url) {
        eprintln!("warning: cannot open a browser ({error}): open {url} yourself");
    }
}
