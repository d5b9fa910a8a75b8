// The task page's process viewer: each diagram of the task's process with bpmn-js (vendored),
// done elements and the current position marked. The caption names the current position in
// text, for screen readers and for anyone who does not read diagrams.
(function () {
  "use strict";

  function caption(box, diagram) {
    var figcaption = document.createElement("figcaption");
    var title = document.createElement("strong");
    title.textContent = diagram.name + box.dataset.openParen + box.dataset.labelVersion + " " + diagram.version +
      box.dataset.closeParen;
    figcaption.appendChild(title);
    if (diagram.active_names.length) {
      figcaption.appendChild(document.createTextNode(
        " " + box.dataset.labelCurrent + ": " + diagram.active_names.join(box.dataset.separator)));
    }
    if (diagram.waiting_names.length) {
      figcaption.appendChild(document.createTextNode(
        box.dataset.partSeparator + box.dataset.labelWaiting + ": " + diagram.waiting_names.join(box.dataset.separator)));
    }
    if ((diagram.failed_names || []).length && box.dataset.labelFailed) {
      figcaption.appendChild(document.createTextNode(
        box.dataset.partSeparator + box.dataset.labelFailed + ": " + diagram.failed_names.join(box.dataset.separator)));
    }
    return figcaption;
  }

  function show(box, diagram) {
    var figure = document.createElement("figure");
    figure.className = "process-diagram";
    figure.dataset.key = diagram.key;
    var figcaption = caption(box, diagram);
    figcaption.id = "process-caption-" + box.children.length;
    figure.appendChild(figcaption);
    var canvasBox = document.createElement("div");
    canvasBox.className = "process-canvas";
    figure.appendChild(canvasBox);
    box.appendChild(figure);
    var viewer = new window.BpmnJS({ container: canvasBox });
    return viewer.importXML(diagram.xml).then(function () {
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      diagram.done.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, "is-done"); } });
      diagram.active.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, "is-active"); } });
      diagram.waiting.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, "is-waiting"); } });
      (diagram.failed || []).forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, "is-failed"); } });
      canvas.zoom("fit-viewport");
      // the drawing is one image named by its caption (not a focusable heap of unnamed labels)
      var svg = canvasBox.querySelector("svg");
      if (svg) {
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-labelledby", figcaption.id);
        svg.removeAttribute("tabindex");
      }
      // the library's own link (kept visible, as its licence asks) named for whoever cannot see its logo
      var powered = canvasBox.querySelector("a.bjs-powered-by");
      if (powered && box.dataset.labelPowered) { powered.setAttribute("aria-label", box.dataset.labelPowered); }
      figure.dataset.ready = "true";
    });
  }

  function start() {
    var box = document.getElementById("process-diagrams");
    if (!box || !window.BpmnJS) { return; }
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (diagrams) { return Promise.all(diagrams.map(function (d) { return show(box, d); })); })
      .catch(function () {
        var p = document.createElement("p");
        p.className = "notice notice-error";
        p.textContent = box.dataset.labelError;
        box.appendChild(p);
      });
  }

  document.addEventListener("DOMContentLoaded", start);
}());
