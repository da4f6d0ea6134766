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

// Live preview of expression inputs: "we read your answer as …", or the parser's located error.
(function () {
  "use strict";
  var timers = new WeakMap();

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function show(output, ok, content) {
    output.classList.toggle("invalid", !ok);
    output.textContent = "";
    if (ok) {
      var label = document.createElement("span");
      label.textContent = "We read your answer as ";
      var math = document.createElement("span");
      math.className = "math";
      math.textContent = content;
      output.appendChild(label);
      output.appendChild(math);
      if (window.katex) {
        window.katex.render(content, math, { throwOnError: false, output: "htmlAndMathml" });
      }
    } else {
      output.textContent = content;
    }
  }

  function preview(input) {
    var form = input.closest("form[data-preview-url]");
    var output = document.getElementById(input.getAttribute("aria-describedby").split(" ").pop());
    if (!form || !output) return;
    if (!input.value.trim()) {
      output.textContent = "";
      return;
    }
    var sent = input.value;
    fetch(form.dataset.previewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) },
      body: JSON.stringify({ exercise: form.dataset.exercise, part: input.dataset.previewPart, value: sent }),
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        if (input.value !== sent) return; // the learner kept typing
        show(output, result.ok, result.ok ? result.body.latex : result.body.detail);
      })
      .catch(function () {});
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-preview-part]")) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { preview(input); }, 200));
  });
})();
