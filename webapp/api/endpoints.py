"""/api/v1 endpoints. Each validates, calls one use case, commits and answers JSON."""

from __future__ import annotations

import functools

from flask import Response, g, jsonify, request

from engine import bulk as runs
from engine import decision_check, deploy, designs, dry_run, flows, instances, migration, tasks, validation
from membership import (
    accounts,
    applications,
    associations,
    audit,
    certifications,
    members,
    memberships,
    profiles,
    registration,
    training,
)
from membership.errors import AuthenticationFailed, Conflict, Forbidden, NotFound, Throttled, ValidationFailed
from membership.fields import parse_int, today_jst

from .. import bulk, db
from ..i18n import current_lang, message
from . import Blueprint, domain_error_response, error_response, schemas, token_required

blp = Blueprint("api", __name__, url_prefix="/api/v1", description="MAMIS API v1")
AUTH = {"security": [{"bearerAuth": []}]}


@blp.route("/auth/token", methods=["POST"])
@blp.arguments(schemas.TokenRequest())
@blp.response(200, schemas.TokenResponse)
@blp.alt_response(401, schema=schemas.ApiErrorSchema)
@blp.alt_response(403, schema=schemas.ApiErrorSchema, description="first-login steps not done")
@blp.alt_response(429, schema=schemas.ApiErrorSchema)
def issue_token(body):
    s = db.session()
    try:
        account = accounts.authenticate(s, body["login_id"], body["password"], request.remote_addr or "")
    except (AuthenticationFailed, Throttled) as exc:
        db.commit()  # the failure itself must be remembered for throttling
        return domain_error_response(exc)
    if registration.pending_step(account):
        db.commit()
        return error_response(403, "setup_required", message("setup_required"))
    token = accounts.issue_token(s, account)
    db.commit()
    return {"token": token, "user": {"login_id": account.login_id, "name": account.display_name,
                                     "role": account.role,
                                     "association": account.association.code if account.association else None}}


@blp.route("/auth/token", methods=["DELETE"])
@token_required
@blp.doc(**AUTH, description="Revoke the bearer token this request carries (a client logging out, a token that "
                             "leaked): from then on it answers 401. Other tokens of the account stay valid; a "
                             "password change ends them all.")
@blp.response(204)
def revoke_token():
    accounts.revoke_token(db.session(), g.token)
    db.commit()
    return Response(status=204)


@blp.route("/associations")
@token_required
@blp.doc(**AUTH)
@blp.arguments(schemas.AssociationQuery(), location="query")
@blp.response(200, schemas.AssociationSchema(many=True))
def list_associations(query):
    rows = associations.list_associations(db.session(), query.get("layer"), query.get("parent"), query.get("q"))
    return [associations.association_dict(a) for a in rows]


@blp.route("/facilities")
@token_required
@blp.doc(**AUTH, description=f"Facilities matching every term of `q` (name, kana, address; any width, hiragana "
                             f"for kana): the first {associations.FACILITY_LIMIT} by kana; how many match in all is "
                             f"in X-Total-Count (more than that: narrow the terms).")
@blp.arguments(schemas.FacilityQuery(), location="query")
@blp.response(200, schemas.FacilitySchema(many=True))
def list_facilities(query):
    s = db.session()
    rows = associations.search_facilities(s, query.get("q"))
    return [associations.facility_dict(f) for f in rows], 200, {
        "X-Total-Count": str(associations.count_facilities(s, query.get("q")))}


@blp.route("/applications", methods=["POST"])
@token_required
@blp.doc(**AUTH)
@blp.arguments(schemas.ApplicationCreate())
@blp.response(201, schemas.ApplicationSchema)
@blp.alt_response(422, schema=schemas.ApiErrorSchema)
def create_application(body):
    app = flows.submit_application(db.session(), g.actor, body)
    db.commit()
    return applications.application_dict(app), 201, {"Location": f"/api/v1/applications/{app.id}"}


@blp.route("/applications")
@token_required
@blp.doc(**AUTH)
@blp.response(200, schemas.ApplicationSchema(many=True))
def list_applications():
    return [applications.application_dict(a) for a in applications.applications_of(db.session(), g.actor)]


@blp.route("/applications/<int:application_id>")
@token_required
@blp.doc(**AUTH)
@blp.response(200, schemas.ApplicationSchema)
@blp.alt_response(404, schema=schemas.ApiErrorSchema)
def get_application(application_id):
    return applications.application_dict(applications.get_application(db.session(), g.actor, application_id))


@blp.route("/applications/<int:application_id>/cancel", methods=["POST"])
@token_required
@blp.doc(**AUTH, description="The applicant withdraws a pending application: undecided parts are cancelled, approved "
                             "ones stand. Optional JSON body `{\"approved_parts\": [association codes]}`: the parts "
                             "the client showed as approved; if another layer approved since, 409 `conflict` "
                             "(message `approved_meanwhile`) and nothing changes.")
@blp.response(200, schemas.ApplicationSchema)
@blp.alt_response(409, schema=schemas.ApiErrorSchema)
def cancel_application(application_id):
    body = request.get_json(silent=True) if request.content_length else None
    if body is None and request.get_data(cache=True).strip():  # a check the client meant, unreadable
        return error_response(400, "bad_request", message("json_content_type"))
    seen = None
    if isinstance(body, dict) and "approved_parts" in body:
        seen = body["approved_parts"]
        if not isinstance(seen, list) or not all(isinstance(x, str) for x in seen):
            raise ValidationFailed.one("approved_parts", "invalid")
    app = flows.cancel_application(db.session(), g.actor, application_id, seen)
    db.commit()
    return applications.application_dict(app)


