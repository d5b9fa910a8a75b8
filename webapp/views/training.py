"""研修会: sessions for members (list, apply, cancel, attendance certificate) and for associations
(file a session, follow its approval, see the attendees, file the report)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for

from engine import flows, tasks
from forms.enrolment import ConfirmForm
from forms.training import CREDIT_KINDS, CREDIT_ROWS, CallOffForm, ReportForm, SessionChangeForm, SessionForm
from membership import applications, associations, certifications, documents, members, memberships, training, uploads
from membership.errors import Conflict, ValidationFailed
from membership.fields import figure, parse_id

from .. import db
from ..csv_response import csv_response
from ..i18n import field_errors, local_time, message, translate
from ..security import actor, roles_required

bp = Blueprint("training", __name__, url_prefix="/sessions")

STATES = {"pending": "承認待ち", "approved": "受付中", "rejected": "却下", "held": "開催済み（報告待ち）",
          "reported": "開催報告済み", "withdrawn": "取下げ", "cancelled": "開催中止"}
LABELS = {"systems": certifications.SYSTEMS, "categories": certifications.CATEGORIES}
#: a registration's state, on the session page and in the list of applicants
REGISTRATION_STATES = {"registered": "申込", "waiting": "キャンセル待ち", "cancelled": "取消"}


@bp.route("/")
@roles_required("member", "secretariat", "admin")
def index():
    """The sessions list: newest first, 50 a page, narrowed by words, 開催日, state and (offices)
    their own; a member sees the sessions to come unless a period is asked for."""
    me = actor()
    s = db.session()
    errors: dict[str, str] = {}
    try:
        filters = training.list_filters(request.args)
    except ValidationFailed as exc:
        errors = field_errors(exc)
        filters = training.list_filters({"q": request.args.get("q", "")})
    upcoming = me.role == "member" and not (filters["held_from"] or filters["held_to"])
    rows, total = training.listing(s, me, **filters, upcoming_only=upcoming)
    pages = max((total + training.LIST_PAGE - 1) // training.LIST_PAGE, 1)
    args = {k: v for k, v in request.args.items() if k in ("q", "held_from", "held_to", "state", "own") and v}
    mine = {r.session_id: r for r in training.registrations_of(s, me.physician_id)} if me.physician_id else {}
    return render_template("training/index.html", sessions=[(t, training.state(t)) for t in rows], states=STATES,
                           total=total, page=filters["page"], pages=pages, args=args, errors=errors,
                           reviewing=training.reviewing_at(s, rows), upcoming=upcoming,
                           counts=training.registered_counts(s, [t.id for t in rows]), mine=mine,
                           labels=LABELS, form=ConfirmForm(), invitations=training.co_invitations(s, me),
                           attended=training.attended_by(s, me.physician_id) if me.physician_id else []), \
        422 if errors else 200


@bp.route("/new", methods=["GET", "POST"])
@roles_required("secretariat")
def new():
    form = SessionForm()
    errors: dict[str, str] = {}
    if request.form.get("action") == "co_search":  # the co-organiser search without JavaScript
        return render_template("training/new.html", form=form, errors={}, kinds=CREDIT_KINDS, labels=LABELS,
                               rows=range(1, CREDIT_ROWS + 1), **_co_organiser_choices())
    if form.validate_on_submit():
        # the programme, the invitation…: read by every layer that reviews the session
        files = [(f.filename, f.stream) for f in request.files.getlist("documents") if f and f.filename]
        try:
            app = flows.submit_application(db.session(), actor(), form.body(),
                                           upload_root=Path(current_app.config["UPLOAD_DIR"]), files=files)
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
        else:
            db.commit()
            flash(translate("研修会の承認申請を受け付けました。都道府県医師会・日本医師会の順に審査されます。"),
                  "success")
            return redirect(url_for("training.detail", session_id=app.payload["session_id"]))
    elif request.method == "POST":
        # the form's own checks failed: the domain's are asked too, so that one submit names every problem
        try:
            training.check_session(db.session(), actor(), form.body())
        except ValidationFailed as exc:
            errors = field_errors(exc)
    errors = {**errors, **form.first_errors()}
    return render_template("training/new.html", form=form, errors=errors, kinds=CREDIT_KINDS, labels=LABELS,
                           rows=range(1, CREDIT_ROWS + 1), **_co_organiser_choices()), 422 if errors else 200


def _amend_task(s, me, ts):
    """The open amendment task of a returned session that this staff member works, or None."""
    found = tasks.list_tasks(s, me, kind="amend", application_id=ts.application_id) if ts.application_id else []
    return found[0][0] if found else None


@bp.route("/<int:session_id>/amend", methods=["GET", "POST"])
@roles_required("secretariat")
def amend(session_id):
    """A session returned by a layer: the organiser corrects it (the filing form, filled in) and
    resubmits it — the amendment task of its inbox, completed with the changes."""
    s, me = db.session(), actor()
    ts = training.get(s, me, session_id)
    item = _amend_task(s, me, ts)
    if item is None:
        flash(translate("この研修会は差し戻されていないため、修正できません。"), "error")
        return redirect(url_for("training.detail", session_id=session_id))
    if request.method == "GET":
        data = {k: v for k, v in training.as_filed(ts).items() if k != "credit_items"}
        for i, credit in enumerate(ts.credit_items[:CREDIT_ROWS], start=1):
            data[f"credit_kind_{i}"] = f"{credit['system']}:{credit['category']}"
            data[f"credits_{i}"] = figure(credit["credits"])
        form = SessionForm(data=data)
    else:
        form = SessionForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        body = form.body()
        changes = {k: body[k] for k in training.AMENDABLE}
        try:
            tasks.complete_task(s, me, item.id, comment=request.form.get("comment", ""), changes=changes)
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
        except Conflict as exc:
            db.rollback()
            flash(message(exc.message_key, **exc.params), "error")
            return redirect(url_for("training.detail", session_id=session_id))
        else:
            db.commit()
            flash(translate("研修会を修正して再提出しました。差し戻した医師会から審査が再開されます。"), "success")
            return redirect(url_for("training.detail", session_id=session_id))
    elif request.method == "POST":
        try:  # one submit names every problem: the domain's checks too
            training.check_session(s, me, {**form.body(), "co_organisers": []})
        except ValidationFailed as exc:
            errors = field_errors(exc)
    errors = {**errors, **form.first_errors()}
    return render_template("training/new.html", form=form, errors=errors, kinds=CREDIT_KINDS, labels=LABELS,
                           rows=range(1, CREDIT_ROWS + 1), amend=item, ts=ts,
                           returned=[p for p in ts.application.parts if p.status == "returned"],
                           co_picked=[], co_found=[], co_q=""), \
        422 if errors else 200


CO_ORGANISER_MATCHES = 20


def _co_organiser_choices() -> dict:
    """共催: the associations chosen so far (ticked) and, for the search typed, the others that
    match (by name, kana or code), never the organiser itself."""
    s, me = db.session(), actor()
    args = request.values
    chosen = [c for c in dict.fromkeys(args.getlist("co_organisers")) if c]
    q = (args.get("co_q") or "").strip()
    picked = [a for a in associations.list_associations(s) if a.code in chosen
              and a.id != me.association_id] if chosen else []
    found = [a for a in associations.list_associations(s, q=q) if a.id != me.association_id
             and a.code not in chosen][:CO_ORGANISER_MATCHES] if q else []
    return {"co_picked": picked, "co_found": found, "co_q": q}


@bp.route("/co-organisers")
@roles_required("secretariat")
def co_organisers():
    """htmx partial: the co-organiser choices for a search, keeping those ticked."""
    return render_template("training/_co_organisers.html", **_co_organiser_choices())


@bp.route("/<int:session_id>")
@roles_required("member", "secretariat", "admin")
def detail(session_id):
    return _detail(training.get(db.session(), actor(), session_id))


def _detail(ts, report=None, errors=None, ticked=(), change=None, change_errors=None):
    """The session page; with `errors`, the report form again with what was ticked and typed; with
    `change_errors`, the organiser's change form again with what was typed (`change`)."""
    me = actor()
    s = db.session()
    people = training.attendees(s, me, ts) if training.can_see_attendees(s, me, ts) else None
    mine = training.registration_of(s, me.physician_id, ts.id)
    organiser = me.role == "secretariat" and me.association_id == ts.organiser_association_id
    co_open = organiser and training.state(ts) in training.CO_ORGANISERS_OPEN
    return render_template("training/detail.html", ts=ts, state=training.state(ts), states=STATES,
                           registered=training.registered_count(s, ts.id), waiting=training.waiting_count(s, ts.id),
                           people=people, labels=LABELS, mine=mine,
                           affiliations=members.affiliations(s, [r.physician_id for r in people]) if people else {},
                           position=training.waiting_position(s, mine) if mine else None, form=ConfirmForm(),
                           report=report or ReportForm(), errors=errors or {}, ticked=set(ticked),
                           registration_states=REGISTRATION_STATES, change=change or {},
                           details_as_filed=training.details_as_filed,
                           # the documents filed with it (the programme…): the organiser sees what it sent
                           documents=uploads.of_application(s, ts.application_id)
                           if organiser and ts.application_id else None,
                           change_errors=change_errors or {}, organiser=organiser,
                           co_mine=training.co_organisation_of(s, me, ts), co_states=training.CO_STATES,
                           part_labels=applications.STATUS_LABELS,
                           co_open=co_open,
                           **(_co_organiser_choices() if co_open else {"co_picked": [], "co_found": [], "co_q": ""}),
                           # every association asked and its answer: for the offices that see the attendees
                           co_all=ts.co_organisations if organiser or people is not None else None)


