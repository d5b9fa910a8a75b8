"""Process definitions: validation, deployment as immutable numbered versions, parsed-spec cache."""

from __future__ import annotations

import contextlib
import hashlib
import threading
from pathlib import Path

import sqlalchemy as sa
from lxml import etree
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from membership import audit
from membership.actors import Actor
from membership.errors import Conflict, ValidationFailed
from membership.fields import parse_id
from membership.models import UserAccount

from . import validation
from .models import NOTE_MAX, ProcessDefinition, ProcessInstance
from .validation import CheckedFile, InvalidDefinition, Problem, check_bpmn, kind_of, problems_of

__all__ = ["CheckedFile", "InvalidDefinition", "Problem", "check_bpmn", "problems_of", "deploy", "latest"]

def content_hash(xml: str) -> str:
    """The XML's identity for "changed or not": line endings do not count (a file checked out on
    Windows is the same version)."""
    return hashlib.sha256(xml.replace("\r\n", "\n").encode()).hexdigest()


def _canonical(xml: str) -> bytes | None:
    """The XML as canonical XML without the whitespace between elements: the same for a file
    re-indented, its attributes reordered or its namespace prefixes' declarations moved."""
    try:
        return etree.tostring(validation.parse(xml, strip_blank=True), method="c14n")
    except (etree.XMLSyntaxError, ValueError):
        return None


def unchanged(current: ProcessDefinition | None, xml: str) -> bool:
    """Whether `xml` is the content of `current`: the same text (line endings aside), or the same
    XML laid out differently (an editor's save re-indents) — not a new version either way."""
    if current is None:
        return False
    if current.content_hash == content_hash(xml):
        return True
    mine = _canonical(xml)
    return mine is not None and mine == _canonical(current.xml)


def kind_changed(current: ProcessDefinition | None, xml: str) -> Problem | None:
    """A key is a process (BPMN) or a decision table (DMN) for good: a file of the other kind under
    it would break every caller (a process's business rule task, My Page's credits)."""
    if current is None:
        return None
    was, now = current.filename.rpartition(".")[2], kind_of(xml)
    if was in ("bpmn", "dmn") and was != now:
        return Problem(None, "bpmn.kind_changed", {"key": current.key, "was": was.upper(), "now": now.upper()})
    return None


def latest(session: Session, key: str) -> ProcessDefinition | None:
    return session.scalar(sa.select(ProcessDefinition).where(ProcessDefinition.key == key)
                          .order_by(ProcessDefinition.version.desc()).limit(1))


def get_version(session: Session, key: str, version: int | str) -> ProcessDefinition | None:
    """A version by its number (an int or its digits) or `latest`; None when there is none."""
    if version == "latest":
        return latest(session, key)
    number = parse_id(version)
    if number is None:
        return None
    return session.scalar(sa.select(ProcessDefinition).where(ProcessDefinition.key == key,
                                                             ProcessDefinition.version == number))


def decision_source(session: Session, pending: dict[str, str] | None = None):
    """key → DMN XML of a decision: from `pending` (files deployed together), else the latest."""
    def source(key: str) -> str | None:
        if pending and key in pending:
            return pending[key]
        found = latest(session, key)
        return found.xml if found is not None and found.filename.endswith(".dmn") else None
    return source


