"""Explicit states of applications, their parts and memberships, with the allowed transitions.

SpiffWorkflow owns the BPMN task states; these are the domain's own. Every status change goes
through `transition()`, so a move the table does not allow is a bug that fails loudly.
"""

from __future__ import annotations

import enum


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class PartStatus(enum.StrEnum):
    PENDING = "pending"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class MembershipStatus(enum.StrEnum):
    ACTIVE = "active"
    ENDED = "ended"
    #: ended by a transfer: no longer part of the group's chain (the new association replaced it)
    MOVED = "moved"


class PartAction(enum.StrEnum):
    JOIN = "join"
    LEAVE = "leave"
    #: JMA records a member's move between groups; its own membership continues
    TRANSFER = "transfer"
    CERTIFY = "certify"


A, P = ApplicationStatus, PartStatus

APPLICATION_TRANSITIONS: dict[ApplicationStatus, set[ApplicationStatus]] = {
    A.DRAFT: {A.SUBMITTED, A.CANCELLED},
    A.SUBMITTED: {A.IN_REVIEW, A.CANCELLED, A.REJECTED},
    A.IN_REVIEW: {A.IN_REVIEW, A.RETURNED, A.APPROVED, A.REJECTED, A.CANCELLED},
    A.RETURNED: {A.IN_REVIEW, A.CANCELLED},
    A.APPROVED: {A.COMPLETED},
    A.REJECTED: set(),
    A.CANCELLED: set(),
    A.COMPLETED: set(),
}

PART_TRANSITIONS: dict[PartStatus, set[PartStatus]] = {
    P.PENDING: {P.IN_REVIEW, P.CANCELLED},
    P.IN_REVIEW: {P.APPROVED, P.REJECTED, P.RETURNED, P.CANCELLED},
    P.RETURNED: {P.IN_REVIEW, P.CANCELLED},
    # re-opened when the applicant changes what it approved (a withdrawal's date or reason, a
    # session's content): applications.reopen_approved
    P.APPROVED: {P.PENDING},
    P.REJECTED: set(),
    P.CANCELLED: set(),
}

#: What the API shows for a part: "returned" is an application-level state there.
PART_PUBLIC_STATUS = {P.RETURNED: P.IN_REVIEW}


class IllegalTransition(RuntimeError):
    """A status change that the transition table forbids: a programming error, never user input."""


def transition(obj, new, table) -> None:
    """Move `obj.status` to `new` if `table` allows it; raises IllegalTransition otherwise."""
    current = type(new)(obj.status)
    if new not in table[current]:
        raise IllegalTransition(f"{type(obj).__name__} {getattr(obj, 'id', '?')}: {current} -> {new}")
    obj.status = new.value
