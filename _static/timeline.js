/* The full timeline's filters: category, country and words (accents optional). Progressive
   enhancement: without this script the form stays hidden and every event is listed. */
(function () {
  "use strict";
  var form = document.getElementById("tl-filters");
  var count = document.getElementById("tl-count");
  if (!form || !count) return;
  var cat = document.getElementById("tl-cat");
  var iso = document.getElementById("tl-iso");
  var q = document.getElementById("tl-q");
  var events = Array.prototype.slice.call(document.querySelectorAll(".tl-event"));
  var total = events.length;

  function fold(s) {  /* lower case, without accents: "Tocorón" matches "tocoron" */
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var years = Array.prototype.slice.call(document.querySelectorAll("h2")).filter(function (h) {
    var next = h.nextElementSibling;
    return next && next.classList.contains("tl-event");
  });
  var texts = events.map(function (el) { return fold(el.textContent); });
  /* the count's sentences, in the page's language (explainer/events.py writes them on the element) */
  var allText = count.getAttribute("data-all") || "All {total} events shown.";
  var someText = count.getAttribute("data-some") || "{shown} of {total} events shown.";
  function say(template, shown) {
    return template.replace("{shown}", String(shown)).replace("{total}", String(total));
  }

  function update() {
    var c = cat.value, i = iso.value, words = fold(q.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    events.forEach(function (el, n) {
      var ok = (!c || el.classList.contains("tl-cat-" + c)) &&
               (!i || el.classList.contains("tl-iso-" + i.toLowerCase())) &&
               words.every(function (w) { return texts[n].indexOf(w) !== -1; });
      el.hidden = !ok;
      if (ok) shown += 1;
    });
    /* a year's heading is hidden when none of its events (up to the next heading) is left */
    years.forEach(function (h) {
      var any = false;
      for (var el = h.nextElementSibling; el && el.tagName !== "H2"; el = el.nextElementSibling) {
        if (el.classList.contains("tl-event") && !el.hidden) { any = true; break; }
      }
      h.hidden = !any;
    });
    count.textContent = shown === total ? say(allText, shown) : say(someText, shown);
  }

  var timer;
  form.addEventListener("change", update);
  q.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 250); });
  form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
  form.addEventListener("reset", function () { setTimeout(update, 0); });
  form.hidden = false;
  count.textContent = say(allText, total);
})();
