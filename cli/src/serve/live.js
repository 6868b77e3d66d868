// ironsmith serve: reloads the page after each good rebuild, swaps changed stylesheets in
// place, and shows a failed build's errors over the page until the next good build.
(() => {
  const OVERLAY = "ironsmith-error-overlay";
  const events = new EventSource("/__ironsmith/events");
  // For whoever debugs the page (and the browser test): is the stream open?
  window.ironsmithEvents = events;

  function hideErrors() {
    const overlay = document.getElementById(OVERLAY);
    if (overlay) overlay.remove();
  }

  function showErrors(lines) {
    hideErrors();
    const overlay = document.createElement("div");
    overlay.id = OVERLAY;
    overlay.setAttribute("role", "alert");
    overlay.style.cssText =
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2em;" +
      "background:rgba(20,20,20,.94);color:#f3f3f3;font:14px/1.5 ui-monospace,monospace";
    const title = document.createElement("h2");
    title.textContent = "ironsmith: the build failed";
    title.style.cssText = "margin:0 0 1em;color:#ff6b6b;font:bold 18px sans-serif";
    const text = document.createElement("pre");
    text.textContent = lines.join("\n");
    text.style.cssText = "margin:0;white-space:pre-wrap";
    const note = document.createElement("p");
    note.textContent = "Still showing the last good build. Save a fix and this goes away.";
    note.style.cssText = "margin:1em 0 0;color:#aaa;font:13px sans-serif";
    overlay.append(title, text, note);
    document.body.append(overlay);
  }

  function swapStyles(paths) {
    const links = [...document.querySelectorAll('link[rel~="stylesheet"]')];
    const changed = links.filter((link) => {
      const url = new URL(link.href, location.href);
      return url.origin === location.origin && paths.includes(url.pathname);
    });
    if (changed.length === 0) return location.reload();
    for (const link of changed) {
      const url = new URL(link.href, location.href);
      url.searchParams.set("ironsmith-reload", Date.now());
      link.href = url.href;
    }
    hideErrors();
  }

  events.addEventListener("reload", () => location.reload());
  events.addEventListener("styles", (event) => swapStyles(JSON.parse(event.data)));
  events.addEventListener("build-error", (event) => showErrors(JSON.parse(event.data)));
  events.addEventListener("build-ok", hideErrors);
})();
