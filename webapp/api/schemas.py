"""Marshmallow schemas of the API: they validate request shapes and generate the OpenAPI document.

Domain rules (chains, categories, dates) are checked by the use cases, which name the fields.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from membership.fields import MAX_ID
from membership.reference import DUTY_CODES, POSITIONS

#: a row id sent by a client: a whole number (strictly, in JSON) a database column can hold
ID_RANGE = validate.Range(1, MAX_ID)
#: a page number: far past any list, yet its offset still fits the database's integers
PAGE_RANGE = validate.Range(1, 10**9)


class QuerySchema(Schema):
    """A query string's filters: unknown parameters ignored, and an empty one (`?layer=`, as a
    form with an unfilled field sends it) taken as not given."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _drop_empty(self, data, **kwargs):
        return {key: value for key, value in data.items() if value != ""}


class ProblemSchema(Schema):
    """One problem of a BPMN file, pointing at its element (None: the whole file)."""

    element = fields.String(allow_none=True)
    name = fields.String(metadata={"description": "the element's name in the diagram; empty when it has none"})
    code = fields.String()
    message = fields.String()


class ErrorDetail(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    #: BPMN validation only
    problems = fields.List(fields.Nested(ProblemSchema))
    fields = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                         metadata={"description": "{field: message}; empty when no field is to blame"})


class ApiErrorSchema(Schema):
    """The error shape of every 4xx/5xx answer."""

    error = fields.Nested(ErrorDetail, required=True)


class TokenRequest(Schema):
    login_id = fields.String(required=True)
    password = fields.String(required=True)


class UserSchema(Schema):
    login_id = fields.String()
    name = fields.String()
    role = fields.String()
    association = fields.String(allow_none=True)


class TokenResponse(Schema):
    token = fields.String()
    user = fields.Nested(UserSchema)


class CategorySchema(Schema):
    code = fields.String()
    label = fields.String()
    criteria = fields.String()


class AssociationSchema(Schema):
    code = fields.String()
    name = fields.String()
    kana = fields.String()
    layer = fields.Integer()
    parent = fields.String(allow_none=True)
    kind = fields.String()
    categories = fields.List(fields.Nested(CategorySchema))


class AssociationQuery(QuerySchema):
    layer = fields.Integer(validate=validate.Range(1, 4))
    parent = fields.String()
    q = fields.String()


class FacilitySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    kana = fields.String()
    address = fields.String()
    postal_code = fields.String()
    tel = fields.String()
    owner_type = fields.String()
    beds = fields.Integer()


class FacilityQuery(QuerySchema):
    q = fields.String()


class ChosenAssociation(Schema):
    code = fields.String(required=True)
    category = fields.String(required=True)


