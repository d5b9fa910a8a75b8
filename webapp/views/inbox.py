"""The secretariat's inbox and the task page (and the member's amend task after a return)."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from engine import bulk as runs
from engine import positions, tasks
from engine.models import ProcessInstance
from forms.enrolment import ConfirmForm
from forms.inbox import FORMS, KIND_FORMS, ReviewDecisionForm
from membership import (
    accounts,
    applications,
    associations,
    audit,
    certifications,
    documents,
    fee_reductions,
    members,
    messages,
    notes,
    training,
    uploads,
)
from membership.db import utcnow
from membership.errors import Conflict, Forbidden, ValidationFailed
from membership.fields import parse_id, parse_int, today_jst
from membership.reference import DUTY_CODES

from .. import bulk, db
from ..csv_response import csv_response, disposition, export_kind, office_label
from ..i18n import field_errors, layer_label, local_time, message, translate, translated_positions
from ..security import actor, roles_required
from .application_details import details_context

bp = Blueprint("inbox", __name__)


VIEW_LABELS = {"open": "未処理（すべて）", "mine": "自分が担当", "unclaimed": "担当者なし", "due_soon": "期限間近",
               "overdue": "期限超過", "completed": "処理済み", "escalated": "上位への通知"}


@bp.route("/inbox")
@roles_required("secretariat")
def index():
    # the bare list (the menu's タスク一覧, 「タスク一覧へ戻る」) is the list as it was left, filters
    # and all, as Camunda Tasklist keeps its filter; a view's tab or 条件をクリア starts afresh
    if not request.args and session.get("inbox_args"):
        return _inbox_page(session["inbox_args"])
    return _inbox_page(request.args)


def _inbox_page(args, side: dict | None = None):
    """The inbox list for `args`; `side` is a refused side form's {"errors", "typed"} (the filter's
    name, the bulk comment), shown beside its field with what was typed — not lost to a redirect."""
    s = db.session()
    me = actor()
    errors = dict(side["errors"]) if side else {}
    try:
        query = tasks.parse_query(args)
        rows, total = tasks.search_inbox(s, me, query)
    except ValidationFailed as exc:
        errors = field_errors(exc)
        query = tasks.InboxQuery()
        rows, total = tasks.search_inbox(s, me, query)
    if session.get("inbox_args") != (args := query.as_dict()):  # (a changed session is a new cookie)
        session["inbox_args"] = args  # the list a task page returns to, and takes the next task from
    pages = max((total + query.per_page - 1) // query.per_page, 1)
    now = utcnow()
    return render_template("inbox/index.html", rows=rows, total=total, query=query, pages=pages, errors=errors,
                           counts=tasks.inbox_counts(s, me), views=VIEW_LABELS, filters=tasks.saved_filters(s, me),
                           args=args, runs=runs.active_runs(s, me), form=ConfirmForm(),
                           now=now, soon=tasks.due_soon_until(s, me.association_id, now), kinds=KIND_LABELS,
                           per_page_choices=tasks.PER_PAGE,
                           claimants=accounts.display_names(s, (t.claimed_by_user_id for t, _ in rows)),
                           origins=associations.names_by_id(s, {t.origin_association_id for t, _ in rows}),
                           origin_choices=associations.origin_choices(s, me.association_id),
                           holders=tasks.colleagues(s, me), typed=(side or {}).get("typed", {})), \
        (422 if errors else 200)


@bp.route("/inbox/counts")
@roles_required("secretariat")
def counts():
    """The views' tabs again, with today's counts (polled by the inbox every minute); they say so
    when the number in the view on screen is no longer the one shown."""
    view = request.args.get("view", "open")
    if view not in VIEW_LABELS:
        view = "open"
    shown = request.args.get("shown", "")
    now_counts = tasks.inbox_counts(db.session(), actor())
    shown_count = parse_int(shown)
    changed = shown_count is not None and shown_count != now_counts.get(view, 0)
    return render_template("inbox/_tabs.html", query=tasks.InboxQuery(view=view), counts=now_counts,
                           views=VIEW_LABELS, polled=True, changed=changed, back_args=session.get("inbox_args") or {})


@bp.route("/inbox/filters", methods=["POST"])
@roles_required("secretariat")
def save_filter():
    query = tasks.parse_query(request.form)
    try:
        tasks.save_filter(db.session(), actor(), request.form.get("filter_name"), query)
    except ValidationFailed as exc:
        db.rollback()
        said = {"filter_name" if k == "name" else k: v for k, v in field_errors(exc).items()}  # the form's name
        return _inbox_page(query.as_dict(), {"errors": said,
                                             "typed": {"filter_name": request.form.get("filter_name", "")}})
    db.commit()
    flash(translate("検索条件を保存しました。"), "success")
    return redirect(url_for("inbox.index", **query.as_dict()))


@bp.route("/inbox/filters/<int:filter_id>/delete", methods=["POST"])
@roles_required("secretariat")
def delete_filter(filter_id):
    tasks.delete_filter(db.session(), actor(), filter_id)
    db.commit()
    return redirect(url_for("inbox.index"))


KIND_LABELS = applications.KIND_LABELS
STATUS_LABELS = {"open": "未処理", "completed": "処理済み", "cancelled": "取消"}


def _selection(open_only: bool = True) -> tuple[tasks.InboxQuery, list[int]]:
    """The filter the form carries, and the tasks chosen: the ticked ones, or all matching it (one
    more than a run takes, so that too many is refused rather than cut short) — the open ones to
    approve, or (`open_only=False`) every one the list shows, for board material."""
    query = tasks.parse_query(request.form)
    if request.form.get("scope") == "all":
        return query, tasks.matching_ids(db.session(), actor(), query, limit=runs.BULK_MAX + 1,
                                         open_only=open_only)
    return query, [n for n in map(parse_id, request.form.getlist("task_ids")) if n is not None]


def _refused(query: tasks.InboxQuery, ids: list[int]):
    """A redirect back to the inbox with the reason, when nothing or too much is chosen."""
    if not ids:
        flash(translate("タスクを選択してください。"), "error")
    elif len(ids) > runs.BULK_MAX:
        flash(message("too_many", field="ids", max=runs.BULK_MAX) + " "
              + translate("条件で絞り込んでから、もう一度お試しください。"), "error")
    else:
        return None
    return redirect(url_for("inbox.index", **query.as_dict()))


def _board_rows(ids: list[int], results: dict[int, str] | None = None) -> list[dict]:
    """The tasks `ids` (those in the office's scope) as board-material rows, by application number;
    with `results` (task id → text), a 結果 column too, and a row for each id not in scope."""
    q = tasks.InboxQuery(view="all", sort="application", order="asc")  # the board reads by number
    rows, _ = tasks.search_inbox(db.session(), actor(), q, ids=ids, limit=len(ids) or 1)
    app_ids = [t.application_id for t, _ in rows]
    details = applications.board_details(db.session(), actor(), app_ids)
    # what each kind's board decides on beyond the summary: a session's dates, place and credits, a
    # certification's system and credits, a fee reduction's year and reason
    summaries = {**training.board_summaries(db.session(), app_ids),
                 **certifications.board_summaries(db.session(), app_ids),
                 **fee_reductions.board_summaries(db.session(), app_ids)}
    origins = associations.names_by_id(db.session(), {t.origin_association_id for t, _ in rows})
    out = []
    for t, _ in rows:
        more = details.get(t.application_id, {})
        # 内容: each kind's summary, a transfer's moves, a withdrawal's reason, and what the layers
        # below decided (a prefecture's board reads the city's approval beside the application)
        content = "　".join(x for x in (summaries.get(t.application_id, ""), more.get("notes", "")) if x)
        row = {"申請番号": t.application_id, "申請日": local_time(more.get("filed"), "%Y/%m/%d"),
               "受付日": local_time(t.created_at, "%Y/%m/%d"),
               "申請の種類": KIND_LABELS.get(t.application_kind, t.application_kind), "申請者": t.applicant_name,
               "フリガナ": t.applicant_kana, "医籍登録番号": t.applicant_registry,
               "申請元": origins.get(t.origin_association_id, ""), "会員区分": more.get("category", ""),
               "希望日": local_time(more.get("date"), "%Y/%m/%d"),
               "所属施設": more.get("facility", ""), "内容": content,
               "層": t.layer or "",
               "期限": local_time(t.due_at, "%Y/%m/%d"), "状態": STATUS_LABELS.get(t.status, t.status)}
        if results is not None:
            row["結果"] = results.get(t.id, "")
        out.append(row)
    if results is not None:  # what names no task of this office still gets its line
        shown = {t.id for t, _ in rows}
        out += [{**dict.fromkeys(documents.BOARD_COLUMNS, ""), "結果": f"#{task_id} {results[task_id]}"}
                for task_id in ids if task_id not in shown]
    return out


@bp.route("/inbox/export", methods=["POST"])
@roles_required("secretariat")
def export():
    """理事会資料: the selection (or everything matching the filter) as CSV or PDF."""
    query, ids = _selection(open_only=False)
    if refused := _refused(query, ids):
        return refused
    rows = _board_rows(ids)
    if not rows:  # ids that name no task of this office (a stale page, a crafted post): no empty file
        flash(translate("選択したタスクが見つかりません。一覧を更新してから、もう一度お試しください。"), "error")
        return redirect(url_for("inbox.index", **query.as_dict()))
    kind = export_kind(request.form.get("format"))
    audit.record(db.session(), actor(), "task.export", "association", actor().association_id, format=kind,
                 count=len(rows), task_ids=sorted(ids)[:1000])
    db.commit()
    stamp = f"{today_jst():%Y%m%d}"  # the day in Japan, as the material's 作成日
    office = associations.name_of(db.session(), actor().association_id)
    if kind == "pdf":
        # board material is in Japanese whatever the screen's language; titled by what it lists
        kinds = {row["申請の種類"] for row in rows}
        title = f"理事会資料（{kinds.pop()}）" if len(kinds) == 1 else "理事会資料（申請一覧）"
        body = documents.board_material(f"{office} {title}".strip(), rows)
        return Response(body, mimetype="application/pdf", headers={
            "Content-Disposition": disposition(f"board-{stamp}.pdf", office_label(office, title, today_jst()))})
    return csv_response(rows, documents.BOARD_COLUMNS, f"board-{stamp}", kind,
                        label=office_label(office, "理事会資料", today_jst()))


@bp.route("/inbox/bulk", methods=["POST"])
@roles_required("secretariat")
def bulk_approve():
    """Approve the selected tasks, or every open one matching the filter, as a bulk run worked in
    the background (each task on its own); its page shows the progress and every failure."""
    everything = request.form.get("scope") == "all"
    if everything and request.form.get("confirmed") == "1":
        # the confirmation carries the tasks it showed: the run takes those of them still
        # approvable — never one that arrived (or was released) after the office read the count
        query = tasks.parse_query(request.form)
        shown = [n for n in map(parse_id, request.form.getlist("task_ids")) if n is not None]
        ids = tasks.approvable(db.session(), actor(), shown[:runs.BULK_MAX])["ok"]
        if not ids:
            flash(translate("承認できるタスクがありません。"), "error")
            return redirect(url_for("inbox.index", **query.as_dict()))
    else:
        query, ids = _selection()
        if refused := _refused(query, ids):
            return refused
        if everything:
            # everything matching is approved only once the office has seen how many, and which
            # would fail (held by a colleague; its own filings)
            found = tasks.approvable(db.session(), actor(), ids)
            # what the board approves, by application number (the same rows as its material)
            listed, _ = tasks.search_inbox(db.session(), actor(), tasks.InboxQuery(view="all", sort="application",
                                                                                   order="asc"),
                                           ids=found["ok"], limit=len(found["ok"]) or 1) if found["ok"] else ([], 0)
            return render_template("inbox/bulk_confirm.html", query=query, args=query.as_dict(), found=found,
                                   total=len(ids), comment=request.form.get("comment", ""), form=ConfirmForm(),
                                   listed=[t for t, _ in listed], kinds=KIND_LABELS)
    try:
        run = bulk.start(actor(), ids, "approve", request.form.get("comment", ""))
    except ValidationFailed as exc:
        db.rollback()
        return _inbox_page(query.as_dict(), {"errors": field_errors(exc),
                                             "typed": {"comment": request.form.get("comment", "")}})
    return _started(run)


def _started(run):
    """To a new run's page, saying how it went (when it ran in this request: Celery's eager mode) or
    that it has begun."""
    if run.status == "finished":
        flash(translate("一括承認") + f": {run.succeeded} / {run.total}",
              "success" if run.succeeded == run.total else "error")
    else:
        flash(translate("一括承認を開始しました。進み具合はこのページに表示されます。"), "success")
    return redirect(url_for("inbox.bulk_run", run_id=run.id))


@bp.route("/inbox/bulk-runs")
@roles_required("secretariat")
def bulk_runs():
    """The association's bulk runs (who approved how many at which board meeting, and what failed)."""
    return render_template("inbox/bulk_runs.html", runs=runs.recent_runs(db.session(), actor()))


