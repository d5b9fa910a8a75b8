"""The vocabulary of service tasks: operation name → one `membership` use case.

A BPMN service task names an operation (`spiffworkflow:serviceTaskOperator id=…`); deployment
rejects names missing here. Each function takes (session, actor, **params) and returns JSON data.
"""

from __future__ import annotations

from membership import applications, calendar, certifications, transfers, withdrawals

from . import escalation

SERVICES = {
    "application.next_part": applications.next_part,
    "application.open_part": applications.open_part,
    "application.approve_part": applications.approve_part,
    "application.reject_part": applications.reject_part,
    "application.return_part": applications.return_part,
    "application.decline_part": applications.decline_part,
    "application.finish_each": applications.finish_each,
    "application.finish": applications.finish,
    "application.escalate": escalation.escalate,
    "calendar.deadline": calendar.deadline,
    "application.effective_at": withdrawals.effective_at,
    "application.apply_withdrawal": withdrawals.apply_withdrawal,
    "transfer.effective_at": transfers.effective_at,
    "transfer.apply": transfers.apply_transfer,
    "certification.issue": certifications.issue,
}
