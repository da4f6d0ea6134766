// Inside the LMS frame the session cookie may not come back; a page served for an LTI launch
// (meta tangent-launch) carries the launch id on its links, forms, htmx and fetch requests.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="tangent-launch"]');
  var launch = meta ? meta.content : "";

  function sameOrigin(url) {
    return new URL(url, location.href).origin === location.origin;
  }

  function within(root, selector) {
    var found = Array.prototype.slice.call(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) found.unshift(root);
    return found;
  }

  function carry(root) {
    if (!launch || !root.querySelectorAll) return;
    within(root, "a[href]").forEach(function (link) {
      if (link.getAttribute("href").charAt(0) === "#" || !sameOrigin(link.href)) return;
      var url = new URL(link.href);
      url.searchParams.set("launch", launch);
      link.href = url.href;
    });
    within(root, "form").forEach(function (form) {
      if (!sameOrigin(form.getAttribute("action") || "") || form.querySelector("input[name=launch]")) return;
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "launch";
      input.value = launch;
      form.appendChild(input);
    });
  }

  // Headers for the page's own fetch calls: the launch id when there is one.
  window.TangentLaunch = {
    headers: function (headers) {
      if (launch) headers["X-Tangent-Launch"] = launch;
      return headers;
    },
  };

  document.addEventListener("DOMContentLoaded", function () { carry(document); });
  document.addEventListener("htmx:load", function (event) { carry(event.detail.elt); });
  document.addEventListener("htmx:configRequest", function (event) {
    window.TangentLaunch.headers(event.detail.headers);
  });
})();