@bp.route("/inbox/bulk/<int:run_id>")
@roles_required("secretariat")
def bulk_run(run_id):
    """A bulk run: progress while it works (the fragment below, polled), then every failure."""
    return render_template("inbox/bulk_run.html", **_run_view(run_id))


@bp.route("/inbox/bulk/<int:run_id>/cancel", methods=["POST"])
@roles_required("secretariat")
def cancel_bulk_run(run_id):
    try:
        runs.cancel(db.session(), actor(), run_id)
    except Conflict as exc:
        db.rollback()
        flash(message(exc.message_key, **exc.params), "error")
    else:
        db.commit()
        flash(translate("一括承認を中止しました。処理済みのものはそのままです。"), "success")
    return redirect(url_for("inbox.bulk_run", run_id=run_id))


@bp.route("/inbox/bulk/<int:run_id>/retry", methods=["POST"])
@roles_required("secretariat")
def retry_bulk_run(run_id):
    """Approve again what failed (a new run)."""
    try:
        run = bulk.retry_failed(actor(), run_id)
    except (Conflict, ValidationFailed) as exc:
        db.rollback()
        flash(" ".join(field_errors(exc).values()) if isinstance(exc, ValidationFailed)
              else message(exc.message_key, **exc.params), "error")
        return redirect(url_for("inbox.bulk_run", run_id=run_id))
    return _started(run)


