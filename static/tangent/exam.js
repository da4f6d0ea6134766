// Exam pages: the time left (counted from the server's figure, corrected by every save), answers
// saved to the server as drafts as the learner types and on leaving a field, drafts put back into
// the form on reload, and a confirmation before handing the exam in.
(function () {
  "use strict";

  function formatLeft(seconds) {
    var s = Math.max(0, Math.round(seconds));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return (h ? h + ":" + two(m) : m) + ":" + two(r);
  }

  // The timer: the server said how many seconds were left when it sent the page; the local clock
  // only counts down from there (its own time of day is never used).
  var timer = { deadline: null, grace: 5, node: null, over: false };

  function setLeft(seconds) {
    timer.deadline = performance.now() + seconds * 1000;
  }

  function tick() {
    if (!timer.node || timer.deadline === null) return;
    var left = (timer.deadline - performance.now()) / 1000;
    var shown = timer.node.querySelector("[data-time-left]");
    if (left > 0) {
      shown.textContent = formatLeft(left);
      timer.node.classList.toggle("ending", left < 60);
      return;
    }
    if (timer.over) return;
    timer.over = true;
    shown.textContent = "0:00";
    timer.node.classList.add("ended");
    var form = document.querySelector("form.exam-answer");
    var status = document.getElementById("draft-status");
    if (status) status.textContent = "Time is up: your saved answers are being submitted…";
    if (form) saveNow(form);
    // After the grace the server finalises the sitting on the next request: show its page.
    window.setTimeout(function () { window.location.reload(); }, (timer.grace + 1) * 1000);
  }

  function restore(form) {
    var data = document.getElementById("exam-draft");
    if (!data) return;
    var fields = JSON.parse(data.textContent || "{}");
    Object.keys(fields).forEach(function (name) {
      var values = fields[name];
      form.querySelectorAll("[name='" + CSS.escape(name) + "']").forEach(function (input) {
        if (input.type === "radio" || input.type === "checkbox") {
          input.checked = values.indexOf(input.value) !== -1;
        } else if (input.type !== "hidden" || /-format$/.test(name)) {
          input.value = values[0] || "";
        }
      });
    });
  }

  var lastSent = null, inFlight = false, pending = false;

  function serialise(form) {
    return new URLSearchParams(new FormData(form)).toString();
  }

  function markAnswered(form, answered) {
    var link = document.querySelector(".exam-nav a[data-item='" + form.dataset.item + "']");
    if (link) link.dataset.answered = answered ? "yes" : "no";
  }

  function saveNow(form) {
    var body = serialise(form);
    if (body === lastSent) return;
    if (inFlight) { pending = true; return; }
    inFlight = true;
    var status = document.getElementById("draft-status");
    if (status && !timer.over) status.textContent = "Saving…";
    fetch(form.dataset.draftUrl, {
      method: "POST",
      body: new URLSearchParams(body),
      credentials: "same-origin",
      headers: { "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value },
    })
      .then(function (response) {
        return response.json().then(function (json) { return { ok: response.ok, json: json }; });
      })
      .then(function (result) {
        if (result.ok) {
          lastSent = body;
          setLeft(result.json.seconds_left);
          markAnswered(form, result.json.answered);
          if (status && !timer.over) {
            status.textContent = "Saved at " + new Date(result.json.saved_at).toLocaleTimeString();
          }
        } else if (status) {
          status.textContent = result.json.detail || "Not saved.";
          status.classList.add("errors");
          if (result.json.ended) {
            form.querySelectorAll("input, textarea, button, select").forEach(function (el) { el.disabled = true; });
          }
        }
      })
      .catch(function () {
        if (status) status.textContent = "Not saved: no connection. Keep this page open; it will try again.";
      })
      .finally(function () {
        inFlight = false;
        if (pending) { pending = false; saveNow(form); }
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    timer.node = document.getElementById("exam-timer");
    if (timer.node) {
      timer.grace = Number(timer.node.dataset.grace || 5);
      setLeft(Number(timer.node.dataset.secondsLeft));
      tick();
      window.setInterval(tick, 250);
    }
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
    var form = document.querySelector("form.exam-answer");
    if (!form) return;
    restore(form);
    lastSent = serialise(form);
    var typing = null;
    form.addEventListener("input", function () {
      window.clearTimeout(typing);
      typing = window.setTimeout(function () { saveNow(form); }, 600);
    });
    form.addEventListener("change", function () { saveNow(form); });
    form.addEventListener("focusout", function () { saveNow(form); });
    form.addEventListener("submit", function (event) { event.preventDefault(); saveNow(form); });
    // Editors that change the field without an input event (the code editor), and retries after a
    // lost connection.
    window.setInterval(function () { saveNow(form); }, 3000);
  });
})();
