"""Bad enrolments are refused with errors naming the field, and nothing is stored."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine import flows
from engine.models import HumanTask, ProcessInstance
from membership.errors import Forbidden, ValidationFailed
from membership.models import Application, ApplicationPart

from ..conftest import actor_for, new_member
from ..helpers import enrolment_body, file_enrolment, future


def counts(s):
    return tuple(s.scalar(sa.select(sa.func.count()).select_from(m)) for m in
                 (Application, ApplicationPart, ProcessInstance, HumanTask))


@pytest.mark.parametrize("body, field, key", [
    (enrolment_body([("chuoeast", "A-1"), ("tokyo", "A")]), "associations", "gap_in_chain"),
    (enrolment_body([("chuoeast", "A-1"), ("otaru", "A-1")]), "associations", "broken_chain"),
    (enrolment_body([("bunkyo", "A-1"), ("hokkaido", "A")]), "associations", "broken_chain"),
    (enrolment_body([("chuoeast", "A-1"), ("chuowest", "A-1")]), "associations", "duplicate_layer"),
    (enrolment_body([("jma", "A1")]), "associations", "gap_in_chain"),
    (enrolment_body([("chuoeast", "ZZ")]), "associations[0].category", "unknown_category"),
    (enrolment_body([("nowhere", "A")]), "associations[0].code", "unknown_association"),
    (enrolment_body(associations=[]), "associations", "choose"),
    (enrolment_body(desired_date=None), "desired_date", "required"),
    (enrolment_body(desired_date="2001-01-01"), "desired_date", "date_in_past"),
    (enrolment_body(desired_date="2027-13-45"), "desired_date", "invalid_date"),
    (enrolment_body(facility_id=999999), "facility_id", "unknown_facility"),
    (enrolment_body(facility_id="abc"), "facility_id", "unknown_facility"),
    (enrolment_body(duty_code="15"), "duty_code", "unknown_duty"),
    (enrolment_body(position="社長"), "position", "unknown_position"),
    (enrolment_body(colour="red"), "colour", "unknown_field"),
])
def test_bad_enrolment_names_the_field_and_stores_nothing(session, body, field, key):
    member = new_member(session)
    before = counts(session)
    with pytest.raises(ValidationFailed) as err:
        flows.submit_application(session, member, body)
    assert err.value.fields[field][0] == key
    assert counts(session) == before


def test_existing_membership_or_pending_application_is_refused(session):
    taro = actor_for(session, "nichiitaro")  # already in otaru → hokkaido → jma
    with pytest.raises(ValidationFailed) as err:
        file_enrolment(session, taro, chain=[("otaru", "A-1")])
    assert err.value.fields["associations"][0] == "already_member"
    member = new_member(session)
    file_enrolment(session, member, chain=[("otaru", "A-1")])
    with pytest.raises(ValidationFailed) as err:
        file_enrolment(session, member, chain=[("otaru", "A-1"), ("hokkaido", "A")])
    assert err.value.fields["associations"][0] == "pending_application"


def test_only_members_and_their_secretariat_may_file(session):
    designer = actor_for(session, "designer01")
    with pytest.raises(Forbidden):
        flows.submit_application(session, designer, enrolment_body())
    stranger = new_member(session)
    with pytest.raises(ValidationFailed) as err:
        flows.submit_application(session, actor_for(session, "staff@otaru"),
                                 enrolment_body(on_behalf_of=stranger.login_id))
    assert "on_behalf_of" in err.value.fields


def test_a_secretariat_files_on_behalf_of_its_member_and_the_audit_shows_who(session):
    from membership.models import AuditEvent

    taro = actor_for(session, "nichiitaro")
    staff = actor_for(session, "staff@otaru")  # a paper form (死亡届) received by his own association
    app = flows.submit_application(session, staff, {
        "kind": "withdrawal", "associations": ["otaru"], "reason": "death", "desired_date": future(0),
        "on_behalf_of": "nichiitaro"})
    assert app.applicant_user_id == taro.user_id and app.filed_by_user_id == staff.user_id
    event = session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "application.submit",
                                                       AuditEvent.object_id == app.id))
    assert event.actor_user_id == staff.user_id and event.on_behalf_of_user_id == taro.user_id


def test_an_office_cannot_file_for_a_member_what_does_not_concern_it(session):
    """An application shows its applicant to every association it names: an office may file for a
    member only what includes itself (or extends the member's chain from its own membership)."""
    staff = actor_for(session, "staff@otaru")
    with pytest.raises(ValidationFailed) as refused:
        flows.submit_application(session, staff, enrolment_body(
            [("chuoeast", "A-1"), ("sapporo", "A-1")], on_behalf_of="nichiitaro"))
    assert refused.value.fields == {"associations": ("on_behalf_own_association", {})}


def test_audit_rows_are_written_even_when_nothing_else_changes(session):
    from membership import audit
    from membership.models import AuditEvent

    before = session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    audit.record(session, actor_for(session, "admin001"), "report.export", "association", 1)
    session.commit()  # nothing else to flush
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before + 1


def test_a_home_member_needs_no_facility_duty_a_member_at_a_facility_does(session):
    """施設・業務 codes all describe work at a clinic or hospital: a 自宅会員 chooses none."""
    member = new_member(session, prefix="home")
    app = flows.submit_application(session, member, enrolment_body(
        [("chuoeast", "A-1")], facility_id="home", duty_code="", position=""))
    assert app.duty_code == "" and app.facility_id is None
    other = new_member(session, prefix="dty")
    with pytest.raises(ValidationFailed) as refused:
        flows.submit_application(session, other, enrolment_body([("chuoeast", "A-1")], duty_code=""))
    assert "duty_code" in refused.value.fields
    # typed in full width, as the API's clients may send it: the same code
    wide = flows.submit_application(session, new_member(session, prefix="dtw"),
                                    enrolment_body([("chuoeast", "A-1")], duty_code="１１"))
    assert wide.duty_code == "11"
