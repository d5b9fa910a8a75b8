// The editors' own texts (palette, context pad, "change element" menu, properties panel) in the
// page's language. bpmn-js and dmn-js ask a `translate(template, replacements)` service for every
// text they show; replacing that service is how they are localised. The Japanese texts are in
// ja.json, keyed by the English text made comparable (lower case, hyphens and brackets dropped),
// because the libraries spell one element several ways ("Timer boundary event (non-interrupting)"
// in the menu, "Timer Boundary Event (Non Interrupting)" in the panel's header). An event's name
// not listed whole is put together from its trigger and kind. A text with no Japanese is shown in
// English and remembered in window.mamisUntranslated (the browser tests read it).
// Only an event name is put together; DMN has none, so its texts are all listed.
import ja from "./ja.json";

const TRIGGERS = ja["@triggers"];
const EVENTS = ja["@events"];
const EVENT_NAME = new RegExp(
  `^(?:(${Object.keys(TRIGGERS).join("|")}) )?(${Object.keys(EVENTS).join("|")})( non interrupting)?$`);

export function comparable(text) {
  return text.toLowerCase().replace(/[-/]/g, " ").replace(/[()]/g, "").replace(/\s+/g, " ").trim();
}

function japanese(texts, text) {
  const key = comparable(text);
  if (Object.prototype.hasOwnProperty.call(texts, key)) {
    return texts[key];
  }
  const event = EVENT_NAME.exec(key);
  if (event) {
    const [, trigger, kind, nonInterrupting] = event;
    return (trigger ? TRIGGERS[trigger] : "") + EVENTS[kind] + (nonInterrupting ? "（非中断）" : "");
  }
  return undefined;
}

// editor: "bpmn" or "dmn" (one English word can mean two things: "Date" is 日時 on a timer, 日付 in a table)
export function translateModule(lang, editor) {
  const texts = ja[editor];
  const missing = new Set();
  window.mamisUntranslated = missing;
  function translate(template, replacements) {
    let text = template;
    if (lang === "ja" && template) {
      const found = japanese(texts, template);
      if (found === undefined) {
        missing.add(template);
      } else {
        text = found;
      }
    }
    return text.replace(/{([^}]+)}/g, (whole, name) => (
      replacements && name in replacements ? replacements[name] : whole));
  }
  return { translate: ["value", translate] };
}
