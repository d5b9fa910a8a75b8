"""Editing processes: drafts saved from the browser editor, validated at every save, deployed when
they have no problems (decision 0016).

One draft per process key. A save names the revision it was made on; a save over a newer one
fails (Conflict), so two designers never silently overwrite each other.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.orm import Session

from membership import audit
from membership.actors import Actor
from membership.db import utcnow
from membership.errors import Conflict, NotFound, ValidationFailed

from . import decision_check, dry_run, validation
from .deploy import decision_source, deploy, kind_changed, latest, latest_of_each, unchanged
from .models import HumanTask, ProcessDefinition, ProcessDraft, ProcessInstance
from .validation import InvalidDefinition, Problem, kind_of, problems_of

#: characters XML 1.0 does not allow anywhere (tab, line feed and carriage return are allowed)
_NOT_XML_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def draft_of(session: Session, key: str) -> ProcessDraft | None:
    return session.scalar(sa.select(ProcessDraft).where(ProcessDraft.key == key))


def filename(key: str, xml: str | bytes) -> str:
    return f"{key}.{kind_of(xml)}"


def drafts_by_key(session: Session) -> dict[str, ProcessDraft]:
    return {d.key: d for d in session.scalars(sa.select(ProcessDraft))}


def for_editing(session: Session, key: str) -> dict:
    """What the editor opens: the draft if there is one, else the latest deployed version."""
    draft = draft_of(session, key)
    current = latest(session, key)
    if draft is None and current is None:
        raise NotFound()
    return {"key": key, "draft": draft, "latest": current,
            "xml": draft.xml if draft is not None else current.xml,
            "revision": draft.revision if draft is not None else 0,
            "problems": problems(draft) if draft is not None else []}


def problems(draft: ProcessDraft) -> list[Problem]:
    return [Problem(p["element"], p["key"], p.get("params", {}), p.get("name", "")) for p in draft.problems or []]


def check(session: Session, key: str, xml: str | bytes) -> list[Problem]:
    """Every problem of `xml` as the next version of `key` (calls resolved against deployed keys)."""
    checked, found = problems_of(xml, filename(key, xml), known_calls=lambda k: latest(session, k) is not None,
                                 decision_xml=decision_source(session))
    if checked is not None and checked.key != key:
        found.insert(0, Problem(None, "bpmn.key_mismatch", {"found": checked.key, "process": key}))
    elif (problem := kind_changed(latest(session, key), xml if isinstance(xml, str) else xml.decode(
            "utf-8", "replace"))) is not None:
        found.insert(0, problem)
    return found


def save_draft(session: Session, actor: Actor, key: str, xml: str, revision: int) -> ProcessDraft:
    """Save `xml` as the draft of `key`, made on draft `revision` (0: opened from the deployed
    version). Saved even with problems; Conflict if someone saved a newer revision meanwhile."""
    current = latest(session, key)
    if current is None:
        raise NotFound()
    if _NOT_XML_CHARACTER.search(xml):  # XML 1.0 has no place for them (PostgreSQL no place for NUL)
        raise ValidationFailed.one("bpmn", "bad_character")
    if len(xml.encode()) > validation.MAX_BPMN_BYTES:  # never deployable: not kept (each editor open sends it)
        raise ValidationFailed.one("bpmn", "bpmn.too_large", limit=validation.MAX_BPMN_BYTES // 1_000_000)
    found = check(session, key, xml)
    stored = [{"element": p.element, "key": p.key, "params": p.params, "name": p.name} for p in found]
    if revision == 0:
        if draft_of(session, key) is not None:
            raise Conflict("draft_changed")
        draft = ProcessDraft(key=key, xml=xml, base_version=current.version, revision=1, problems=stored,
                             saved_at=utcnow(), saved_by_user_id=actor.user_id)
        try:
            with session.begin_nested():
                session.add(draft)
        except sa.exc.IntegrityError:  # another designer created it at the same moment
            raise Conflict("draft_changed") from None
    else:
        # compare-and-set in one statement: of two saves on the same revision, one wins
        done = session.execute(sa.update(ProcessDraft).where(
            ProcessDraft.key == key, ProcessDraft.revision == revision).values(
            xml=xml, revision=revision + 1, problems=stored, saved_at=utcnow(), saved_by_user_id=actor.user_id))
        if done.rowcount != 1:
            raise Conflict("draft_changed")
        draft = session.scalar(sa.select(ProcessDraft).where(ProcessDraft.key == key)
                               .execution_options(populate_existing=True))
    audit.record(session, actor, "process.draft_save", "process_draft", draft.id, key=key,
                 revision=draft.revision, problems=len(found))
    return draft


def deploy_draft(session: Session, actor: Actor, key: str, revision: int, note: str = "") -> ProcessDefinition:
    """Deploy the draft (checked again: the registry of operations may have changed) as the next
    version of `key`, with the designer's note, and remove it. InvalidDefinition while it has
    problems; ValidationFailed for a note too long."""
    draft = draft_of(session, key)
    if draft is None:
        raise NotFound()
    if draft.revision != revision:
        raise Conflict("draft_changed")
    found = check(session, key, draft.xml)
    if found:
        raise InvalidDefinition(found)
    current = latest(session, key)
    if unchanged(current, draft.xml):
        raise Conflict("draft_unchanged", version=current.version)  # nothing to deploy: said, not faked
    definition, _ = deploy(session, actor, draft.xml, filename(key, draft.xml), note=note)
    if session.execute(sa.delete(ProcessDraft).where(ProcessDraft.id == draft.id,
                                                     ProcessDraft.revision == revision)).rowcount != 1:
        raise Conflict("draft_changed")
    audit.record(session, actor, "process.draft_deploy", "process_definition", definition.id, key=key,
                 version=definition.version, revision=revision)
    return definition


def discard_draft(session: Session, actor: Actor, key: str, revision: int) -> None:
    draft = draft_of(session, key)
    if draft is None:
        raise NotFound()
    if session.execute(sa.delete(ProcessDraft).where(ProcessDraft.id == draft.id,
                                                     ProcessDraft.revision == revision)).rowcount != 1:
        raise Conflict("draft_changed")
    audit.record(session, actor, "process.draft_discard", "process_draft", draft.id, key=key, revision=revision)


#: the completed applications a process draft is replayed against before deploying
DRY_RUN_SIZE = 20


def overtaken(session: Session, key: str, draft: ProcessDraft) -> list[ProcessDefinition]:
    """Versions deployed after the one the draft was started from: deploying the draft undoes them."""
    return list(session.scalars(sa.select(ProcessDefinition).where(
        ProcessDefinition.key == key, ProcessDefinition.version > (draft.base_version or 0))
        .order_by(ProcessDefinition.version)))


def failing(session: Session, key: str, xml: str) -> bool:
    """Whether the draft's dry run finds it at fault: a process that cannot finish a past
    application (an error, a loop), a decision table that cannot decide a case or be read."""
    if kind_of(xml) == "dmn":
        found = decision_check.check(session, key, xml, impact=False)
        return bool(found.failing or found.broken)
    return any(r.draft_outcome in ("error", "loop") for r in dry_run.dry_run(session, key, xml, DRY_RUN_SIZE))


def known_names(session: Session, key: str) -> set[str]:
    """The names the deployed processes and decision tables give values to (result variables,
    outputs), but `key`'s own: what a draft may read without setting it itself."""
    found: set[str] = set()
    for other, xml in session.execute(latest_of_each(ProcessDefinition.key, ProcessDefinition.xml)):
        if other != key:
            found |= validation.names_set(xml)
    return found