class ApplicationCreate(Schema):
    """An enrolment, a withdrawal, a transfer or a certification (the bodies of API.md).

    Enrolment: desired_date, facility_id, duty_code, position, associations [{code, category}].

    Withdrawal: desired_date, reason (retirement / death / other), reason_text (with other, ≤ 50),
    associations [code, …]: the lowest of them is left with every layer above it in its group
    (the cascade rule); group_id names the group when the member's groups share an association.
    The names of an earlier version (association, withdrawal_reason with `retired`,
    withdrawal_reason_text) are still accepted.

    Fee reduction (会費減免): group_id, fiscal_year, reason, note; 高齢 and 卒後5年以内 are checked
    against the registered data by the decision table `fee_reduction_candidates`.

    Transfer: desired_date (the effective date), facility_id (the new one), duty_code, position,
    associations (the new layer 4 and/or 3 with categories, plus the new prefecture's when it
    changes); group_id names the group that moves when the member has more than one. The
    leave/join parts are derived.
    """

    kind = fields.String(required=True, metadata={"enum": ["enrolment", "withdrawal", "transfer", "certification",
                                                           "fee_reduction"]})
    group_id = fields.Raw(metadata={"type": "integer", "description": "withdrawal, transfer: the group, when the "
                                                                      "member has more than one"})
    reason = fields.String(metadata={"description": "withdrawal: retirement / death / other; fee_reduction: age / "
                                                    "graduation / illness / childcare / other"})
    reason_text = fields.String(metadata={"description": "withdrawal: the reason when `other` (≤ 50)"})
    desired_date = fields.String(metadata={"format": "date", "example": "2027-04-01"})
    facility_id = fields.Raw(metadata={"oneOf": [{"type": "integer", "minimum": 1},
                                                 {"type": "string", "enum": ["undecided", "home"]}], "description": (
        "a facility's id; enrolment and transfer also `undecided` (未定・一覧にない) or `home` (自宅会員, no "
        "duty asked)")})
    facility_name = fields.String(metadata={"description": "enrolment or transfer with `undecided`: the "
                                                           "facility's name when it is not in the list (≤ 50)"})
    duty_code = fields.String(metadata={"enum": list(DUTY_CODES), "example": "11",
                                        "description": "施設・業務の区分 (the seed's two-digit codes)"})
    position = fields.String(metadata={"enum": ["", *POSITIONS], "description": "役職 (may be empty)"})
    associations = fields.Raw(metadata={"type": "array", "description": (
        "enrolment, transfer: [{code, category}]; withdrawal: [code]"), "items": {
        "oneOf": [{"type": "string"}, {"type": "object", "properties": {
            "code": {"type": "string"}, "category": {"type": "string"}}}]}})
    on_behalf_of = fields.String(metadata={"description": "a member's login ID (secretariat only)"})
    designations = fields.Raw(metadata={"type": "array", "items": {"type": "string"},
                                        "description": "enrolment: 指定医 held, e.g. 保険医"})
    certificate = fields.String(metadata={"enum": ["occupational", "sports"], "description": "certification"})
    fiscal_year = fields.Raw(metadata={"type": "string", "example": "2027", "description": (
        "fee_reduction: this fiscal year (April–March) or the next")})
    note = fields.String(metadata={"description": "fee_reduction: the member's words (required with `other`, ≤ 200)"})
    mode = fields.String(metadata={"enum": ["new", "renewal"], "description": "certification"})
    # an earlier version's names for a withdrawal (still accepted)
    association = fields.String(metadata={"deprecated": True, "description": "withdrawal: use `associations`"})
    withdrawal_reason = fields.String(metadata={"deprecated": True, "description": "use `reason` (`retired` is "
                                                                                     "`retirement`)"})
    withdrawal_reason_text = fields.String(metadata={"deprecated": True, "description": "use `reason_text`"})


class PartSchema(Schema):
    association = fields.String()
    association_name = fields.String()
    layer = fields.Integer()
    action = fields.String(metadata={"enum": ["join", "leave", "certify"]})
    category = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": ["pending", "in_review", "approved", "rejected", "cancelled"]})
    comment = fields.String()


class ApplicationSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    status = fields.String(metadata={"enum": ["draft", "submitted", "in_review", "returned", "approved", "rejected",
                                              "cancelled", "completed"]})
    created_at = fields.String()
    desired_date = fields.String(allow_none=True)
    facility_id = fields.Integer(allow_none=True)
    duty_code = fields.String()
    position = fields.String()
    parts = fields.List(fields.Nested(PartSchema))


class TaskQuery(QuerySchema):
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "completed", "cancelled", "all"]))
    kind = fields.String(metadata={"description": "task kind: review or amend; an application kind (enrolment, "
                                                  "withdrawal, transfer, certification, …) filters on the task's "
                                                  "application_kind"})
    association = fields.String()
    # the inbox (secretariats): a view and filters; the answer carries X-Total-Count
    view = fields.String(validate=validate.OneOf(["open", "mine", "unclaimed", "due_soon", "overdue", "completed",
                                                  "all", "escalated"]),
                         metadata={"description": "escalated: other offices' overdue reviews escalated to mine "
                                                  "(read only)"})
    application_kind = fields.String()
    layer = fields.Integer(validate=validate.Range(1, 4))
    date_from = fields.Date()
    date_to = fields.Date()
    applicant = fields.String(metadata={"description": "name, kana, 医籍登録番号 or application number"})
    origin = fields.String(validate=validate.Length(max=32), metadata={
        "description": "申請元: an association below the office (its code); its applications and those of the "
                       "associations below it (a prefecture's city, JMA's prefecture)"})
    holder = fields.Integer(validate=ID_RANGE, metadata={"description": "the id of the staff user who claimed "
                                                                         "the tasks"})
    sort = fields.String(validate=validate.OneOf(["created", "due", "application", "applicant", "layer"]))
    order = fields.String(validate=validate.OneOf(["asc", "desc"]))
    page = fields.Integer(validate=PAGE_RANGE)
    per_page = fields.Integer(validate=validate.OneOf([20, 50, 100]))


