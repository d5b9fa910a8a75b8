"""Use cases that span the domain and the engine: filing an application starts its process."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from membership import applications, certifications, drafts, fee_reductions, training, transfers, uploads, withdrawals
from membership.actors import Actor
from membership.errors import Conflict, Forbidden, NotFound, ValidationFailed
from membership.models import Application, ApplicationDraft
from membership.statuses import ApplicationStatus, PartStatus

from . import decisions
from .models import ProcessInstance
from .runtime import ProcessFailed, cancel_instance, lock_instance, start_instance

#: application kind → the process that reviews it
PROCESS_FOR_KIND = {"enrolment": "enrolment", "withdrawal": "withdrawal", "transfer": "transfer",
                    "certification": "certification", "session": "training_session", "fee_reduction": "fee_reduction"}
#: the keys the code itself starts or reads: each kind's process, and the decision tables it consults
USED_BY_CODE = frozenset({*PROCESS_FOR_KIND.values(), decisions.REQUIREMENTS, decisions.FEE_REDUCTION_CANDIDATES})
FILERS = {"enrolment": applications.file_enrolment, "withdrawal": withdrawals.file_withdrawal,
          "transfer": transfers.file_transfer, "session": training.file_session,
          # a reason the decision table decides is checked against the member's data by the table
          "fee_reduction": lambda s, actor, data: fee_reductions.file_reduction(s, actor, data, _table_or_none(s)),
          # the credit requirements come from the decision table (processes/certification)
          "certification": lambda s, actor, data: certifications.file_certification(
              s, actor, data, lambda system, mode: decisions.requirements(s, system, mode))}


def eligibility(session: Session, physician_id: int, system: str) -> dict:
    """Whether the physician may apply for certification `system` now and what is missing, by the
    requirements in the decision table (membership.certifications.eligibility)."""
    return certifications.eligibility(session, physician_id, system,
                                      lambda sys_, mode: decisions.requirements(session, sys_, mode))


def submit_application(session: Session, actor: Actor, data: dict, draft: ApplicationDraft | None = None,
                       upload_root: Path | None = None, files: list | None = None) -> Application:
    """File an application and start its review process, in one transaction.

    `draft`: the draft it was composed in; its documents (files under `upload_root`) move onto
    the application and the draft is deleted, in the same transaction. `files`: [(name, stream)]
    stored with the application (same rules, all or nothing).
    Raises ValidationFailed (naming fields), Forbidden, NotFound (process not deployed).
    """
    kind = data.get("kind")
    if kind not in FILERS:
        raise ValidationFailed.one("kind", "invalid")
    if draft is not None:
        drafts.lock(session, draft)  # an upload to it waits; a second filing of it finds it gone
    app = FILERS[kind](session, actor, data)
    if draft is not None:
        uploads.attach(session, draft, app, upload_root)
        session.delete(draft)
    for filename, stream in files or []:  # filed with the application itself (a certification)
        uploads.add_to_application(session, actor, app, filename, stream, upload_root)
    start_instance(session, actor, PROCESS_FOR_KIND[kind],
                   {"application_id": app.id, "applicant_user_id": app.applicant_user_id}, application_id=app.id)
    session.flush()
    return app


def cancel_application(session: Session, actor: Actor, application_id: int,
                       seen_approved: list[str] | None = None) -> Application:
    """Withdraw a pending application and stop its process: the applicant's, or — a session's
    approval — any staff member of the organiser's office. `seen_approved`: the parts the canceller
    saw approved, by association code (the screen told them those memberships stand); if a layer approved another one
    since, Conflict — they confirm again, knowing. Raises NotFound, Conflict."""
    app = applications.get_application(session, actor, application_id)
    ts = training.of_application(session, app)
    organisers = ts is not None and actor.role == "secretariat" and ts.organiser_association_id == actor.association_id
    if not organisers and (actor.role == "secretariat" or app.applicant_user_id != actor.user_id):
        # Only the applicant withdraws their application here; staff reject it in the inbox.
        raise Forbidden("only_applicant_cancels")
    instance_id = session.scalar(sa.select(ProcessInstance.id).where(ProcessInstance.application_id == app.id))
    instance = lock_instance(session, instance_id) if instance_id else None
    session.refresh(app)
    refusal = applications.cancel_refusal(app)
    if refusal:
        raise Conflict(refusal)
    approved = {p.association.code: p.association.name for p in app.parts if p.status == PartStatus.APPROVED}
    if seen_approved is not None and set(approved) != set(seen_approved):
        raise Conflict("approved_meanwhile", names="、".join(
            name for code, name in approved.items() if code not in seen_approved) or "—")
    applications.cancel(session, actor, app)
    if instance is not None:
        cancel_instance(session, actor, instance)
    session.flush()
    return app


def amend_pending(session: Session, actor: Actor, application_id: int, changes: dict) -> Application:
    """修正 of a pending withdrawal by its applicant (date, reason), under the instance lock so
    that it cannot cross a layer's decision. Raises NotFound, Conflict, ValidationFailed."""
    app = applications.get_application(session, actor, application_id)
    if app.applicant_user_id != actor.user_id or app.kind != "withdrawal":
        raise Conflict("not_amendable")
    instance_id = session.scalar(sa.select(ProcessInstance.id).where(ProcessInstance.application_id == app.id))
    if instance_id:
        lock_instance(session, instance_id)
    session.refresh(app)
    if app.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW):
        raise Conflict("not_amendable")
    withdrawals.amend_pending(session, actor, app, changes)
    session.flush()
    return app


