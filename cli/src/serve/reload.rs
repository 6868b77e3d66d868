//! Live reload: a script added to every HTML response (never to files) listens to a
//! Server-Sent Events stream that says when a build finished, or failed and why.

use std::convert::Infallible;
use std::sync::Arc;

use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast::error::RecvError;

use crate::serve::Shared;

/// Where the script is served.
pub const SCRIPT_PATH: &str = "/__ironsmith/live.js";

/// Where the event stream is served.
pub const EVENTS_PATH: &str = "/__ironsmith/events";

const SCRIPT: &str = include_str!("live.js");

/// What the browser is told after a rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The new build is complete and pages changed.
    Reload,
    /// Only these stylesheets (URL paths) changed.
    Styles(Vec<String>),
    /// The build failed: each error line, as the terminal printed it.
    Failed(Arc<Vec<String>>),
    /// A good build followed a failed one without changing a byte: the error goes away.
    Fixed,
}

impl Notice {
    fn event(&self) -> Event {
        // Browsers drop an event without data, so each has some.
        let (name, data) = match self {
            Notice::Reload => ("reload", "{}".to_string()),
            Notice::Styles(paths) => ("styles", json(paths)),
            Notice::Failed(lines) => ("build-error", json(lines.as_slice())),
            Notice::Fixed => ("build-ok", "{}".to_string()),
        };
        Event::default().event(name).data(data)
    }
}

fn json(lines: &[String]) -> String {
    serde_json::to_string(lines).unwrap_or_else(|_| "[]".into())
}

/// The `<script>` tag added to HTML responses.
const TAG: &[u8] = b"<script src=\"/__ironsmith/live.js\"></script>";

/// The page with the reload script before its last `</body>` (or at its end, when it has
/// none).
pub fn inject(html: &[u8]) -> Vec<u8> {
    const CLOSE: &[u8] = b"</body";
    let at = html
        .windows(CLOSE.len())
        .rposition(|window| window.eq_ignore_ascii_case(CLOSE))
        .unwrap_or(html.len());
    let mut page = Vec::with_capacity(html.len() + TAG.len());
    page.extend_from_slice(&html[..at]);
    page.extend_from_slice(TAG);
    page.extend_from_slice(&html[at..]);
    page
}

pub fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        SCRIPT,
    )
        .into_response()
}

/// The event stream: the current error first (a page opened while the build is broken
/// shows it at once), then each notice as it comes; it ends when the server stops.
pub fn events(shared: Arc<Shared>) -> Response {
    struct Listener {
        first: Option<Notice>,
        notices: tokio::sync::broadcast::Receiver<Notice>,
        stopping: tokio::sync::watch::Receiver<bool>,
    }
    let listener = Listener {
        first: shared.current_error().map(Notice::Failed),
        notices: shared.notices.subscribe(),
        stopping: shared.stopping.clone(),
    };
    let greeting = futures_util::stream::once(async { Ok(Event::default().comment("connected")) });
    let notices = futures_util::stream::unfold(listener, |mut listener| async move {
        if let Some(notice) = listener.first.take() {
            return Some((Ok::<_, Infallible>(notice.event()), listener));
        }
        let notice = tokio::select! {
            received = listener.notices.recv() => match received {
                Ok(notice) => notice,
                // Missed notices: a reload covers whatever they said.
                Err(RecvError::Lagged(_)) => Notice::Reload,
                Err(RecvError::Closed) => return None,
            },
            _ = listener.stopping.changed() => return None,
        };
        Some((Ok(notice.event()), listener))
    });
    let stream = futures_util::StreamExt::chain(greeting, notices);
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn the_script_goes_before_the_last_closing_body_tag() {
        let page = inject(b"<html><body><p>x</p></BODY >\n</html>");
        assert_eq!(
            text(page),
            "<html><body><p>x</p><script src=\"/__ironsmith/live.js\"></script></BODY >\n</html>"
        );
        let page = inject(b"<body><pre>&lt;/body&gt; </body></pre></body>");
        assert!(text(page).ends_with("</pre><script src=\"/__ironsmith/live.js\"></script></body>"));
    }

    #[test]
    fn a_page_without_a_body_tag_gets_the_script_at_its_end() {
        assert_eq!(
            text(inject(b"<p>fragment</p>")),
            "<p>fragment</p><script src=\"/__ironsmith/live.js\"></script>"
        );
        assert_eq!(
            text(inject(b"")),
            "<script src=\"/__ironsmith/live.js\"></script>"
        );
    }

    #[test]
    fn the_script_handles_every_notice_it_can_be_sent() {
        for name in ["reload", "styles", "build-error", "build-ok"] {
            assert!(SCRIPT.contains(&format!("\"{name}\"")), "{name}");
        }
        assert!(SCRIPT.contains(EVENTS_PATH));
        assert!(std::str::from_utf8(TAG).unwrap().contains(SCRIPT_PATH));
    }

    #[test]
    fn every_event_carries_data_or_browsers_would_drop_it() {
        let lines = Arc::new(vec!["x".to_string()]);
        for notice in [
            Notice::Reload,
            Notice::Styles(vec!["/a.css".into()]),
            Notice::Failed(lines),
            Notice::Fixed,
        ] {
            let text = format!("{:?}", notice.event());
            assert!(text.contains("data: "), "{text}");
        }
    }

    #[test]
    fn error_lines_travel_as_a_json_list() {
        let lines = Arc::new(vec!["a.md:2:1: bad \"x\"".to_string()]);
        assert_eq!(json(&lines), r#"["a.md:2:1: bad \"x\""]"#);
    }
}
