// Buttons marked data-print open the browser's print dialogue (no inline handlers: strict CSP).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
