// What the BPMN and the DMN editor pages share: the page's configuration, saving the XML as the
// draft (with the revision it was made on), the status line and the list of problems.
export const config = JSON.parse(document.getElementById("modeler-config").textContent);
export const t = (key) => config.labels[key] || key;

export function startEditor(editor) {
  let revision = config.revision;
  let dirty = false;
  const status = document.getElementById("modeler-status");
  const problemList = document.getElementById("modeler-problems");

  function say(text, kind) {
    status.textContent = text;
    status.dataset.kind = kind || "info";
  }

  function showProblems(problems) {
    try { editor.mark(problems); } catch (e) { /* nothing drawn to mark: the list still says why */ }
    problemList.replaceChildren();
    problems.forEach((p) => {
      const item = document.createElement("li");
      if (p.element) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button-link";
        // designers know an element by its name; the id tells two of the same name apart
        button.textContent = p.name ? `${p.name} (${p.element})` : p.element;
        // an element the editor could not draw (a flow to nowhere, from another tool) cannot be
        // selected: say how to reach it instead of doing nothing
        button.addEventListener("click", () => Promise.resolve(editor.select(p.element)).then((found) => {
          if (!found) { say(t("not_drawn"), "warning"); }
        }));
        item.append(button, t("separator"));
      }
      item.append(p.message);
      item.dataset.code = p.code;
      problemList.append(item);
    });
    document.getElementById("modeler-problems-box").hidden = problems.length === 0;
    document.getElementById("modeler-next").hidden = problems.length !== 0 || revision === 0;
  }

  async function save() {
    const xml = await editor.xml();
    say(t("saving"));
    const response = await fetch(config.saveUrl, {
      method: "PUT", credentials: "same-origin", body: xml,
      headers: { "Content-Type": "application/xml", "X-CSRFToken": config.csrf,
                 "X-Draft-Revision": String(revision), Accept: "application/json" },
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      say(body.message || t("save_failed"), "error");
      if (response.status === 409) {  // someone saved first: the designer's own work is not lost
        const link = document.createElement("a");
        link.href = URL.createObjectURL(new Blob([xml], { type: "application/xml" }));
        link.download = `${config.key}-mine.${xml.includes("omg.org/spec/DMN/") ? "dmn" : "bpmn"}`;
        link.id = "modeler-download-mine";
        link.textContent = t("download_mine");
        status.append(" ", link);
      }
      return;
    }
    revision = body.revision;
    // the page's other forms (reading a file in) now build on this revision, not the one opened
    document.querySelectorAll('input[name="revision"]').forEach((input) => { input.value = String(revision); });
    dirty = false;
    showProblems(body.problems);
    say(body.problems.length ? t("saved_with_problems").replace("{n}", body.problems.length) : t("saved_ok"),
      body.problems.length ? "warning" : "ok");
  }

  document.getElementById("modeler-save").addEventListener("click", () => { save(); });
  window.addEventListener("beforeunload", (event) => { if (dirty) { event.preventDefault(); } });
  editor.load().then(() => {
    editor.onChange(() => { dirty = true; say(t("unsaved")); });
    showProblems(config.problems);
    document.getElementById("modeler").dataset.ready = "true";
  }).catch((err) => {
    // a draft that does not draw (not XML, a read-in PDF) still lists why, from the server
    showProblems(config.problems);
    say(t("load_failed") + " " + err.message, "error");
  });
}

// The drawing as a screen reader meets it: the canvas's focusable SVG named as an application (the
// label the page gives its box), and the palette's tools reachable with Tab and started with Enter
// or Space, as a click starts them.
export function labelCanvas(container) {
  const box = document.querySelector(container);
  const svg = box && box.querySelector("svg");
  if (svg) {
    svg.setAttribute("role", "application");
    svg.setAttribute("aria-label", box.getAttribute("aria-label") || "");
    if (box.dataset.describedby) { svg.setAttribute("aria-describedby", box.dataset.describedby); }
  }
  box && box.querySelectorAll(".djs-palette .entry").forEach((entry) => {
    entry.setAttribute("tabindex", "0");
    if (!entry.getAttribute("role")) { entry.setAttribute("role", "button"); }
    if (!entry.getAttribute("aria-label") && entry.title) { entry.setAttribute("aria-label", entry.title); }
    entry.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); entry.click(); }
    });
  });
}
