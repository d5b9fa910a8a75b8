// The process editor: bpmn-js modeler + properties panel (both from npm, bundled by esbuild in
// `make setup`), with a panel group for this project's extension properties (spiffworkflow
// namespace): a user task's kind, form key, association or user expression and due days; a
// service task's operation and parameters; a flow's condition; a call activity's process.
// Saving sends the XML to the server, which validates it and answers with problems per element.
import BpmnModeler from "bpmn-js/lib/Modeler";
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  useService,
} from "bpmn-js-properties-panel";
import {
  Group,
  SelectEntry,
  TextAreaEntry,
  TextFieldEntry,
  isSelectEntryEdited,
  isTextAreaEntryEdited,
  isTextFieldEntryEdited,
} from "@bpmn-io/properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";
import spiffworkflow from "./spiffworkflow.json";

import { config, labelCanvas, startEditor, t } from "./common";
import { translateModule } from "./translate";

// --- reading and writing the extension elements -------------------------------------------

function extensionOf(bo, type) {
  const ext = bo.get("extensionElements");
  return ext ? (ext.get("values") || []).find((v) => is(v, type)) : undefined;
}

function ensureExtension(bo, type, bpmnFactory, commandStack, element) {
  let ext = bo.get("extensionElements");
  if (!ext) {
    ext = bpmnFactory.create("bpmn:ExtensionElements", { values: [] });
    commandStack.execute("element.updateModdleProperties", {
      element, moddleElement: bo, properties: { extensionElements: ext } });
  }
  let found = (ext.get("values") || []).find((v) => is(v, type));
  if (!found) {
    found = bpmnFactory.create(type, {});
    found.$parent = ext;
    commandStack.execute("element.updateModdleProperties", {
      element, moddleElement: ext, properties: { values: [...(ext.get("values") || []), found] } });
  }
  return found;
}

function getProperty(element, name) {
  const props = extensionOf(getBusinessObject(element), "spiffworkflow:Properties");
  const prop = props && (props.get("properties") || []).find((p) => p.name === name);
  return prop ? prop.value : "";
}

function setProperty(element, name, value, bpmnFactory, commandStack) {
  const bo = getBusinessObject(element);
  const props = ensureExtension(bo, "spiffworkflow:Properties", bpmnFactory, commandStack, element);
  const list = props.get("properties") || [];
  const existing = list.find((p) => p.name === name);
  if (!value) {
    if (existing) {
      commandStack.execute("element.updateModdleProperties", {
        element, moddleElement: props, properties: { properties: list.filter((p) => p !== existing) } });
    }
    return;
  }
  if (existing) {
    commandStack.execute("element.updateModdleProperties", {
      element, moddleElement: existing, properties: { value } });
  } else {
    const prop = bpmnFactory.create("spiffworkflow:Property", { name, value });
    prop.$parent = props;
    commandStack.execute("element.updateModdleProperties", {
      element, moddleElement: props, properties: { properties: [...list, prop] } });
  }
}

// --- entries ----------------------------------------------------------------------------

function PropertyText(props) {
  const { element, id, name, label, description } = props;
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  const debounce = useService("debounceInput");
  return TextFieldEntry({
    element, id, label, description, debounce,
    getValue: () => getProperty(element, name),
    setValue: (value) => setProperty(element, name, (value || "").trim(), bpmnFactory, commandStack),
  });
}

function PropertySelect(props) {
  const { element, id, name, label, options } = props;
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  return SelectEntry({
    element, id, label,
    getValue: () => getProperty(element, name),
    setValue: (value) => setProperty(element, name, value, bpmnFactory, commandStack),
    // a choice's label in the designer's language where one is given (the task's kinds), else its code
    getOptions: () => [{ value: "", label: "—" },
      ...options.map((o) => ({ value: o, label: t(`${name}_${o}`) === `${name}_${o}` ? o : `${t(`${name}_${o}`)} (${o})` }))],
  });
}

function operatorOf(element) {
  return extensionOf(getBusinessObject(element), "spiffworkflow:ServiceTaskOperator");
}