@blp.route("/tasks")
@token_required
@blp.doc(**AUTH)
@blp.arguments(schemas.TaskQuery(), location="query")
@blp.response(200, schemas.TaskSchema(many=True))
def list_tasks(query):
    """API.md's list (`status`, `kind`, `association`), or — for a secretariat giving any of the
    inbox's parameters — the inbox: a view, filters, sorting and pages (X-Total-Count). There
    `status` and an application kind as `kind` filter as in the list (without `view`, `status`
    other than open searches every view); a task kind or `association` cannot be combined with
    the inbox (its scope is the office's) and is refused naming it."""
    inbox_keys = {"view", "application_kind", "layer", "date_from", "date_to", "applicant", "holder", "sort", "order",
                  "page", "per_page", "origin"}
    if g.actor.is_secretariat and inbox_keys & {k for k, v in request.args.items() if v.strip()}:
        args = {k: (v.isoformat() if hasattr(v, "isoformat") else str(v)) for k, v in query.items() if k in inbox_keys}
        given = set(query)  # an empty value is no value (dropped by the schema)
        refused = {name: ("not_with_inbox", {}) for name in ("association", "kind") if name in given and (
            name == "association" or query.get("kind") in tasks.TASK_KINDS)}
        if refused:
            raise ValidationFailed(refused)
        if "kind" in given and "application_kind" not in args:
            args["application_kind"] = query["kind"]
        if "status" in given and query["status"] != "all":
            args["status"] = query["status"]
        if "status" in given and "view" not in args:
            args["view"] = "open" if query["status"] == "open" else "all"
        rows, total = tasks.search_inbox(db.session(), g.actor, tasks.parse_query(args))
        # task_dict already has the documented shape: answer directly, without a schema pass per row
        s = db.session()
        response = jsonify([tasks.task_dict(t, code, associations.code_of(s, t.origin_association_id))
                            for t, code in rows])
        response.headers["X-Total-Count"] = str(total)
        return response
    rows = tasks.list_tasks(db.session(), g.actor, query["status"], query.get("kind"), query.get("association"))
    s = db.session()
    return [tasks.task_dict(t, code, associations.code_of(s, t.origin_association_id)) for t, code in rows], 200, {
        "X-Total-Count": str(len(rows))}


@blp.route("/tasks/counts")
@token_required
@blp.doc(**AUTH)
@blp.response(200, schemas.TaskCounts)
def task_counts():
    """The number of tasks in each inbox view (for menus)."""
    return tasks.inbox_counts(db.session(), g.actor)


def _task_answer(task):
    return tasks.describe(db.session(), task)


@blp.route("/tasks/<int:task_id>")
@token_required
@blp.doc(**AUTH)
@blp.response(200, schemas.TaskSchema)
@blp.alt_response(404, schema=schemas.ApiErrorSchema)
def get_task(task_id):
    return _task_answer(tasks.get_task(db.session(), g.actor, task_id, read_only=True))


@blp.route("/tasks/<int:task_id>/claim", methods=["POST"])
@token_required
@blp.doc(**AUTH)
@blp.response(200, schemas.TaskSchema)
@blp.alt_response(409, schema=schemas.ApiErrorSchema)
def claim_task(task_id):
    task = tasks.claim(db.session(), g.actor, task_id)
    db.commit()
    return _task_answer(task)


@blp.route("/tasks/<int:task_id>/unclaim", methods=["POST"])
@token_required
@blp.doc(**AUTH)
@blp.response(200, schemas.TaskSchema)
@blp.alt_response(409, schema=schemas.ApiErrorSchema)
def unclaim_task(task_id):
    task = tasks.unclaim(db.session(), g.actor, task_id)
    db.commit()
    return _task_answer(task)


@blp.route("/tasks/<int:task_id>/reassign", methods=["POST"])
@token_required
@blp.doc(**AUTH)
@blp.arguments(schemas.ReassignRequest())
@blp.response(200, schemas.TaskSchema)
@blp.alt_response(409, schema=schemas.ApiErrorSchema)
def reassign_task(body, task_id):
    task = tasks.reassign(db.session(), g.actor, task_id, body["to_user_id"], body["reason"])
    db.commit()
    return _task_answer(task)


@blp.route("/tasks/<int:task_id>/take-over", methods=["POST"])
@token_required
@blp.doc(**AUTH)
@blp.arguments(schemas.TakeOverRequest())
@blp.response(200, schemas.TaskSchema)
@blp.alt_response(409, schema=schemas.ApiErrorSchema)
def take_over_task(body, task_id):
    task = tasks.take_over(db.session(), g.actor, task_id, body["reason"])
    db.commit()
    return _task_answer(task)


@blp.route("/tasks/<int:task_id>/complete", methods=["POST"])
@token_required
@blp.doc(**AUTH)
@blp.arguments(schemas.CompleteRequest())
@blp.response(200, schemas.TaskSchema)
@blp.alt_response(409, schema=schemas.ApiErrorSchema)
@blp.alt_response(422, schema=schemas.ApiErrorSchema)
def complete_task(body, task_id):
    task = tasks.complete_task(db.session(), g.actor, task_id, body.get("decision"), body.get("comment"),
                               body.get("changes"))
    db.commit()
    return _task_answer(task)


@blp.route("/tasks/bulk-complete", methods=["POST"])
@token_required
@blp.doc(**AUTH)
@blp.arguments(schemas.BulkCompleteRequest())
@blp.response(200, schemas.BulkResult(many=True))
def bulk_complete(body):
    """Each task is completed in its own transaction: one failure does not undo the others. The
    answer has one entry per id given, in that order; an id given twice is worked once and both
    entries carry that one outcome."""
    return bulk.complete_each(g.actor, body["ids"], body.get("decision"), body.get("comment"))


