// The API reference page: Swagger UI on the OpenAPI document (no inline script: the CSP forbids it).
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || !window.SwaggerUIBundle) return;
  window.SwaggerUIBundle({ url: root.dataset.spec, domNode: root, deepLinking: true, docExpansion: "list" });
});
