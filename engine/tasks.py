"""The inbox: who sees which human task, claiming, completing (with the instance lock)."""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from dataclasses import dataclass, replace

import jaconv
import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from membership import applications, associations, audit, calendar, fields, mail, members, search, training, withdrawals
from membership.actors import Actor
from membership.db import is_postgresql, serialise, utcnow
from membership.errors import Conflict, Forbidden, NotFound, ValidationFailed
from membership.fields import JST, jst_day_start, parse_id, parse_int
from membership.models import Application, Association, UserAccount

from .models import HumanTask, SavedFilter, TaskEvent
from .runtime import close_task, lock_task_instance, lock_task_statement, not_open, run_human_task
from .validation import TASK_KINDS

DECISIONS = ("approve", "reject", "return")
MAX_COMMENT = 1000


def _task_holders(session: Session, application_id: int) -> set[int]:
    return set(session.scalars(sa.select(HumanTask.association_id).where(
        HumanTask.application_id == application_id, HumanTask.association_id.is_not(None)).distinct()))


applications.task_holders = _task_holders  # what an office is asked to decide, it sees


def _scope(actor: Actor, on_behalf: bool = False):
    """The one place that says which human tasks an actor may see and work.

    `on_behalf`: a secretariat acting for a member (利用規約 §5-5) works the amendment tasks
    assigned to members of its association, instead of its own review tasks.
    """
    parts = _scope_parts(actor, on_behalf)
    return parts[0] if len(parts) == 1 else sa.or_(*parts)


def _scope_parts(actor: Actor, on_behalf: bool = False) -> list:
    """_scope as conditions that exclude each other (their OR is the scope): the inbox reads each
    part along its own index, in order, instead of sorting every row an OR matches."""
    if on_behalf:
        if actor.role != "secretariat":
            return [sa.false()]
        return [sa.and_(HumanTask.kind == "amend", HumanTask.assignee_user_id.in_(members.accounts_in_scope(actor)))]
    if actor.role == "secretariat":
        # its association's reviews, and the amendment of what it applied for itself (a session)
        return [HumanTask.association_id == actor.association_id,
                sa.and_(HumanTask.assignee_user_id == actor.user_id,
                        sa.or_(HumanTask.association_id.is_(None), HumanTask.association_id != actor.association_id))]
    if actor.role == "member":
        return [HumanTask.assignee_user_id == actor.user_id]
    return [sa.false()]


def _bound_actor(role: str) -> Actor:
    """An actor of `role` whose ids are the bind parameters `user` and `association`: statements
    built once per role from the same _scope as everywhere else (the values come at each run)."""
    return Actor(user_id=sa.bindparam("user"), login_id="", role=role, association_id=sa.bindparam("association"))


def _count_in_parts(actor: Actor, *conditions, scoped: bool = True):
    """The number of tasks matching `conditions` within the actor's scope, as a sum of one count
    per scope part (each answerable from an index); `scoped=False` counts them whatever the scope."""
    parts = [[part] for part in _scope_parts(actor)] if scoped else [[]]
    counts = [sa.select(sa.func.count()).select_from(HumanTask).where(*part, *conditions).scalar_subquery()
              for part in parts]
    return sum(counts[1:], counts[0])


@functools.lru_cache(maxsize=16)
def _lock_statement(role: str, postgresql: bool):
    """complete_task's lock statement for an actor of `role`, built once (see _bound_actor)."""
    return lock_task_statement(_scope(_bound_actor(role)), postgresql)


def list_tasks(session: Session, actor: Actor, status: str | None = "open", kind: str | None = None,
               association: str | None = None, application_id: int | None = None,
               assignee_user_id: int | None = None, on_behalf: bool = False) -> list[tuple]:
    """[(HumanTask, association code)] newest first, in the actor's scope. One query."""
    stmt = (sa.select(HumanTask, Association.code).outerjoin(Association, HumanTask.association_id == Association.id)
            .where(_scope(actor, on_behalf)))
    if assignee_user_id:
        stmt = stmt.where(HumanTask.assignee_user_id == assignee_user_id)
    if status and status != "all":
        stmt = stmt.where(HumanTask.status == status)
    if kind:
        # `kind` is a task's kind (review, amend); a client reading API.md's `?kind=` as the kind of
        # application (enrolment, transfer, …) is answered with that application kind's tasks
        stmt = stmt.where(HumanTask.kind == kind if kind in TASK_KINDS else HumanTask.application_kind == kind)
    if association:
        stmt = stmt.where(Association.code == association)
    if application_id:
        stmt = stmt.where(HumanTask.application_id == application_id)
    return [tuple(r) for r in session.execute(stmt.order_by(HumanTask.created_at.desc(), HumanTask.id.desc()))]


def _escalated_to(actor: Actor):
    """Tasks escalated to the actor's association (read only: the next layer up follows them)."""
    if actor.role != "secretariat":
        return sa.false()
    return sa.and_(HumanTask.escalated_to_association_id == actor.association_id, HumanTask.status == "open")


def get_task(session: Session, actor: Actor, task_id: int, on_behalf: bool = False,
             read_only: bool = False) -> HumanTask:
    """Raises NotFound when missing or outside the actor's scope (the two look the same).

    `read_only`: also an open task escalated to the actor's association (for the task page).
    """
    scope = sa.or_(_scope(actor, on_behalf), _escalated_to(actor)) if read_only else _scope(actor, on_behalf)
    task = session.scalar(sa.select(HumanTask).where(HumanTask.id == task_id, scope))
    if task is None:
        raise NotFound()
    return task