@blp.route("/tasks/bulk-runs", methods=["POST"])
@token_required
@blp.doc(**AUTH)
@blp.arguments(schemas.BulkCompleteRequest())
@blp.response(202, schemas.BulkRunSchema)
@blp.alt_response(422, schema=schemas.ApiErrorSchema)
def start_bulk_run(body):
    """The same decision on many tasks, worked in the background (a board meeting's approvals).
    Poll the run's URL (Location) for its progress; each failure is listed with its reason."""
    run = bulk.start(g.actor, body["ids"], body.get("decision"), body.get("comment"))
    return _run_answer(run), 202, {"Location": f"/api/v1/tasks/bulk-runs/{run.id}"}


@blp.route("/tasks/bulk-runs")
@token_required
@blp.doc(**AUTH)
@blp.response(200, schemas.BulkRunSummary(many=True))
def list_bulk_runs():
    """The association's bulk runs, newest first (the last 50)."""
    return [_run_summary(run, name) for run, name in runs.recent_runs(db.session(), g.actor)]


@blp.route("/tasks/bulk-runs/<int:run_id>")
@token_required
@blp.doc(**AUTH)
@blp.response(200, schemas.BulkRunSchema)
@blp.alt_response(404, schema=schemas.ApiErrorSchema)
def get_bulk_run(run_id):
    return _run_answer(runs.get_run(db.session(), g.actor, run_id))


@blp.route("/tasks/bulk-runs/<int:run_id>/cancel", methods=["POST"])
@token_required
@blp.doc(**AUTH)
@blp.response(200, schemas.BulkRunSchema)
@blp.alt_response(404, schema=schemas.ApiErrorSchema)
@blp.alt_response(409, schema=schemas.ApiErrorSchema, description="the run has ended")
def cancel_bulk_run(run_id):
    """Stop a run: the task being worked finishes, the rest stay unworked."""
    run = runs.cancel(db.session(), g.actor, run_id)
    db.commit()
    return _run_answer(run)


@blp.route("/tasks/bulk-runs/<int:run_id>/retry", methods=["POST"])
@token_required
@blp.doc(**AUTH)
@blp.response(202, schemas.BulkRunSchema)
@blp.alt_response(409, schema=schemas.ApiErrorSchema, description="the run is still working, or nothing it failed "
                                                                   "on is still open (`nothing_to_retry`)")
def retry_bulk_run(run_id):
    """A new run of the same decision on the tasks that failed in an ended run."""
    run = bulk.retry_failed(g.actor, run_id)
    return _run_answer(run), 202, {"Location": f"/api/v1/tasks/bulk-runs/{run.id}"}


def _run_summary(run, started_by: str) -> dict:
    return {"id": run.id, "status": run.status, "decision": run.decision, "total": run.total, "done": run.position,
            "succeeded": run.succeeded, "failed": run.failed, "created_at": run.created_at.isoformat() + "Z",
            "finished_at": run.finished_at.isoformat() + "Z" if run.finished_at else None, "started_by": started_by}


def _run_answer(run) -> dict:
    s = db.session()
    failed = runs.items(s, run, "failed")
    return {**_run_summary(run, accounts.get_account(s, run.user_id).display_name),
            "failures": [{"id": item.task_id, "error": bulk.rendered(item)} for item in failed]}


@blp.route("/members/me")
@token_required
@blp.doc(**AUTH)
@blp.response(200, schemas.MeSchema)
def me():
    s = db.session()
    rows = memberships.memberships_of(s, g.actor.physician_id) if g.actor.physician_id else []
    physician = memberships.physician(s, g.actor.physician_id) if g.actor.physician_id else None
    return {"login_id": g.actor.login_id, "name": g.actor.name,
            "jma_member_id": physician.jma_member_id if physician else None,
            "memberships": [memberships.membership_dict(m) for m in rows]}


def _staff_only():
    if g.actor.role not in ("secretariat", "admin"):
        raise Forbidden()


def _before_arguments(check):
    """A view decorator placed above `@blp.arguments`: the role is checked before the arguments are
    parsed, so a caller who may not use the list is told 403, not what was wrong with its query."""
    def decorate(view):
        @functools.wraps(view)
        def checked(*args, **kwargs):
            check()
            return view(*args, **kwargs)
        return checked
    return decorate


@blp.route("/members")
@token_required
@_before_arguments(_staff_only)
@blp.doc(**AUTH, description="Secretariats and admins: the members in scope (a secretariat: those of its "
                             "association, past and applying ones included), 50 a page by kana; `X-Total-Count`.")
@blp.arguments(schemas.MemberQuery(), location="query")
@blp.response(200, schemas.MemberRow(many=True))
def list_members(query):
    _staff_only()
    s = db.session()
    rows, total = members.list_members(s, g.actor, query.get("q", ""), query["page"], status=query.get("status", ""),
                                       category=query.get("category", ""), branch=query.get("branch", ""))
    standing = members.standing_here(s, g.actor, [p.id for p in rows])
    links = members.links_here(s, g.actor, [p.id for p in rows])
    today = today_jst()

    def row(p):
        m = standing.get(p.id)
        return {"id": p.id, "name": p.full_name, "kana": f"{p.family_kana} {p.given_kana}".strip(),
                "registry_number": p.registry_number, "category": m.category.code if m else None,
                "standing": ("upcoming" if m.status == "active" and m.since > today else m.status) if m
                else (links.get(p.id) if g.actor.association_id else None),
                "since": m.since.isoformat() if m else None}

    return [row(p) for p in rows], 200, {"X-Total-Count": str(total)}