def unknown_names(session: Session, key: str, xml: str) -> list[Problem]:
    """The names the draft reads that nothing sets (validation.unknown_names), a called decision
    table's inputs included."""
    def decisions(decision_key: str) -> set[str]:
        table = latest(session, decision_key)
        return validation.decision_reads(table.xml) if table is not None and table.filename.endswith(".dmn") \
            else set()
    return validation.unknown_names(xml, known_names(session, key), decisions)


def untried(session: Session, key: str, xml: str) -> bool:
    """A process draft with no past application to replay: the dry run proved nothing."""
    return kind_of(xml) != "dmn" and not list(dry_run.candidates(session, key, 1))


def _elements(xml: str | bytes) -> dict[str, tuple[str, str, str]]:
    """{element id: (tag without its namespace, name, calledElement)} of a BPMN file; empty when it
    is not well-formed."""
    root = validation.parse_or_none(xml)
    if root is None:
        return {}
    return {n.get("id"): (etree.QName(n).localname, n.get("name") or "", n.get("calledElement") or "")
            for n in root.iter() if isinstance(n.tag, str) and n.get("id")}


def sitting(session: Session, key: str, xml: str) -> list[dict]:
    """Where the running applications of `key` wait, and whether the draft still has each element:
    those whose element is gone cannot be migrated to it (they finish on their version). Its own
    open human tasks count by element; a task inside a process `key` calls (a layer's review)
    counts at the call activity that called it, in the version the application runs."""
    elements = _elements(xml)
    rows = session.execute(sa.select(HumanTask.bpmn_id, sa.func.min(HumanTask.name), sa.func.count()).where(
        HumanTask.process_key == key, HumanTask.status == "open").group_by(HumanTask.bpmn_id))
    found = {element: {"element": element, "name": name, "count": count, "kept": element in elements}
             for element, name, count in rows}
    called = session.execute(
        sa.select(HumanTask.process_key, ProcessInstance.definition_id, sa.func.count())
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
        .where(ProcessDefinition.key == key, HumanTask.process_key != key, HumanTask.status == "open")
        .group_by(HumanTask.process_key, ProcessInstance.definition_id)).all()
    versions = {d.id: _elements(d.xml) for d in session.scalars(sa.select(ProcessDefinition).where(
        ProcessDefinition.id.in_({definition_id for _, definition_id, _ in called})))} if called else {}
    for inner, definition_id, count in called:
        calls = [(element, name) for element, (tag, name, target) in versions[definition_id].items()
                 if tag == "callActivity" and target == inner]
        if len(calls) != 1:  # called twice, or deeper down: the row cannot name one element
            continue
        element, name = calls[0]
        row = found.setdefault(element, {"element": element, "name": name, "count": 0, "kept": elements.get(
            element, ("", "", ""))[0] == "callActivity" and elements[element][2] == inner})
        row["count"] += count
    return sorted(found.values(), key=lambda r: -r["count"])