def check_note(note: str | None) -> str:
    """A version's note, trimmed; ValidationFailed (field `note`) when longer than NOTE_MAX."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed({"note": ("too_long", {"max": NOTE_MAX})}, context="process")
    return note


def deploy(session: Session, actor: Actor | None, xml: str, filename: str, known_keys: set[str] | None = None,
           decisions: dict[str, str] | None = None, note: str = "") -> tuple[ProcessDefinition, bool]:
    """Deploy `xml` as the next version of its process, unless it equals the latest version, with
    the designer's `note` on what it changes.

    Returns (definition, created). Raises InvalidDefinition (including a call to a process that is
    neither deployed nor in `known_keys`), ValidationFailed (a note too long), Conflict (the same
    key deployed by someone else meanwhile). Rows are never updated: versions are immutable.
    """
    note = check_note(note)
    checked = check_bpmn(xml, filename, known_calls=lambda k: k in (known_keys or set())
                         or latest(session, k) is not None, decision_xml=decision_source(session, decisions))
    digest = content_hash(xml)
    current = latest(session, checked.key)
    if unchanged(current, xml):
        return current, False
    if (problem := kind_changed(current, xml)) is not None:
        raise InvalidDefinition([problem])
    definition = ProcessDefinition(
        key=checked.key, version=(current.version + 1) if current else 1, name=checked.name,
        content_hash=digest, filename=filename, xml=xml, calls=checked.calls,
        deployed_by_user_id=actor.user_id if actor and actor.user_id else None, note=note)
    try:
        with session.begin_nested():  # a savepoint: the losing insert of a concurrent deploy undoes alone
            session.add(definition)
            session.flush()
    except IntegrityError:
        # someone deployed the next version of this key meanwhile (its transaction committed first)
        raise Conflict("process_deployed_meanwhile", key=checked.key) from None
    # until committed, this id may come back (SQLite reuses a rolled-back rowid): see _forget
    session.connection().info.setdefault(_UNCOMMITTED, set()).add(definition.id)
    audit.record(session, actor, "process.deploy", "process_definition", definition.id,
                 key=definition.key, version=definition.version, note=note or None)
    return definition, True


@contextlib.contextmanager
def _naming(path: Path, root: Path):
    """A file that cannot be deployed is named in its error (`exc.path`): the CLI says which."""
    try:
        yield
    except InvalidDefinition as exc:
        exc.path = str(path.relative_to(root))
        raise


def deploy_directory(session: Session, actor: Actor | None, root: Path,
                     force: bool = False) -> list[tuple[ProcessDefinition, str]]:
    """Deploy every BPMN and DMN file under `root` (tests/ folders excluded) whose content changed
    from the latest version. Returns (the latest version, state) per file: `deployed`, `unchanged`,
    or `kept` — the latest version was deployed by a person (a designer, the API) and stays the
    latest: the files do not undo it at the next start (`make run` and the compose `migrate`
    service deploy at every start), nor does a release's changed file, unless `force`."""
    files = sorted(p for p in (*root.rglob("*.bpmn"), *root.rglob("*.dmn"))
                   if "tests" not in p.relative_to(root).parts)
    texts = {p: p.read_text(encoding="utf-8") for p in files}
    decisions = {}
    checked = {}
    for path in files:
        with _naming(path, root):
            if path.suffix == ".dmn":
                decisions[check_bpmn(texts[path], path.name).key] = texts[path]
    for path in files:
        with _naming(path, root):
            checked[path] = check_bpmn(texts[path], path.name, decision_xml=decision_source(session, decisions))
    keys = {c.key for c in checked.values()}
    # Decisions and called processes first, so each call resolves to a deployed version.
    ordered = sorted(files, key=lambda p: (bool(checked[p].calls), str(p)))
    results = []
    for path in ordered:
        key = checked[path].key
        current = latest(session, key)
        if unchanged(current, texts[path]):
            results.append((current, "unchanged"))
        elif current is not None and current.deployed_by_user_id is not None and not force:
            results.append((current, "kept"))
        else:
            definition, _ = deploy(session, actor, texts[path], str(path.relative_to(root)), keys, decisions)
            results.append((definition, "deployed"))
    return results


def decision_keys(session: Session) -> list[str]:
    """The keys that are decision tables (DMN), sorted."""
    return sorted(set(session.scalars(sa.select(ProcessDefinition.key).where(
        ProcessDefinition.filename.like("%.dmn")).distinct())))


def list_definitions(session: Session) -> list[ProcessDefinition]:
    return list(session.scalars(sa.select(ProcessDefinition)
                                .order_by(ProcessDefinition.key, ProcessDefinition.version)))


def latest_definitions(session: Session) -> list[ProcessDefinition]:
    """The latest version of every process and decision table, by key."""
    return list(session.scalars(latest_of_each().order_by(ProcessDefinition.key)))


def library(session: Session) -> list[dict]:
    """The process library: per key (newest version first) its versions, who deployed each and
    when, and how many instances started on it are running, completed or cancelled."""
    counts: dict[int, dict[str, int]] = {}
    for definition_id, status, n in session.execute(
            sa.select(ProcessInstance.definition_id, ProcessInstance.status, sa.func.count())
            .group_by(ProcessInstance.definition_id, ProcessInstance.status)):
        counts.setdefault(definition_id, {})[status] = n
    names = dict(session.execute(sa.select(UserAccount.id, UserAccount.display_name)).all())
    definitions = list(session.scalars(sa.select(ProcessDefinition).order_by(ProcessDefinition.key,
                                                                            ProcessDefinition.version.desc())))
    # a called process's versions run inside their callers' instances: counted there as running
    # (so that the library offers their migration too), as migration.waiting_on finds them
    called_keys = {k for d in definitions for k in (d.calls or [])}
    if called_keys:
        for used in session.scalars(sa.select(ProcessInstance.definition_ids)
                                    .where(ProcessInstance.status == "running")):
            for key in called_keys & set(used or {}):
                c = counts.setdefault(used[key], {})
                c["running"] = c.get("running", 0) + 1
    by_key: dict[str, list[dict]] = {}
    for d in definitions:
        c = counts.get(d.id, {})
        by_key.setdefault(d.key, []).append({
            "id": d.id, "key": d.key, "version": d.version, "name": d.name, "filename": d.filename,
            "deployed_at": d.deployed_at, "note": d.note, "deployed_by": names.get(d.deployed_by_user_id, "") if
            d.deployed_by_user_id else "", "calls": d.calls or [], "content_hash": d.content_hash,
            "running": c.get("running", 0), "completed": c.get("completed", 0), "cancelled": c.get("cancelled", 0)})
    called = {k for versions in by_key.values() for k in versions[0]["calls"]}
    return [{"key": key, "name": versions[0]["name"], "latest": versions[0]["version"], "versions": versions,
             "called_only": key in called} for key, versions in sorted(by_key.items())]