@blp.route("/members/changes")
@token_required
@_before_arguments(_staff_only)
@blp.doc(**AUTH, description="Secretariats and admins: changes to the registered data of the caller's current members "
                             "and applicants (登録情報の変更一覧), newest first, 50 a page; `X-Total-Count`. The next "
                             "page is asked for with `before` = the `X-Next-Before` header of this answer.")
@blp.arguments(schemas.ProfileChangeQuery(), location="query")
@blp.response(200, schemas.ProfileChangeSchema(many=True))
def profile_changes(_query):
    _staff_only()
    rows, total, older = profiles.changes_here(db.session(), g.actor, profiles.parse_change_query(request.args))
    answer = jsonify([{"id": r.id, "at": r.at.isoformat() + "Z", "physician_id": r.physician_id,
                       "name": f"{r.family_name} {r.given_name}", "kana": f"{r.family_kana} {r.given_kana}",
                       "registry_number": r.registry_number, "field": r.field, "old_value": r.old_value,
                       "new_value": r.new_value, "changed_by": r.by_role,
                       "changed_by_association": r.by_association if r.by_role == "secretariat" else None}
                      for r in rows])
    answer.headers["X-Total-Count"] = str(total)
    if older:
        answer.headers["X-Next-Before"] = str(older)
    return answer


@blp.route("/members/<int:physician_id>")
@token_required
@blp.doc(**AUTH, description="Secretariats and admins: one member in scope (404 outside it), with the "
                             "memberships and applications the caller's association sees.")
@blp.response(200, schemas.MemberDetail)
def get_member(physician_id):
    _staff_only()
    s = db.session()
    physician = members.get_member(s, g.actor, physician_id)
    account = members.account_of(s, physician_id)
    filed = applications.of_member(s, g.actor, physician_id)
    task_of = tasks.latest_for(s, g.actor, [a.id for a in filed])
    left = members.left_on(s, g.actor, physician_id)  # a former member: no contact, only the office's own record
    return {"id": physician.id, "name": physician.full_name,
            "kana": f"{physician.family_kana} {physician.given_kana}".strip(),
            "registry_number": physician.registry_number,
            "login_id": account.login_id if account and not left else None,
            "email": None if left else physician.email, "left_on": left,
            "memberships": [memberships.membership_dict(m) for m in members.memberships_in_scope(s, g.actor,
                                                                                                   physician_id)],
            "applications": [{"id": a.id, "kind": a.kind, "status": a.status,
                              "created_at": a.created_at.isoformat() + "Z", "task_id": task_of.get(a.id)}
                             for a in filed]}


@blp.route("/dashboard")
@token_required
@blp.doc(**AUTH, description="Secretariats and admins: open review tasks by application kind and layer, their "
                             "ages, how many are overdue, due soon and unclaimed, and completions per week with "
                             "their mean lead time in days (the dashboard's figures).")
@blp.response(200, schemas.DashboardSchema)
def dashboard():
    _staff_only()
    figures = tasks.dashboard(db.session(), g.actor)
    return {**{key: figures[key] for key in ("open_total", "overdue", "due_soon", "unclaimed", "done_this_week",
                                             "lead_days")},
            "by_kind": [{"application_kind": k, "layer": layer, "open": n} for k, layer, n in figures["by_kind"]],
            "ages": [{"label": label, "open": n} for label, n in figures["ages"]],
            "per_week": [{"week": monday.isoformat(), "completed": n, "lead_days": days}
                         for monday, n, days in figures["per_week"]],
            "by_prefecture": [{"prefecture": pref, "open": n, "overdue": late}
                              for pref, n, late in figures["by_prefecture"]]}


@blp.route("/members/me/history")
@token_required
@blp.doc(**AUTH)
@blp.response(200, schemas.HistorySchema(many=True))
def my_history():
    return memberships.history_of(db.session(), g.actor.physician_id) if g.actor.physician_id else []


def _definition_dict(d):
    return {"key": d.key, "version": d.version, "name": d.name, "deployed_at": d.deployed_at.isoformat() + "Z",
            "note": d.note}


def _process_readers_only():
    """The processes are read by those who work or design them: staff, designers, admins (403 for
    members: a process holds an office's internal rules, such as its escalation deadlines)."""
    if g.actor.role not in ("secretariat", "designer", "admin"):
        raise Forbidden()


@blp.route("/process-definitions")
@token_required
@blp.doc(**AUTH, description="Staff, designers and admins: the deployed processes and decision tables, the "
                             "latest version of each.")
@blp.response(200, schemas.DefinitionSchema(many=True))
def list_definitions():
    _process_readers_only()
    return [_definition_dict(d) for d in deploy.latest_definitions(db.session())]


@blp.route("/process-definitions/<key>/versions", methods=["POST"])
@token_required
@blp.doc(**AUTH, requestBody={"content": {"application/xml": {"schema": {"type": "string"}}}}, parameters=[
    {"in": "query", "name": "note", "schema": {"type": "string", "maxLength": 500},
     "description": "what the version changes and why (shown in the process library)"}])
@blp.response(201, schemas.DefinitionSchema, description="a new version (Location names it); 200 with the latest "
                                                        "version when the XML is the same as it (nothing deployed)")
