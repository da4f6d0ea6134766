// The Sandpit: probe a hidden floor by click or keyboard; the server answers each probe.
// The page never holds the landscape: only probe results, and the replay grid once a round ends.
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var PX = 100; // pixels per metre in the SVG's coordinates
  var SIZE = 6;

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function sx(x) { return x * PX; }
  function sy(y) { return (SIZE - y) * PX; }
  function fmt(v, digits) { return v.toFixed(digits).replace("-", "\u2212"); }

  // Deep is dark blue, shallow is pale sand.
  function colour(depth) {
    var t = Math.max(0, Math.min(1, (depth + 9) / 8));
    var hue = 215 - 175 * t, light = 28 + 55 * t;
    return "hsl(" + hue.toFixed(0) + ", 45%, " + light.toFixed(0) + "%)";
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function Game(root) {
    this.root = root;
    this.svg = root.querySelector("svg.sandpit-pit");
    this.probesLayer = root.querySelector(".sandpit-probes");
    this.replayLayer = root.querySelector(".sandpit-replay");
    this.cursor = root.querySelector(".sandpit-cursor");
    this.cursorText = root.querySelector(".sandpit-cursor-text");
    this.countText = root.querySelector(".sandpit-count");
    this.statusText = root.querySelector(".sandpit-status");
    this.log = root.querySelector(".sandpit-log");
    this.roundBox = root.querySelector(".sandpit-round");
    this.head = root.querySelector("marker").id;
    var state = JSON.parse(document.getElementById(root.dataset.state).textContent);
    this.arrows = state.arrows;
    this.maxProbes = state.max_probes;
    this.count = 0;
    this.path = [];
    this.busy = false;
    this.ended = false;
    this.x = 3;
    this.y = 3;
    var self = this;
    state.probes.forEach(function (probe) { self.show(probe); });
    if (state.contours) this.finish(state);
    else if (state.probes.length) this.say(state.probes[state.probes.length - 1]);
    this.moveCursor(0, 0);
    this.bind();
  }

  Game.prototype.bind = function () {
    var self = this;
    this.svg.addEventListener("click", function (event) {
      var point = self.svg.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      var local = point.matrixTransform(self.svg.getScreenCTM().inverse());
      var x = local.x / PX, y = SIZE - local.y / PX;
      if (x < 0 || x > SIZE || y < 0 || y > SIZE) return;
      self.x = x;
      self.y = y;
      self.moveCursor(0, 0);
      self.probe();
    });
    this.svg.addEventListener("keydown", function (event) {
      var step = event.shiftKey ? 1 : 0.1;
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (moves[event.key]) {
        event.preventDefault();
        self.moveCursor(moves[event.key][0], moves[event.key][1]);
      } else if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        self.probe();
      }
    });
    this.root.querySelector("button.sandpit-probe").addEventListener("click", function () {
      self.probe();
    });
  };

  Game.prototype.moveCursor = function (dx, dy) {
    this.x = Math.round(Math.max(0, Math.min(SIZE, this.x + dx)) * 100) / 100;
    this.y = Math.round(Math.max(0, Math.min(SIZE, this.y + dy)) * 100) / 100;
    this.cursor.setAttribute("transform", "translate(" + sx(this.x) + " " + sy(this.y) + ")");
    this.cursorText.textContent = "x " + this.x.toFixed(2) + " m, y " + this.y.toFixed(2) + " m";
  };

  Game.prototype.probe = function () {
    if (this.busy || this.ended) return;
    this.busy = true;
    var self = this;
    fetch(this.root.dataset.probeUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: window.TangentLaunch.headers({
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken(),
      }),
      body: JSON.stringify({ x: this.x, y: this.y, part: this.root.dataset.part }),
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (reply) {
        if (!reply.ok) {
          self.statusText.textContent = reply.body.detail || "The probe failed.";
          return;
        }
        self.show(reply.body);
        self.say(reply.body);
        if (reply.body.contours) self.finish(reply.body);
      })
      .catch(function () { self.statusText.textContent = "The probe did not reach the server: try again."; })
      .then(function () { self.busy = false; });
  };

  Game.prototype.show = function (probe) {
    this.count = probe.n;
    this.path.push(sx(probe.x) + "," + sy(probe.y));
    var g = el("g", { "class": "sandpit-probe-mark status-" + probe.status }, this.probesLayer);
    var x = sx(probe.x), y = sy(probe.y);
    if (probe.arrow) {
      var length = Math.hypot(probe.arrow[0], probe.arrow[1]);
      var scale = length > 0 ? Math.min(40 * length, 120) / length : 0;
      el("line", {
        "class": "sandpit-arrow", x1: x, y1: y,
        x2: x + scale * probe.arrow[0], y2: y - scale * probe.arrow[1],
        "marker-end": "url(#" + this.head + ")",
      }, g);
    }
    el("circle", { cx: x, cy: y, r: 6 }, g);
    if (probe.dry_hole) {
      el("circle", { "class": "sandpit-dry-hole", cx: x, cy: y, r: 15 }, g);
      var label = el("text", { "class": "sandpit-dry-hole-label", x: x, y: y - 20, "text-anchor": "middle" }, g);
      label.textContent = "dry hole";
    }
    var depth = el("text", { "class": "sandpit-depth", x: x + 9, y: y + 16 }, g);
    depth.textContent = fmt(probe.depth, 2);
    var item = document.createElement("li");
    var text = "(" + probe.x.toFixed(2) + ", " + probe.y.toFixed(2) + "): depth " + fmt(probe.depth, 2) + " m";
    if (probe.arrow) text += ", arrow (" + fmt(probe.arrow[0], 2) + ", " + fmt(probe.arrow[1], 2) + ")";
    if (probe.dry_hole) text += ", a dry hole";
    item.textContent = text;
    this.log.insertBefore(item, this.log.firstChild);
    this.countText.textContent = probe.n + " of " + this.maxProbes;
  };

  Game.prototype.say = function (probe) {
    var left = this.maxProbes - probe.n;
    var messages = {
      playing: "Depth " + fmt(probe.depth, 2) + " m. Keep looking.",
      trapped: "A dry hole: this is a local minimum, not the deepest point. Try somewhere else.",
      warning: "Hurry up: only " + left + " probe" + (left === 1 ? "" : "s") + " left.",
      found: "You found the deepest point in " + probe.n + " probe" + (probe.n === 1 ? "" : "s") + "!",
      failed: "Out of probes: the round is over. Here is the floor you were probing.",
    };
    this.statusText.textContent = messages[probe.status] || "";
    this.root.dataset.status = probe.status;
  };

  Game.prototype.finish = function (state) {
    this.ended = true;
    this.root.classList.add("ended");
    this.root.dataset.status = state.status;
    var grid = state.contours, cell = grid.size / grid.cells * PX;
    for (var row = 0; row < grid.cells; row++) {
      for (var col = 0; col < grid.cells; col++) {
        el("rect", {
          x: col * cell, y: (grid.cells - 1 - row) * cell, width: cell + 0.5, height: cell + 0.5,
          fill: colour(grid.depths[row][col]),
        }, this.replayLayer);
      }
    }
    var self = this;
    state.dry_holes.forEach(function (hole) {
      el("circle", { "class": "sandpit-reveal-hole", cx: sx(hole[0]), cy: sy(hole[1]), r: 10 }, self.replayLayer);
    });
    el("polyline", { "class": "sandpit-path", points: this.path.join(" ") }, this.replayLayer);
    var bottom = el("g", { "class": "sandpit-bottom" }, this.replayLayer);
    el("circle", { cx: sx(state.minimum[0]), cy: sy(state.minimum[1]), r: 15 }, bottom);
    var label = el("text", { x: sx(state.minimum[0]), y: sy(state.minimum[1]) + 32, "text-anchor": "middle" }, bottom);
    label.textContent = "deepest point";
    this.svg.setAttribute("aria-label", "Sandpit replay: the floor, your probes and the deepest point at ("
      + state.minimum[0].toFixed(2) + ", " + state.minimum[1].toFixed(2) + ")");
    this.showRound(state.round, state.next_round);
    if (state.submission) this.loadGrading(state.submission);
    else if (state.submission_refused) this.statusText.textContent += " " + state.submission_refused;
  };

  Game.prototype.showRound = function (round, nextRound) {
    if (!round) return;
    var box = this.roundBox;
    box.textContent = "";
    var heading = document.createElement("h3");
    heading.textContent = "This round: score " + Math.round(100 * round.score) + "%";
    box.appendChild(heading);
    var list = document.createElement("ul");
    list.className = "feedback";
    round.feedback.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "feedback-" + item.type;
      li.textContent = item.text;
      list.appendChild(li);
    });
    box.appendChild(list);
    var again = document.createElement("p");
    again.className = "muted";
    again.textContent = nextRound
      ? "Now play the next round below: the rounds are graded together, as one game."
      : "To play a new sandpit, use \u201cTry another variant\u201d below.";
    box.appendChild(again);
  };

  // The recorded answer's grading, in the page's result area (it polls until graded).
  Game.prototype.loadGrading = function (submission) {
    var target = document.getElementById("result");
    if (!target) return;
    var url = this.root.dataset.submissionUrl.replace(/0\/$/, submission + "/");
    fetch(url, { credentials: "same-origin", headers: window.TangentLaunch.headers({}) })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        target.innerHTML = html;
        if (window.htmx) window.htmx.process(target);
      });
  };

  function start() {
    document.querySelectorAll("[data-sandpit]").forEach(function (root) { new Game(root); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
