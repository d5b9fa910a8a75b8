// The decision-table editor: dmn-js's modeler (bundled from its modules, so that its Inferno is
// built for production and logs nothing) on the same draft, validation and deploy flow as the BPMN
// editor. A problem's element is a decision, rule or cell id; selecting it opens the decision's table.
import DmnModeler from "dmn-js/lib/Modeler";
import { config, startEditor, t } from "./common";
import { translateModule } from "./translate";

// (dmn-js gives each view its own modules: `common` cannot carry them)
const translated = { additionalModules: [translateModule(config.lang, "dmn")] };
const modeler = new DmnModeler({
  container: "#modeler-canvas",
  drd: translated, decisionTable: translated, literalExpression: translated, boxedExpression: translated,
});
window.mamisModeler = modeler;

function decisionView(id) {
  const views = modeler.getViews();
  return views.find((v) => v.element.id === id && v.type !== "drd")
    || views.find((v) => v.type === "decisionTable" && JSON.stringify(v.element.decisionLogic || {}).includes(id))
    || views.find((v) => v.type === "decisionTable");
}

let marked = [];

function markCells() {
  const box = document.getElementById("modeler-canvas");
  // the rule numbers' column has an empty header (dmn-js): named, as every column is
  box.querySelectorAll("th.index-column").forEach((th) => th.setAttribute("aria-label", t("rule_number")));
  box.querySelectorAll(".has-problem").forEach((el) => el.classList.remove("has-problem"));
  marked.forEach((id) => {
    box.querySelectorAll(`[data-element-id="${CSS.escape(id)}"]`).forEach((el) => el.classList.add("has-problem"));
  });
}

startEditor({
  load: () => modeler.importXML(config.xml).then(() => {
    const table = modeler.getViews().find((v) => v.type === "decisionTable");
    return table ? modeler.open(table) : undefined;
  }),
  xml: () => modeler.saveXML({ format: true }).then((r) => r.xml),
  onChange: (callback) => {
    const watch = () => {
      const viewer = modeler.getActiveViewer();
      if (viewer) {
        viewer.on("elements.changed", callback);
        viewer.on("elements.changed", () => setTimeout(markCells, 0));  // the table re-renders its cells
      }
    };
    modeler.on("views.changed", watch);
    watch();
  },
  mark: (problems) => {
    marked = problems.map((p) => p.element).filter(Boolean);
    markCells();
  },
  select: (id) => {
    const view = decisionView(id);
    if (!view) { return false; }
    return Promise.resolve(modeler.open(view)).then(() => {
      markCells();
      const cell = document.querySelector(`#modeler-canvas [data-element-id="${CSS.escape(id)}"]`);
      if (cell) { cell.scrollIntoView({ block: "center" }); cell.focus(); }
      return true;
    });
  },
});