@bp.route("/<int:session_id>/co-organisers", methods=["POST"])
@roles_required("secretariat")
def ask_co_organisers(session_id):
    """The organiser asks more associations to co-organise (each is mailed)."""
    if request.form.get("action") == "co_search":  # the search without JavaScript: the page again
        return _detail(training.get(db.session(), actor(), session_id))
    if ConfirmForm().validate_on_submit():
        codes = [c for c in request.form.getlist("co_organisers") if c]
        try:
            asked = training.ask_co_organisers(db.session(), actor(), session_id, codes)
        except ValidationFailed as exc:
            db.rollback()
            for text in field_errors(exc).values():
                flash(text, "error")
        except Conflict as exc:
            db.rollback()
            flash(message(exc.message_key, **exc.params), "error")
        else:
            db.commit()
            flash(translate("共催を依頼しました。") + f"（{len(asked)}）", "success")
    return redirect(url_for("training.detail", session_id=session_id) + "#co-manage")


@bp.route("/<int:session_id>/co-organisers/<code>/remove", methods=["POST"])
@roles_required("secretariat")
def drop_co_organiser(session_id, code):
    """The organiser withdraws a request to co-organise, or ends a co-organisation."""
    if ConfirmForm().validate_on_submit():
        _act(lambda s: training.drop_co_organiser(s, actor(), session_id, code),
             lambda row: "共催を取り消しました。" if row.status == "accepted" else "共催の依頼を取り下げました。")
    return redirect(url_for("training.detail", session_id=session_id) + "#co-manage")


