"""Process definitions: validation, deployment as immutable numbered versions, parsed-spec cache."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from sqlalchemy.orm import Session

from membership import audit
from membership.actors import Actor
from membership.models import UserAccount

from . import safe_eval
from .models import ProcessDefinition, ProcessInstance
from .services import SERVICES

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}

#: Elements this system refuses: scripts run unrestricted Python in SpiffWorkflow; compensation
#: and link events parse silently as plain events; complex gateways raise at run time.
FORBIDDEN = {
    "bpmn:scriptTask": "script tasks are not allowed (use a service task)",
    "spiffworkflow:preScript": "pre-scripts are not allowed",
    "spiffworkflow:postScript": "post-scripts are not allowed",
    "bpmn:compensateEventDefinition": "compensation events are not supported",
    "bpmn:linkEventDefinition": "link events are not supported",
    "bpmn:complexGateway": "complex gateways are not supported",
}

#: Extension properties whose values are expressions, checked like conditions.
EXPRESSION_PROPERTIES = ("candidate_association", "candidate_user")


class InvalidDefinition(ValueError):
    """The BPMN cannot be deployed. `errors` lists what is wrong, one message each."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class CheckedFile:
    key: str
    name: str
    calls: list[str] = field(default_factory=list)


def check_bpmn(xml: str | bytes, filename: str = "upload.bpmn") -> CheckedFile:
    """Validate one BPMN file for deployment. Raises InvalidDefinition with every problem found."""
    data = xml.encode() if isinstance(xml, str) else xml
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise InvalidDefinition([f"XML: {exc}"]) from None
    errors: list[str] = []
    for tag, message in FORBIDDEN.items():
        for node in root.iterfind(f".//{tag}", NS):
            errors.append(f"{node.getparent().get('id') if tag.startswith('spiff') else node.get('id')}: {message}")
    for node in root.iterfind(".//bpmn:conditionExpression", NS):
        _check_expression(node.text or "", f"{node.getparent().get('id')} condition", errors)
    for node in root.iterfind(".//spiffworkflow:serviceTaskOperator", NS):
        task_id = node.getparent().getparent().get("id")
        if node.get("id") not in SERVICES:
            errors.append(f"{task_id}: unknown service operation {node.get('id')!r} "
                          f"(known: {', '.join(sorted(SERVICES))})")
        for param in node.iterfind(".//spiffworkflow:parameter", NS):
            _check_expression(param.get("value", ""), f"{task_id} parameter {param.get('id')}", errors)
    for node in root.iterfind(".//spiffworkflow:property", NS):
        if node.get("name") in EXPRESSION_PROPERTIES:
            _check_expression(node.get("value", ""), f"property {node.get('name')}", errors)
    for tag in ("timeDuration", "timeDate", "timeCycle", "loopCardinality", "completionCondition"):
        for node in root.iterfind(f".//bpmn:{tag}", NS):
            _check_expression(node.text or "", tag, errors)
    processes = [p for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable") == "true"]
    if len(processes) != 1:
        errors.append(f"a file must hold exactly one executable process (found {len(processes)})")
    if errors:
        raise InvalidDefinition(errors)
    process = processes[0]
    key = process.get("id")
    parser = SpiffBpmnParser(validator=VALIDATOR)
    try:
        parser.add_bpmn_xml(root, filename=filename)
        parser.get_spec(key)
    except ValidationException as exc:
        raise InvalidDefinition([str(exc)]) from None
    except Exception as exc:  # the parser raises many kinds for malformed diagrams
        raise InvalidDefinition([f"{type(exc).__name__}: {exc}"]) from None
    calls = sorted({n.get("calledElement") for n in process.iterfind(".//bpmn:callActivity", NS)})
    return CheckedFile(key=key, name=process.get("name") or key, calls=calls)


def _check_expression(text: str, where: str, errors: list[str]) -> None:
    try:
        safe_eval.parse(text)
    except safe_eval.UnsafeExpression as exc:
        errors.append(f"{where}: {exc}")


def content_hash(xml: str) -> str:
    return hashlib.sha256(xml.encode()).hexdigest()


def latest(session: Session, key: str) -> ProcessDefinition | None:
    return session.scalar(sa.select(ProcessDefinition).where(ProcessDefinition.key == key)
                          .order_by(ProcessDefinition.version.desc()).limit(1))


def get_version(session: Session, key: str, version: int | str) -> ProcessDefinition | None:
    if version == "latest":
        return latest(session, key)
    return session.scalar(sa.select(ProcessDefinition).where(ProcessDefinition.key == key,
                                                             ProcessDefinition.version == int(version)))


def deploy(session: Session, actor: Actor | None, xml: str, filename: str,
           known_keys: set[str] | None = None) -> tuple[ProcessDefinition, bool]:
    """Deploy `xml` as the next version of its process, unless it equals the latest version.

    Returns (definition, created). Raises InvalidDefinition (including a call to a process that is
    neither deployed nor in `known_keys`). Rows are never updated: versions are immutable.
    """
    checked = check_bpmn(xml, filename)
    missing = [k for k in checked.calls if k != checked.key and k not in (known_keys or set())
               and latest(session, k) is None]
    if missing:
        raise InvalidDefinition([f"calls a process that is not deployed: {', '.join(missing)}"])
    digest = content_hash(xml)
    current = latest(session, checked.key)
    if current is not None and current.content_hash == digest:
        return current, False
    definition = ProcessDefinition(
        key=checked.key, version=(current.version + 1) if current else 1, name=checked.name,
        content_hash=digest, filename=filename, xml=xml, calls=checked.calls,
        deployed_by_user_id=actor.user_id if actor and actor.user_id else None)
    session.add(definition)
    session.flush()
    audit.record(session, actor, "process.deploy", "process_definition", definition.id,
                 key=definition.key, version=definition.version)
    return definition, True


def deploy_directory(session: Session, actor: Actor | None, root: Path) -> list[tuple[ProcessDefinition, bool]]:
    """Deploy every BPMN file under `root` (tests/ folders excluded) whose content changed."""
    files = sorted(p for p in root.rglob("*.bpmn") if "tests" not in p.relative_to(root).parts)
    checked = {}
    for path in files:
        checked[path] = check_bpmn(path.read_text(encoding="utf-8"), path.name)
    keys = {c.key for c in checked.values()}
    # Called processes first, so each call resolves to a deployed version.
    ordered = sorted(files, key=lambda p: (bool(checked[p].calls), str(p)))
    return [deploy(session, actor, p.read_text(encoding="utf-8"), str(p.relative_to(root)), keys)
            for p in ordered]


def list_definitions(session: Session) -> list[ProcessDefinition]:
    return list(session.scalars(sa.select(ProcessDefinition)
                                .order_by(ProcessDefinition.key, ProcessDefinition.version)))


def library(session: Session) -> list[dict]:
    """The process library: per key (newest version first) its versions, who deployed each and
    when, and how many instances started on it are running, completed or cancelled."""
    counts: dict[int, dict[str, int]] = {}
    for definition_id, status, n in session.execute(
            sa.select(ProcessInstance.definition_id, ProcessInstance.status, sa.func.count())
            .group_by(ProcessInstance.definition_id, ProcessInstance.status)):
        counts.setdefault(definition_id, {})[status] = n
    names = dict(session.execute(sa.select(UserAccount.id, UserAccount.display_name)).all())
    by_key: dict[str, list[dict]] = {}
    for d in session.scalars(sa.select(ProcessDefinition).order_by(ProcessDefinition.key,
                                                                   ProcessDefinition.version.desc())):
        c = counts.get(d.id, {})
        by_key.setdefault(d.key, []).append({
            "id": d.id, "key": d.key, "version": d.version, "name": d.name, "filename": d.filename,
            "deployed_at": d.deployed_at, "deployed_by": names.get(d.deployed_by_user_id, "") if
            d.deployed_by_user_id else "", "calls": d.calls or [], "content_hash": d.content_hash,
            "running": c.get("running", 0), "completed": c.get("completed", 0), "cancelled": c.get("cancelled", 0)})
    called = {k for versions in by_key.values() for k in versions[0]["calls"]}
    return [{"key": key, "name": versions[0]["name"], "latest": versions[0]["version"], "versions": versions,
             "called_only": key in called} for key, versions in sorted(by_key.items())]


def resolve_calls(session: Session, definition: ProcessDefinition) -> dict[str, int]:
    """{key: definition id} for `definition` and, transitively, the latest versions it calls.

    One query: the latest (id, calls) of every key (the table holds a few rows per process).
    """
    newest = sa.select(ProcessDefinition.key, sa.func.max(ProcessDefinition.version).label("version")) \
        .group_by(ProcessDefinition.key).subquery()
    latest_rows = {row.key: row for row in session.execute(
        sa.select(ProcessDefinition.key, ProcessDefinition.id, ProcessDefinition.calls).join(
            newest, sa.and_(newest.c.key == ProcessDefinition.key, newest.c.version == ProcessDefinition.version)))}
    ids = {definition.key: definition.id}
    todo = list(definition.calls)
    while todo:
        key = todo.pop()
        if key in ids:
            continue
        called = latest_rows.get(key)
        if called is None:
            raise InvalidDefinition([f"calls a process that is not deployed: {key}"])
        ids[key] = called.id
        todo.extend(called.calls)
    return ids


_spec_cache: dict[tuple, tuple] = {}
_spec_lock = threading.Lock()


def load_specs(session: Session, top_key: str, definition_ids: dict[str, int]):
    """(spec, subprocess_specs) for these definition versions, parsed once and cached.

    Versions are immutable and never renumbered, so (database, version ids) names one set of
    specs forever and the cache never needs invalidating.
    """
    bind = session.get_bind()
    cache_key = (str(getattr(bind, "engine", bind).url), top_key, tuple(sorted(definition_ids.items())))
    cached = _spec_cache.get(cache_key)
    if cached is not None:
        return cached
    parser = SpiffBpmnParser()
    ids = list(definition_ids.values())
    for row in session.scalars(sa.select(ProcessDefinition).where(ProcessDefinition.id.in_(ids))):
        parser.add_bpmn_str(row.xml.encode(), filename=row.filename)
    specs = (parser.get_spec(top_key), parser.get_subprocess_specs(top_key))
    with _spec_lock:
        _spec_cache[cache_key] = specs
    return specs
