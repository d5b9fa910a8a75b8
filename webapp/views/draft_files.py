"""What the wizards (enrolment, transfer) share: the draft this browser is composing, and the
documents sent with a step — stored with the draft, all or none, at most uploads.MAX_FILES per
association (those kept before count), each ≤ 10 MB, PDF, image or ZIP by content."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, request, session, url_for

from membership import associations, drafts, uploads
from membership.errors import Conflict, NotFound, ValidationFailed

from .. import db
from ..i18n import field_errors, message, translate
from ..security import actor


def current_draft(key: str):
    """The draft this browser is composing (its id kept in the session under `key`), or None."""
    draft_id = (session.get(key) or {}).get("draft_id")
    if not draft_id:
        return None
    try:
        return drafts.get(db.session(), actor(), draft_id)
    except NotFound:
        session.pop(key, None)
        return None


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def store_uploads(s, current, codes: list[str]) -> dict[str, str]:
    """Store the files of the request's `file-<code>` inputs with the draft `current`, as the kind
    of document chosen beside each input (`kind-<code>`, 提出書類 when none): {field: message} for
    the refused (the caller then rolls back, so that none of them is kept)."""
    errors: dict[str, str] = {}
    sent = {code: [f for f in request.files.getlist(f"file-{code}") if f and f.filename] for code in codes}
    kinds = {code: request.form.get(f"kind-{code}") or "submission" for code in codes}
    stored = [d.association_id for d in uploads.of_draft(s, current)]  # one query, not one per association
    kept = {code: stored.count((associations.id_and_layer(s, code) or (None,))[0]) for code in sent}
    for code, files in sent.items():
        if kept[code] + len(files) > uploads.MAX_FILES:
            errors[f"file-{code}"] = field_errors(ValidationFailed.one(
                "file", "too_many_files", max=uploads.MAX_FILES))["file"]
            continue
        for f in files:
            try:
                uploads.add_to_draft(s, actor(), current, code, f.filename, f.stream, upload_root(), kinds[code])
            except ValidationFailed as exc:
                message_ = next(iter(field_errors(exc).values()))
                errors[f"file-{code}"] = f"{uploads.safe_name(f.filename)}: {message_}"
                break
    return errors


def after_conflict(key: str, exc: Conflict):
    """A wizard's step lost a race with its own filing (or deletion) in another request: nothing
    of this request is kept; the user is told and sent where the filed application shows."""
    db.rollback()
    session.pop(key, None)
    text = message(exc.message_key, **exc.params)
    if request.method == "POST" and any(f and f.filename for _, f in request.files.items(multi=True)):
        # an upload that lost to the filing: say plainly that its files went nowhere
        text += " " + translate("このときアップロードしたファイルは添付されていません。")
    flash(text, "error")
    return redirect(url_for("members.index") if actor().is_secretariat else url_for("mypage.index"))


def to_where_drafts_are_listed():
    """After 一時保存: members to My Page, staff to the member list (their drafts for members)."""
    if actor().is_secretariat:
        flash(translate("入力内容を一時保存しました。会員一覧の「作成中の代理申請」から再開できます。"), "success")
        return redirect(url_for("members.index"))
    flash(translate("入力内容を一時保存しました。マイページの「作成中の申請」から再開できます。"), "success")
    return redirect(url_for("mypage.index"))


def delete_document(key: str, document_id: int, back_to: str):
    """Delete one document of the draft being composed, then back to the step that lists them."""
    current = current_draft(key)
    if current is None:
        abort(404)
    try:
        uploads.remove_from_draft(db.session(), actor(), current, document_id, upload_root())
    except NotFound:  # deleted already (a second click), or never this draft's
        db.rollback()
        flash(translate("このファイルはすでに削除されています。"), "warning")
        return redirect(back_to + "#documents")
    db.commit()
    flash(translate("ファイルを削除しました。"), "success")
    return redirect(back_to + "#documents")