@bp.route("/<int:session_id>/co-organisation", methods=["POST"])
@roles_required("secretariat")
def answer_co_organisation(session_id):
    """共催: the association asked to co-organise accepts (it then sees the attendees) or declines."""
    answer = request.form.get("answer")
    if ConfirmForm().validate_on_submit() and answer in ("accept", "decline"):
        _act(lambda s: training.answer_co_organisation(s, actor(), session_id, answer == "accept"),
             lambda row: "共催を承諾しました。受講者を確認できます。" if row.status == "accepted"
             else "共催を辞退しました。主催の医師会に知らせました。")
    return redirect(url_for("training.detail", session_id=session_id)
                    if answer == "accept" else url_for("training.index"))


@bp.route("/<int:session_id>/register", methods=["POST"])
@roles_required("member")
def register(session_id):
    """Apply; when the session is full and the member asked for it (`wait`), join the waiting list."""
    if ConfirmForm().validate_on_submit():
        wait = request.form.get("wait") == "1"
        _act(lambda s: training.register(s, actor(), session_id, wait=wait),
             lambda reg: "キャンセル待ちに登録しました。空きが出たら受講が確定し、メールでお知らせします。"
             if reg.status == "waiting" else "申し込みました。")
    return redirect(url_for("training.detail", session_id=session_id))


