// Renders math (spans with class "math") with KaTeX, on load and after every htmx swap.
(function () {
  "use strict";

  function renderMath(root) {
    if (!window.katex) return;
    root.querySelectorAll("span.math:not([data-rendered])").forEach(function (el) {
      var tex = el.textContent;
      try {
        window.katex.render(tex, el, {
          displayMode: el.classList.contains("display"),
          throwOnError: false,
          output: "htmlAndMathml",
          trust: false,
          maxSize: 20,
          maxExpand: 200,
        });
        el.setAttribute("data-rendered", "");
      } catch (e) {
        el.textContent = tex;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    renderMath(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    renderMath(event.detail.elt || document);
  });
  // Show refusals (4xx with a message) in the result area instead of dropping them.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 413 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
