"""What a draft changes against the version it would replace: the elements added, removed and
changed, by id — what a designer reviews before deploying (the layout alone is not a change)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from . import validation

#: the diagram's layout (shapes, edges, bounds): moving a box changes no behaviour
_LAYOUT_NAMESPACES = ("http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DC",
                      "http://www.omg.org/spec/DD/20100524/DI", "https://www.omg.org/spec/DMN/20191111/DMNDI/",
                      "http://www.omg.org/spec/DMN/20180521/DMNDI/", "http://www.omg.org/spec/DMN/20180521/DC/",
                      "http://www.omg.org/spec/DMN/20180521/DI/")


@dataclass(frozen=True)
class Change:
    kind: str  # added / removed / changed
    element_id: str
    element_type: str  # e.g. userTask, sequenceFlow, rule
    name: str
    #: for a changed element, what changed: "conditionExpression: a → b; due_in_days: 14 → 10"
    detail: str = ""


#: how much of a value the review quotes, and how many differences per element
_QUOTE, _MOST = 60, 4


def _parse(xml: str):
    return validation.parse(xml, strip_blank=True)


def _is_layout(element) -> bool:
    return etree.QName(element).namespace in _LAYOUT_NAMESPACES


_SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"


def _is_element(element) -> bool:
    """An element of the diagram, compared on its own: one with an id — not the settings inside an
    element (a service task's operation and parameters have an "id" that is a name, not an
    element's: they are part of the task's content)."""
    return bool(element.get("id")) and etree.QName(element).namespace != _SPIFF


def _own_content(element) -> str:
    """An element's tag, attributes and content, its descendants with ids left out (they are
    compared on their own) and the layout ignored."""
    parts = [etree.QName(element).localname, repr(sorted(element.attrib.items())), (element.text or "").strip()]
    for child in element:
        if not isinstance(child.tag, str) or _is_layout(child) or _is_element(child):
            continue
        parts.append(_own_content(child))
    return "|".join(parts)


def _facts(element, path: str = "") -> dict[str, str]:
    """An element's own values by a short readable path (its attributes, its text, and those of its
    descendants without ids: a flow's condition, a task's properties, a cell's text)."""
    out = {}
    for key, value in element.attrib.items():
        if key != "id":
            out[f"{path}@{etree.QName(key).localname}" if path else etree.QName(key).localname] = value
    text = (element.text or "").strip()
    if text:
        out[path or "text"] = text
    for child in element:
        if not isinstance(child.tag, str) or _is_layout(child) or _is_element(child):
            continue
        tag = etree.QName(child).localname
        if tag == "property" and child.get("name"):  # this system's settings: due_in_days, form_key, …
            out[child.get("name")] = child.get("value", "")
            continue
        if tag == "parameter" and child.get("id"):  # a service task's parameter, by its name
            out[f"parameter {child.get('id')}"] = child.get("value", "")
            continue
        if tag == "serviceTaskOperator":  # its operation (the "id") and result variable
            out["operation"] = child.get("id", "")
            out.update(_facts(child))
            continue
        # containers (extensionElements, properties, a cell's text) speak through their contents
        out.update(_facts(child, path if tag in ("extensionElements", "properties", "text") else tag))
    return out


def _detail(before, after) -> str:
    old, new = _facts(before), _facts(after)
    said = []
    for key in [*old, *(k for k in new if k not in old)]:
        if old.get(key) != new.get(key):
            said.append(f"{key}: {_quoted(old.get(key))} → {_quoted(new.get(key))}")
    return "; ".join(said[:_MOST]) + ("; …" if len(said) > _MOST else "")


def _quoted(value: str | None) -> str:
    if value is None:
        return "—"
    return value if len(value) <= _QUOTE else value[:_QUOTE] + "…"


def _elements(root) -> dict[str, tuple[str, str, str]]:
    """{id: (type, name, content)} for every element with an id, outside the layout."""
    out = {}
    for element in root.iter():
        if not isinstance(element.tag, str) or _is_layout(element):
            continue
        if any(_is_layout(a) for a in element.iterancestors()):
            continue
        if _is_element(element):
            out[element.get("id")] = (etree.QName(element).localname, element.get("name") or "",
                                      _own_content(element))
    return out


def compare(before_xml: str | None, after_xml: str) -> list[Change]:
    """The changes from `before_xml` (None: nothing deployed yet, everything is added) to
    `after_xml`, removed first, then changed, then added, each in document order."""
    after_root = _parse(after_xml)
    before_root = _parse(before_xml) if before_xml else None
    after = _elements(after_root)
    before = _elements(before_root) if before_root is not None else {}
    changes = [Change("removed", i, t, n) for i, (t, n, _) in before.items() if i not in after]
    changed = [i for i, (_, _, c) in after.items() if i in before and before[i][2] != c]
    if changed:
        old_nodes = {e.get("id"): e for e in before_root.iter() if isinstance(e.tag, str) and e.get("id") in before}
        new_nodes = {e.get("id"): e for e in after_root.iter() if isinstance(e.tag, str) and e.get("id") in after}
        changes += [Change("changed", i, after[i][0], after[i][1], _detail(old_nodes[i], new_nodes[i]))
                    for i in changed]
    added = [i for i in after if i not in before]
    if added:  # what a new element is set to (a user task's kind, form, association; a flow's condition)
        new_nodes = {e.get("id"): e for e in after_root.iter() if isinstance(e.tag, str) and e.get("id") in added}
        changes += [Change("added", i, after[i][0], after[i][1], _settings(new_nodes[i])) for i in added]
    return changes


def _settings(element) -> str:
    said = [f"{key}: {_quoted(value)}" for key, value in _facts(element).items() if value not in (None, "")]
    return "; ".join(said[:_MOST]) + ("; …" if len(said) > _MOST else "")