@bp.route("/<int:session_id>/cancel", methods=["POST"])
@roles_required("member")
def cancel(session_id):
    if ConfirmForm().validate_on_submit():
        _act(lambda s: training.cancel_registration(s, actor(), session_id),
             lambda was: "キャンセル待ちをやめました。" if was == "waiting" else "申込みを取り消しました。")
    return redirect(url_for("training.detail", session_id=session_id))


def _act(step, done) -> bool:
    """Run a step and commit; `done(result)` says what happened. A Conflict is flashed, nothing kept."""
    try:
        result = step(db.session())
    except Conflict as exc:
        db.rollback()
        flash(message(exc.message_key, **exc.params), "error")
        return False
    db.commit()
    flash(translate(done(result)), "success")
    return True


@bp.route("/<int:session_id>/withdraw", methods=["POST"])
@roles_required("secretariat")
def withdraw(session_id):
    """The organiser withdraws its session's approval application while it is under review (取下げ)."""
    ts = training.get(db.session(), actor(), session_id)
    if ConfirmForm().validate_on_submit() and ts.application_id:
        _act(lambda s: flows.cancel_application(s, actor(), ts.application_id),
             lambda _app: "研修会の承認申請を取り下げました。")
    return redirect(url_for("training.detail", session_id=session_id))


@bp.route("/<int:session_id>/change", methods=["POST"])
@roles_required("secretariat")
def change(session_id):
    """The organiser changes place, dates, capacity or description before the session starts;
    the registrants are mailed what changed."""
    s = db.session()
    form = SessionChangeForm()
    data = {k: request.form.get(k, "") for k in ("place", "starts_on", "ends_on", "capacity", "description",
                                                  *training.DETAILS)}
    if not form.validate_on_submit():
        if "csrf_token" not in form.errors:
            return _detail(training.get(s, actor(), session_id), change=data, change_errors=form.first_errors()), 422
        return redirect(url_for("training.detail", session_id=session_id))
    try:
        changed = training.change_session(s, actor(), session_id, form.data)
    except ValidationFailed as exc:
        db.rollback()
        return _detail(training.get(s, actor(), session_id), change=data, change_errors=field_errors(exc)), 422
    except Conflict as exc:
        db.rollback()
        flash(message(exc.message_key, **exc.params), "error")
        return redirect(url_for("training.detail", session_id=session_id))
    db.commit()
    flash(translate("研修会の内容を変更し、申込者にメールで知らせました。") if changed
          else translate("変更はありませんでした。"), "success" if changed else "info")
    return redirect(url_for("training.detail", session_id=session_id))


@bp.route("/<int:session_id>/call-off", methods=["POST"])
@roles_required("secretariat")
def call_off(session_id):
    """中止: the organiser calls the session off with a reason; every registrant is told."""
    s = db.session()
    form = CallOffForm()
    if not form.validate_on_submit():
        if "csrf_token" not in form.errors:
            return _detail(training.get(s, actor(), session_id), change_errors=form.first_errors()), 422
        return redirect(url_for("training.detail", session_id=session_id))
    try:
        told = training.cancel_session(s, actor(), session_id, form.reason.data)
    except ValidationFailed as exc:
        db.rollback()
        return _detail(training.get(s, actor(), session_id), change_errors=field_errors(exc)), 422
    except Conflict as exc:
        db.rollback()
        flash(message(exc.message_key, **exc.params), "error")
        return redirect(url_for("training.detail", session_id=session_id))
    db.commit()
    flash(translate("研修会を中止しました。申込者に知らせました。") + f"（{told}）", "success")
    return redirect(url_for("training.detail", session_id=session_id))