function OperationSelect(props) {
  const { element, id } = props;
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  return SelectEntry({
    element, id, label: t("operation"),
    getValue: () => (operatorOf(element) || {}).id || "",
    setValue: (value) => {
      const op = ensureExtension(getBusinessObject(element), "spiffworkflow:ServiceTaskOperator",
        bpmnFactory, commandStack, element);
      const params = bpmnFactory.create("spiffworkflow:Parameters", { parameters: [] });
      params.$parent = op;
      (config.operations[value] || []).forEach((name) => {
        const p = bpmnFactory.create("spiffworkflow:Parameter", { id: name, type: "any", value: "" });
        p.$parent = params;
        params.get("parameters").push(p);
      });
      commandStack.execute("element.updateModdleProperties", {
        element, moddleElement: op, properties: { id: value, parameters: params } });
    },
    getOptions: () => [{ value: "", label: "—" },
      ...Object.keys(config.operations).sort().map((o) => ({ value: o, label: o }))],
  });
}

function OperatorText(props) {
  const { element, id, attr, label } = props;
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  return TextFieldEntry({
    element, id, label, debounce,
    getValue: () => (operatorOf(element) || {})[attr] || "",
    setValue: (value) => {
      const op = operatorOf(element);
      if (op) {
        commandStack.execute("element.updateModdleProperties", {
          element, moddleElement: op, properties: { [attr]: value } });
      }
    },
  });
}

function ParameterText(props) {
  const { element, id, parameter } = props;
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  return TextFieldEntry({
    element, id, label: parameter.id, debounce, description: t("expression_hint"),
    getValue: () => parameter.value || "",
    setValue: (value) => commandStack.execute("element.updateModdleProperties", {
      element, moddleElement: parameter, properties: { value } }),
  });
}

function ConditionText(props) {
  const { element, id } = props;
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  return TextAreaEntry({
    element, id, label: t("condition"), debounce, description: t("condition_hint"),
    getValue: () => (bo.get("conditionExpression") || {}).body || "",
    setValue: (value) => {
      const expression = value ? bpmnFactory.create("bpmn:FormalExpression", { body: value }) : undefined;
      if (expression) { expression.$parent = bo; }
      commandStack.execute("element.updateModdleProperties", {
        element, moddleElement: bo, properties: { conditionExpression: expression } });
    },
  });
}

function CalledElementSelect(props) {
  const { element, id } = props;
  const commandStack = useService("commandStack");
  const bo = getBusinessObject(element);
  return SelectEntry({
    element, id, label: t("called_process"),
    getValue: () => bo.get("calledElement") || "",
    setValue: (value) => commandStack.execute("element.updateModdleProperties", {
      element, moddleElement: bo, properties: { calledElement: value } }),
    getOptions: () => [{ value: "", label: "—" }, ...config.processKeys.map((k) => ({ value: k, label: k }))],
  });
}

function CalledDecisionSelect(props) {
  const { element, id } = props;
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  const bo = getBusinessObject(element);
  return SelectEntry({
    element, id, label: t("called_decision"),
    getValue: () => ((extensionOf(bo, "spiffworkflow:CalledDecisionId") || {}).value || "").trim(),
    setValue: (value) => {
      const called = ensureExtension(bo, "spiffworkflow:CalledDecisionId", bpmnFactory, commandStack, element);
      commandStack.execute("element.updateModdleProperties", {
        element, moddleElement: called, properties: { value } });
    },
    getOptions: () => [{ value: "", label: "—" }, ...config.decisionKeys.map((k) => ({ value: k, label: k }))],
  });
}

// --- the provider -----------------------------------------------------------------------