def risks(session: Session, key: str, draft: ProcessDraft) -> list[str]:
    """What deploying the draft must be confirmed for (the screen's tick, the API's `confirm`):
    "overtaken" (later versions it would undo), "failing" (its dry run finds it at fault),
    "overlap" (two rules of a UNIQUE decision table match one case: the first silently wins),
    "stranded" (running applications wait at a task the draft no longer has: they cannot move to it),
    "unknown_names" (expressions read names nothing sets: a typo, a duration without quotes),
    "untried" (a process no past application could be replayed on). None for a draft equal to the
    latest version: there is nothing to deploy (deploy_draft says so)."""
    if unchanged(latest(session, key), draft.xml):
        return []
    found = ["overtaken"] if overtaken(session, key, draft) else []
    if failing(session, key, draft.xml):
        found.append("failing")
    if unknown_names(session, key, draft.xml):
        found.append("unknown_names")
    if kind_of(draft.xml) == "dmn" and decision_check.check(session, key, draft.xml, impact=False).overlapping:
        found.append("overlap")
    if kind_of(draft.xml) != "dmn" and any(not s["kept"] for s in sitting(session, key, draft.xml)):
        found.append("stranded")
    if untried(session, key, draft.xml):
        found.append("untried")
    return found


# --- a new process or decision table, made in the browser ---------------------------------------

#: a key: what call activities and business rule tasks name (lower case, digits, _; a letter first)
_NEW_KEY = re.compile(r"[a-z][a-z0-9_]{2,49}")

_NEW_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
                  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
                  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="{key}_definitions" targetNamespace="https://mamis.example/bpmn">
  <bpmn:process id="{key}" name="{name}" isExecutable="true">
    <bpmn:startEvent id="start" name="開始"><bpmn:outgoing>flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:endEvent id="end" name="終了"><bpmn:incoming>flow_1</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="flow_1" sourceRef="start" targetRef="end" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="{key}_diagram">
    <bpmndi:BPMNPlane id="{key}_plane" bpmnElement="{key}">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="180" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="400" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flow_1_di" bpmnElement="flow_1">
        <di:waypoint x="216" y="178" /><di:waypoint x="400" y="178" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""

_NEW_DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"
             xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/"
             xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/"
             id="{key}_definitions" name="{name}" namespace="https://mamis.example/dmn">
  <decision id="{key}" name="{name}">
    <decisionTable id="{key}_table" hitPolicy="UNIQUE">
      <input id="{key}_input" label="入力">
        <inputExpression id="{key}_input_expression" typeRef="number"><text>value</text></inputExpression>
      </input>
      <output id="{key}_output" label="結果" name="result" typeRef="string" />
      <rule id="{key}_rule_1">
        <inputEntry id="{key}_rule_1_input"><text>-</text></inputEntry>
        <outputEntry id="{key}_rule_1_output"><text>"none"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
  <dmndi:DMNDI>
    <dmndi:DMNDiagram id="{key}_diagram">
      <dmndi:DMNShape id="{key}_shape" dmnElementRef="{key}"><dc:Bounds height="80" width="180" x="160" y="100" />
      </dmndi:DMNShape>
    </dmndi:DMNDiagram>
  </dmndi:DMNDI>
</definitions>
"""


def create(session: Session, actor: Actor, key: str, name: str, kind: str) -> ProcessDefinition:
    """A new process (`kind` "bpmn": a start and an end, to draw on) or decision table ("dmn": one
    input, one output, one rule) as version 1 of `key`, named `name`; the designer then edits it as
    any other (draft, checks, dry run, deploy). Nothing starts a new process but a call activity of
    another, nor reads a new table but a business rule task: the library says so until one does.

    Raises ValidationFailed naming `key` (its rule, or taken), `name` or `process_kind`."""
    key, name = (key or "").strip(), (name or "").strip()
    errors: dict[str, tuple[str, dict]] = {}
    if not _NEW_KEY.fullmatch(key):
        errors["key"] = ("process_key_rule", {})
    elif latest(session, key) is not None or draft_of(session, key) is not None:
        errors["key"] = ("process_key_taken", {})
    if not name:
        errors["name"] = ("required", {})
    elif len(name) > 100 or _NOT_XML_CHARACTER.search(name):
        errors["name"] = ("too_long", {"max": 100}) if len(name) > 100 else ("bad_character", {})
    if kind not in ("bpmn", "dmn"):
        errors["process_kind"] = ("choose_from_list", {})
    if errors:
        raise ValidationFailed(errors)
    xml = (_NEW_BPMN if kind == "bpmn" else _NEW_DMN).format(key=key, name=escape(name, {'"': "&quot;"}))
    definition, _ = deploy(session, actor, xml, filename(key, xml), note="新規作成")
    audit.record(session, actor, "process.create", "process_definition", definition.id, key=key, kind=kind)
    return definition
