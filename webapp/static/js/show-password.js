// パスワードを表示 (seed 002): a box marked data-shows="ID" shows the password field ID as text while
// ticked. Without JavaScript the box is hidden (it has the hidden attribute until this runs).
(function () {
  function wire(box) {
    var field = document.getElementById(box.dataset.shows);
    if (!field) { return; }
    box.closest("[hidden]") && box.closest("[hidden]").removeAttribute("hidden");
    box.addEventListener("change", function () { field.type = box.checked ? "text" : "password"; });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-shows]"), wire);
  });
})();
