// Send the signed deep-linking response back to the platform (a static file: the CSP forbids inline script).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("deep-link-return");
  if (form) form.submit();
});
