// Renders math (spans with class "math") with KaTeX, on load and after every htmx swap (out-of-band
// parts of a verdict included: htmx:load fires for each piece of new content).
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
  document.addEventListener("htmx:load", function (event) {
    if (event.detail.elt && event.detail.elt.querySelectorAll) renderMath(event.detail.elt);
  });
  // A verdict's history row arrives at the top of the table (out of band, typeset above as new
  // content): it replaces the row the page had for that submission, and the table keeps to its
  // limit (data-limit), the oldest rows leaving.
  document.addEventListener("htmx:load", function (event) {
    var row = event.detail.elt;
    var rows = row && row.parentNode;
    if (!rows || rows.id !== "history-rows") return;
    Array.prototype.slice.call(rows.rows).forEach(function (other) {
      if (other !== row && other.id === row.id) other.remove();
    });
    var limit = parseInt(rows.dataset.limit, 10);
    while (rows.rows.length > limit) rows.deleteRow(-1);
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

  function show(output, ok, content, reading) {
    output.classList.toggle("invalid", !ok);
    output.textContent = "";
    if (ok && reading) {
      var typed = document.createElement("span");
      typed.textContent = "Read as " + reading + " · ";
      typed.className = "muted";
      output.appendChild(typed);
    }
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

  function isLatex(input) {
    var format = document.querySelector('input[data-format-for="' + input.id + '"]');
    return !!format && format.value === "latex";
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
      headers: window.TangentLaunch.headers({
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken(form),
      }),
      body: JSON.stringify({
        exercise: form.dataset.exercise,
        part: input.dataset.previewPart,
        value: sent,
        latex: isLatex(input),
      }),
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        if (input.value !== sent) return; // the learner kept typing
        // Unicode and full-width forms are normalised: say so when the reading differs.
        var reading = result.ok && result.body.reading !== sent ? result.body.reading : "";
        show(output, result.ok, result.ok ? result.body.latex : result.body.detail, reading);
      })
      .catch(function () {});
  }

  function schedule(input) {
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { preview(input); }, 200));
  }
  window.TangentPreview = { schedule: schedule };

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-preview-part]")) return;
    schedule(input);
  });
})();

// The math keyboard: a MathLive field in place of the text input; its LaTeX goes through the same parser.
(function () {
  "use strict";

  function configure() {
    if (!window.MathfieldElement) return false;
    window.MathfieldElement.fontsDirectory = document.body.dataset.static + "vendor/mathlive/fonts";
    window.MathfieldElement.soundsDirectory = null;
    return true;
  }

  function toggle(button) {
    if (!configure()) return;
    var input = document.getElementById(button.dataset.mathKeyboard);
    var format = document.querySelector('input[data-format-for="' + input.id + '"]');
    var field = input.parentNode.querySelector("math-field");
    var on = button.getAttribute("aria-pressed") !== "true";
    if (on) {
      if (!field) {
        field = new window.MathfieldElement();
        field.setAttribute("aria-label", (input.labels[0] || {}).textContent || "Answer");
        field.addEventListener("input", function () {
          input.value = field.value;
          window.TangentPreview.schedule(input);
        });
        input.parentNode.insertBefore(field, input);
      }
      field.value = "";
      input.value = "";
      field.hidden = false;
      input.hidden = true;
      format.value = "latex";
      field.focus();
    } else {
      input.value = field ? field.getValue("ascii-math") : input.value;
      if (field) field.hidden = true;
      input.hidden = false;
      format.value = "text";
      input.focus();
      window.TangentPreview.schedule(input);
    }
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? "Text input" : "Math keyboard";
  }

  // The on-screen keyboard never covers Submit: the page gains room below for it, and the answer
  // with its Submit button is scrolled above it while it is shown.
  function keepSubmitVisible() {
    var keyboard = window.mathVirtualKeyboard;
    if (!keyboard || keepSubmitVisible.done) return;
    keepSubmitVisible.done = true;
    keyboard.addEventListener("geometrychange", function () {
      var height = keyboard.visible ? keyboard.boundingRect.height : 0;
      document.body.style.paddingBottom = height ? height + 16 + "px" : "";
      var submit = height && document.querySelector("form .actions button[type=submit]");
      if (!submit) return;
      var bottom = submit.getBoundingClientRect().bottom;
      var room = window.innerHeight - height - 12;
      if (bottom > room) window.scrollBy(0, bottom - room);
    });
  }

  // MathLive (840 kB) is fetched the first time a learner asks for the keyboard, not with every
  // page; a click while it loads is not counted twice, and a failed load can be tried again.
  var loading = false;
  function withMathLive(button, then) {
    if (window.MathfieldElement) return then();
    if (loading) return;
    loading = true;
    button.setAttribute("aria-busy", "true");
    var script = document.createElement("script");
    script.src = document.body.dataset.static + "vendor/mathlive/mathlive.min.js";
    script.onload = function () {
      loading = false;
      button.removeAttribute("aria-busy");
      then();
    };
    script.onerror = function () {
      loading = false;
      button.removeAttribute("aria-busy");
      script.remove();
      button.textContent = "Math keyboard (did not load: try again)";
    };
    document.head.appendChild(script);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-math-keyboard]");
    if (button) {
      withMathLive(button, function () {
        toggle(button);
        keepSubmitVisible();
      });
    }
  });
})();