@blp.alt_response(422, schema=schemas.ApiErrorSchema)
def deploy_version(key):
    if g.actor.role not in ("designer", "admin"):
        raise Forbidden()
    # If-Match: the version the file was made from (GET …/versions/latest gives it as its ETag): a
    # version someone deployed meanwhile is not overwritten unseen (409)
    based_on = request.headers.get("If-Match", "").strip().strip('"')
    if based_on and parse_int(based_on, 0, 10**9) is None:
        raise ValidationFailed.one("version", "invalid")
    if based_on:
        current = deploy.latest(db.session(), key)
        if (current.version if current else 0) != int(based_on):
            raise Conflict("version_moved", version=based_on, latest=current.version if current else 0)
    try:
        xml = validation.text_of(request.get_data())
    except validation.UnreadableText:
        return _invalid([validation.Problem(None, "bpmn.encoding")])
    try:
        found = designs.check(db.session(), key, xml)
        if found:
            raise deploy.InvalidDefinition(found)
        definition, created = deploy.deploy(db.session(), g.actor, xml, designs.filename(key, xml),
                                            note=request.args.get("note", ""))
        if based_on and created and definition.version != int(based_on) + 1:  # another deploy got in first
            raise Conflict("version_moved", version=based_on, latest=definition.version - 1)
    except deploy.InvalidDefinition as exc:
        db.rollback()
        return _invalid(exc.problems)
    db.commit()
    if not created:
        return _definition_dict(definition), 200
    return _definition_dict(definition), 201, {
        "Location": f"/api/v1/process-definitions/{definition.key}/versions/{definition.version}"}


def _problem_dicts(found) -> list[dict]:
    return [p.as_dict(current_lang()) for p in found]


def _element_label(problem: dict) -> str:
    return f"{problem['name']} ({problem['element']})" if problem.get("name") else problem["element"]


def _invalid(found):
    """422 naming every problem and the element it is about (`problems`), also as one text."""
    texts = [f"{_element_label(p)}: {p['message']}" if p["element"] else p["message"] for p in _problem_dicts(found)]
    response = error_response(422, "invalid", message("bad_process", detail="; ".join(texts)),
                              {"bpmn": "\n".join(texts)})
    body = response.get_json()
    body["error"]["problems"] = _problem_dicts(found)
    response.set_data(jsonify(body).get_data())
    return response


def _designer_only():
    if g.actor.role not in ("designer", "admin"):
        raise Forbidden()


@blp.route("/process-definitions/<key>/versions")
@token_required
@blp.doc(**AUTH, description="Designers and admins: the process library of one key — every version with "
                             "who deployed it and when, the processes it calls, and its instances by status.")
@blp.response(200)
def list_versions(key):
    _designer_only()
    found = next((p for p in deploy.library(db.session()) if p["key"] == key), None)
    if found is None:
        raise NotFound()
    return [{**{k: v for k, v in version.items() if k not in ("id", "deployed_at")},
             "deployed_at": version["deployed_at"].isoformat() + "Z"} for version in found["versions"]]


@blp.route("/process-instances/<int:instance_id>")
@token_required
@blp.doc(**AUTH, description="Designers and admins: where an instance stands (done, active and waiting "
                             "elements per diagram), its human tasks, and its data (personal values masked "
                             "for designers).")
@blp.response(200)
def get_instance(instance_id):
    _designer_only()
    seen = instances.view(db.session(), g.actor, instance_id, with_diagrams=True)
    instance = seen["instance"]
    return {"id": instance.id, "status": instance.status, "application_id": instance.application_id,
            "timer_due_at": instance.timer_due_at.isoformat() + "Z" if instance.timer_due_at else None,
            "diagrams": [{k: d[k] for k in ("key", "version", "done", "active", "waiting")} for d in seen["diagrams"]],
            "tasks": [{"id": t.id, "name": t.name, "bpmn_id": t.bpmn_id, "layer": t.layer, "status": t.status,
                       "decision": t.decision, "created_at": t.created_at.isoformat() + "Z",
                       "completed_at": t.completed_at.isoformat() + "Z" if t.completed_at else None}
                      for t in seen["tasks"]],
            "data": seen["data"]}


@blp.route("/process-definitions/<key>/versions/<version>")
@token_required
@blp.doc(**AUTH, description="Staff, designers and admins (403 for members).",
         parameters=[{"in": "path", "name": "version", "required": True, "description": (
             "a version number or `latest`"), "schema": {"oneOf": [{"type": "integer", "minimum": 1},
                                                         {"type": "string", "enum": ["latest"]}]}}])
@blp.doc(responses={"200": {"description": "the BPMN (or DMN) XML of that version",
                            "content": {"application/xml": {"schema": {"type": "string"}}}}})
@blp.alt_response(404, schema=schemas.ApiErrorSchema)
@blp.alt_response(422, schema=schemas.ApiErrorSchema)
def get_definition_xml(key, version):
    _process_readers_only()
    if version != "latest" and not (version.isascii() and version.isdigit()):
        raise ValidationFailed.one("version", "invalid")
    definition = deploy.get_version(db.session(), key, version)
    if definition is None:
        raise NotFound()
    # the version, as an ETag: what a client sends back as If-Match when it deploys its edit
    return Response(definition.xml, mimetype="application/xml", headers={"ETag": f'"{definition.version}"'})


# --- drafts, dry runs, migration (designers; migration: admins) -------------------------------

def _revision() -> int:
    text = request.headers.get("If-Match", "").strip('"') or request.args.get("revision", "")
    if parse_int(text, 0, 10**9) is None:
        raise ValidationFailed.one("revision", "required" if not text else "invalid")
    return int(text)


