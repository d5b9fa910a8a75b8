// The decision-table editor: dmn-js's modeler (vendored UMD build, window.DmnJS) on the same
// draft, validation and deploy flow as the BPMN editor. A problem's element is a decision, rule
// or cell id; selecting it opens the decision's table.
import { config, startEditor } from "./common";

const modeler = new window.DmnJS({ container: "#modeler-canvas", common: { keyboard: { bindTo: window } } });
window.mamisModeler = modeler;

function decisionView(id) {
  const views = modeler.getViews();
  return views.find((v) => v.element.id === id && v.type !== "drd")
    || views.find((v) => v.type === "decisionTable" && JSON.stringify(v.element.decisionLogic || {}).includes(id))
    || views.find((v) => v.type === "decisionTable");
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
      if (viewer) { viewer.on("elements.changed", callback); }
    };
    modeler.on("views.changed", watch);
    watch();
  },
  mark: () => {},
  select: (id) => {
    const view = decisionView(id);
    if (view) { modeler.open(view); }
    return Boolean(view);
  },
});
