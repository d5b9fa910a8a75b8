"""What a draft changes against the version it would replace: the elements added, removed and
changed, by id — what a designer reviews before deploying (the layout alone is not a change)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

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


def _parse(xml: str):
    return etree.fromstring(xml.encode(), parser=etree.XMLParser(resolve_entities=False, no_network=True,
                                                                 remove_blank_text=True))


def _is_layout(element) -> bool:
    return etree.QName(element).namespace in _LAYOUT_NAMESPACES


def _own_content(element) -> str:
    """An element's tag, attributes and content, its descendants with ids left out (they are
    compared on their own) and the layout ignored."""
    parts = [etree.QName(element).localname, repr(sorted(element.attrib.items())), (element.text or "").strip()]
    for child in element:
        if not isinstance(child.tag, str) or _is_layout(child) or child.get("id"):
            continue
        parts.append(_own_content(child))
    return "|".join(parts)


def _elements(root) -> dict[str, tuple[str, str, str]]:
    """{id: (type, name, content)} for every element with an id, outside the layout."""
    out = {}
    for element in root.iter():
        if not isinstance(element.tag, str) or _is_layout(element):
            continue
        if any(_is_layout(a) for a in element.iterancestors()):
            continue
        element_id = element.get("id")
        if element_id:
            out[element_id] = (etree.QName(element).localname, element.get("name") or "", _own_content(element))
    return out


def compare(before_xml: str | None, after_xml: str) -> list[Change]:
    """The changes from `before_xml` (None: nothing deployed yet, everything is added) to
    `after_xml`, removed first, then changed, then added, each in document order."""
    after = _elements(_parse(after_xml))
    before = _elements(_parse(before_xml)) if before_xml else {}
    changes = [Change("removed", i, t, n) for i, (t, n, _) in before.items() if i not in after]
    changes += [Change("changed", i, t, n) for i, (t, n, c) in after.items() if i in before and before[i][2] != c]
    changes += [Change("added", i, t, n) for i, (t, n, _) in after.items() if i not in before]
    return changes