class TaskCounts(Schema):
    open = fields.Integer()
    mine = fields.Integer()
    unclaimed = fields.Integer()
    due_soon = fields.Integer()
    overdue = fields.Integer()
    completed = fields.Integer()
    escalated = fields.Integer(metadata={"description": "other associations' overdue reviews escalated to the "
                                                        "caller's (read only)"})


class AuditQuery(QuerySchema):
    """Documents the filters; the values are checked by membership.audit.parse_query."""

    date_from = fields.String(metadata={"description": "YYYY-MM-DD, a day in Japan"})
    date_to = fields.String(metadata={"description": "YYYY-MM-DD, a day in Japan (inclusive)"})
    login_id = fields.String(metadata={"description": "who acted, or the member acted for"})
    action = fields.String(metadata={"description": "a family (`task`) or one action (`task.complete`)"})
    object_type = fields.String(metadata={"description": "e.g. application, human_task, user_account"})
    object_id = fields.String()
    before = fields.String(metadata={"description": "the next page: the `X-Next-Before` of the previous answer"})


class AuditEventSchema(Schema):
    id = fields.Integer()
    at = fields.String(metadata={"description": "UTC, ISO 8601"})
    actor = fields.String(allow_none=True, metadata={"description": "login ID; null for the system"})
    on_behalf_of = fields.String(allow_none=True, metadata={"description": "login ID of the member acted for"})
    action = fields.String()
    object_type = fields.String()
    object_id = fields.Integer(allow_none=True)
    detail = fields.Dict()


class ProfileChangeQuery(QuerySchema):
    """Documents the filters; the values are checked by membership.profiles.parse_change_query."""

    date_from = fields.String(metadata={"description": "YYYY-MM-DD, a day in Japan; with neither date given, "
                                                       "the last 30 days"})
    date_to = fields.String(metadata={"description": "YYYY-MM-DD, a day in Japan (inclusive)"})
    group = fields.String(metadata={"enum": ["name", "contact", "dispatch", "identity", "career"],
                                    "description": "a kind of field"})
    before = fields.String(metadata={"description": "the next page: the `X-Next-Before` of the previous answer"})


class SessionQuery(QuerySchema):
    """Documents the filters; the values are checked by membership.training.list_filters."""

    q = fields.String(metadata={"description": "words looked for in the title, the place and the organiser's name"})
    held_from = fields.String(metadata={"description": "YYYY-MM-DD: sessions ending on or after that day"})
    held_to = fields.String(metadata={"description": "YYYY-MM-DD: sessions starting on or before that day"})
    state = fields.String(metadata={"enum": ["pending", "approved", "rejected", "held", "reported", "withdrawn",
                                             "cancelled"]})
    own = fields.String(metadata={"enum": ["1", "true"], "description": "only the caller's association's own "
                                                                        "and co-organised sessions"})
    page = fields.String(metadata={"description": "50 a page; without it, every session that matches"})


class ProfileChangeSchema(Schema):
    id = fields.Integer()
    at = fields.String(metadata={"description": "UTC, ISO 8601"})
    physician_id = fields.Integer()
    name = fields.String()
    kana = fields.String()
    registry_number = fields.String(allow_none=True)
    field = fields.String(metadata={"description": "the registered data's field, as in the registration form"})
    old_value = fields.String()
    new_value = fields.String()
    changed_by = fields.String(allow_none=True, metadata={
        "enum": ["member", "secretariat", "admin", None],
        "description": "member: the physician themself; secretariat: an office for them"})
    changed_by_association = fields.String(allow_none=True)


class ReassignRequest(Schema):
    to_user_id = fields.Integer(required=True, strict=True, validate=ID_RANGE)
    reason = fields.String(required=True)


class RegistrationRequest(Schema):
    class Meta:
        unknown = EXCLUDE

    wait = fields.Boolean(load_default=False, metadata={
        "description": "when the session is full, join its waiting list (キャンセル待ち) instead of a 409"})


class CoOrganisationAnswer(Schema):
    accept = fields.Boolean(required=True, metadata={
        "description": "true: co-organise (the association then sees the attendees); false: decline"})


