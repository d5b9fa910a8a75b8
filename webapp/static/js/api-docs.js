// The API reference page: Swagger UI on the OpenAPI document (no inline script: the CSP forbids it).
// Without deep links an operation's path is not a link inside its toggle button (nested controls);
// Swagger UI's own <main> becomes a named region inside the page's main.
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || !window.SwaggerUIBundle) return;
  window.SwaggerUIBundle({
    url: root.dataset.spec, domNode: root, deepLinking: false, docExpansion: "list",
    onComplete: function () {
      var inner = root.querySelector("main");
      if (inner) {
        inner.setAttribute("role", "region");
        inner.setAttribute("aria-label", root.dataset.operations || "operations");
      }
    },
  });
});
