"""Validation of a BPMN file before it is deployed (or saved as a draft), problem by problem.

Every problem names the element it is about (its BPMN id, or None for the whole file) and a
message key from membership.messages, so the editor can select the element and the screen and the
API can say what is wrong in the user's language.
"""

from __future__ import annotations

import ast
import codecs
import inspect
import re
from dataclasses import dataclass, field, replace

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from membership import messages
from membership.fields import parse_int

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
    #: the element's name in the diagram, when it has one (designers know tasks by name, not id)
    name: str = field(default="", compare=False)

    def render(self, lang: str = messages.DEFAULT_LANG) -> str:
        params = dict(self.params)
        if params.get("reason"):  # an expression refused: why, in the reader's language
            params["detail"] = messages.render(f"expr.{params['reason']}", lang, **params.get("reason_params", {}))
        return messages.render(self.key, lang, **params)

    def __str__(self) -> str:
        text = self.render("en")
        return f"{self.element}: {text}" if self.element else text

    def as_dict(self, lang: str = messages.DEFAULT_LANG) -> dict:
        return {"element": self.element, "name": self.name, "code": self.key.removeprefix("bpmn."),
                "message": self.render(lang)}


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
    #: "bpmn" or "dmn" (a decision table, called by business rule tasks)
    kind: str = "bpmn"


HIT_POLICIES = ("UNIQUE", "COLLECT")  # SpiffWorkflow implements these two only


def kind_of(xml: str | bytes) -> str:
    """"dmn" for a DMN file, else "bpmn" (by the root element's namespace; no full parse)."""
    head = (xml[:2000].decode("utf-8", "replace") if isinstance(xml, bytes) else xml[:2000])
    return "dmn" if "omg.org/spec/DMN/" in head else "bpmn"


def problems_of(xml: str | bytes, filename: str = "upload.bpmn", known_calls=None,
                decision_xml=None) -> tuple[CheckedFile | None, list[Problem]]:
    """(what the file is, every problem found, each with its element's name).
    `known_calls` and `decision_xml` as in `_problems_of`."""
    checked, found = _problems_of(xml, filename, known_calls, decision_xml)
    return checked, _named(xml, found)


def _named(xml: str | bytes, found: list[Problem]) -> list[Problem]:
    """The problems with the names of the elements they are about."""
    if not any(p.element for p in found):
        return found
    root = parse_or_none(xml)
    if root is None:
        return found
    names = {node.get("id"): node.get("name") for node in root.iter() if node.get("id") and node.get("name")}
    return [replace(p, name=names.get(p.element, "")) if p.element else p for p in found]


