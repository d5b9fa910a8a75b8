// Tables on a narrow screen (app.css). A "stack" table becomes one card per row: each cell is
// given its column's heading as data-label, shown before it. Any other table scrolls sideways
// when it is wider than the page: it is then made focusable, so it can be scrolled from the
// keyboard. No inline script: strict CSP.
document.addEventListener("DOMContentLoaded", arrange);
document.addEventListener("htmx:afterSwap", arrange);
window.addEventListener("resize", arrange);

function arrange() {
  document.querySelectorAll("table.stack").forEach(function (table) {
    var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        if (headings[i] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", headings[i]); }
      });
    });
  });
  document.querySelectorAll("table.table:not(.stack)").forEach(function (table) {
    if (table.scrollWidth > table.clientWidth + 1) {
      table.setAttribute("tabindex", "0");
    } else if (table.getAttribute("tabindex") === "0") {
      table.removeAttribute("tabindex");
    }
  });
}