@bp.route("/inbox/bulk/<int:run_id>/export")
@roles_required("secretariat")
def export_bulk_run(run_id):
    """The run's result for the board's minutes: every task chosen, by application number, with
    what became of it (CSV or PDF)."""
    s = db.session()
    run = runs.get_run(s, actor(), run_id)
    # board material: in Japanese whatever the screen's language, as the rest of its columns
    decided = {"approve": "承認", "reject": "却下", "return": "差戻し"}.get(run.decision, run.decision)
    results = {}
    for item in runs.items(s, run):
        if item.outcome == "ok":
            results[item.task_id] = decided
        elif item.outcome == "failed":
            error = item.error
            results[item.task_id] = "処理できなかった: " + messages.render(error["key"], "ja", **error["params"])
        else:
            results[item.task_id] = "未処理"
    rows = _board_rows(list(results), results)
    columns = (*documents.BOARD_COLUMNS, "結果")
    office = associations.name_of(s, actor().association_id)
    title = f"{office} 一括承認の結果 #{run.id}".strip()
    kind = export_kind(request.args.get("format"))
    label = office_label(office, f"一括承認の結果{run.id}", today_jst())
    if kind == "pdf":
        body = documents.board_material(title, rows, columns, (*documents.BOARD_WIDTHS, 60))
        return Response(body, mimetype="application/pdf",
                        headers={"Content-Disposition": disposition(f"bulk-run-{run.id}.pdf", label)})
    return csv_response(rows, columns, f"bulk-run-{run.id}", kind, label=label)