class CoOrganisersRequest(Schema):
    associations = fields.List(fields.String(), required=True, metadata={
        "description": "the codes of the associations to ask (at most five asked or accepted at a time)"})


class CoOrganisationSchema(Schema):
    association = fields.String(metadata={"description": "the co-organiser's code"})
    status = fields.String(metadata={"description": "invited / accepted / declined"})


class RegistrationSchema(Schema):
    status = fields.String(metadata={"enum": ["registered", "waiting"]})
    position = fields.Integer(allow_none=True, metadata={"description": "place on the waiting list (1 = next)"})


class TakeOverRequest(Schema):
    reason = fields.String(required=True)


class TaskSchema(Schema):
    id = fields.Integer()
    application_id = fields.Integer(allow_none=True)
    kind = fields.String()
    name = fields.String()
    form_key = fields.String()
    association = fields.String(allow_none=True)
    layer = fields.Integer(allow_none=True)
    status = fields.String()
    created_at = fields.String()
    due_at = fields.String(allow_none=True)
    claimed_by = fields.Integer(allow_none=True)
    completed_at = fields.String(allow_none=True)
    application_kind = fields.String()
    applicant_name = fields.String()
    applicant_kana = fields.String()
    resubmitted = fields.Boolean(metadata={"description": "a review of an application its applicant amended and "
                                                          "filed again after a return (再提出)"})
    origin = fields.String(allow_none=True, metadata={
        "description": "申請元: the code of the association the application came from (its lowest association — "
                       "the city or district the member applied through —, a session's organiser)"})
    decision = fields.String(allow_none=True)
    comment = fields.String()


class CompleteRequest(Schema):
    decision = fields.String(metadata={"enum": ["approve", "reject", "return"]})
    comment = fields.String(load_default="")
    changes = fields.Dict(metadata={"description": (
        "amendments, for an `amend` task: the fields of the application's kind (`desired_date`, "
        "`facility_id`, `duty_code`, `position`; a withdrawal's `reason`, "
        "`reason_text`) and `categories`, {association code: member category code} for "
        "the associations still to decide")})


BULK_MAX = 1000


class BulkCompleteRequest(CompleteRequest):
    #: a board meeting approves hundreds at once; each task is its own transaction
    ids = fields.List(fields.Integer(strict=True, validate=ID_RANGE), required=True,
                      validate=validate.Length(min=1, max=BULK_MAX))


class BulkResult(Schema):
    id = fields.Integer()
    ok = fields.Boolean()
    error = fields.Nested(ErrorDetail, allow_none=True)


class BulkFailure(Schema):
    id = fields.Integer(metadata={"description": "the task id as given"})
    error = fields.Nested(ErrorDetail)


class BulkRunSummary(Schema):
    id = fields.Integer()
    status = fields.String(metadata={"enum": ["queued", "running", "finished", "cancelled"]})
    decision = fields.String()
    total = fields.Integer()
    done = fields.Integer(metadata={"description": "tasks worked so far (succeeded + failed)"})
    succeeded = fields.Integer()
    failed = fields.Integer()
    created_at = fields.String()
    finished_at = fields.String(allow_none=True)
    started_by = fields.String()


class BulkRunSchema(BulkRunSummary):
    failures = fields.List(fields.Nested(BulkFailure))


class MembershipSchema(Schema):
    association = fields.String()
    association_name = fields.String()
    layer = fields.Integer()
    category = fields.String()
    status = fields.String(metadata={"enum": ["active", "ended", "moved"]})
    standing = fields.String(metadata={"enum": ["active", "upcoming", "ended", "moved"],
                                       "description": "upcoming: active from a date still ahead (入会予定)"})
    since = fields.String()
    until = fields.String(allow_none=True)
    group = fields.Integer()


class MeSchema(Schema):
    login_id = fields.String()
    name = fields.String()
    jma_member_id = fields.String(allow_none=True, metadata={"description": "10 digits starting with 3, "
                                                                            "given when JMA approves"})
    memberships = fields.List(fields.Nested(MembershipSchema))