def _draft_dict(draft, with_xml: bool = False) -> dict:
    found = designs.problems(draft)
    out = {"key": draft.key, "revision": draft.revision, "base_version": draft.base_version,
           "saved_at": draft.saved_at.isoformat() + "Z", "problems": _problem_dicts(found), "deployable": not found,
           # names its expressions read that nothing sets: deployable, but only with confirm=true
           "warnings": [] if found else _problem_dicts(designs.unknown_names(db.session(), draft.key, draft.xml))}
    if with_xml:
        out["xml"] = draft.xml
    return out


@blp.route("/process-definitions/<key>/draft")
@token_required
@blp.doc(**AUTH, description="Designers: the draft of a process (its XML, revision and problems).")
@blp.response(200)
@blp.alt_response(404, schema=schemas.ApiErrorSchema)
def get_draft(key):
    _designer_only()
    draft = designs.draft_of(db.session(), key)
    if draft is None:
        raise NotFound()
    return _draft_dict(draft, with_xml=True)


@blp.route("/process-definitions/<key>/draft", methods=["PUT"])
@token_required
@blp.doc(**AUTH, description="Designers: save BPMN XML as the draft of `key`. `If-Match: <revision>` names the "
                             "revision the edit was made on (0 when starting from the deployed version); a newer "
                             "save by someone else answers 409. Saved even with problems, which are listed per "
                             "element; only a draft without problems can be deployed.",
         requestBody={"content": {"application/xml": {"schema": {"type": "string"}}}})
@blp.response(200)
@blp.alt_response(409, schema=schemas.ApiErrorSchema)
def put_draft(key):
    _designer_only()
    draft = designs.save_draft(db.session(), g.actor, key, request.get_data(as_text=True), _revision())
    db.commit()
    return _draft_dict(draft)


@blp.route("/process-definitions/<key>/draft", methods=["DELETE"])
@token_required
@blp.doc(**AUTH, description="Designers: discard the draft (`If-Match: <revision>`).")
@blp.response(204)
def delete_draft(key):
    _designer_only()
    designs.discard_draft(db.session(), g.actor, key, _revision())
    db.commit()
    return Response(status=204)


@blp.route("/process-definitions/<key>/draft/dry-run")
@token_required
@blp.doc(**AUTH, description="Designers: replay the last `limit` (≤ 100) completed applications that used this "
                             "process through the draft, with their recorded decisions; nothing is written.")
@blp.response(200)
def draft_dry_run(key):
    _designer_only()
    limit = request.args.get("limit", "20")
    if parse_int(limit, 1, 100) is None:
        raise ValidationFailed.one("limit", "invalid")
    s = db.session()
    draft, refusal = _tried_draft(s, key)
    if refusal is not None:
        return refusal
    rows = []
    for r in dry_run.dry_run(s, key, draft.xml, int(limit)):
        before, after = r.difference()
        rows.append({"application_id": r.application_id, "kind": r.kind, "recorded_outcome": r.recorded_outcome,
                     "draft_outcome": r.draft_outcome, "differs": r.differs, "first_difference": {
                         "recorded": before, "draft": after} if r.first_difference is not None else None,
                     "note": r.note})
    return rows


def _tried_draft(s, key: str):
    """(the draft to dry-run, None) or (None, the 422 naming its problems). Raises NotFound when
    there is no draft."""
    draft = designs.draft_of(s, key)
    if draft is None:
        raise NotFound()
    return (None, _invalid(designs.problems(draft))) if draft.problems else (draft, None)


@blp.route("/process-definitions/<key>/draft/decision-check")
@token_required
@blp.doc(**AUTH, description="Designers: the dry run of a decision table's draft (DMN), which no application "
                             "replay reaches — every combination of the input values its cells name (a number "
                             "with the values on both sides) decided by the deployed version (`deployed`) and by "
                             "the draft (`draft`), `changed` where they differ, `error` where the draft cannot "
                             "evaluate it; for `certification_requirements` also how many physicians with credits "
                             "could apply per system with each (`impact`, counts only). Nothing is written.")
@blp.response(200)
@blp.alt_response(409, schema=schemas.ApiErrorSchema)
def draft_decision_check(key):
    _designer_only()
    s = db.session()
    draft, refusal = _tried_draft(s, key)
    if refusal is not None:
        return refusal
    if validation.kind_of(draft.xml) != "dmn":
        raise Conflict("not_a_decision", process=key)
    found = decision_check.check(s, key, draft.xml)
    return {"inputs": [{"name": name, "label": label} for name, label in found.inputs],
            "broken": found.broken or None,
            "cases": [{"inputs": c.inputs, "deployed": c.before, "draft": c.after, "changed": c.changed,
                       "error": c.error or None, "deployed_error": c.before_error or None} for c in found.cases],
            "impact": [vars(i) for i in found.impact]}


@blp.route("/process-definitions/<key>/draft/deploy", methods=["POST"])
@token_required
@blp.doc(**AUTH, description="Designers: deploy the draft (`If-Match: <revision>`) as the next version, with an "
                             "optional `?note=` on what it changes; 422 with the problems while it has any. A draft "
                             "whose dry run finds it at fault (a replay that errs or loops, a decision case it "
                             "cannot evaluate) or that would undo versions deployed since it began answers 409 "
                             "(`conflict`) naming the risks, unless `?confirm=true` — the screen's tick.")
@blp.response(201, schemas.DefinitionSchema)
@blp.alt_response(422, schema=schemas.ApiErrorSchema)
@blp.alt_response(409, schema=schemas.ApiErrorSchema)
def deploy_draft(key):
    _designer_only()
    draft = designs.draft_of(db.session(), key)
    if draft is not None and request.args.get("confirm") != "true" and not draft.problems:
        found = designs.risks(db.session(), key, draft)
        if found:
            raise Conflict("deploy_needs_confirmation", risks=", ".join(found))
    try:
        definition = designs.deploy_draft(db.session(), g.actor, key, _revision(), request.args.get("note", ""))
    except deploy.InvalidDefinition as exc:
        db.rollback()
        return _invalid(exc.problems)
    db.commit()
    return _definition_dict(definition)


