"""Japanese business days: no weekends, no national holidays (jpholiday), no closed days of the
association (年末年始 and others, kept in `closed_days` and editable by admins).

Review tasks are due a number of *business days* after they arrive (`due_in_days` in BPMN).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import threading
import time

import jpholiday
import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import associations, audit
from .actors import Actor
from .db import is_postgresql, serialise
from .errors import Forbidden, NotFound, ValidationFailed
from .fields import JST, FieldError, text
from .fields import date as parse_date
from .models import Association, ClosedDay

#: closed days are read at most this often per association and process (admin edits made in
#: another process are seen after this delay; edits in this one at once)
CACHE_SECONDS = 300.0
_cache: dict[tuple[str, int], tuple[float, frozenset[dt.date]]] = {}
_lock = threading.Lock()


#: 年末年始 (12/29–1/3): every office is closed, as Japan's public offices are by law (行政機関の
#: 休日に関する法律); an association's own closed days come on top
YEAR_END = ((12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3))


def is_business_day(day: dt.date, closed: frozenset[dt.date] | set[dt.date] = frozenset()) -> bool:
    return (day.weekday() < 5 and not jpholiday.is_holiday(day) and (day.month, day.day) not in YEAR_END
            and day not in closed)


def add_business_days(start: dt.date, days: int, closed: frozenset[dt.date] | set[dt.date] = frozenset()) -> dt.date:
    """The `days`-th business day after `start` (start itself not counted)."""
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_business_day(day, closed):
            counted += 1
    return day


def closed_days(session: Session, association_id: int) -> frozenset[dt.date]:
    bind = session.get_bind()
    key = (str(getattr(bind, "engine", bind).url), association_id)
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    # Without autoflush: the engine asks in the middle of a step, which flushes once at its end
    # (add_closed_day flushes its own row, so nothing of this kind is ever pending here).
    with session.no_autoflush:
        days = frozenset(session.scalars(sa.select(ClosedDay.on_date)
                                         .where(ClosedDay.association_id == association_id)))
    with _lock:
        _cache[key] = (now, days)
    return days


def _forget(session: Session, association_id: int) -> None:
    bind = session.get_bind()
    with _lock:
        _cache.pop((str(getattr(bind, "engine", bind).url), association_id), None)


#: the moment deadlines count from, when not now (`counting_from`)
_counting_from: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("counting_from", default=None)


@contextlib.contextmanager
def counting_from(moment: dt.datetime):
    """Within the block, deadlines count from `moment` (aware) instead of now: the demo files an
    application "a month ago" so that its review is overdue and escalated, as it would be."""
    token = _counting_from.set(moment)
    try:
        yield
    finally:
        _counting_from.reset(token)


def due_at(session: Session, association_id: int | None, business_days: int,
           now: dt.datetime | None = None) -> dt.datetime:
    """End of the `business_days`-th business day (JST) from now, as naive UTC."""
    now = now or _counting_from.get() or dt.datetime.now(dt.UTC)
    today = now.astimezone(JST).date()
    closed = closed_days(session, association_id) if association_id else frozenset()
    day = add_business_days(today, business_days, closed)
    end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=JST)
    return end.astimezone(dt.UTC).replace(tzinfo=None)


def deadline(session: Session, actor: Actor, association: str, business_days: int) -> str:
    """Service operation `calendar.deadline`: the end of the `business_days`-th business day of
    `association`'s office from now, as an ISO 8601 UTC timestamp (a BPMN timeDate value)."""
    found = associations.id_and_layer(session, association)
    if found is None:
        raise NotFound()
    association_id = found[0]
    if not 0 < int(business_days) <= 365:
        raise ValueError("business_days must be 1..365")
    at = due_at(session, association_id, int(business_days))
    return at.replace(tzinfo=dt.UTC).isoformat()


def list_closed_days(session: Session, association_id: int) -> list[ClosedDay]:
    return list(session.scalars(sa.select(ClosedDay).where(ClosedDay.association_id == association_id)
                                .order_by(ClosedDay.on_date)))


def add_closed_day(session: Session, actor: Actor, association_code: str, on_date, label: str = "") -> ClosedDay:
    """Admins only: a closed day, or a new name for one already closed (the row then carries
    `renamed_from`, the name it had, for the screen to say so). Raises Forbidden, NotFound,
    ValidationFailed."""
    if actor.role != "admin":
        raise Forbidden()
    association = session.scalar(sa.select(Association).where(Association.code == association_code))
    if association is None:
        raise NotFound()
    errors: dict = {}
    day = None
    try:
        day = parse_date(on_date, past=False)
    except FieldError as exc:
        errors["on_date"] = (exc.key, exc.params)
    try:
        label = text(label, 40)
    except FieldError as exc:
        errors["label"] = (exc.key, exc.params)
    if errors:
        raise ValidationFailed(errors, context="closed_day")
    serialise(session, f"closed_days.{association.id}")  # the same day added twice at once: one row, renamed
    row = session.scalar(sa.select(ClosedDay).where(ClosedDay.association_id == association.id,
                                                    ClosedDay.on_date == day))
    renamed_from = None
    if row is None:
        row = ClosedDay(association_id=association.id, on_date=day, label=label)
        session.add(row)
    elif row.label != label:
        renamed_from = row.label
    row.label = label
    row.renamed_from = renamed_from
    session.flush()
    _forget(session, association.id)
    audit.record(session, actor, "closed_day.add", "association", association.id, on_date=day.isoformat())
    return row


def remove_closed_day(session: Session, actor: Actor, closed_day_id: int) -> None:
    if actor.role != "admin":
        raise Forbidden()
    stmt = sa.select(ClosedDay).where(ClosedDay.id == closed_day_id)
    if is_postgresql(session):  # two admins deleting it at once: the second finds it gone
        stmt = stmt.with_for_update()
    row = session.scalar(stmt.execution_options(populate_existing=True))
    if row is None:
        raise NotFound()
    session.delete(row)
    session.flush()
    _forget(session, row.association_id)
    audit.record(session, actor, "closed_day.remove", "association", row.association_id,
                 on_date=row.on_date.isoformat())


def year_end(year: int) -> list[dt.date]:
    """年末年始: 29 December of `year` to 3 January of the next."""
    start = dt.date(year, 12, 29)
    return [start + dt.timedelta(days=i) for i in range(6)]