function mamisEntries(element) {
  const bo = getBusinessObject(element);
  if (is(element, "bpmn:UserTask")) {
    return [
      { id: "mamis-kind", component: PropertySelect, name: "kind", label: t("kind"),
        options: ["review", "amend"], isEdited: isSelectEntryEdited },
      { id: "mamis-form-key", component: PropertySelect, name: "form_key", label: t("form_key"),
        options: config.formKeys, isEdited: isSelectEntryEdited },
      { id: "mamis-association", component: PropertyText, name: "candidate_association",
        label: t("candidate_association"), description: t("expression_hint"), isEdited: isTextFieldEntryEdited },
      { id: "mamis-user", component: PropertyText, name: "candidate_user", label: t("candidate_user"),
        description: t("user_hint"), isEdited: isTextFieldEntryEdited },
      { id: "mamis-due", component: PropertyText, name: "due_in_days", label: t("due_in_days"),
        isEdited: isTextFieldEntryEdited },
    ];
  }
  if (is(element, "bpmn:ServiceTask")) {
    const op = operatorOf(element);
    const entries = [
      { id: "mamis-operation", component: OperationSelect, isEdited: isSelectEntryEdited },
      { id: "mamis-result", component: OperatorText, attr: "resultVariable", label: t("result_variable"),
        isEdited: isTextFieldEntryEdited },
    ];
    const params = op && op.get("parameters");
    ((params && params.get("parameters")) || []).forEach((p, i) => entries.push(
      { id: "mamis-param-" + i, component: ParameterText, parameter: p, isEdited: isTextFieldEntryEdited }));
    return entries;
  }
  if (is(element, "bpmn:SequenceFlow") && bo.sourceRef &&
      (is(bo.sourceRef, "bpmn:ExclusiveGateway") || is(bo.sourceRef, "bpmn:InclusiveGateway"))) {
    return [{ id: "mamis-condition", component: ConditionText, isEdited: isTextAreaEntryEdited }];
  }
  if (is(element, "bpmn:CallActivity")) {
    return [{ id: "mamis-called", component: CalledElementSelect, isEdited: isSelectEntryEdited }];
  }
  if (is(element, "bpmn:BusinessRuleTask")) {
    return [{ id: "mamis-decision", component: CalledDecisionSelect, isEdited: isSelectEntryEdited }];
  }
  return [];
}

function MamisPropertiesProvider(propertiesPanel) {
  propertiesPanel.registerProvider(500, this);
}
MamisPropertiesProvider.prototype.getGroups = function (element) {
  return (groups) => {
    const entries = mamisEntries(element);
    if (entries.length) {
      groups.splice(1, 0, { id: "mamis", label: t("group"), component: Group, entries });
    }
    return groups;
  };
};
MamisPropertiesProvider.$inject = ["propertiesPanel"];

const MamisModule = {
  __init__: ["mamisPropertiesProvider"],
  mamisPropertiesProvider: ["type", MamisPropertiesProvider],
};

// --- the page -----------------------------------------------------------------------------

const modeler = new BpmnModeler({
  container: "#modeler-canvas",
  propertiesPanel: { parent: "#modeler-properties" },
  additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, MamisModule,
    translateModule(config.lang, "bpmn")],
  moddleExtensions: { spiffworkflow },
});
window.mamisModeler = modeler;

// The whole diagram in view, clear of the tool palette on the canvas's left edge.
function fitBesidePalette() {
  const canvas = modeler.get("canvas");
  canvas.zoom("fit-viewport");
  const palette = document.querySelector("#modeler-canvas .djs-palette");
  const box = document.getElementById("modeler-canvas").getBoundingClientRect();
  const { inner } = canvas.viewbox();
  if (!palette || !inner.width || !inner.height || !box.width) { return; }
  const left = palette.offsetLeft + palette.offsetWidth + 16; // px kept clear on each side
  const top = 24;
  const scale = Math.min((box.width - 2 * left) / inner.width, (box.height - 2 * top) / inner.height, 1);
  if (!(scale > 0.05)) { return; }  // a canvas narrower than the palette (a phone): fit-viewport as it is
  canvas.viewbox({ x: inner.x - left / scale, y: inner.y - top / scale, width: box.width / scale,
                   height: box.height / scale });
}

startEditor({
  load: () => modeler.importXML(config.xml).then(fitBesidePalette).then(() => labelCanvas("#modeler-canvas")),
  xml: () => modeler.saveXML({ format: true }).then((r) => r.xml),
  onChange: (callback) => modeler.on("commandStack.changed", callback),
  mark: (problems) => {
    const canvas = modeler.get("canvas");
    const registry = modeler.get("elementRegistry");
    registry.getAll().forEach((e) => canvas.removeMarker(e.id, "has-problem"));
    problems.forEach((p) => { if (p.element && registry.get(p.element)) { canvas.addMarker(p.element, "has-problem"); } });
  },
  select: (id) => {
    const target = modeler.get("elementRegistry").get(id);
    if (!target) { return false; }
    modeler.get("selection").select(target);
    modeler.get("canvas").scrollToElement(target);
    return true;
  },
});