def _outcome_dicts(outcomes) -> list[dict]:
    """Migration outcomes as answered: `versions` is what a migrated instance now runs, {process
    key: version number}."""
    return [{"instance_id": o.instance_id, "migrated": o.migrated, "reason": o.reason.removeprefix("migration."),
             "message": message(o.reason, **o.params) if o.reason else "", "versions": o.versions.get("now")}
            for o in outcomes]


def _admin_only():
    if g.actor.role != "admin":
        raise Forbidden()


@blp.route("/audit-events")
@token_required
@_before_arguments(lambda: _admin_only())
@blp.doc(**AUTH, description="Admins: the audit trail, newest first, 50 a page. The next page is asked for with "
                             "`before` = the `X-Next-Before` header of this answer (absent on the last page).")
@blp.arguments(schemas.AuditQuery(), location="query")
@blp.response(200, schemas.AuditEventSchema(many=True))
def audit_events(_query):
    rows, older = audit.search(db.session(), g.actor, audit.parse_query(request.args), per_page=audit.PER_PAGE)
    answer = jsonify([{"id": r.id, "at": r.at.isoformat() + "Z", "actor": r.actor_login, "on_behalf_of": r.for_login,
                       "action": r.action, "object_type": r.object_type, "object_id": r.object_id,
                       "detail": r.detail or {}} for r in rows])
    if older:
        answer.headers["X-Next-Before"] = str(older)
    return answer


@blp.route("/process-instances/<int:instance_id>/migrate", methods=["POST"])
@token_required
@blp.doc(**AUTH, description="Admins: move a running instance onto the latest versions of its processes; refused "
                             "(`migrated: false` with the reason, the instance untouched) where a task it is at or "
                             "has done no longer exists. `versions`: what it runs now, {process key: version}. "
                             "Audited.")
@blp.response(200)
def migrate_instance(instance_id):
    _admin_only()
    outcome = migration.migrate_instance(db.session(), g.actor, instance_id)
    db.commit()
    return _outcome_dicts([outcome])[0]


@blp.route("/process-definitions/<key>/versions/<int:version>/migrate", methods=["POST"])
@token_required
@blp.doc(**AUTH, description="Admins: migrate every running instance of this version, each on its own.")
@blp.response(200)
def migrate_version(key, version):
    _admin_only()
    outcomes = migration.migrate_version(db.session(), g.actor, key, version)
    db.commit()
    return _outcome_dicts(outcomes)


# --- training sessions and credits -------------------------------------------------------------

def _session_dict(s, ts, with_attendees: bool, counts: tuple[int, int] | None = None) -> dict:
    """A session's JSON; `counts` (places taken, waiting) when the caller read them for a whole list."""
    registered, waiting = counts or (training.registered_count(s, ts.id), training.waiting_count(s, ts.id))
    out = {"id": ts.id, "title": ts.title, "organiser": ts.organiser.code, "starts_on": ts.starts_on.isoformat(),
           "ends_on": ts.ends_on.isoformat(), "place": ts.place, "capacity": ts.capacity,
           "registered": registered, "waiting": waiting,
           "state": training.state(ts),
           "starts_at": f"{ts.starts_at:%H:%M}" if ts.starts_at else None,
           "ends_at": f"{ts.ends_at:%H:%M}" if ts.ends_at else None, "fee": ts.fee,
           "apply_by": ts.apply_by.isoformat() if ts.apply_by else None, "contact": training.contact_of(ts),
           "credit_items": ts.credit_items, "application_id": ts.application_id,
           "co_organisers": [a.code for a in ts.co_organisers]}
    if with_attendees:  # the offices that see the attendees see whom the organiser asked, and the answers
        out["co_organisations"] = [{"association": c.association.code, "status": c.status}
                                   for c in ts.co_organisations]
        out["attendees"] = [{"registry_number": r.physician.registry_number, "name": r.physician.full_name,
                             "status": r.status, "attended": r.attended} for r in training.attendees(s, g.actor, ts)]
    return out


@blp.route("/sessions")
@token_required
@blp.doc(**AUTH, description="Training sessions the caller may see: members the approved ones; staff also "
                             "their own, those they co-organise or are asked to (and, for a prefecture, those "
                             "in it; JMA all) before approval. Newest first, narrowed by the filters; "
                             "`X-Total-Count`.")
@blp.arguments(schemas.SessionQuery(), location="query")
@blp.response(200)
def list_sessions(_query):
    s = db.session()
    filters = training.list_filters(request.args)
    paged = bool(request.args.get("page"))
    rows, total = training.listing(s, g.actor, **filters, limit=training.LIST_PAGE if paged else None)
    ids = [ts.id for ts in rows]
    taken, waiting = training.registered_counts(s, ids), training.registered_counts(s, ids, "waiting")
    return [_session_dict(s, ts, False, (taken[ts.id], waiting[ts.id])) for ts in rows], 200, {
        "X-Total-Count": str(total)}


@blp.route("/sessions/<int:session_id>")
@token_required
@blp.doc(**AUTH, description="One session; its attendees (and `co_organisations`, whom the organiser "
                             "asked and their answers) only for the organiser, the co-organisers that accepted, "
                             "its prefecture and JMA. `co_organisers`: those that accepted.")
