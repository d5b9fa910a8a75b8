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

const config = JSON.parse(document.getElementById("modeler-config").textContent);
const t = (key) => config.labels[key] || key;

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
    getOptions: () => [{ value: "", label: "—" }, ...options.map((o) => ({ value: o, label: o }))],
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
        description: t("expression_hint"), isEdited: isTextFieldEntryEdited },
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
  additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, MamisModule],
  moddleExtensions: { spiffworkflow },
});
window.mamisModeler = modeler;

let revision = config.revision;
let dirty = false;
const status = document.getElementById("modeler-status");
const problemList = document.getElementById("modeler-problems");

function showProblems(problems) {
  const canvas = modeler.get("canvas");
  const registry = modeler.get("elementRegistry");
  registry.getAll().forEach((e) => canvas.removeMarker(e.id, "has-problem"));
  problemList.replaceChildren();
  problems.forEach((p) => {
    const item = document.createElement("li");
    const target = p.element && registry.get(p.element);
    if (target) {
      canvas.addMarker(p.element, "has-problem");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = p.element;
      button.addEventListener("click", () => {
        modeler.get("selection").select(target);
        canvas.scrollToElement(target);
      });
      item.append(button, "： ");
    } else if (p.element) {
      item.append(p.element + "： ");
    }
    item.append(p.message);
    item.dataset.code = p.code;
    problemList.append(item);
  });
  document.getElementById("modeler-problems-box").hidden = problems.length === 0;
  document.getElementById("modeler-next").hidden = problems.length !== 0 || revision === 0;
}

function say(text, kind) {
  status.textContent = text;
  status.dataset.kind = kind || "info";
}

async function save() {
  const { xml } = await modeler.saveXML({ format: true });
  say(t("saving"));
  const response = await fetch(config.saveUrl, {
    method: "PUT", credentials: "same-origin", body: xml,
    headers: { "Content-Type": "application/xml", "X-CSRFToken": config.csrf,
               "X-Draft-Revision": String(revision), Accept: "application/json" },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    say(body.message || t("save_failed"), "error");
    return;
  }
  revision = body.revision;
  dirty = false;
  showProblems(body.problems);
  say(body.problems.length ? t("saved_with_problems").replace("{n}", body.problems.length) : t("saved_ok"),
    body.problems.length ? "warning" : "ok");
}

document.getElementById("modeler-save").addEventListener("click", () => { save(); });
modeler.on("commandStack.changed", () => { dirty = true; say(t("unsaved")); });
window.addEventListener("beforeunload", (event) => { if (dirty) { event.preventDefault(); } });

modeler.importXML(config.xml).then(() => {
  modeler.get("canvas").zoom("fit-viewport");
  showProblems(config.problems);
  document.getElementById("modeler").dataset.ready = "true";
}).catch((err) => say(t("load_failed") + " " + err.message, "error"));