def remind_expiring(session: Session, today=None) -> int:
    """The daily reminder before certificates expire (6 and 3 months before), each listing the
    credits still missing for renewal. Returns the number of reminders."""
    sent = 0
    for cert, stage in certifications.due_reminders(session, today):
        found = eligibility(session, cert.physician_id, cert.system)
        missing = [{"label": r["label"], "missing": r["missing"]} for r in found["rows"] if r["missing"]]
        certifications.send_reminder(session, cert, stage, missing)
        sent += 1
    return sent


def candidate_reasons(session: Session):
    """The decision table `fee_reduction_candidates` as fee_reductions takes it: (age, years since
    graduation) → the reasons it gives, as codes. Looked up once. A table with a single-hit policy
    gives one value, not a list; a designer may write the reason's label (高齢) for its code."""
    table = decisions.evaluator(session, decisions.FEE_REDUCTION_CANDIDATES)
    codes = {label: code for code, label in fee_reductions.REASONS.items()}

    def decide(data: dict) -> list[str]:
        found = table(data).get("reason")
        found = [] if found is None else [found] if isinstance(found, str) else list(found)
        return [codes.get(r, r) for r in found if isinstance(r, str)]
    return decide


def fee_reduction_candidates(session: Session, actor: Actor) -> list[dict]:
    """The secretariat's members who qualify for a fee reduction by the decision table
    `fee_reduction_candidates` (age, years since graduation)."""
    return fee_reductions.candidates(session, actor, candidate_reasons(session))


def check_fee_reduction(session: Session, actor: Actor, data: dict) -> tuple:
    """The 確認 step's check of a fee-reduction application, with the decision table."""
    return fee_reductions.check(session, actor, data, decide=_table_or_none(session))


def _table_or_none(session: Session):
    """candidate_reasons, judging nothing where the table cannot decide (missing, or a cell it cannot
    evaluate): a broken table leaves the reason to the layers — it never stops a member filing."""
    try:
        decide = candidate_reasons(session)
    except NotFound:
        return None

    def guarded(data: dict) -> list[str] | None:
        try:
            return decide(data)
        except ProcessFailed:
            return None
    return guarded


def fee_reduction_standing(session: Session, app) -> dict | None:
    """For a reviewer: what the decision table makes of the applicant for the year applied for
    (`reasons` None where the table cannot decide)."""
    if app.kind != "fee_reduction" or app.physician is None:
        return None
    decide = _table_or_none(session) or (lambda data: None)
    return fee_reductions.standing(app.physician, int((app.payload or {}).get("fiscal_year") or 0) or
                                   fee_reductions.fiscal_year(fee_reductions.today_jst()), decide)