@blp.response(200)
@blp.alt_response(404, schema=schemas.ApiErrorSchema)
def get_session(session_id):
    s = db.session()
    ts = training.get(s, g.actor, session_id)
    return _session_dict(s, ts, training.can_see_attendees(s, g.actor, ts))


@blp.route("/sessions/<int:session_id>/co-organisers", methods=["POST"])
@token_required
@blp.doc(**AUTH, description="The organiser asks more associations to co-organise (共催), after filing and "
                             "until the report; each is mailed and answers with `…/co-organisation`. One that "
                             "declined may be asked again. 409 once the session is withdrawn, rejected, called "
                             "off or reported.")
@blp.arguments(schemas.CoOrganisersRequest())
@blp.response(200, schemas.CoOrganisationSchema(many=True))
@blp.alt_response(409, schema=schemas.ApiErrorSchema)
def ask_co_organisers(body, session_id):
    try:
        rows = training.ask_co_organisers(db.session(), g.actor, session_id, body["associations"])
    except ValidationFailed as exc:  # the screens' field is co_organisers; this body's, associations
        exc.fields = {("associations" if name == "co_organisers" else name): value
                      for name, value in exc.fields.items()}
        exc.context = "co_organisers"
        raise
    answer = [{"association": c.association.code, "status": c.status} for c in rows]
    db.commit()
    return answer


@blp.route("/sessions/<int:session_id>/co-organisers/<code>", methods=["DELETE"])
@token_required
@blp.doc(**AUTH, description="The organiser withdraws a request to co-organise, or ends a co-organisation: the "
                             "association no longer sees the attendees. 404 when it was not asked.")
@blp.response(204)
@blp.alt_response(404, schema=schemas.ApiErrorSchema)
@blp.alt_response(409, schema=schemas.ApiErrorSchema)
def drop_co_organiser(session_id, code):
    training.drop_co_organiser(db.session(), g.actor, session_id, code)
    db.commit()
    return None


@blp.route("/sessions/<int:session_id>/co-organisation", methods=["POST"])
@token_required
@blp.doc(**AUTH, description="Staff of an association the organiser asked to co-organise (共催): accept (it then "
                             "sees the attendees, who are linked to it too) or decline. The organiser's office "
                             "is mailed. 404 when not asked; 409 when answered already or the session was "
                             "withdrawn, rejected or called off.")
@blp.arguments(schemas.CoOrganisationAnswer())
@blp.response(200, schemas.CoOrganisationSchema)
@blp.alt_response(404, schema=schemas.ApiErrorSchema)
@blp.alt_response(409, schema=schemas.ApiErrorSchema)
def answer_co_organisation(body, session_id):
    row = training.answer_co_organisation(db.session(), g.actor, session_id, body["accept"])
    answer = {"association": row.association.code, "status": row.status}
    db.commit()
    return answer


@blp.route("/sessions/<int:session_id>/registration", methods=["POST"])
@token_required
@blp.doc(**AUTH, description="Members: apply for an approved session that has not started. When it is full, "
                             "409 session_full — or, with wait, a place on its waiting list; a freed place "
                             "goes to the first waiting, who is mailed.")
@blp.arguments(schemas.RegistrationRequest())
@blp.response(201, schemas.RegistrationSchema)
@blp.alt_response(409, schema=schemas.ApiErrorSchema)
def register_for_session(body, session_id):
    s = db.session()
    reg = training.register(s, g.actor, session_id, wait=body["wait"])
    answer = {"status": reg.status, "position": training.waiting_position(s, reg)}
    db.commit()
    return answer


@blp.route("/sessions/<int:session_id>/registration", methods=["DELETE"])
@token_required
@blp.doc(**AUTH, description="Members: give up a place (or a place on the waiting list) before the session starts.")
@blp.response(204)
@blp.alt_response(404, schema=schemas.ApiErrorSchema)
def cancel_session_registration(session_id):
    training.cancel_registration(db.session(), g.actor, session_id)
    db.commit()
    return None


@blp.route("/certificates")
@token_required
@_before_arguments(_staff_only)
@blp.arguments(schemas.RosterQuery(), location="query")
@blp.doc(**AUTH, description="認定医名簿: certificates of the office's current members — a prefecture's with "
                             "those of the associations below it, JMA's and admins' everyone's —, 50 a page; the "
                             "total in X-Total-Count. Revoked certificates are never listed.")
@blp.response(200, schemas.RosterRow(many=True))
def list_certificates(query):
    _staff_only()
    s = db.session()
    rows, total = certifications.roster(s, g.actor, query.get("system", ""), query["state"],
                                        query.get("q", ""), query["page"])
    nearest = certifications.roster_affiliations(s, g.actor, [c.physician_id for c in rows])
    listed = [{"physician_id": c.physician_id, "name": c.physician.full_name,
               "kana": f"{c.physician.family_kana} {c.physician.given_kana}",
               "registry_number": c.physician.registry_number, "system": c.system, "number": c.number,
               "valid_from": c.valid_from, "valid_until": c.valid_until,
               "affiliation": nearest.get(c.physician_id, "")} for c in rows]
    return listed, 200, {"X-Total-Count": str(total)}


@blp.route("/members/me/credits")
@token_required
@blp.doc(**AUTH, description="The caller's credits: every entry with its system, category, date and source.")
@blp.response(200)
def my_credits():
    if not g.actor.physician_id:
        return []
    return [{"system": e.system, "category": e.category, "credits": str(e.credits),
             "earned_on": e.earned_on.isoformat(), "source": e.source, "source_ref": e.source_ref}
            for e in certifications.entries(db.session(), g.actor.physician_id)]