@bp.route("/inbox/bulk/<int:run_id>/progress")
@roles_required("secretariat")
def bulk_run_progress(run_id):
    """The progress fragment; 286 (htmx: stop polling) once the run has ended."""
    view = _run_view(run_id)
    return render_template("inbox/_bulk_progress.html", **view), 286 if view["run"].status in runs.ENDED else 200


#: the approved tasks a run's page names (all of them are in its export)
APPROVED_SHOWN = 200


def _run_view(run_id: int) -> dict:
    s = db.session()
    run = runs.get_run(s, actor(), run_id)
    failures = runs.items(s, run, "failed") if run.status in runs.ENDED else []
    # what was approved, named (the counts alone left the clerk to find them in the export)
    approved = runs.items(s, run, "ok") if run.status in runs.ENDED else []
    known = {}  # the tasks still in this office's scope (none to look up while it works)
    looked_up = [f.task_id for f in failures] + [a.task_id for a in approved[:APPROVED_SHOWN]]
    if looked_up:
        rows, _ = tasks.search_inbox(s, actor(), tasks.InboxQuery(view="all"), ids=looked_up, limit=len(looked_up))
        known = {t.id: t for t, _ in rows}
    # approving again can change nothing for a task no longer open (decided meanwhile), nor for
    # whoever the four-eyes rule stopped (a colleague may); a colleague's claim may have ended
    own_run = run.user_id == actor().user_id
    retriable = any(f.task_id in known and known[f.task_id].status == "open"
                    and not ((f.error or {}).get("key") == "four_eyes" and own_run) for f in failures)
    four_eyes_only = own_run and bool(failures) and all((f.error or {}).get("key") == "four_eyes" for f in failures)
    # untouched for longer than a worker ever takes: no background worker is taking it (the beat
    # queues it again; the office should know it waits)
    return {"run": run, "failures": [(f, known.get(f.task_id), bulk.rendered(f)) for f in failures],
            "approved": [(a, known.get(a.task_id)) for a in approved[:APPROVED_SHOWN]],
            "approved_more": max(len(approved) - APPROVED_SHOWN, 0),
            "retriable": retriable, "four_eyes_only": four_eyes_only, "stalled": runs.is_stalled(run)}


