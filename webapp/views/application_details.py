"""What a page needs to show one application's details: the staff's task page and the applicant's
own page render the same partial (templates/_application_details.html)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine import flows
from membership import (
    applications,
    associations,
    certifications,
    fee_reductions,
    training,
    uploads,
    withdrawals,
)
from membership.models import Application
from membership.reference import DUTY_CODES


def details_context(s: Session, app: Application) -> dict:
    return {"app": app, "physician": applications.physician_of(s, app),
            "facility": associations.get_facility(s, app.facility_id) if app.facility_id else None,
            "duty": DUTY_CODES.get(app.duty_code), "labels": applications.STATUS_LABELS,
            "kinds": applications.KIND_LABELS, "documents": uploads.of_application(s, app.id),
            "withdrawal_reason": withdrawals.reason_label(app), "training_session": training.of_application(s, app),
            "co_states": training.CO_STATES,
            "fee_reasons": fee_reductions.REASONS, "fee_standing": flows.fee_reduction_standing(s, app),
            "revoked_base": certifications.revoked_base(s, app),
            "held_beside": applications.held_beside(app),
            "certification_labels": {"systems": certifications.SYSTEMS, "modes": certifications.MODES,
                                     "categories": CATEGORY_LABELS}}


#: each system's categories and derived figures (生涯教育's 単位数, カリキュラムコード数), by code
CATEGORY_LABELS = {system: {**labels, **certifications.DERIVED.get(system, {})}
                   for system, labels in certifications.CATEGORIES.items()}