// Code answers: CodeMirror on each code textarea (the textarea stays the form field), drafts kept locally.
(function () {
  "use strict";

  function draftKey(area) {
    var form = area.closest("form");
    var attempt = form && form.querySelector("input[name=attempt]");
    return "tangent-draft:" + (attempt ? attempt.value : location.pathname) + ":" + area.name;
  }

  function attach(area) {
    var saved = window.localStorage.getItem(draftKey(area));
    if (saved !== null && saved !== "") area.value = saved;
    var cm = window.TangentCodeMirror;
    if (!cm) return;
    var view = new cm.EditorView({
      doc: area.value,
      extensions: [
        cm.basicSetup,
        cm.python(),
        cm.keymap.of([cm.indentWithTab]),
        cm.EditorView.lineWrapping, // long lines wrap: no scroll region a keyboard cannot reach
        cm.EditorView.contentAttributes.of({ "aria-label": (area.labels[0] || {}).textContent || "Code" }),
        cm.EditorView.updateListener.of(function (update) {
          if (!update.docChanged) return;
          area.value = update.state.doc.toString();
          window.localStorage.setItem(draftKey(area), area.value);
        }),
      ],
    });
    area.hidden = true;
    area.parentNode.insertBefore(view.dom, area.nextSibling);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea.code").forEach(attach);
    document.querySelectorAll("textarea.code").forEach(function (area) {
      area.addEventListener("input", function () {
        window.localStorage.setItem(draftKey(area), area.value);
      });
    });
  });
})();

// Verdicts pushed, not polled: a pending grading listens on the push service (server-sent events)
// and fetches its fragment the moment the grading is recorded or reports progress. A listen the
// service ends quietly ("timeout") is simply opened again: the service answers a new listen at
// once when the grading finished meanwhile, so the wait costs no request to the web. When push is
// unavailable it polls, backing off as the server asks (data-poll-ms). It fetches on its own only
// when a listen neither opens, fails nor ends within data-safety-ms, and after data-check-ms of
// waiting.
(function () {
  "use strict";

  function refresh(el) {
    if (!document.body.contains(el) || !window.htmx) return;
    window.htmx.ajax("GET", el.dataset.fragment, { target: el, swap: "outerHTML" });
  }

  function watch(el) {
    if (el.dataset.watched) return;
    el.dataset.watched = "1";
    var poll = parseInt(el.dataset.pollMs, 10) || 1000;
    var safety = parseInt(el.dataset.safetyMs, 10) || 60000;
    var checkAt = Date.now() + (parseInt(el.dataset.checkMs, 10) || 300000);
    var timer = null;
    var source = null;

    function after(ms) {
      clearTimeout(timer);
      ms = Math.max(0, Math.min(ms, checkAt - Date.now()));
      timer = setTimeout(function () {
        if (source) source.close();
        refresh(el);
      }, ms);
    }

    function listen() {
      source = new EventSource(el.dataset.events);
      var opened = false;
      source.addEventListener("open", function () {
        opened = true;
        el.dataset.push = "live";
        after(safety);
      });
      ["graded", "progress"].forEach(function (name) {
        source.addEventListener(name, function () {
          clearTimeout(timer);
          source.close();
          refresh(el);
        });
      });
      source.addEventListener("timeout", function () {
        source.close();
        if (document.body.contains(el)) listen();
      });
      source.addEventListener("error", function () {
        if (opened) return; // the browser reconnects by itself
        source.close();
        el.dataset.push = "unavailable";
        after(poll);
      });
      after(safety); // in case the connection never opens nor fails
    }

    if (!el.dataset.events || !window.EventSource) {
      after(poll);
      return;
    }
    listen();
  }

  function watchIn(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches(".grading.pending[data-fragment]")) watch(root);
    root.querySelectorAll(".grading.pending[data-fragment]").forEach(watch);
  }

  window.TangentGrading = { watchIn: watchIn };
  document.addEventListener("DOMContentLoaded", function () {
    watchIn(document);
  });
  document.addEventListener("htmx:load", function (event) {
    watchIn(event.detail.elt);
  });
})();
