"""My Page: the status of each application per association, memberships and history."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine import flows, tasks
from forms.enrolment import ConfirmForm
from membership import applications, benefits, certifications, drafts, memberships, notes, notices, training
from membership.errors import Conflict
from membership.fields import today_jst

from .. import db
from ..i18n import list_separator, message, translate
from ..security import actor, roles_required
from .application_details import details_context

bp = Blueprint("mypage", __name__, url_prefix="/mypage")


@bp.route("/")
@roles_required()
def index():
    me = actor()
    s = db.session()
    physician = memberships.physician(s, me.physician_id) if me.physician_id else None
    apps = applications.applications_of(s, me) if me.role == "member" else []
    recent, older = applications.split_recent(apps)
    rows = memberships.memberships_of(s, me.physician_id) if me.physician_id else []
    todo = [t for t, _ in tasks.list_tasks(s, me)] if me.role == "member" else []
    return render_template("mypage/index.html", physician=physician, applications=recent, older=len(older),
                           busy_groups=applications.groups_changing(apps),
                           # groups that skipped the city, which may add one below (追加入会)
                           lower_open={g.id for g, _, below in applications.extendable_groups(s, me, apps)
                                       if below},
                           memberships=rows, jma_years=memberships.jma_years(rows, today_jst()),
                           long_standing=memberships.LONG_STANDING_YEARS,
                           leaving=applications.pending_departures(apps),
                           todo={t.application_id: t for t in todo}, labels=applications.STATUS_LABELS,
                           drafts=drafts.saved_drafts(s, me), form=ConfirmForm(), kinds=applications.KIND_LABELS,
                           notices=notices.for_member(s, me, today_jst()), systems=certifications.SYSTEMS,
                           sessions=training.upcoming_of(s, me.physician_id) if me.physician_id else [],
                           expiring=certifications.expiring_of(s, me.physician_id) if me.physician_id else [],
                           benefits=benefits.of_physician(s, me.physician_id) if me.physician_id else None,
                           benefit_kinds=benefits.KINDS, benefit_statuses=benefits.STATUSES)


@bp.route("/notices")
@roles_required("member")
def notices_archive():
    """お知らせ一覧: every notice published to the member so far, the ended ones too."""
    me = actor()
    return render_template("mypage/notices.html",
                           notices=notices.for_member(db.session(), me, today_jst(), past=True),
                           limit=notices.ARCHIVE_LIMIT)


@bp.route("/card")
@roles_required("member")
def card():
    """会員証: the member's current memberships, with the JMA member ID; printable."""
    me = actor()
    s = db.session()
    physician = memberships.physician(s, me.physician_id) if me.physician_id else None
    rows = [m for m in memberships.memberships_of(s, me.physician_id) if m.status == "active"] \
        if me.physician_id else []
    leaving = applications.pending_departures(applications.applications_of(s, me)) if me.role == "member" else {}
    return render_template("mypage/card.html", physician=physician, memberships=rows, today=today_jst(),
                           leaving=leaving)


@bp.route("/history")
@roles_required("member")
def history():
    me = actor()
    events = memberships.history_of(db.session(), me.physician_id) if me.physician_id else []
    return render_template("mypage/history.html", events=events)


@bp.route("/applications")
@roles_required("member")
def all_applications():
    """申請の一覧: every application the member has filed (or had filed for them), newest first."""
    apps = applications.applications_of(db.session(), actor())
    return render_template("mypage/applications.html", applications=apps, labels=applications.STATUS_LABELS,
                           kinds=applications.KIND_LABELS)


@bp.route("/applications/<int:application_id>")
@roles_required("member")
def application(application_id):
    s = db.session()
    app = applications.get_application(s, actor(), application_id)
    todo = [t for t, _ in tasks.list_tasks(s, actor(), application_id=app.id)]
    return render_template("mypage/application.html", **details_context(s, app), todo=todo, form=ConfirmForm(),
                           cancel_refusal=applications.cancel_refusal, kept_on_cancel=applications.kept_on_cancel,
                           messages=notes.messages_for_applicant(s, actor(), app.id))


@bp.route("/applications/<int:application_id>/cancel", methods=["POST"])
@roles_required("member")
def cancel(application_id):
    form = ConfirmForm()
    if form.validate_on_submit():
        # the approvals the page showed (and said would stand): one since then asks again
        seen = [c for c in (request.form.get("approved") or "").split(",") if c] if "approved" in request.form else None
        try:
            app = flows.cancel_application(db.session(), actor(), application_id, seen)
        except Conflict as exc:
            db.rollback()
            if exc.message_key != "approved_meanwhile":
                raise
            flash(message(exc.message_key, **exc.params), "error")
            return redirect(url_for("mypage.application", application_id=application_id))
        kept = applications.kept_on_cancel(app)
        db.commit()
        flash(translate("申請を取り消しました。"), "success")
        if kept:
            flash(translate("承認済みの医師会（{names}）の会員資格は続きます。退会するには退会届を提出してください。")
                  .format(names=list_separator().join(kept)), "info")
    return redirect(url_for("mypage.index"))