def _attach_amendment_documents(s, me, app) -> None:
    """The files sent with an amendment: stored with the application (the same rules as at filing:
    type by content, size, at most uploads.MAX_FILES per association), for the association that
    returned it. Raises ValidationFailed naming the file; the caller rolls back."""
    for upload in request.files.getlist("documents"):
        if upload and upload.filename:
            uploads.add_to_application(s, me, app, upload.filename, upload.stream,
                                       Path(current_app.config["UPLOAD_DIR"]))


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
@roles_required("secretariat", "member")
def task(task_id):
    return _task_view(task_id)


def _task_view(task_id: int, side: dict | None = None):
    """The task page; a POST decides. `side`: a side form of the page (a note, a reassignment's
    reason) that was refused — the page is shown again (422) with what was typed and the errors
    beside its fields, instead of a redirect that loses them."""
    s = db.session()
    me = actor()
    posting = request.method == "POST" and side is None
    # a secretariat amending a returned application for its applicant (利用規約 §5-5)
    on_behalf = me.is_secretariat and request.args.get("on_behalf") == "1"
    # read only: a task escalated to this association by its overdue timer (the next layer up)
    item = tasks.get_task(s, me, task_id, on_behalf=on_behalf, read_only=not on_behalf)
    app = applications.get_application(s, me, item.application_id, on_behalf=on_behalf)
    if me.is_secretariat and not on_behalf and item.association_id != me.association_id \
            and item.assignee_user_id != me.user_id:  # (its own amendment of a session it applied for: its to work)
        return _read_only_task(s, me, item, app, side)
    form_cls = KIND_FORMS.get((item.form_key, app.kind)) or FORMS.get(item.form_key, ReviewDecisionForm)
    prefill = None
    if item.kind == "amend" and not posting:
        prefill = {"desired_date": app.desired_date.isoformat() if app.desired_date else "",
                   "facility_id": app.facility_id, "duty_code": app.duty_code, "position": app.position,
                   "reason": (app.payload or {}).get("reason"),
                   "reason_text": (app.payload or {}).get("reason_text", ""),
                   "category": {p.association.code: p.category.code
                                for p in applications.undecided_joins(app) if p.category is not None}}
    form = form_cls(data=prefill) if side is None else form_cls(formdata=None, data=prefill)
    errors: dict[str, str] = dict(side["errors"]) if side else {}
    searching = posting and request.form.get("action") == "search"
    if posting and item.status != "open" and not searching:
        # the page was opened before someone else decided (or, for an amendment, before the
        # applicant cancelled it in another tab): say that this input was not recorded
        flash(translate("この申請はもう修正できません（取り消されたか、すでに処理されています）。あなたの入力は記録されていません。")
              if item.kind == "amend" else
              translate("このタスクは、ほかの方がすでに処理していました。あなたの入力は記録されていません。"), "error")
        return redirect(url_for("inbox.task", task_id=task_id, on_behalf="1" if on_behalf else None)), 303
    if posting and item.status == "open" and not searching and form.validate_on_submit():
        changes = None
        if item.kind == "amend":
            fields = {"withdrawal": ("desired_date", "reason", "reason_text"),
                      "transfer": ("desired_date", "facility_id", "duty_code", "position"),
                      "certification": (), "session": (), "fee_reduction": ()}.get(
                app.kind, ("desired_date", "facility_id", "duty_code", "position"))
            changes = {k: getattr(form, k).data for k in fields}
            if hasattr(form, "category"):
                changes["categories"] = form.category.data
        try:
            if item.kind == "amend":  # documents asked for, addressed to the association that returned it
                _attach_amendment_documents(s, me, app)
            tasks.complete_task(s, me, item.id, getattr(form, "decision", None) and form.decision.data,
                                form.comment.data, changes, on_behalf=on_behalf)
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
        except Conflict as exc:
            db.rollback()
            flash(message(exc.message_key, **exc.params), "error")
            return redirect(url_for("inbox.task", task_id=task_id, on_behalf="1" if on_behalf else None)), 303
        else:
            db.commit()
            if on_behalf:
                flash(translate("処理しました。"), "success")
                return redirect(url_for("members.detail", physician_id=app.physician_id))
            if me.role != "secretariat":  # the applicant: an amendment filed again
                flash(translate("申請を修正して再提出しました。審査が再開されます。"), "success")
                return redirect(url_for("mypage.index"))
            return _after_decision(s, me, item.id)
    if posting and not searching:
        errors = {**form.first_errors(), **errors}
    details = details_context(s, app)
    q = form.facility_q.data if hasattr(form, "facility_q") else ""
    results = associations.search_facilities(s, q) if q else []
    status = 422 if errors else 200
    claimant = None
    if item.claimed_by_user_id and item.claimed_by_user_id != me.user_id:
        other = accounts.get_account(s, item.claimed_by_user_id)
        claimant = other.display_name if other else None
    extra = {"four_eyes": item.kind == "review" and applications.four_eyes_blocked(app, me),
             "claimed_by_me": item.claimed_by_user_id == me.user_id, "claimant": claimant,
             "history": tasks.task_history(s, item), "colleagues": tasks.colleagues(s, me) if me.is_secretariat else [],
             "message": message, "notes": notes.notes_for_staff(s, me, app.id) if me.is_secretariat else [],
             "rounds": tasks.review_rounds(s, app.id) if me.is_secretariat else [],
             "decision_labels": tasks.DECISION_LABELS,
             "member_page": _member_page(s, me, app)}
    return render_template("inbox/task.html", **extra, **details, task=item, form=form, errors=errors,
                           facilities=results, q=q, selected=details["facility"], duty_codes=DUTY_CODES,
                           amend_parts=applications.undecided_joins(app) if item.kind == "amend" else [],
                           back_args=session.get("inbox_args") or {}, side=side or {"typed": {}, "errors": {}}), status


