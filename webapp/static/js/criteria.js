// 入会届 step 1: picking an association shows its member categories' criteria (会員区分基準), as
// seed 000 describes; leaving it (another radio, an unticked box) folds them again. Works after
// htmx swaps the page too (the listener is on the document).
(function () {
  function rows(scope) {
    return Array.prototype.slice.call(scope.querySelectorAll(".choice-row"));
  }
  function reflect(scope) {
    rows(scope).forEach(function (row) {
      var pick = row.querySelector("input[type=radio], input[type=checkbox]");
      var criteria = row.querySelector("details.criteria");
      if (pick && criteria) { criteria.open = pick.checked; }
    });
  }
  document.addEventListener("change", function (event) {
    var pick = event.target;
    if (pick.type !== "radio" && pick.type !== "checkbox") { return; }
    var fieldset = pick.closest("fieldset");
    if (fieldset && pick.closest(".choice-row")) { reflect(fieldset); }
  });
  document.addEventListener("DOMContentLoaded", function () { reflect(document); });
  document.addEventListener("htmx:afterSwap", function () { reflect(document); });
})();
