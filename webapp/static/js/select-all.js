// A checkbox marked data-select-all="NAME" checks or clears every checkbox called NAME in its form,
// and shows whether all, some or none of them are checked (no inline handlers: strict CSP).
(function () {
  function boxes(form, name) {
    return Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]"))
      .filter(function (box) { return box.name === name; });
  }
  function reflect(form, name) {
    var all = form.querySelector("[data-select-all]");
    if (!all || all.dataset.selectAll !== name) { return; }
    var list = boxes(form, name);
    var checked = list.filter(function (box) { return box.checked; }).length;
    all.checked = list.length > 0 && checked === list.length;
    all.indeterminate = checked > 0 && checked < list.length;
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.form || box.type !== "checkbox") { return; }
    if (box.dataset.selectAll) {
      boxes(box.form, box.dataset.selectAll).forEach(function (other) { other.checked = box.checked; });
    } else {
      reflect(box.form, box.name);
    }
  });
})();