@bp.route("/<int:session_id>/report", methods=["POST"])
@roles_required("secretariat")
def report(session_id):
    """開催報告: attendance (ticked registrations and walk-ins' 医籍登録番号); all or nothing."""
    return _attendance(session_id, training.report, "開催報告を受け付けました。出席者に単位を付与しました。")


@bp.route("/<int:session_id>/report/add", methods=["POST"])
@roles_required("secretariat")
def report_add(session_id):
    """報告の訂正: attendees added after the report (add only; those reported are passed over)."""
    return _attendance(session_id, training.add_attendees, "出席者を追加し、単位を付与しました。")


def _attendance(session_id: int, record, done: str):
    """The report's form (ticks, typed lines, a CSV) given to `record` (training.report or
    add_attendees); a bad line is shown on the page, nothing written."""
    me = actor()
    s = db.session()
    form = ReportForm()
    if not form.validate_on_submit():
        return redirect(url_for("training.detail", session_id=session_id))
    ids = [n for n in map(parse_id, request.form.getlist("attended")) if n is not None]
    upload = request.files.get("registry_file")
    try:
        from_file = training.numbers_from_csv(upload.read() if upload else b"")
        count = record(s, me, session_id, ids, (form.registry_numbers.data or "").splitlines(), from_file)
    except ValidationFailed as exc:
        db.rollback()
        return _detail(training.get(s, me, session_id), form, field_errors(exc), ids), 422
    except Conflict as exc:
        db.rollback()
        flash(message(exc.message_key, **exc.params), "error")
        return redirect(url_for("training.detail", session_id=session_id))
    db.commit()
    flash(translate(done) + f"（{count}{translate('名の出席者')}）", "success")
    return redirect(url_for("training.detail", session_id=session_id))


@bp.route("/<int:session_id>/attendees.csv")
@roles_required("secretariat", "admin")
def attendees_csv(session_id):
    """受講者名簿: who applied, as CSV for the reception desk. Its first column is the 医籍登録番号,
    so the list of those who came can be filed back as the report's CSV."""
    s = db.session()
    ts = training.get(s, actor(), session_id)
    people = training.attendees(s, actor(), ts)  # Forbidden outside the offices that may see them
    affiliations = members.affiliations(s, [r.physician_id for r in people])
    rows = [{"医籍登録番号": r.physician.registry_number or "", "氏名": r.physician.full_name,
             "フリガナ": f"{r.physician.family_kana} {r.physician.given_kana}".strip(),
             "申込日時": local_time(r.registered_at), "状態": REGISTRATION_STATES.get(r.status, r.status),
             "出席": "出席" if r.attended else "",
             "所属医師会": affiliations.get(r.physician_id) or "非会員"} for r in people]
    kind = "csv-cp932" if request.args.get("format") == "csv-cp932" else "csv-utf8"
    return csv_response(rows, ("医籍登録番号", "氏名", "フリガナ", "申込日時", "状態", "出席", "所属医師会"),
                        f"attendees-{ts.id}", kind)


@bp.route("/<int:session_id>/attendance.pdf")
@roles_required("member")
def attendance_pdf(session_id):
    """受講証明書: for a member who attended a reported session."""
    me = actor()
    s = db.session()
    ts, _ = training.attendance(s, me, session_id)
    physician = memberships.physician(s, me.physician_id)
    pdf = documents.attendance_certificate(physician.full_name, physician.registry_number or "", ts.title,
                                           ts.organiser.name, ts.starts_on, ts.ends_on, ts.place,
                                           training.credits_line(ts.credit_items),
                                           "、".join(a.name for a in ts.co_organisers))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="attendance-{ts.id}.pdf"'})
