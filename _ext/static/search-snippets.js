/* The search page's result snippets (see _ext/accentsearch.py): the page's text without its buttons,
   contents list and code, cut around the first query word found, accents forgiven. */
(function () {
  if (typeof Search === "undefined") return;
  var UI = [".headerlink", "script", "style", "noscript", ".onlyprint", ".bd-header-article", ".bd-toc", ".bd-sidebar-secondary",
            ".cell_input", "details summary", "button", "nav", ".prev-next-area", ".chart-downloads",
            ".explainer-skip"];
  // one UTF-16 unit in, one out: offsets in the folded text are offsets in the text
  function fold(s) {
    return s.toLowerCase().split("").map(function (c) {
      var f = c.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      return f.length === 1 ? f : c;
    }).join("");
  }
  Search.htmlToText = function (htmlString, anchor) {
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(UI.join(",")).forEach(function (el) { el.remove(); });
    var main = (anchor && doc.querySelector('[role="main"] ' + anchor)) || doc.querySelector('[role="main"]');
    return main ? main.textContent.replace(/\s+/g, " ").trim() : "";
  };
  Search.makeSearchSummary = function (htmlText, keywords, anchor) {
    var text = Search.htmlToText(htmlText, anchor);
    if (text === "") return null;
    var folded = fold(text);
    var found = Array.from(keywords).map(function (k) { return folded.indexOf(fold(k)); })
      .filter(function (i) { return i > -1; });
    var start = found.length ? Math.max(Math.min.apply(null, found) - 120, 0) : 0;
    var summary = document.createElement("p");
    summary.classList.add("context");
    summary.textContent = (start ? "..." : "") + text.substr(start, 240).trim()
      + (start + 240 < text.length ? "..." : "");
    return summary;
  };
})();