def task_dict(task, association_code: str | None, origin_code: str | None = None) -> dict:
    """The documented JSON shape of a task, from a HumanTask or an inbox row (search_inbox), with
    the codes of its association and of the association its application came from (申請元).

    A row is read through its mapping: the inbox answers 50 of these per call, and a Row's
    attribute access costs twice a dictionary lookup."""
    m = task._mapping if hasattr(task, "_mapping") else _Attributes(task)
    created, due, completed = m["created_at"], m["due_at"], m["completed_at"]
    return {
        "id": m["id"], "application_id": m["application_id"], "kind": m["kind"], "name": m["name"],
        "form_key": m["form_key"], "association": association_code, "layer": m["layer"],
        "status": m["status"], "created_at": created.isoformat() + "Z",
        "due_at": due.isoformat() + "Z" if due else None,
        "claimed_by": m["claimed_by_user_id"], "completed_at": completed.isoformat() + "Z" if completed else None,
        "decision": m["decision"], "comment": m["comment"], "application_kind": m["application_kind"],
        "applicant_name": m["applicant_name"], "applicant_kana": m["applicant_kana"],
        "resubmitted": m["resubmitted"], "origin": origin_code,
    }


class _Attributes:
    """An object's attributes read by key (task_dict on a HumanTask)."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __getitem__(self, name: str):
        return getattr(self.obj, name)


def describe(session: Session, task: HumanTask) -> dict:
    code = session.scalar(sa.select(Association.code).where(Association.id == task.association_id)) \
        if task.association_id else None
    return task_dict(task, code, associations.code_of(session, task.origin_association_id))


def _event(session: Session, actor: Actor, task: HumanTask, kind: str, to_user_id: int | None = None,
           reason: str = "") -> None:
    session.add(TaskEvent(task_id=task.id, actor_user_id=actor.user_id or None, kind=kind, to_user_id=to_user_id,
                          reason=reason))
    audit.record(session, actor, f"task.{kind}", "human_task", task.id, to_user_id=to_user_id, reason=reason)


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed.one("reason", "required")
    if len(text) > MAX_COMMENT:
        raise ValidationFailed.one("reason", "too_long", max=MAX_COMMENT)
    return text


def _set_claim(session: Session, task: HumanTask, expected: int | None, new: int | None) -> None:
    """Change the claimant only if it is still `expected`: of two people acting on the same task
    at once, the second gets Conflict."""
    condition = HumanTask.claimed_by_user_id.is_(None) if expected is None else \
        HumanTask.claimed_by_user_id == expected
    done = session.execute(sa.update(HumanTask).where(HumanTask.id == task.id, HumanTask.status == "open", condition)
                           .values(claimed_by_user_id=new))
    session.refresh(task)
    if done.rowcount != 1:
        raise Conflict("task_claimed" if task.status == "open" else "task_not_open")


def _refuse_four_eyes(session: Session, task: HumanTask, user_id: int) -> None:
    """A review cannot be held by the one staff user who may not decide it (its applicant, or who
    filed it for them): holding it would keep it from every colleague who may. Raises Forbidden."""
    if task.kind == "review" and task.application_id:
        app = session.get(Application, task.application_id)
        if app is not None and applications.four_eyes_blocks_user(app, user_id):
            raise Forbidden("four_eyes_hold")


def claim(session: Session, actor: Actor, task_id: int) -> HumanTask:
    """Raises NotFound, Conflict (already claimed by someone else or closed), Forbidden (four-eyes)."""
    task = get_task(session, actor, task_id)
    if task.claimed_by_user_id == actor.user_id and task.status == "open":
        return task
    _refuse_four_eyes(session, task, actor.user_id)
    _set_claim(session, task, None, actor.user_id)
    _event(session, actor, task, "claim")
    return task


def unclaim(session: Session, actor: Actor, task_id: int) -> HumanTask:
    task = get_task(session, actor, task_id)
    if task.status != "open":
        raise Conflict("task_not_open")
    if task.claimed_by_user_id is None:
        return task
    if task.claimed_by_user_id != actor.user_id:
        raise Conflict("task_claimed")
    _set_claim(session, task, actor.user_id, None)
    _event(session, actor, task, "unclaim")
    return task


def reassign(session: Session, actor: Actor, task_id: int, to_user_id: int, reason: str | None) -> HumanTask:
    """Hand a task to another staff user of the same association, with the reason in its history.

    Only the claimant may hand over a claimed task (others take it over first). Raises NotFound,
    Conflict, ValidationFailed (reason missing, not a staff user of the association).
    """
    task = get_task(session, actor, task_id)
    text = _reason(reason)
    target = session.get(UserAccount, to_user_id) if to_user_id else None
    if target is None or target.role != "secretariat" or target.association_id != task.association_id \
            or not target.is_active:
        raise ValidationFailed.one("to_user", "not_a_colleague")
    if task.claimed_by_user_id not in (None, actor.user_id):
        raise Conflict("task_claimed")
    _refuse_four_eyes(session, task, target.id)
    _set_claim(session, task, task.claimed_by_user_id, target.id)
    _event(session, actor, task, "reassign", target.id, text)
    # the colleague learns it from the system, not by chance (at the office's address if they have none)
    address = target.email or (session.get(Association, task.association_id).email if task.association_id else "")
    if address and target.id != actor.user_id:
        by = session.get(UserAccount, actor.user_id) if actor.user_id else None
        mail.send(session, address, "task_assigned", lang=target.lang, name=target.display_name,
                  by=by.display_name if by else "", task=task.name, application_id=task.application_id,
                  reason=text, link=f"{mail.site_url()}/tasks/{task.id}" if mail.site_url() else "")
    return task


def take_over(session: Session, actor: Actor, task_id: int, reason: str | None) -> HumanTask:
    """Take a task claimed by a colleague (e.g. who is away), recorded with the reason."""
    task = get_task(session, actor, task_id)
    text = _reason(reason)
    if task.status != "open":
        raise Conflict("task_not_open")
    previous = task.claimed_by_user_id
    if previous == actor.user_id:
        return task
    _refuse_four_eyes(session, task, actor.user_id)
    _set_claim(session, task, previous, actor.user_id)
    _event(session, actor, task, "take_over", actor.user_id, text)
    return task


def release_claims(session: Session, actor: Actor, user_id: int, reason: str) -> int:
    """The open tasks `user_id` holds go back to their office (a suspended account held them out
    of every colleague's reach), each with the reason in its history. Returns how many."""
    held = list(session.scalars(sa.select(HumanTask).where(HumanTask.claimed_by_user_id == user_id,
                                                           HumanTask.status == "open").with_for_update()))
    for task in held:
        task.claimed_by_user_id = None
        session.add(TaskEvent(task_id=task.id, kind="unclaim", actor_user_id=actor.user_id or None, reason=reason))
    if held:
        audit.record(session, actor, "task.release", "user_account", user_id, count=len(held))
    return len(held)


def colleagues(session: Session, actor: Actor) -> list[UserAccount]:
    """The other active staff users of the actor's association (for reassignment)."""
    if not actor.association_id:
        return []
    return list(session.scalars(sa.select(UserAccount).where(
        UserAccount.association_id == actor.association_id, UserAccount.role == "secretariat",
        UserAccount.is_active.is_(True), UserAccount.id != actor.user_id).order_by(UserAccount.display_name)))


def task_history(session: Session, task: HumanTask) -> list[tuple]:
    """[(TaskEvent, actor name, to name)] oldest first."""
    actor_account = aliased(UserAccount)
    to_account = aliased(UserAccount)
    stmt = (sa.select(TaskEvent, actor_account.display_name, to_account.display_name)
            .outerjoin(actor_account, TaskEvent.actor_user_id == actor_account.id)
            .outerjoin(to_account, TaskEvent.to_user_id == to_account.id)
            .where(TaskEvent.task_id == task.id).order_by(TaskEvent.at, TaskEvent.id))
    return [tuple(r) for r in session.execute(stmt)]


#: a completed task's decision in words (an amendment's is the applicant's 再提出)
DECISION_LABELS = {"approve": "承認", "reject": "却下", "return": "差戻し", "resubmit": "再提出"}


def review_rounds(session: Session, application_id: int) -> list:
    """The completed tasks of an application, oldest first: each layer's decisions and the
    applicant's resubmissions after a return, with their comments and who made them. For the
    staff of the layers involved (the caller checks the application is theirs to see)."""
    who = aliased(UserAccount)
    return session.execute(
        sa.select(HumanTask.id, HumanTask.completed_at, HumanTask.kind, HumanTask.decision, HumanTask.comment,
                  HumanTask.layer, Association.name.label("association"), who.display_name.label("by_name"),
                  who.role.label("by_role"))
        .outerjoin(Association, Association.id == HumanTask.association_id)
        .outerjoin(who, who.id == HumanTask.completed_by_user_id)
        .where(HumanTask.application_id == application_id, HumanTask.status == "completed")
        .order_by(HumanTask.completed_at, HumanTask.id)).all()


def _validate_decision(task: HumanTask, decision: str | None, comment: str | None) -> None:
    errors: dict[str, tuple[str, dict]] = {}
    if task.kind == "review":
        if decision not in DECISIONS:
            errors["decision"] = ("unknown_decision", {})
        elif decision in ("reject", "return") and not (comment or "").strip():
            errors["comment"] = ("comment_required", {})
    if comment and len(comment) > MAX_COMMENT:
        errors["comment"] = ("too_long", {"max": MAX_COMMENT})
    if errors:
        raise ValidationFailed(errors)


def complete_task(session: Session, actor: Actor, task_id: int, decision: str | None = None,
                  comment: str | None = None, changes: dict | None = None, on_behalf: bool = False) -> HumanTask:
    """Complete one human task and advance its process, in the caller's transaction.

    Locks the instance first; of two concurrent completions the second raises Conflict.
    Raises NotFound (missing or outside scope), Conflict, ValidationFailed, and any domain error
    of the service tasks the process runs next (the caller rolls back whole).
    """
    if on_behalf:
        instance, task = lock_task_instance(session, task_id, _scope(actor, on_behalf))
    else:
        instance, task = lock_task_instance(session, task_id, statement=_lock_statement(
            actor.role, is_postgresql(session)), params={"user": actor.user_id, "association": actor.association_id})
    # The task row may be older than a completion this one waited for: close_task decides.
    if task.status != "open":
        raise Conflict(not_open(task))
    if task.claimed_by_user_id not in (None, actor.user_id):
        raise Conflict("task_claimed")
    if task.kind == "amend":
        decision = "resubmit"
    elif changes:  # a reviewer decides; only the applicant's amendment changes what was filed
        raise ValidationFailed.one("changes", "changes_on_amend_only")
    # a comment is text-area text: line and paragraph separators pasted in are line breaks
    comment = (comment or "").replace("\u2028", "\n").replace("\u2029", "\n")
    _validate_decision(task, decision, comment)
    if task.kind == "amend" and task.application_id:
        app = session.get(Application, task.application_id)
        if app.kind == "withdrawal":
            withdrawals.amend_pending(session, actor, app, changes or {})
        elif app.kind == "session":
            training.amend_session(session, actor, app, changes or {})
        else:  # kinds with nothing to change are resubmitted as they are (an empty amendment)
            applications.amend(session, actor, app, changes or {})
    close_task(session, task, actor, status="completed", completed_at=utcnow(),
               completed_by_user_id=actor.user_id, decision=decision, comment=(comment or "").strip())
    run_human_task(session, actor, instance, task,
                   {"decision": decision, "comment": task.comment, "decided_by": actor.user_id})
    acted_for = task.assignee_user_id if task.assignee_user_id not in (None, actor.user_id) else None
    audit.record(session, actor, "task.complete", "human_task", task.id, on_behalf_of_user_id=acted_for,
                 decision=decision, application_id=task.application_id)
    session.flush()  # one flush for the whole step: the caller then reads what it wrote
    return task


# --- the inbox: views, filters, sorting, pages, counts ------------------------------------------

VIEWS = ("open", "mine", "unclaimed", "due_soon", "overdue", "completed", "all", "escalated")
SORTS = {"created": HumanTask.created_at, "due": HumanTask.due_at, "application": HumanTask.application_id,
         "applicant": HumanTask.applicant_kana, "layer": HumanTask.layer}
#: 期限間近: due within this many business days of the office after today (today's too)
DUE_SOON_DAYS = 3


def due_soon_until(session: Session, association_id: int | None, now: dt.datetime | None = None) -> dt.datetime:
    """The end of "due soon" (exclusive, naive UTC): the end of the office's DUE_SOON_DAYS-th business
    day after today. In business days, as due dates are: on a Friday, what is due on Monday and the
    two days after is due soon (72 hours would reach Monday morning, before any due time)."""
    return calendar.due_at(session, association_id, DUE_SOON_DAYS,
                           now.replace(tzinfo=dt.UTC) if now else None) + dt.timedelta(seconds=1)
PER_PAGE = (20, 50, 100)


@dataclass
class InboxQuery:
    view: str = "open"
    application_kind: str = ""
    layer: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    applicant: str = ""
    status: str = ""
    #: the staff user holding (having claimed) the tasks: a colleague's list, e.g. to reassign it
    holder: int | None = None
    #: 申請元: the code of an association below the office; its tasks and its descendants' (a
    #: prefecture narrows to one city's applications, JMA to one prefecture's)
    origin: str = ""
    sort: str = "created"
    order: str = "desc"
    page: int = 1
    per_page: int = 50

    def as_dict(self) -> dict:
        """The non-default values, as strings (for links and saved filters)."""
        default = InboxQuery()
        out = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if value != getattr(default, name) and name != "page":
                out[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        return out


def parse_query(args) -> InboxQuery:
    """An InboxQuery from request arguments. Raises ValidationFailed naming the bad ones."""
    errors: dict[str, tuple[str, dict]] = {}
    q = InboxQuery()
    view = args.get("view") or "open"
    if view not in VIEWS:
        errors["view"] = ("choose_from_list", {})
    q.view = view
    q.application_kind = (args.get("application_kind") or "").strip()[:20]
    layer = (args.get("layer") or "").strip()
    if layer:
        if layer in ("1", "2", "3", "4"):
            q.layer = int(layer)
        else:
            errors["layer"] = ("choose_from_list", {})
    for name in ("date_from", "date_to"):
        try:  # ２０２６／０１／０１ as typed in Japanese input mode, 令和8年1月1日; 1900–2999
            setattr(q, name, fields.date(args.get(name) or "", optional=True, past=False))
        except fields.FieldError as exc:
            errors[name] = (exc.key, exc.params)
    if q.date_from and q.date_to and q.date_from > q.date_to:
        errors["date_to"] = ("date_range_order", {})
    q.applicant = (args.get("applicant") or "").strip()[:60]
    q.origin = str(args.get("origin") or "").strip()[:32]
    status = args.get("status") or ""
    if status and status not in ("open", "completed", "cancelled", *DECISIONS, "resubmit"):
        errors["status"] = ("choose_from_list", {})
    q.status = status
    holder = str(args.get("holder") or "").strip()
    if holder:
        q.holder = parse_id(holder)
        if q.holder is None:
            errors["holder"] = ("choose_from_list", {})
    q.sort = args.get("sort") if args.get("sort") in SORTS else "created"
    q.order = "asc" if args.get("order") == "asc" else "desc"
    page = parse_int(str(args.get("page") or 1), 0, 10**6)
    if page is None:
        errors["page"] = ("invalid", {})
    else:
        q.page = max(page, 1)
    per_page = parse_int(str(args.get("per_page") or 50))
    q.per_page = per_page if per_page in PER_PAGE else 50
    if errors:
        raise ValidationFailed(errors)
    return q


def _view_condition(view: str, actor: Actor, now, soon):
    """`now` and `soon` (the end of "due soon", due_soon_until) are datetimes or bind parameters."""
    open_ = HumanTask.status == "open"
    if view == "open":
        return open_
    if view == "mine":
        return sa.and_(open_, HumanTask.claimed_by_user_id == actor.user_id)
    if view == "unclaimed":
        return sa.and_(open_, HumanTask.claimed_by_user_id.is_(None))
    if view == "due_soon":
        return sa.and_(open_, HumanTask.due_at >= now, HumanTask.due_at < soon)
    if view == "overdue":
        return sa.and_(open_, HumanTask.due_at < now)
    if view == "completed":
        return HumanTask.status == "completed"
    if view == "escalated":
        return _escalated_to(actor)
    return sa.true()


def search_inbox(session: Session, actor: Actor, q: InboxQuery, limit: int | None = None,
                 ids: list[int] | None = None) -> tuple[list[tuple], int]:
    """One page of the actor's inbox: [(task row, association code)], and the total. One query
    (the count as a sub-select of the page), on the human-task table alone (the application
    summary is copied onto it); a second only for a page past the end.

    The task rows are read-only Core rows with the HumanTask column names (no ORM objects: a list
    is only shown, and building 50 entities per call cost more than the query). The statements are
    built once per shape of query (view, which filters, sort) and run with bind parameters: the
    inbox is the most frequent call, and building the expression cost more than the query itself."""
    now = utcnow()
    terms = _terms(q.applicant)
    status = "" if not q.status else "status" if q.status in ("open", "completed", "cancelled") else "decision"
    shape = _InboxShape(actor.role, q.view, bool(q.application_kind), bool(q.layer), bool(q.date_from),
                        bool(q.date_to), status, tuple(len(t) for t in terms), ids is not None, q.sort, q.order,
                        q.holder is not None, bool(q.origin))
    offset = 0 if limit else (q.page - 1) * q.per_page
    size = limit or q.per_page
    params = {"user": actor.user_id, "association": actor.association_id, "now": now,
              "soon": due_soon_until(session, actor.association_id, now),
              "limit": size, "offset": offset, "window": offset + size}
    if ids is not None:
        params["ids"] = ids
    if q.application_kind:
        params["application_kind"] = q.application_kind
    if q.layer:
        params["layer"] = q.layer
    if q.date_from:
        params["date_from"] = jst_day_start(q.date_from)
    if q.date_to:
        params["date_to"] = jst_day_start(q.date_to + dt.timedelta(days=1))
    if status:
        params["status"] = q.status
    if q.holder is not None:
        params["holder"] = q.holder
    if q.origin:
        params["origin_ids"] = _origin_ids(session, actor, q.origin)
    for i, (term, *variants) in enumerate(terms):
        params[f"like{i}"], params[f"term{i}"] = search.contains(term), term
        for j, spelling in enumerate(variants, 1):
            params[f"like{i}_{j}"] = search.contains(spelling)
        # a number (or "#123") is also an application number, as staff hear it on the phone
        number = term.removeprefix("#")
        found = parse_int(number, 0, 10**9)
        params[f"app{i}"] = -1 if found is None else found
    page, count = _inbox_statements(shape)
    rows = session.connection().execute(page, params).all()
    if rows:
        total = rows[0].total_count
    elif offset:  # a page past the end: the count alone
        total = session.connection().execute(count, params).scalar_one()
    else:
        total = 0
    return [(r, r.association_code) for r in rows], total


@dataclass(frozen=True)
class _InboxShape:
    """What decides the text of an inbox query (not its values)."""
    role: str
    view: str
    application_kind: bool
    layer: bool
    date_from: bool
    date_to: bool
    status: str  # "", "status" or "decision"
    terms: tuple[int, ...]  # the number of spellings of each term (異体字: 高橋 is 髙橋 too)
    ids: bool
    sort: str
    order: str
    holder: bool = False
    origin: bool = False


#: 申請元 "the office itself" (an application whose lowest association is the office)
OWN_ORIGIN = "self"


def _origin_ids(session: Session, actor: Actor, code: str) -> list[int]:
    """The association `code` names and its descendants, when it is below the actor's office (any,
    for an admin). Raises ValidationFailed naming `origin` otherwise."""
    if code == OWN_ORIGIN and actor.association_id:
        return [actor.association_id]  # filed to the office itself: its own members' direct applications
    ids = associations.below_office(session, None if actor.role == "admin" else actor.association_id, code) \
        if actor.role == "admin" or actor.association_id else None
    if ids is None:
        raise ValidationFailed.one("origin", "choose_from_list")
    return ids


@functools.lru_cache(maxsize=512)
def _inbox_statements(shape: _InboxShape):
    """The page and count statements of one inbox shape, with bind parameters for every value
    (see search_inbox for their names). The actor's scope comes from the same _scope as
    everywhere else, given an actor whose ids are bind parameters."""
    actor = _bound_actor(shape.role)
    now = sa.bindparam("now")
    view = _view_condition(shape.view, actor, now, sa.bindparam("soon"))
    # The scope comes in parts (below). The escalated view lists other associations' tasks (read
    # only) instead of the actor's own: no scope there.
    conditions = [view]
    if shape.ids:
        conditions.append(HumanTask.id.in_(sa.bindparam("ids", expanding=True)))
    if shape.application_kind:
        conditions.append(HumanTask.application_kind == sa.bindparam("application_kind"))
    if shape.layer:
        conditions.append(HumanTask.layer == sa.bindparam("layer"))
    if shape.date_from:
        conditions.append(HumanTask.created_at >= sa.bindparam("date_from"))
    if shape.date_to:
        conditions.append(HumanTask.created_at < sa.bindparam("date_to"))
    if shape.status:
        column = HumanTask.status if shape.status == "status" else HumanTask.decision
        conditions.append(column == sa.bindparam("status"))
    if shape.holder:
        conditions.append(HumanTask.claimed_by_user_id == sa.bindparam("holder", type_=sa.Integer()))
    if shape.origin:
        conditions.append(HumanTask.origin_association_id.in_(sa.bindparam("origin_ids", expanding=True)))
    for i, spellings in enumerate(shape.terms):
        conditions.append(sa.or_(HumanTask.applicant_name.like(sa.bindparam(f"like{i}"), escape=search.ESCAPE),
                                 *(HumanTask.applicant_name.like(sa.bindparam(f"like{i}_{j}"), escape=search.ESCAPE)
                                   for j in range(1, spellings)),
                                 HumanTask.applicant_kana.like(sa.bindparam(f"like{i}"), escape=search.ESCAPE),
                                 HumanTask.applicant_registry == sa.bindparam(f"term{i}"),
                                 HumanTask.application_id == sa.bindparam(f"app{i}", type_=sa.Integer())))
    # Each part of the actor's scope is read on its own, sorted and cut at offset + limit, and the
    # parts are merged: with an OR, PostgreSQL would fetch and sort every matching row (JMA's
    # 100,000 open tasks: 140 ms), where one part in index order stops after the page (0.2 ms).
    branches = [[]] if shape.view == "escalated" else [[part] for part in _scope_parts(actor)]
    name = SORTS[shape.sort].key
    window = sa.bindparam("window", type_=sa.Integer())
    parts = [sa.select(*HumanTask.__table__.c).where(*branch, *conditions)
             .order_by(*_ordering(HumanTask.__table__.c, name, shape.order)).limit(window).subquery()
             for branch in branches]
    rows = parts[0] if len(parts) == 1 else \
        sa.union_all(*(sa.select(*part.c) for part in parts)).subquery()
    # The association's code as a correlated sub-select, not a join: PostgreSQL then looks it up
    # for the page's rows only, after the sort and the limit (a join planned a hash of every
    # association, ≈ 0.2 ms a call).
    code = sa.select(Association.code).where(Association.id == rows.c.association_id).scalar_subquery()
    total = _count_in_parts(actor, *conditions, scoped=shape.view != "escalated")
    # the total rides along as a sub-select that PostgreSQL runs once (from the index when the
    # table is vacuumed): one round trip for page and count
    page = (sa.select(*rows.c, code.label("association_code"), total.label("total_count"))
            .order_by(*_ordering(rows.c, name, shape.order))
            .limit(sa.bindparam("limit", type_=sa.Integer())).offset(sa.bindparam("offset", type_=sa.Integer())))
    return page, sa.select(total)


def _ordering(columns, name: str, order: str) -> list:
    """ORDER BY `name`, then the id in the same direction (ties: the older task first when
    ascending). NULLs last only where the column has them: a NULLS LAST that the index does not
    have makes PostgreSQL sort every row instead of reading the index in order — and so would a
    tie-break against the sort's direction (JMA's 20,000 open tasks by due date: 104 ms)."""
    column = columns[name]
    ascending = order == "asc"
    first = column.asc() if ascending else column.desc()
    if HumanTask.__table__.c[name].nullable:
        first = first.nulls_last()
    return [first, columns["id"].asc() if ascending else columns["id"].desc()]


def _terms(text: str) -> list[list[str]]:
    """Search terms as stored: half-width digits (NFKC keeps ー), hiragana typed as katakana; each
    with its other spellings (異体字) after it."""
    return [search.spellings(jaconv.hira2kata(t)) for t in unicodedata.normalize("NFKC", text or "").split()]


def inbox_counts(session: Session, actor: Actor) -> dict[str, int]:
    """The number of tasks in each view (for the menu), in one query."""
    now = utcnow()
    row = session.execute(_counts_statement(actor.role), {
        "user": actor.user_id, "association": actor.association_id, "now": now,
        "soon": due_soon_until(session, actor.association_id, now)}).one()
    return dict(row._mapping)


_COUNTED_VIEWS = [v for v in VIEWS if v != "all"]


@functools.lru_cache(maxsize=16)
def _counts_statement(role: str):
    """One count per view and part of the scope, each a sub-select PostgreSQL can answer from an
    index (JMA, with every application it ever reviewed, counted them all in one pass: 200 ms).
    Built once per role, with the actor's ids and the times as bind parameters."""
    actor = _bound_actor(role)
    now, soon = sa.bindparam("now"), sa.bindparam("soon")
    columns = []
    for view in _COUNTED_VIEWS:
        if view == "unclaimed":
            # open minus claimed: the claimed ones are few and indexed, where "claimed_by IS NULL"
            # would read every open row of the table (JMA's 20,000: 87 ms)
            total = _count_in_parts(actor, _view_condition("open", actor, now, soon)) - _count_in_parts(
                actor, HumanTask.status == "open", HumanTask.claimed_by_user_id.is_not(None))
        else:
            total = _count_in_parts(actor, _view_condition(view, actor, now, soon), scoped=view != "escalated")
        columns.append(total.label(view))
    return sa.select(*columns)


# --- saved filters ------------------------------------------------------------------------------

def saved_filters(session: Session, actor: Actor) -> list[SavedFilter]:
    return list(session.scalars(sa.select(SavedFilter).where(SavedFilter.user_id == actor.user_id)
                                .order_by(SavedFilter.name)))


def save_filter(session: Session, actor: Actor, name: str | None, query: InboxQuery) -> SavedFilter:
    """Save (or overwrite) the query under `name` for this user. Raises ValidationFailed."""
    text = (name or "").strip()
    if not text:
        raise ValidationFailed.one("name", "required")
    if len(text) > 60:
        raise ValidationFailed.one("name", "too_long", max=60)
    serialise(session, f"filters.{actor.user_id}")  # saved twice at once (a double click): one row, overwritten
    row = session.scalar(sa.select(SavedFilter).where(SavedFilter.user_id == actor.user_id, SavedFilter.name == text))
    if row is None:
        row = SavedFilter(user_id=actor.user_id, name=text)
        session.add(row)
    row.query = query.as_dict()
    session.flush()
    return row


def delete_filter(session: Session, actor: Actor, filter_id: int) -> None:
    done = session.execute(sa.delete(SavedFilter).where(SavedFilter.id == filter_id,
                                                        SavedFilter.user_id == actor.user_id))
    if done.rowcount != 1:
        raise NotFound()


def matching_ids(session: Session, actor: Actor, q: InboxQuery, limit: int = 1000,
                 open_only: bool = True) -> list[int]:
    """The ids of the open tasks matching the query, newest first, at most `limit` (for "approve
    all matching this filter"). Open is a condition of the query, not a filter on its first rows:
    with the "all" view, completed tasks must not take the places of open ones. `open_only=False`:
    every task the list shows (board material of decisions already taken, for the minutes)."""
    if not open_only:
        rows, _ = search_inbox(session, actor, replace(q, page=1), limit=limit)
        return [t.id for t, _ in rows]
    if q.status not in ("", "open"):
        return []
    rows, _ = search_inbox(session, actor, replace(q, page=1, status="open"), limit=limit)
    return [t.id for t, _ in rows]


def approvable(session: Session, actor: Actor, ids: list[int]) -> dict[str, list[int]]:
    """The open review tasks `ids` sorted by what an approval by `actor` would meet: "ok", "claimed"
    (held by a colleague), "own" (an application the actor filed: four-eyes) — what a bulk run of
    them would approve and what it would fail on, said before it starts."""
    out: dict[str, list[int]] = {"ok": [], "claimed": [], "own": []}
    if not ids:
        return out
    rows = session.execute(
        sa.select(HumanTask.id, HumanTask.claimed_by_user_id,
                  sa.func.coalesce(applications.four_eyes_condition(actor.user_id), False).label("own"))
        .outerjoin(Application, Application.id == HumanTask.application_id)
        .where(HumanTask.id.in_(ids), HumanTask.status == "open", HumanTask.kind == "review", _scope(actor))).all()
    by_id = {r.id: r for r in rows}
    for task_id in ids:
        r = by_id.get(task_id)
        if r is None:
            continue
        if r.own:
            out["own"].append(task_id)
        elif r.claimed_by_user_id not in (None, actor.user_id):
            out["claimed"].append(task_id)
        else:
            out["ok"].append(task_id)
    return out


def latest_for(session: Session, actor: Actor, application_ids: list[int]) -> dict[int, int]:
    """{application id: its newest task in the actor's scope} (a member's page links each
    application to its task). One query."""
    if not application_ids:
        return {}
    rows = session.execute(sa.select(HumanTask.application_id, sa.func.max(HumanTask.id))
                           .where(HumanTask.application_id.in_(application_ids), _scope(actor))
                           .group_by(HumanTask.application_id))
    return dict(rows.all())


def next_task(session: Session, actor: Actor, q: InboxQuery, done_id: int, look_at: int = 50) -> int | None:
    """The task to open after deciding `done_id` ("decide and next"): the first open review task
    of the query's list, in its order, that the actor may decide now (not claimed by a colleague).
    None when there is none among the first `look_at`, or the view is read-only (escalated)."""
    if q.view == "escalated" or q.status not in ("", "open"):
        return None
    rows, _ = search_inbox(session, actor, replace(q, page=1, status="open"), limit=look_at)
    candidates = [t for t, _ in rows if t.id != done_id and t.kind == "review"
                  and t.claimed_by_user_id in (None, actor.user_id)]
    # four-eyes: not an application the actor filed (for themself or for a member)
    own = set(session.scalars(sa.select(Application.id).where(
        Application.id.in_({t.application_id for t in candidates if t.application_id}),
        applications.four_eyes_condition(actor.user_id)))) if candidates else set()
    return next((t.id for t in candidates if t.application_id not in own), None)


# --- the daily digest ---------------------------------------------------------------------------

def digest(session: Session, association_id: int, since: dt.datetime, now: dt.datetime | None = None) -> dict:
    """Open review tasks of an association that arrived since `since`, and those overdue."""
    now = now or utcnow()
    base = sa.select(HumanTask).where(HumanTask.association_id == association_id, HumanTask.status == "open")
    new = list(session.scalars(base.where(HumanTask.created_at >= since).order_by(HumanTask.created_at)))
    overdue = list(session.scalars(base.where(HumanTask.due_at < now).order_by(HumanTask.due_at)))

    def row(t):
        return {"application_id": t.application_id, "applicant_name": t.applicant_name, "name": t.name,
                "kind": applications.KIND_LABELS.get(t.application_kind, ""), "task_id": t.id,
                "due": t.due_at.strftime("%Y/%m/%d") if t.due_at else "—"}

    return {"new": [row(t) for t in new], "overdue": [row(t) for t in overdue]}


# --- the dashboard ------------------------------------------------------------------------------

AGE_BUCKETS = ((0, 7, "〜7日"), (8, 14, "8〜14日"), (15, 30, "15〜30日"), (31, None, "31日〜"))


def dashboard(session: Session, actor: Actor, weeks: int = 8) -> dict:
    """Open tasks by application kind and layer, their ages, how many are overdue, due soon and
    unclaimed; completions per week with their mean lead time (days from the task's creation to
    its completion).

    A secretariat sees its own association; JMA staff (layer 1) see every association's numbers
    (counts only), and by prefecture; admins too. Two queries on the task table, each answered
    from a partial index (JMA: and the associations' prefectures).
    """
    now = utcnow()
    wide = actor.role == "admin" or (actor.is_secretariat and _is_jma(session, actor))
    scope = HumanTask.kind == "review" if wide else sa.and_(HumanTask.kind == "review", _scope(actor))
    # due soon by the office's own business days (the national calendar for figures across offices)
    rows = _open_figures(session, scope, now, due_soon_until(session, None if wide else actor.association_id, now),
                         by_office=wide)
    flags = 3 + len(AGE_BUCKETS)  # where overdue, due soon and unclaimed start in a row
    pairs: dict[tuple, int] = {}
    for kind, layer, n, *_ in rows:
        pairs[(kind, layer)] = pairs.get((kind, layer), 0) + n
    by_kind = [(kind, layer, n) for (kind, layer), n in sorted(pairs.items(), key=lambda kv: (kv[0][0] or "",
                                                                                          kv[0][1] or 0))]
    per_week, seconds = _weekly_figures(session, scope, now, weeks)
    done = sum(n for _, n, _days in per_week)
    # JMA's own inbox beside the country's figures (the rows carry each task's office): the numbers
    # its inbox views show, which the national tiles are not
    mine = [row for row in rows if wide and actor.association_id and row[-1] == actor.association_id]
    own = {"open_total": sum(row[2] for row in mine), "overdue": sum(row[flags] for row in mine),
           "due_soon": sum(row[flags + 1] for row in mine), "unclaimed": sum(row[flags + 2] for row in mine)} \
        if wide and actor.association_id else None
    return {"by_kind": by_kind, "own": own, "open_total": sum(n for *_, n in by_kind),
            "ages": [(label, sum(row[3 + i] for row in rows)) for i, (*_, label) in enumerate(AGE_BUCKETS)],
            "overdue": sum(row[flags] for row in rows), "due_soon": sum(row[flags + 1] for row in rows),
            "unclaimed": sum(row[flags + 2] for row in rows),
            "per_week": per_week, "done_this_week": per_week[-1][1],
            "lead_days": round(seconds / 86400 / done, 1) if done else None,
            "by_prefecture": _by_prefecture(session, rows, flags) if wide else [], "wide": wide,
            "by_branch": _by_branch(session, actor, now) if not wide and actor.is_secretariat else []}


def _by_branch(session: Session, actor: Actor, now: dt.datetime) -> list[tuple]:
    """A prefecture's (or a divided city's) view of the offices below it: [(association name, open,
    overdue)] per association directly below, its own sub-offices' reviews counted with it — the
    queues its board waits on, as JMA's figures by prefecture. One grouped read of the open
    reviews by office (the open-task summary index holds the office)."""
    tree = associations.parents(session) if actor.association_id else {}
    below = associations.descendants(tree, actor.association_id)[1:] if actor.association_id else []
    if not below:
        return []
    rows = session.execute(sa.select(HumanTask.association_id, sa.func.count(),
                                     sa.func.count().filter(HumanTask.due_at < now))
                           .where(HumanTask.status == sa.literal("open", literal_execute=True),
                                  HumanTask.kind == "review", HumanTask.association_id.in_(below))
                           .group_by(HumanTask.association_id)).all()
    name = associations.names_by_id(session, below)
    # each office's reviews counted with the association directly below the actor's on its way up
    found = {aid: [0, 0] for aid in below if tree[aid] == actor.association_id}
    for aid, n, late in rows:
        up = associations.lineage(tree, aid)
        figures = found.setdefault(up[up.index(actor.association_id) - 1], [0, 0])
        figures[0] += n
        figures[1] += late
    return sorted(((name.get(aid, ""), n, late) for aid, (n, late) in found.items()), key=lambda r: (-r[1], r[0]))


def _open_figures(session: Session, scope, now: dt.datetime, soon: dt.datetime, by_office: bool) -> list:
    """One pass over the open tasks (JMA, which sees every office's, read them five times: 0.45 s
    at 100,000): per application kind and layer (and office, for JMA's figures by prefecture — a
    second scan joined to the associations cost 0.2 s), the count, one count per age bucket, and
    the inbox's overdue, due soon and unclaimed."""
    # the status as a constant, so that PostgreSQL matches the partial index whatever plan it caches
    open_ = sa.and_(scope, HumanTask.status == sa.literal("open", literal_execute=True))
    buckets = []
    for low, high, _label in AGE_BUCKETS:
        cond = [HumanTask.created_at <= now - dt.timedelta(days=low)]
        if high is not None:
            cond.append(HumanTask.created_at > now - dt.timedelta(days=high + 1))
        buckets.append(sa.func.count().filter(sa.and_(*cond)))
    flags = [sa.func.count().filter(HumanTask.due_at < now),
             sa.func.count().filter(sa.and_(HumanTask.due_at >= now, HumanTask.due_at < soon)),
             sa.func.count().filter(HumanTask.claimed_by_user_id.is_(None))]
    office = [HumanTask.association_id] if by_office else []
    return session.execute(
        sa.select(HumanTask.application_kind, HumanTask.layer, sa.func.count(), *buckets, *flags, *office)
        .where(open_).group_by(HumanTask.application_kind, HumanTask.layer, *office)).all()


def _weekly_figures(session: Session, scope, now: dt.datetime, weeks: int) -> tuple[list[tuple], float]:
    """[(Monday, completed, mean lead time in days or None)] for this week and `weeks` before it
    (weeks start on Monday in Japan), and the lead times' sum in seconds, counted and summed by the
    database: JMA completes hundreds of thousands of tasks in eight weeks, too many to fetch."""
    today = now.replace(tzinfo=dt.UTC).astimezone(JST).date()
    mondays = [today - dt.timedelta(days=today.weekday(), weeks=weeks - i) for i in range(weeks + 1)]
    bounds = [dt.datetime.combine(m, dt.time(), JST).astimezone(dt.UTC).replace(tzinfo=None) for m in mondays]
    if is_postgresql(session):
        # date_part is double precision; extract is numeric, and summing 750,000 of those took twice as long
        lead = sa.func.date_part("epoch", HumanTask.completed_at - HumanTask.created_at)
    else:
        lead = (sa.func.julianday(HumanTask.completed_at) - sa.func.julianday(HumanTask.created_at)) * 86400
    columns = []
    for i, low in enumerate(bounds):
        week = HumanTask.completed_at >= low if i == weeks else sa.and_(
            HumanTask.completed_at >= low, HumanTask.completed_at < bounds[i + 1])
        columns += [sa.func.count().filter(week), sa.func.sum(lead).filter(week)]
    row = session.execute(sa.select(*columns).where(
        scope, HumanTask.status == sa.literal("completed", literal_execute=True),
        HumanTask.completed_at >= bounds[0])).one()
    per_week = [(monday, n, round(float(seconds) / 86400 / n, 1) if n else None)
                for monday, n, seconds in zip(mondays, row[0::2], row[1::2], strict=True)]
    return per_week, sum(float(seconds or 0) for seconds in row[1::2])


def _by_prefecture(session: Session, rows: list, overdue_at: int) -> list[tuple]:
    """[(prefecture, open, overdue)] most open first, from _open_figures' rows by office (JMA's
    own tasks under "")."""
    prefecture_of = dict(session.execute(sa.select(Association.id, Association.prefecture)).all())
    found: dict[str, list[int]] = {}
    for row in rows:
        figures = found.setdefault(prefecture_of.get(row[-1]) or "", [0, 0])
        figures[0] += row[2]
        figures[1] += row[overdue_at]
    return sorted(((pref, n, late) for pref, (n, late) in found.items()), key=lambda r: (-r[1], r[0]))


def _is_jma(session: Session, actor: Actor) -> bool:
    return actor.association_id is not None and session.scalar(
        sa.select(Association.layer).where(Association.id == actor.association_id)) == 1
