"""Validation of a BPMN file before it is deployed (or saved as a draft), problem by problem.

Every problem names the element it is about (its BPMN id, or None for the whole file) and a
message key from membership.messages, so the editor can select the element and the screen and the
API can say what is wrong in the user's language.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from membership import messages

from . import safe_eval
from .services import SERVICES

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}

#: Elements this system refuses: scripts run unrestricted Python in SpiffWorkflow; compensation
#: and link events parse silently as plain events; complex gateways raise at run time.
FORBIDDEN = {
    "bpmn:scriptTask": "bpmn.script_task",
    "spiffworkflow:preScript": "bpmn.pre_script",
    "spiffworkflow:postScript": "bpmn.post_script",
    "bpmn:compensateEventDefinition": "bpmn.compensation",
    "bpmn:linkEventDefinition": "bpmn.link_event",
    "bpmn:complexGateway": "bpmn.complex_gateway",
}

#: Extension properties whose values are expressions, checked like conditions.
EXPRESSION_PROPERTIES = ("candidate_association", "candidate_user")
TASK_KINDS = ("review", "amend")
MAX_BPMN_BYTES = 2_000_000

_form_keys: frozenset[str] | None = None


def register_form_keys(keys) -> None:
    """The form keys the web layer can render (forms/); unchecked until registered."""
    global _form_keys
    _form_keys = frozenset(keys)


def form_keys() -> frozenset[str] | None:
    return _form_keys


@dataclass(frozen=True)
class Problem:
    element: str | None
    key: str
    params: dict = field(default_factory=dict, hash=False, compare=False)

    def render(self, lang: str = messages.DEFAULT_LANG) -> str:
        return messages.render(self.key, lang, **self.params)

    def __str__(self) -> str:
        text = self.render("en")
        return f"{self.element}: {text}" if self.element else text

    def as_dict(self, lang: str = messages.DEFAULT_LANG) -> dict:
        return {"element": self.element, "code": self.key.removeprefix("bpmn."), "message": self.render(lang)}


class InvalidDefinition(ValueError):
    """The BPMN cannot be deployed. `problems` lists what is wrong; `errors` the same as text."""

    def __init__(self, problems: list[Problem | str]):
        self.problems = [p if isinstance(p, Problem) else Problem(None, "bpmn.other", {"detail": p})
                         for p in problems]
        self.errors = [str(p) for p in self.problems]
        super().__init__("; ".join(self.errors))


@dataclass
class CheckedFile:
    key: str
    name: str
    calls: list[str] = field(default_factory=list)


def problems_of(xml: str | bytes, filename: str = "upload.bpmn", known_calls=None) -> tuple[CheckedFile | None,
                                                                                              list[Problem]]:
    """(what the file is, every problem found). `known_calls(key) -> bool` says whether a called
    process exists; None skips that check."""
    data = xml.encode() if isinstance(xml, str) else xml
    if len(data) > MAX_BPMN_BYTES:
        return None, [Problem(None, "bpmn.too_large", {"limit": MAX_BPMN_BYTES // 1_000_000})]
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return None, [Problem(None, "bpmn.xml", {"detail": str(exc)})]
    problems: list[Problem] = []
    for tag, key in FORBIDDEN.items():
        for node in root.iterfind(f".//{tag}", NS):
            problems.append(Problem(_owner(node), key))
    for node in root.iterfind(".//bpmn:conditionExpression", NS):
        _expression(node.text or "", _owner(node), "bpmn.condition", problems)
    for node in root.iterfind(".//spiffworkflow:serviceTaskOperator", NS):
        _service(node, problems)
    for task in root.iterfind(".//bpmn:userTask", NS):
        _user_task(task, problems)
    for node in root.iterfind(".//spiffworkflow:property", NS):
        if node.get("name") in EXPRESSION_PROPERTIES and _owner(node) is not None:
            owner = node.getparent().getparent().getparent()
            if etree.QName(owner).localname != "userTask":
                _expression(node.get("value", ""), _owner(node), "bpmn.property", problems,
                            name=node.get("name"))
    for tag in ("timeDuration", "timeDate", "timeCycle"):
        for node in root.iterfind(f".//bpmn:{tag}", NS):
            _expression(node.text or "", _owner(node), "bpmn.timer", problems)
    for tag in ("loopCardinality", "completionCondition"):
        for node in root.iterfind(f".//bpmn:{tag}", NS):
            _expression(node.text or "", _owner(node), "bpmn.expression", problems)
    processes = [p for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable") == "true"]
    if len(processes) != 1:
        problems.append(Problem(None, "bpmn.one_process", {"found": len(processes)}))
        return None, problems
    process = processes[0]
    calls = {n.get("calledElement") or "" for n in process.iterfind(".//bpmn:callActivity", NS)}
    checked = CheckedFile(key=process.get("id"), name=process.get("name") or process.get("id"), calls=sorted(calls))
    if known_calls is not None:
        for node in process.iterfind(".//bpmn:callActivity", NS):
            called = node.get("calledElement") or ""
            if called != checked.key and not known_calls(called):
                problems.append(Problem(node.get("id"), "bpmn.unknown_call", {"process": called}))
    if problems:
        return checked, problems
    parser = SpiffBpmnParser(validator=VALIDATOR)
    try:
        parser.add_bpmn_xml(root, filename=filename)
        parser.get_spec(checked.key)
    except ValidationException as exc:
        problems.append(Problem(getattr(exc, "id", None) or None, "bpmn.parser", {"detail": str(exc)}))
    except Exception as exc:  # the parser raises many kinds for malformed diagrams
        problems.append(Problem(None, "bpmn.parser", {"detail": f"{type(exc).__name__}: {exc}"}))
    return checked, problems


def check_bpmn(xml: str | bytes, filename: str = "upload.bpmn", known_calls=None) -> CheckedFile:
    """Validate one BPMN file for deployment. Raises InvalidDefinition with every problem found."""
    checked, problems = problems_of(xml, filename, known_calls)
    if problems:
        raise InvalidDefinition(problems)
    return checked


def _owner(node) -> str | None:
    """The id of the nearest enclosing flow element (the one a designer selects)."""
    while node is not None:
        if node.get("id") and etree.QName(node).namespace == NS["bpmn"] and not etree.QName(node).localname.endswith(
                ("EventDefinition", "Expression")):
            return node.get("id")
        node = node.getparent()
    return None


def _expression(text: str, element: str | None, key: str, problems: list[Problem], **params) -> None:
    try:
        safe_eval.parse(text)
    except safe_eval.UnsafeExpression as exc:
        problems.append(Problem(element, key, {"detail": str(exc), "expression": text.strip()[:80], **params}))


def operation_parameters(operation: str) -> list[str]:
    """The parameter names a service operation takes (after session and actor)."""
    func = SERVICES[operation]
    params = list(inspect.signature(func).parameters.values())[2:]
    return [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def _service(node, problems: list[Problem]) -> None:
    task_id = _owner(node)
    operation = node.get("id") or ""
    if operation not in SERVICES:
        problems.append(Problem(task_id, "bpmn.unknown_operation", {"operation": operation}))
        return
    given = {}
    for param in node.iterfind(".//spiffworkflow:parameter", NS):
        given[param.get("id")] = param.get("value", "")
        _expression(param.get("value", ""), task_id, "bpmn.parameter", problems, name=param.get("id"))
    func = SERVICES[operation]
    signature = inspect.signature(func)
    expected = operation_parameters(operation)
    for name in given:
        if name not in expected:
            problems.append(Problem(task_id, "bpmn.unknown_parameter", {"operation": operation, "name": name}))
    for name in expected:
        if name not in given and signature.parameters[name].default is inspect.Parameter.empty:
            problems.append(Problem(task_id, "bpmn.missing_parameter", {"operation": operation, "name": name}))


def _user_task(task, problems: list[Problem]) -> None:
    task_id = task.get("id")
    props = {p.get("name"): p.get("value", "") for p in task.iterfind(
        "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)}
    if not (props.get("candidate_association") or "").strip() and not (props.get("candidate_user") or "").strip():
        problems.append(Problem(task_id, "bpmn.unassigned"))
    for name in EXPRESSION_PROPERTIES:
        if (props.get(name) or "").strip():
            _expression(props[name], task_id, "bpmn.property", problems, name=name)
    if props.get("kind", "review") not in TASK_KINDS:
        problems.append(Problem(task_id, "bpmn.task_kind", {"kind": props.get("kind"), "known": ", ".join(TASK_KINDS)}))
    keys = form_keys()
    form_key = props.get("form_key", "")
    if not form_key:
        problems.append(Problem(task_id, "bpmn.no_form_key"))
    elif keys is not None and form_key not in keys:
        problems.append(Problem(task_id, "bpmn.unknown_form_key", {"form_key": form_key,
                                                                   "known": ", ".join(sorted(keys))}))
    due = (props.get("due_in_days") or "").strip()
    if due and not (due.isdigit() and 0 < int(due) <= 365):
        problems.append(Problem(task_id, "bpmn.due_in_days", {"value": due}))
