"""Registered data (登録情報) for the member themself, and the secretariat's member list and pages.

A secretariat sees only the members of its own association (membership.members.scope); from a
member's page it can edit their registered data or issue new first-login credentials for them.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for

from engine import tasks
from forms.account import PROFILE_FIELD_NAMES, ProfileForm
from forms.enrolment import ConfirmForm
from membership import (
    applications,
    associations,
    audit,
    benefits,
    documents,
    drafts,
    imports,
    members,
    messages,
    profiles,
    registration,
    withdrawals,
)
from membership.errors import Conflict, ValidationFailed
from membership.fields import parse_int, today_jst
from membership.reference import PREFECTURES

from .. import db
from ..csv_response import csv_download, office_label
from ..i18n import field_errors, message, translate
from ..security import actor, holds_members_required, roles_required
from . import csv_import
from .account import reference_lists

bp = Blueprint("members", __name__)


def _profile_page(physician_id: int, done_url: str, template_args: dict):
    s = db.session()
    physician = members.get_member_to_act(s, actor(), physician_id)
    form = ProfileForm()
    form.prefecture.choices = [(p, p) for p in PREFECTURES]
    errors: dict[str, str] = {}
    # the form's button asks for the 確認 step; 更新する there saves (a post naming no step saves)
    step = request.form.get("step", "save")
    if request.method == "GET":
        form.process(data=profiles.profile_dict(physician))
    elif step != "back" and form.validate_on_submit():
        data = {**form.profile_data(), "dispatch_to": form.dispatch_to.data,
                "dispatch_stopped": form.dispatch_stopped.data}
        try:
            changes = profiles.update_profile(s, actor(), physician_id, data, apply=step != "confirm")
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
        else:
            if step == "confirm" and changes:
                db.rollback()
                return render_template("members/profile_confirm.html", form=form, changes=changes,
                                       physician=physician, fields=PROFILE_FIELD_NAMES, **template_args)
            db.commit()
            text = "登録情報を更新しました。" if changes else "変更はありませんでした。"
            flash(translate(text), "success")
            return redirect(done_url)
    history = members.profile_history(s, actor(), physician_id)
    return render_template("members/profile.html", form=form, errors=errors, physician=physician, history=history,
                           dispatch_choices=members.DISPATCH_TO, registry_locked=profiles.registry_locked(
                               actor(), physician), **template_args, **reference_lists()), \
        (422 if errors else 200)


@bp.route("/mypage/profile", methods=["GET", "POST"])
@roles_required("member")
def my_profile():
    me = actor()
    if not me.physician_id:
        abort(404)
    return _profile_page(me.physician_id, url_for("members.my_profile"), {"acting_for": None})


@bp.route("/members")
@roles_required("secretariat", "admin")
def index():
    s, me = db.session(), actor()
    q = request.args.get("q", "")
    filters = {"status": request.args.get("status", ""), "category": request.args.get("category", ""),
               "branch": request.args.get("branch", "")}
    try:
        page = max(int(request.args.get("page", "1")), 1)
    except ValueError:
        page = 1
    errors = {}
    try:
        rows, total = members.list_members(s, me, q, page, **filters)
    except ValidationFailed as exc:
        errors, filters = field_errors(exc), {"status": "", "category": "", "branch": ""}
        rows, total = members.list_members(s, me, q, page)
    pages = max((total + members.PAGE_SIZE - 1) // members.PAGE_SIZE, 1)
    return render_template("members/index.html", rows=rows, total=total, q=q, page=page, pages=pages,
                           filters=filters, errors=errors,
                           statuses={k: v for k, v in members.STATUSES.items() if me.association_id or k != "attendee"},
                           categories=members.categories_here(s, me),
                           branches=associations.origin_choices(s, me.association_id),
                           standing=members.standing_here(s, me, [p.id for p in rows]),
                           asked=members.categories_asked(s, me, [p.id for p in rows]),
                           leaving=applications.departing_here(s, me, [p.id for p in rows]),
                           links=members.links_here(s, me, [p.id for p in rows]),
                           drafts=drafts.saved_drafts(s, me) if me.is_secretariat else [],
                           form=ConfirmForm()), (422 if errors else 200)


@bp.route("/members/<int:physician_id>")
@roles_required("secretariat", "admin")
def detail(physician_id):
    s = db.session()
    physician = members.get_member(s, actor(), physician_id)
    account = members.account_of(s, physician_id)
    amendments = [t for t, _ in tasks.list_tasks(s, actor(), assignee_user_id=account.id, on_behalf=True)] \
        if account is not None and actor().is_secretariat else []
    filed = applications.of_member(s, actor(), physician_id)
    held = members.memberships_in_scope(s, actor(), physician_id)
    return render_template("members/detail.html", physician=physician, account=account, amendments=amendments,
                           left_on=members.left_on(s, actor(), physician_id),
                           credentials_refusal=registration.credentials_refusal(s, actor(), physician_id, account),
                           can_act=members.can_act_for(s, actor(), physician_id),
                           # a withdrawal for the member only where the office holds a membership of theirs
                           withdrawable=actor().is_secretariat and bool(
                               withdrawals.groups_of(s, physician_id, actor())),
                           memberships=held, attendee_only=not held and not filed,
                           history=members.profile_history(s, actor(), physician_id), form=ConfirmForm(),
                           applications=filed, task_of=tasks.latest_for(s, actor(), [a.id for a in filed]),
                           leaving=applications.pending_departures(filed),
                           benefits=benefits.of_physician(s, physician_id), benefit_kinds=benefits.KINDS,
                           benefit_statuses=benefits.STATUSES,
                           kinds=applications.KIND_LABELS, statuses=applications.STATUS_LABELS,
                           profile_fields=PROFILE_SHOWN,
                           from_task=parse_int(request.args.get("task", ""), 1, 2**31 - 1))


#: the registered data the member page shows (read only; 登録情報を変更する edits it), in the seed's order
PROFILE_SHOWN = ("registry_date", "birth_date", "sex", "maiden_family_name", "maiden_given_name", "mobile", "tel",
                 "fax", "main_department", "sub_department", "alma_mater", "graduated_on", "grad_school",
                 "grad_faculty", "grad_completed_on", "doctorate_on", "societies")


@bp.route("/members/<int:physician_id>/profile", methods=["GET", "POST"])
@roles_required("secretariat", "admin")
def profile(physician_id):
    return _profile_page(physician_id, url_for("members.detail", physician_id=physician_id),
                         {"acting_for": physician_id})


def _notice_contact(s) -> str:
    """Whom a login notice tells the member to ask: the issuing office (with its telephone), then the
    support desk when one is configured (MAMIS_SUPPORT_*); an administrator's notice with no desk
    configured points to the contact page (a non-member has no 所属医師会事務局 to ask)."""
    me = actor()
    parts = []
    office = associations.by_id(s, me.association_id)
    if office is not None:
        parts.append(f"{office.name} 事務局" + (f"（TEL {office.tel}）" if office.tel else ""))
    desk = current_app.config.get("SUPPORT_NAME") or ""
    tel, mail = current_app.config.get("SUPPORT_TEL") or "", current_app.config.get("SUPPORT_EMAIL") or ""
    if tel or mail:
        reach = "　".join(x for x in (f"TEL {tel}" if tel else "", mail) if x)
        parts.append(f"{desk or 'サポート窓口'}（{reach}）")
    return "、".join(parts) or "お問合せ" + f"（{url_for('about.contact', _external=True)}）"


@bp.route("/members/<int:physician_id>/credentials", methods=["POST"])
@roles_required("secretariat", "admin")
def issue_credentials(physician_id):
    """Issue a temporary login ID and password and answer with the notice (PDF) to print and post."""
    s = db.session()
    try:
        account, password = registration.issue_credentials(s, actor(), physician_id)
    except ValidationFailed as exc:
        db.rollback()
        flash(" ".join(field_errors(exc).values()), "error")
        return redirect(url_for("members.detail", physician_id=physician_id))
    physician = members.get_member(s, actor(), physician_id)
    pdf = documents.credentials_notice(physician, account.login_id, password, url_for("auth.login", _external=True),
                                       _notice_contact(s))
    db.commit()
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="mamis-login-{physician_id}.pdf"',
        "Cache-Control": "no-store"})


@bp.route("/members/credentials", methods=["GET", "POST"])
@roles_required("secretariat", "admin")
@holds_members_required
def bulk_credentials():
    """ログイン通知の一括発行: the members of the office who have no login yet (or never used the one
    issued) get temporary credentials, CREDENTIAL_BATCH at a time, as one PDF to print and post —
    each page addressed for a window envelope. The passwords exist only in that PDF."""
    s, me = db.session(), actor()
    if request.method == "POST" and ConfirmForm().validate_on_submit():
        target = request.form.get("target", "none")
        try:
            issued = registration.issue_credentials_in_bulk(s, me, target)
        except ValidationFailed as exc:
            db.rollback()
            flash(" ".join(field_errors(exc).values()), "error")
            return redirect(url_for("members.bulk_credentials"))
        if not issued:
            db.rollback()
            flash(translate("発行の対象となる会員はいません。"), "info")
            return redirect(url_for("members.bulk_credentials"))
        addresses = members.mailing_addresses(s, me, [a.physician_id for a, _ in issued])
        pdf = documents.credentials_notices(
            [(a.physician, a.login_id, pw, addresses.get(a.physician_id)) for a, pw in issued],
            url_for("auth.login", _external=True), _notice_contact(s))
        db.commit()
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="mamis-logins-{target}-{len(issued)}.pdf"',
            "Cache-Control": "no-store"})
    counts, unaddressed = {}, {}
    for target in registration.CREDENTIAL_TARGETS:
        ids, counts[target] = registration.credential_candidates(s, me, target)
        unaddressed[target] = members.count_unaddressed(s, me, ids)
    return render_template("members/credentials.html", counts=counts, unaddressed=unaddressed,
                           targets=registration.CREDENTIAL_TARGETS,
                           batch=registration.CREDENTIAL_BATCH, form=ConfirmForm())


@bp.route("/members/<int:physician_id>/disable", methods=["POST"])
@roles_required("admin")
def disable(physician_id):
    """Stop an account (e.g. the member died, 利用規約 §8); every datum stays."""
    s = db.session()
    members.get_member(s, actor(), physician_id)
    account = members.account_of(s, physician_id)
    if account is None:
        abort(404)
    try:
        registration.disable_account(s, actor(), account.id, request.form.get("reason", ""))
    except ValidationFailed as exc:
        db.rollback()
        flash(next(iter(field_errors(exc).values())), "error")
    except Conflict as exc:
        db.rollback()
        flash(message(exc.message_key, **exc.params), "error")
    else:
        db.commit()
        flash(translate("アカウントを利用停止にしました。"), "success")
    return redirect(url_for("members.detail", physician_id=physician_id))


@bp.route("/members/<int:physician_id>/enable", methods=["POST"])
@roles_required("admin")
def enable(physician_id):
    """Let a stopped account log in again, with the login ID and password it had."""
    s = db.session()
    members.get_member(s, actor(), physician_id)
    account = members.account_of(s, physician_id)
    if account is None or not ConfirmForm().validate_on_submit():
        abort(404 if account is None else 400)
    try:
        registration.enable_account(s, actor(), account.id)
    except Conflict as exc:
        db.rollback()
        flash(message(exc.message_key, **exc.params), "error")
    else:
        db.commit()
        flash(translate("アカウントの利用を再開しました。"), "success")
    return redirect(url_for("members.detail", physician_id=physician_id))


@bp.route("/members/export.csv")
@roles_required("secretariat", "admin")
def export():
    """The member list (search and filters applied) as CSV, UTF-8 with BOM (Excel opens it as is),
    with what fee collection needs (membership.members.EXPORT_HEADINGS). Streamed in batches:
    every matching member, however many (JMA's list is the whole country)."""
    try:
        rows = members.export_rows(db.session(), actor(), request.args.get("q", ""),
                                   status=request.args.get("status", ""), category=request.args.get("category", ""),
                                   branch=request.args.get("branch", ""))
    except ValidationFailed as exc:
        flash(" ".join(field_errors(exc).values()), "error")
        return redirect(url_for("members.index"))
    # who took which members' data away (the largest personal-data extract there is): committed
    # before the rows are read
    audit.record(db.session(), actor(), "members.export", "association", actor().association_id,
                 filters={k: request.args.get(k, "") for k in ("q", "status", "category", "branch")
                          if request.args.get(k)})
    db.commit()
    office = associations.name_of(db.session(), actor().association_id)
    return csv_download(members.EXPORT_HEADINGS, rows, "members.csv",
                        label=office_label(office, "会員一覧", today_jst()))


@bp.route("/members/changes")
@roles_required("secretariat", "admin")
@holds_members_required
def changes():
    """The changes the office's members made to their registered data (or an office or an admin
    made for them): filters by period and kind of field, newest first, pages cut at an id."""
    errors = {}
    try:
        query = profiles.parse_change_query(request.args)
    except ValidationFailed as exc:
        errors, query = field_errors(exc), profiles.parse_change_query({})
    # with a filter refused, nothing is listed: a list under other filters than those asked would mislead
    rows, total, older = profiles.changes_here(db.session(), actor(), query) if not errors else ([], 0, None)
    return render_template("members/changes.html", rows=rows, total=total, older=older, query=query,
                           shown=request.args if errors else query.as_dict(),
                           args=query.as_dict(), errors=errors, groups=profiles.GROUPS,
                           changed_by=lambda row: profiles.changed_by(row, actor().association_id),
                           count_up_to=profiles.COUNT_UP_TO), (422 if errors else 200)


@bp.route("/members/changes.csv")
@roles_required("secretariat", "admin")
@holds_members_required
def export_changes():
    """The matching changes, all of them, as CSV (UTF-8 with BOM); the export is recorded."""
    try:
        query = profiles.parse_change_query(request.args)
    except ValidationFailed as exc:
        flash(" ".join(field_errors(exc).values()), "error")
        return redirect(url_for("members.changes"))
    # in Japanese whoever downloads it, as every other export (decision 0007): colleagues share files
    rows = profiles.export_changes(db.session(), actor(), query, lambda name: messages.label(name, "ja"),
                                   lambda field, text: profiles.value_label(field, text or "")[0])
    db.commit()
    return csv_download(profiles.CHANGE_HEADINGS, rows, "profile-changes.csv")


@bp.route("/members/import", methods=["GET", "POST"])
@roles_required("secretariat")
@holds_members_required
def import_members():
    """データ取込み: a dry run lists every row's errors; the import writes all rows or none."""
    return csv_import.screen("members", imports.COLUMNS, optional_columns=imports.OPTIONAL_COLUMNS)