class MemberQuery(QuerySchema):
    """Documents the member list's filters; membership.members checks them."""

    q = fields.String(metadata={"description": "name, kana, 医籍登録番号 or login ID; every term must match"})
    status = fields.String(metadata={"enum": ["active", "upcoming", "former", "applying", "attendee"],
                                     "description": "standing in the caller's association (upcoming: approved "
                                                    "from a date still ahead)"})
    category = fields.String(metadata={"description": "a member category code of the caller's association"})
    branch = fields.String(validate=validate.Length(max=32), metadata={
        "description": "an association below the caller's (its code): current members of it and of the "
                       "associations below it — a prefecture's city, JMA's prefecture"})
    page = fields.Integer(load_default=1, validate=PAGE_RANGE)


class RosterQuery(QuerySchema):
    system = fields.String(metadata={"enum": ["occupational", "sports", "lifelong", "primary_care"]})
    state = fields.String(load_default="valid", metadata={
        "enum": ["valid", "expiring", "expired"],
        "description": "expiring: valid, ending within six months, no renewal issued; expired: ended, not renewed"})
    q = fields.String(metadata={"description": "name, kana or 医籍登録番号"})
    page = fields.Integer(load_default=1, validate=PAGE_RANGE)


class RosterRow(Schema):
    physician_id = fields.Integer()
    name = fields.String()
    kana = fields.String()
    registry_number = fields.String(allow_none=True)
    system = fields.String()
    number = fields.String()
    valid_from = fields.Date()
    valid_until = fields.Date()
    affiliation = fields.String(metadata={"description": "所属医師会: the physician's nearest association in each "
                                                         "membership group, joined by 、"})


class MemberRow(Schema):
    id = fields.Integer(metadata={"description": "the physician's id"})
    name = fields.String()
    kana = fields.String()
    registry_number = fields.String(allow_none=True)
    category = fields.String(allow_none=True, metadata={"description": "in the caller's association"})
    standing = fields.String(allow_none=True, metadata={
        "enum": ["active", "upcoming", "ended", "moved", "applying", "moving_in", "reviewing", "attendee"],
        "description": "upcoming: approved from a date still ahead (入会予定); applying: joining it, under "
                       "review; moving_in: a transfer into it approved, from its date; reviewing: not a member, "
                       "with another application it reviews (a certification); attendee: not a member, linked "
                       "by the association's training sessions"})
    since = fields.String(allow_none=True)


class MemberDetail(Schema):
    id = fields.Integer()
    name = fields.String()
    kana = fields.String()
    registry_number = fields.String(allow_none=True)
    login_id = fields.String(allow_none=True)
    email = fields.String(allow_none=True, metadata={"description": "null for a former member of the caller's office"})
    left_on = fields.Date(allow_none=True, metadata={
        "description": "a former member of the caller's office (who belongs to it no longer): the last day of its "
                       "membership; the answer then holds only the office's own record (no contact, no login ID, "
                       "only its own memberships)"})
    memberships = fields.List(fields.Nested(MembershipSchema), metadata={"description": "those in the caller's scope"})
    applications = fields.List(fields.Dict(), metadata={"description": "those the caller's association reviews: "
                                                                       "{id, kind, status, created_at, task_id}"})


class DashboardSchema(Schema):
    open_total = fields.Integer()
    overdue = fields.Integer(metadata={"description": "open tasks past their due date"})
    due_soon = fields.Integer(metadata={"description": "open tasks due within three days"})
    unclaimed = fields.Integer(metadata={"description": "open tasks nobody has claimed"})
    done_this_week = fields.Integer(metadata={"description": "tasks completed since Monday"})
    lead_days = fields.Float(allow_none=True, metadata={
        "description": "mean days from a task's creation to its completion, over the weeks shown"})
    by_kind = fields.List(fields.Dict(), metadata={"description": "[{application_kind, layer, open}]"})
    ages = fields.List(fields.Dict(), metadata={"description": "[{label, open}]"})
    per_week = fields.List(fields.Dict(), metadata={"description": "[{week (Monday), completed, lead_days}]"})
    by_prefecture = fields.List(fields.Dict(), metadata={
        "description": "JMA and admins: [{prefecture ('' for JMA itself), open, overdue}], most open first"})


class HistorySchema(Schema):
    kind = fields.String()
    association = fields.String()
    association_name = fields.String()
    on_date = fields.String()
    at = fields.String()
    application_id = fields.Integer(allow_none=True)


class DefinitionSchema(Schema):
    key = fields.String()
    version = fields.Integer()
    name = fields.String()
    deployed_at = fields.String()
    note = fields.String(metadata={"description": "the designer's note on what the version changes"})