def _problems_of(xml: str | bytes, filename: str = "upload.bpmn", known_calls=None,
                 decision_xml=None) -> tuple[CheckedFile | None, list[Problem]]:
    """(what the file is, every problem found). `known_calls(key) -> bool` says whether a called
    process or decision exists (None skips that check); `decision_xml(key)` gives the DMN XML of a
    decision a business rule task calls, for SpiffWorkflow's parser."""
    data = xml.encode() if isinstance(xml, str) else xml
    if len(data) > MAX_BPMN_BYTES:
        return None, [Problem(None, "bpmn.too_large", {"limit": MAX_BPMN_BYTES // 1_000_000})]
    try:
        root = parse(data)
    except etree.XMLSyntaxError as exc:
        # where, in the designer's language; the parser's own (English) words as a detail after it
        line, column = (exc.position or (exc.lineno or 0, 0))[:2]
        detail = re.sub(r",? line \d+, column \d+$", "", exc.msg or str(exc))
        return None, [Problem(None, "bpmn.xml", {"line": line, "column": column, "detail": detail})]
    if "omg.org/spec/DMN/" in (etree.QName(root).namespace or ""):
        return _dmn_problems(root, filename)
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
            if _BARE_ISO.fullmatch((node.text or "").strip()):  # as Camunda writes it: quotes needed
                problems.append(Problem(_owner(node), "bpmn.timer_spec"))
                continue
            before = len(problems)
            _expression(node.text or "", _owner(node), "bpmn.timer", problems)
            if len(problems) == before and not _timer_literal_reads(tag, node.text or ""):
                problems.append(Problem(_owner(node), "bpmn.timer_spec"))
    for tag in ("loopCardinality", "completionCondition"):
        for node in root.iterfind(f".//bpmn:{tag}", NS):
            _expression(node.text or "", _owner(node), "bpmn.expression", problems)
    processes = [p for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable") == "true"]
    if len(processes) != 1:
        problems.append(Problem(None, "bpmn.one_process", {"found": len(processes)}))
        return None, problems
    process = processes[0]
    called = [(n.get("id"), n.get("calledElement") or "") for n in process.iterfind(".//bpmn:callActivity", NS)]
    decisions = [(_owner(n), (n.text or "").strip()) for n in process.iterfind(".//spiffworkflow:calledDecisionId", NS)]
    checked = CheckedFile(key=process.get("id"), name=process.get("name") or process.get("id"),
                          calls=sorted({k for _, k in called + decisions}))
    for element, key in decisions:
        if not key:
            problems.append(Problem(element, "bpmn.no_decision_chosen"))
    if known_calls is not None:
        for element, key in called:
            if key != checked.key and not known_calls(key):
                problems.append(Problem(element, "bpmn.unknown_call", {"process": key}))
        for element, key in decisions:
            if key and not known_calls(key):
                problems.append(Problem(element, "bpmn.unknown_decision", {"key": key}))
    problems += _structure(root, process)
    problems += _decisions_unread(process)
    if problems:
        return checked, problems
    parser = SpiffBpmnParser(validator=VALIDATOR)
    try:
        parser.add_bpmn_xml(root, filename=filename)
        for _, key in decisions:
            found = decision_xml(key) if decision_xml is not None else None
            if found:
                parser.add_dmn_str(found.encode() if isinstance(found, str) else found, filename=f"{key}.dmn")
        parser.get_spec(checked.key)
    except ValidationException as exc:
        key, params = _parser_problem(str(exc))
        problems.append(Problem(getattr(exc, "id", None) or None, key, params))
    except Exception as exc:  # the parser raises many kinds for malformed diagrams
        problems.append(Problem(None, "bpmn.parser", {"detail": f"{type(exc).__name__}: {exc}"}))
    return checked, problems


#: the parser's commonest refusals, in the designers' words (its English stays as the detail)
_PARSER_PROBLEMS = (
    (re.compile(r"Multiple outgoing flows are not supported for tasks"), "bpmn.task_many_outgoing"),
    (re.compile(r'No DMN Diagram available with id "(?P<key>(?!None")[^"]*)"'), "bpmn.no_decision"),
    (re.compile(r'No DMN Diagram available with id "None"'), "bpmn.no_decision_chosen"),
    (re.compile(r"No start event found"), "bpmn.no_start"),
    (re.compile(r"Unknown Time Specification|Time Specification Error"), "bpmn.timer_spec"),
    (re.compile(r"(?i)must contain an end event"), "bpmn.subprocess_end"),
    (re.compile(r"(?i)outgoing sequence flow without condition"), "bpmn.flow_without_condition"),
)


def _parser_problem(text: str) -> tuple[str, dict]:
    for pattern, key in _PARSER_PROBLEMS:
        if (m := pattern.search(text)) is not None:
            return key, {"detail": text, **m.groupdict()}
    return "bpmn.parser", {"detail": text}


#: flow nodes that need no incoming flow (they start something) or no outgoing one (they end it)
_STARTS = {"startEvent", "boundaryEvent"}
_ENDS = {"endEvent"}
_FLOW_NODES = {"task", "userTask", "serviceTask", "businessRuleTask", "manualTask", "sendTask", "receiveTask",
               "callActivity", "subProcess", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
               "eventBasedGateway", "intermediateCatchEvent", "intermediateThrowEvent", *_STARTS, *_ENDS}


def _structure(root, process) -> list[Problem]:
    """What the parser reports vaguely or not at all, named by element (as bpmnlint does): an id
    used twice, a sequence flow whose end names no element, and an element no flow reaches or none
    leaves (a step that would never run, or a path that stops nowhere)."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for node in root.iter():  # (the extension's parameters have an "id" that is a name, not an element's)
        element_id = node.get("id") if isinstance(node.tag, str) and etree.QName(node).namespace != NS[
            "spiffworkflow"] else None
        if element_id:
            if element_id in seen:
                problems.append(Problem(element_id, "bpmn.duplicate_id"))
            seen.add(element_id)
    for container in [process, *process.iterfind(".//bpmn:subProcess", NS)]:
        if container.get("triggeredByEvent") == "true":
            continue  # an event subprocess starts from its event, not from a flow
        named = {n.get("id"): etree.QName(n).localname for n in container
                 if isinstance(n.tag, str) and n.get("id") and etree.QName(n).namespace == NS["bpmn"]}
        nodes = {i: kind for i, kind in named.items() if kind in _FLOW_NODES}
        incoming: set[str] = set()
        outgoing: set[str] = set()
        for flow in container.iterfind("bpmn:sequenceFlow", NS):
            for end, ref in (("source", flow.get("sourceRef")), ("target", flow.get("targetRef"))):
                if ref not in named:
                    problems.append(Problem(flow.get("id"), f"bpmn.flow_{end}_missing", {"ref": ref or ""}))
            outgoing.add(flow.get("sourceRef"))
            incoming.add(flow.get("targetRef"))
        for lane in container.iterfind("bpmn:laneSet//bpmn:lane", NS):
            for ref in lane.iterfind("bpmn:flowNodeRef", NS):
                if (ref.text or "").strip() not in named:  # a lane listing an element that is not there
                    problems.append(Problem(lane.get("id"), "bpmn.lane_ref_missing", {"ref": (ref.text or "").strip()}))
        for node_id, kind in nodes.items():
            if kind not in _STARTS and node_id not in incoming:
                problems.append(Problem(node_id, "bpmn.unreachable"))
            elif kind not in _ENDS and kind != "boundaryEvent" and node_id not in outgoing:
                # (a boundary event with no flow out does nothing when it fires: allowed, as bpmnlint does)
                problems.append(Problem(node_id, "bpmn.dead_end"))
    return problems


#: an expression that reads a review's decision
_READS_DECISION = re.compile(r"\bdecision\b")
#: elements past which a decision is taken to be read: they may read it in ways not followed here
_MAY_READ = {"callActivity", "businessRuleTask", "subProcess", "scriptTask"}


def _decisions_unread(process) -> list[Problem]:
    """A review task (kind review) whose decision no path reads — no condition, no service task's
    parameter — before the next person's task or the end: its 却下 and 差戻し would be ignored, the
    application going on as if approved (a step added before a review, with no gateway after it)."""
    flows: dict[str, list] = {}
    kinds: dict[str, tuple[str, object]] = {}
    for container in [process, *process.iterfind(".//bpmn:subProcess", NS)]:
        for flow in container.iterfind("bpmn:sequenceFlow", NS):
            flows.setdefault(flow.get("sourceRef"), []).append(flow)
        for node in container:
            if isinstance(node.tag, str) and node.get("id"):
                kinds[node.get("id")] = (etree.QName(node).localname, node)
    problems = []
    for task in process.iterfind(".//bpmn:userTask", NS):
        if _properties(task).get("kind", "review") != "review":
            continue
        seen, todo, unread = set(), [task.get("id")], False
        while todo and not unread:
            node_id = todo.pop()
            out = flows.get(node_id, [])
            if any(_READS_DECISION.search(f.findtext("bpmn:conditionExpression", default="", namespaces=NS))
                   for f in out):
                continue  # a gateway that branches on it reads it, for its default flow too
            for flow in out:
                target = flow.get("targetRef")
                if target in seen:
                    continue
                seen.add(target)
                kind, node = kinds.get(target, ("", None))
                if kind in _MAY_READ:
                    continue
                if kind == "serviceTask" and any(_READS_DECISION.search(p.get("value", "")) for p in node.iterfind(
                        ".//spiffworkflow:parameter", NS)):
                    continue
                if kind in ("userTask", "manualTask", "endEvent") and node.getparent() is process:
                    unread = True
                elif kind not in ("userTask", "manualTask", "endEvent"):
                    todo.append(target)
        if unread:
            problems.append(Problem(task.get("id"), "bpmn.decision_unread"))
    return problems


def check_bpmn(xml: str | bytes, filename: str = "upload.bpmn", known_calls=None, decision_xml=None) -> CheckedFile:
    """Validate one BPMN or DMN file for deployment. Raises InvalidDefinition with every problem."""
    checked, problems = problems_of(xml, filename, known_calls, decision_xml)
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


#: the names every process has: what a filing starts it with (engine.flows) and what a person's
#: decision on a user task adds (engine.tasks.complete_task)
START_NAMES = frozenset({"application_id", "applicant_user_id"})
DECISION_NAMES = frozenset({"decision", "comment", "decided_by"})


#: an XML declaration's encoding, read from the file's first bytes
_DECLARED = re.compile(rb"""\A\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")
#: what Japanese Windows tools mean by "Shift_JIS": Microsoft's superset (①, ㈱, NEC's and IBM's kanji)
_AS_WRITTEN = {"shift_jis": "cp932", "shift_jisx0213": "cp932"}
#: the IANA names of that superset, which Python's codecs do not know
_ALIASES = {"windows-31j": "cp932", "x-sjis": "cp932", "cswindows31j": "cp932"}


class UnreadableText(ValueError):
    """A file whose bytes are not text in UTF-8 or in the encoding its XML declaration names."""


def text_of(data: bytes) -> str:
    """The text of an uploaded BPMN or DMN file: UTF-8 (with or without a BOM), UTF-16 with its BOM, or
    the encoding its XML declaration names (Shift_JIS, EUC-JP from older Japanese tools). A file
    that is not UTF-8 is re-declared as UTF-8, as it is kept from then on."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8):].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        else:
            found = _DECLARED.match(data)
            declared = found.group(1).decode("ascii").lower() if found else "utf-8"
            codec = codecs.lookup(_ALIASES.get(declared, declared)).name
            text = data.decode(_AS_WRITTEN.get(codec, codec))
            if codec == "utf-8":
                return text
    except (LookupError, UnicodeError) as exc:
        raise UnreadableText(str(exc)) from exc
    return re.sub(r"""\A(\s*<\?xml[^>]*?\sencoding\s*=\s*)["'][^"']*["']""", r'\1"UTF-8"', text, count=1)


def parse(xml: str | bytes, *, strip_blank: bool = False):
    """The root of a BPMN or DMN file, parsed the one safe way: no entities resolved, nothing fetched
    (`strip_blank` drops the whitespace between elements). Raises etree.XMLSyntaxError."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=strip_blank)
    return etree.fromstring(xml.encode() if isinstance(xml, str) else xml, parser=parser)


def parse_or_none(xml: str | bytes):
    """The root of a BPMN or DMN file, or None when it is not well-formed XML: for the checks that
    only read a file whose problems are said elsewhere."""
    try:
        return parse(xml)
    except etree.XMLSyntaxError:
        return None


def names_set(xml: str | bytes) -> set[str]:
    """The names a BPMN or DMN file gives values to: service tasks' result variables,
    multi-instance items, and a decision table's outputs."""
    root = parse_or_none(xml)
    if root is None:
        return set()
    found = {n.get("resultVariable") for n in root.iterfind(".//spiffworkflow:serviceTaskOperator", NS)}
    for tag in ("inputDataItem", "outputDataItem"):
        found |= {n.get("name") or n.get("id") for n in root.iterfind(f".//bpmn:{tag}", NS)}
    found |= {(n.text or "").strip() for n in root.iterfind(".//bpmn:loopDataOutputRef", NS)}
    # a decision table's output is named by its name, else (as SpiffWorkflow does) by its label; a
    # dotted name (fee.amount) sets a dict under its first part
    found |= {n.get("name") or n.get("label") for n in root.iter() if isinstance(n.tag, str)
              and etree.QName(n).localname == "output" and "omg.org/spec/DMN/" in (etree.QName(n).namespace or "")}
    return {name.split(".")[0].strip() for name in found if name}


def _names_read(text: str) -> set[str]:
    try:
        tree = safe_eval.parse(text)
    except safe_eval.UnsafeExpression:
        return set()  # reported as a problem already
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def decision_reads(xml: str | bytes) -> set[str]:
    """The names a decision table's input expressions read (what a business rule task calling it
    must have given values to)."""
    root = parse_or_none(xml)
    if root is None:
        return set()
    found: set[str] = set()
    for node in root.iter():
        if isinstance(node.tag, str) and etree.QName(node).localname == "inputExpression":
            text = next((t.text for t in node if isinstance(t.tag, str) and etree.QName(t).localname == "text"), "")
            found |= _names_read(text or "")
    return found


def unknown_names(xml: str | bytes, known: set[str], decisions=None) -> list[Problem]:
    """The names the file's expressions read that nothing gives a value to — not the filing, not a
    decision, not a service task or decision table of this file or of any deployed one (`known`).
    A misspelt variable (`desicion`) or a duration without its quotes (R30/P1D) passes the syntax
    check and fails at run time: the designer confirms it before deploying (designs.risks)."""
    root = parse_or_none(xml)
    if root is None:
        return []
    if "omg.org/spec/DMN/" in (etree.QName(root).namespace or ""):
        return []
    given = set(known) | START_NAMES | DECISION_NAMES | names_set(xml) | set(safe_eval.FUNCTIONS) \
        | set(safe_eval.CONSTANTS)
    reads: list[tuple[str | None, str]] = []
    for node in root.iterfind(".//bpmn:conditionExpression", NS):
        reads.append((_owner(node), node.text or ""))
    for node in root.iterfind(".//spiffworkflow:parameter", NS):
        reads.append((_owner(node), node.get("value", "")))
    for node in root.iterfind(".//spiffworkflow:property", NS):
        if node.get("name") in EXPRESSION_PROPERTIES:
            reads.append((_owner(node), node.get("value", "")))
    for tag in ("timeDuration", "timeDate", "timeCycle", "loopCardinality", "completionCondition"):
        for node in root.iterfind(f".//bpmn:{tag}", NS):
            reads.append((_owner(node), node.text or ""))
    # a business rule task reads what its decision table's inputs name (`decisions(key)`: their names)
    for node in root.iterfind(".//spiffworkflow:calledDecisionId", NS):
        for name in sorted(decisions((node.text or "").strip()) if decisions else ()):
            reads.append((_owner(node), name))
    problems, seen = [], set()
    for element, text in reads:
        for name in sorted(_names_read(text) - given):
            if (element, name) not in seen:
                seen.add((element, name))
                problems.append(Problem(element, "bpmn.unknown_name",
                                        {"variable": name, "expression": text.strip()[:80]}))
    return _named(xml, problems)


def _expression(text: str, element: str | None, key: str, problems: list[Problem], **params) -> None:
    try:
        safe_eval.parse(text)
    except safe_eval.UnsafeExpression as exc:
        problems.append(Problem(element, key, {"detail": str(exc), "expression": text.strip()[:80], **params,
                                               **_why(exc)}))


#: an ISO 8601 duration, cycle or date-time written without quotes
_BARE_ISO = re.compile(r"(?i)(R\d*/)?P[\dT][\dYMWDTHS.,]*"
                       r"|(R\d*/)?\d{4}-\d{2}-\d{2}(T[\d:.]+)?(Z|[+-]\d{2}:?\d{2})?(/\S+)?")


def _timer_literal_reads(tag: str, text: str) -> bool:
    """Whether a timer written as a quoted literal ("P5D") is one SpiffWorkflow can read as its
    kind (a duration, a date-time, a cycle); any other expression is computed as the process runs,
    so it is judged then."""
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return True  # (one written unquoted as Camunda writes it, P5D, is refused before: _BARE_ISO)
    if not isinstance(value, str):  # a number or a list is never a timer's value
        return False
    try:
        if tag == "timeDuration":
            return value.upper().startswith("P") and bool(TimerEventDefinition.parse_iso_duration(value))
        if tag == "timeDate":
            TimerEventDefinition.get_datetime(value)
        else:
            TimerEventDefinition.parse_iso_recurring_interval(value)
    except Exception:  # noqa: BLE001 — the parser raises bare Exceptions and ValueErrors alike
        return False
    return True


def _why(exc: safe_eval.UnsafeExpression) -> dict:
    """A refusal's reason, stored with the problem and rendered in the reader's language."""
    return {"reason": exc.reason, "reason_params": exc.params}


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


def _properties(task) -> dict[str, str]:
    """A user task's properties (kind, form_key, candidate_association…), by name."""
    return {p.get("name"): p.get("value", "") for p in task.iterfind(
        "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)}


def _user_task(task, problems: list[Problem]) -> None:
    task_id = task.get("id")
    props = _properties(task)
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
    if due and parse_int(due, 1, 365) is None:
        problems.append(Problem(task_id, "bpmn.due_in_days", {"value": due}))


def _dmn_problems(root, filename: str) -> tuple[CheckedFile | None, list[Problem]]:
    """A decision table: one decision, a hit policy SpiffWorkflow implements, and every input
    expression and cell in the restricted evaluator."""
    ns = {"dmn": etree.QName(root).namespace}
    decisions = root.findall("dmn:decision", ns)
    if len(decisions) != 1:
        return None, [Problem(None, "bpmn.dmn_one_decision", {"found": len(decisions)})]
    decision = decisions[0]
    checked = CheckedFile(key=decision.get("id"), name=decision.get("name") or decision.get("id"), kind="dmn")
    problems: list[Problem] = []
    table = decision.find("dmn:decisionTable", ns)
    if table is None:
        return checked, [Problem(decision.get("id"), "bpmn.dmn_no_table")]
    policy = (table.get("hitPolicy") or "UNIQUE").upper()
    if policy not in HIT_POLICIES:
        problems.append(Problem(table.get("id"), "bpmn.hit_policy",
                                {"policy": policy, "known": ", ".join(HIT_POLICIES)}))
    for node in table.iterfind("dmn:input", ns):
        text = node.findtext("dmn:inputExpression/dmn:text", default="", namespaces=ns)
        _expression(text, node.get("id"), "bpmn.expression", problems)
    for rule in table.iterfind("dmn:rule", ns):
        for entry in rule.iterfind("dmn:inputEntry", ns):
            _cell(entry.findtext("dmn:text", default="", namespaces=ns), entry.get("id") or rule.get("id"), problems)
        for entry in rule.iterfind("dmn:outputEntry", ns):
            text = (entry.findtext("dmn:text", default="", namespaces=ns) or "").strip()
            if text:
                _expression(text, entry.get("id") or rule.get("id"), "bpmn.expression", problems)
    if not problems:
        parser = SpiffBpmnParser(validator=VALIDATOR)
        try:
            parser.add_dmn_xml(root, filename=filename)
            parser.dmn_parsers[checked.key].parse()
        except Exception as exc:  # noqa: BLE001  (the DMN parser raises many kinds)
            problems.append(Problem(getattr(exc, "id", None) or None, "bpmn.parser", {"detail": str(exc)}))
    return checked, problems


def _cell(text: str | None, element: str, problems: list[Problem]) -> None:
    """An input cell: empty or "-" (any value), a value (compared with ==), a comparison that
    starts with an operator (">= 50"), or an expression with "?" for the input value."""
    text = (text or "").strip()
    if text in ("", "-"):
        return
    if re.match(r"not\s*\(", text) and "?" not in text:
        # FEEL's negation (not(80), not("A", "B")) reads here as Python's not: a constant False the
        # input is compared with — a cell that quietly matches something else
        problems.append(Problem(element, "bpmn.dmn_feel_not", {"expression": text[:80]}))
        return
    candidate = re.sub(r"\?(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)", "dmninputexpr", text)
    for attempt in (candidate, f"dmninputexpr {candidate}"):
        try:
            safe_eval.parse(attempt)
            return
        except safe_eval.UnsafeExpression as exc:
            if exc.reason != "syntax":
                problems.append(Problem(element, "bpmn.dmn_cell", {"expression": text[:80], "detail": str(exc),
                                                                   **_why(exc)}))
                return
    problems.append(Problem(element, "bpmn.dmn_cell", {"expression": text[:80], "detail": "syntax error",
                                                       "reason": "syntax_plain"}))