def latest_of_each(*columns):
    """A select of `columns` (default: the whole row) for the latest version of every key."""
    newest = sa.select(ProcessDefinition.key, sa.func.max(ProcessDefinition.version).label("version")) \
        .group_by(ProcessDefinition.key).subquery()
    return sa.select(*(columns or (ProcessDefinition,))).join(
        newest, sa.and_(newest.c.key == ProcessDefinition.key, newest.c.version == ProcessDefinition.version))


_LATEST_ROWS = latest_of_each(ProcessDefinition.key, ProcessDefinition.id, ProcessDefinition.version,
                              ProcessDefinition.calls)


def _latest_rows(session: Session) -> dict:
    """key → (key, id, version, calls) of the latest version of every process (a few rows)."""
    return {row.key: row for row in session.execute(_LATEST_ROWS)}


def latest_with_calls(session: Session, key: str) -> tuple | None:
    """The latest version of `key` as a (key, id, version, calls) row, and {key: definition id} of
    it and of the latest versions it calls (see resolve_calls); one query. None if not deployed."""
    rows = _latest_rows(session)
    top = rows.get(key)
    return None if top is None else (top, _resolve(top, rows))


def resolve_calls(session: Session, definition: ProcessDefinition) -> dict[str, int]:
    """{key: definition id} for `definition` and, transitively, the latest versions it calls.

    One query: the latest (id, calls) of every key (the table holds a few rows per process).
    """
    return _resolve(definition, _latest_rows(session))


def _resolve(definition, latest_rows: dict) -> dict[str, int]:
    ids = {definition.key: definition.id}
    todo = list(definition.calls)
    while todo:
        key = todo.pop()
        if key in ids:
            continue
        called = latest_rows.get(key)
        if called is None:
            raise InvalidDefinition([Problem(None, "bpmn.unknown_call", {"process": key})])
        ids[key] = called.id
        todo.extend(called.calls)
    return ids


def add_to_parser(parser: SpiffBpmnParser, xml: str, filename: str) -> None:
    """A stored definition into a parser: decision tables (.dmn) and processes."""
    if filename.endswith(".dmn"):
        parser.add_dmn_str(xml.encode(), filename=filename)
    else:
        parser.add_bpmn_str(xml.encode(), filename=filename)


_spec_cache: dict[tuple, tuple] = {}
_spec_lock = threading.Lock()
_UNCOMMITTED = "mamis_uncommitted_definitions"


def _forget(ids) -> None:
    """Drop cached specs that used definition rows which were rolled back: their ids may be
    given to other content later (SQLite reuses them), and the cache trusts ids."""
    ids = set(ids)
    if not ids:
        return
    with _spec_lock:
        for key in [k for k in _spec_cache if ids & {i for _, i in k[2]}]:
            _spec_cache.pop(key, None)


def _uncommitted(conn) -> set | None:
    """The ids deployed on this connection's open transaction; None when the connection is dead
    (its `info` cannot be reached then without reconnecting)."""
    if conn.invalidated or conn.closed:
        return None
    return conn.info.get(_UNCOMMITTED, set())


@event.listens_for(Engine, "rollback")
def _after_rollback(conn) -> None:
    ids = _uncommitted(conn)
    if ids is None:
        with _spec_lock:
            _spec_cache.clear()  # rare (a lost connection): simply parse again
        return
    _forget(ids)
    conn.info.pop(_UNCOMMITTED, None)


@event.listens_for(Engine, "rollback_savepoint")
def _after_savepoint_rollback(conn, name, context) -> None:
    _forget(_uncommitted(conn) or ())


@event.listens_for(Engine, "commit")
def _after_commit(conn) -> None:
    if _uncommitted(conn):
        conn.info.pop(_UNCOMMITTED, None)


def load_specs(session: Session, top_key: str, definition_ids: dict[str, int]):
    """(spec, subprocess_specs) for these definition versions, parsed once and cached.

    Versions are immutable, so (database, version ids) names one set of specs; the one exception,
    an id of a deployment that was rolled back, is dropped from the cache on rollback (_forget).
    """
    bind = session.get_bind()
    cache_key = (str(getattr(bind, "engine", bind).url), top_key, tuple(sorted(definition_ids.items())))
    cached = _spec_cache.get(cache_key)
    if cached is not None:
        return cached
    parser = SpiffBpmnParser()
    ids = list(definition_ids.values())
    for row in session.scalars(sa.select(ProcessDefinition).where(ProcessDefinition.id.in_(ids))):
        add_to_parser(parser, row.xml, row.filename)
    specs = (parser.get_spec(top_key), parser.get_subprocess_specs(top_key))
    with _spec_lock:
        _spec_cache[cache_key] = specs
    return specs
