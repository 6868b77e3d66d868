// Search over the index the ironsmith `search` plugin writes. No library, no build step.
//
// Markup: <form data-search="/search-index.json">
//           <input type="search" aria-label="Search"> <ol hidden></ol>
//         </form>
// The index is fetched on first use. A page matches when every word typed appears in its
// title, headings or text; title matches rank first, then headings, then text.
(function () {
  "use strict";

  var MAX_RESULTS = 10;

  function prepare(pages) {
    return pages.map(function (page) {
      var headings = page.headings || [];
      return {
        page: page,
        title: String(page.title || "").toLowerCase(),
        headings: headings.map(function (h) { return String(h.text).toLowerCase(); }),
        text: String(page.text || "").toLowerCase()
      };
    });
  }

  function score(entry, terms) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var term = terms[i];
      var hit = 0;
      if (entry.title.indexOf(term) >= 0) hit += 10;
      if (entry.headings.some(function (h) { return h.indexOf(term) >= 0; })) hit += 5;
      if (entry.text.indexOf(term) >= 0) hit += 1;
      if (hit === 0) return 0;
      total += hit;
    }
    return total;
  }

  // The page's URL, at the first heading that holds a word of the query.
  function target(entry, terms) {
    var headings = entry.page.headings || [];
    for (var i = 0; i < headings.length; i++) {
      var text = entry.headings[i];
      if (headings[i].id && terms.some(function (t) { return text.indexOf(t) >= 0; })) {
        return entry.page.url + "#" + encodeURIComponent(headings[i].id);
      }
    }
    return entry.page.url;
  }

  // A few words of text around the first match.
  function snippet(entry, terms) {
    var text = String(entry.page.text || "");
    var at = -1;
    for (var i = 0; i < terms.length && at < 0; i++) at = entry.text.indexOf(terms[i]);
    if (at < 0) return text.slice(0, 140) + (text.length > 140 ? "\u2026" : "");
    var start = Math.max(0, at - 50);
    var end = Math.min(text.length, at + 90);
    return (start > 0 ? "\u2026" : "") + text.slice(start, end) + (end < text.length ? "\u2026" : "");
  }

  function render(list, entries, query) {
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (terms.length === 0) {
      list.hidden = true;
      return;
    }
    var ranked = entries
      .map(function (entry) { return { entry: entry, score: score(entry, terms) }; })
      .filter(function (r) { return r.score > 0; })
      .sort(function (a, b) { return b.score - a.score; })
      .slice(0, MAX_RESULTS);
    if (ranked.length === 0) {
      var none = document.createElement("li");
      none.textContent = "No pages match.";
      list.appendChild(none);
    }
    ranked.forEach(function (r) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = target(r.entry, terms);
      link.textContent = r.entry.page.title || r.entry.page.url;
      var text = document.createElement("span");
      text.textContent = snippet(r.entry, terms);
      item.appendChild(link);
      item.appendChild(text);
      list.appendChild(item);
    });
    list.hidden = false;
  }

  function attach(form) {
    var input = form.querySelector("input");
    var list = form.querySelector("ol, ul");
    if (!input || !list) return;
    var entries = null;
    var loading = null;
    function load() {
      if (!loading) {
        loading = fetch(form.getAttribute("data-search"))
          .then(function (response) { return response.json(); })
          .then(function (pages) { entries = prepare(pages); })
          .catch(function () { loading = null; });
      }
      return loading;
    }
    function update() {
      load().then(function () {
        if (entries) render(list, entries, input.value);
      });
    }
    input.addEventListener("focus", load);
    input.addEventListener("input", update);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        input.value = "";
        render(list, entries || [], "");
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = list.querySelector("a");
      if (first) window.location.href = first.href;
    });
  }

  document.querySelectorAll("form[data-search]").forEach(attach);
})();