def _inbox_query() -> tasks.InboxQuery:
    """The inbox list this user looked at last (its filters and sort), or the default one."""
    try:
        return tasks.parse_query(session.get("inbox_args") or {})
    except ValidationFailed:
        return tasks.InboxQuery()


def _after_decision(s, me, done_id: int):
    """Back to the inbox list the user came from; with "decide and next", straight to the next task
    of that list that is theirs to decide (as Camunda Tasklist's auto-select)."""
    query = _inbox_query()
    if request.form.get("then") == "next":
        following = tasks.next_task(s, me, query, done_id)
        if following:
            flash(translate("処理しました。次のタスクです。"), "success")
            return redirect(url_for("inbox.task", task_id=following))
        flash(translate("処理しました。この一覧に、ほかに処理できるタスクはありません。"), "success")
    else:
        flash(translate("処理しました。"), "success")
    return redirect(url_for("inbox.index", **query.as_dict()))


@bp.route("/tasks/<int:task_id>/diagram")
@roles_required("secretariat", "member")
def diagram(task_id):
    """The diagrams of the task's process with done and active elements, for the bpmn-js viewer."""
    s = db.session()
    item = tasks.get_task(s, actor(), task_id, read_only=True)
    instance = s.get(ProcessInstance, item.instance_id)
    return jsonify(translated_positions(positions.positions(s, actor(), instance)))


def _read_only_task(s, me, item, app, side: dict | None = None):
    """The task page for the next layer up, once the review was escalated to it: no actions (but
    notes: `side` as in _task_view)."""
    if request.method == "POST" and side is None:
        abort(404)
    owner = next((p.association for p in app.parts if p.association_id == item.association_id), None)
    return render_template("inbox/task.html", **details_context(s, app), task=item, form=ConfirmForm(),
                           errors=dict(side["errors"]) if side else {}, read_only=True, owner=owner,
                           notes=notes.notes_for_staff(s, me, app.id), history=[],
                           message=message, back_args=session.get("inbox_args") or {},
                           member_page=_member_page(s, me, app), side=side or {"typed": {}, "errors": {}}), \
        (422 if side else 200)


def _member_page(s, me, app) -> bool:
    """Whether the task page links to the applicant's member page (memberships, other
    applications): where this office may see it."""
    return me.role in ("secretariat", "admin") and app.physician_id is not None \
        and members.can_see(s, me, app.physician_id)


def _task_action(task_id: int, action, done: str):
    """A change of who holds a task; `done` says what happened. A reason refused comes back beside
    its field, with what was typed."""
    try:
        action(db.session(), actor(), task_id)
    except ValidationFailed as exc:
        db.rollback()
        return _task_view(task_id, side={"errors": field_errors(exc), "typed": {
            "reason": request.form.get("reason", "")[:2000], "to_user_id": request.form.get("to_user_id", "")}})
    except Conflict as exc:
        db.rollback()
        flash(message(exc.message_key, **exc.params), "error")
    except Forbidden as exc:
        if exc.message_key != "four_eyes_hold":
            raise
        db.rollback()
        flash(message(exc.message_key, **exc.params), "error")
    else:
        db.commit()
        flash(translate(done), "success")
    return redirect(url_for("inbox.task", task_id=task_id))


@bp.route("/tasks/<int:task_id>/claim", methods=["POST"])
@roles_required("secretariat")
def claim(task_id):
    return _task_action(task_id, tasks.claim, "担当しました。")


@bp.route("/tasks/<int:task_id>/unclaim", methods=["POST"])
@roles_required("secretariat")
def unclaim(task_id):
    return _task_action(task_id, tasks.unclaim, "担当を外れました。")


@bp.route("/tasks/<int:task_id>/reassign", methods=["POST"])
@roles_required("secretariat")
def reassign(task_id):
    to_user = request.form.get("to_user_id", "")
    return _task_action(task_id, lambda s, me, tid: tasks.reassign(
        s, me, tid, parse_id(to_user) or 0, request.form.get("reason")), "担当者を変更しました。")


@bp.route("/tasks/<int:task_id>/take-over", methods=["POST"])
@roles_required("secretariat")
def take_over(task_id):
    return _task_action(task_id, lambda s, me, tid: tasks.take_over(s, me, tid, request.form.get("reason")),
                        "引き継いで担当しました。")


@bp.route("/tasks/<int:task_id>/notes", methods=["POST"])
@roles_required("secretariat")
def add_note(task_id):
    s = db.session()
    item = tasks.get_task(s, actor(), task_id, read_only=True)
    try:
        notes.add_note(s, actor(), item.application_id, request.form.get("note"),
                       to_applicant=request.form.get("to_applicant") == "y")
    except ValidationFailed as exc:
        db.rollback()
        return _task_view(task_id, side={"errors": field_errors(exc), "typed": {
            "note": (request.form.get("note") or "")[:5000], "to_applicant": request.form.get("to_applicant") == "y"}})
    else:
        db.commit()
        flash(translate("コメントを登録しました。"), "success")
    return redirect(url_for("inbox.task", task_id=task_id) + "#notes-title")


@bp.route("/dashboard")
@roles_required("secretariat", "admin")
def dashboard():
    figures = tasks.dashboard(db.session(), actor())
    # the charts' rows: (label, figure), each chart on its own scale (see the template's macro)
    by_kind = [(translate(KIND_LABELS.get(kind, kind)) + (f" · {layer_label(layer)}" if layer else ""), n)
               for kind, layer, n in figures["by_kind"]]
    ages = [(translate(label), n) for label, n in figures["ages"]]
    weeks = [(monday.strftime("%m/%d"), n) for monday, n, _days in figures["per_week"]]
    prefectures = [(translate(pref) if pref else translate("日本医師会"), n, late)
                   for pref, n, late in figures["by_prefecture"]]
    return render_template("inbox/dashboard.html", figures=figures, kinds=KIND_LABELS, by_kind=by_kind, ages=ages,
                           weeks=weeks, prefectures=prefectures,
                           prefecture_bars=[(label, n) for label, n, _late in prefectures[:10]])
