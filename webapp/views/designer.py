"""Process designers' screens: the process library (versions, who deployed them, instances on
each, downloads), the editor (drafts saved from the browser and validated per element), the
review before deploying (problems and a dry run against past applications), deployment, and the
admins' migration of waiting instances to the latest versions."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import generate_csrf

from engine import changes, decision_check, deploy, designs, dry_run, flows, incidents, migration, positions, validation
from engine import instances as engine_instances
from engine.services import SERVICES
from membership import applications, certifications
from membership.errors import Conflict, ValidationFailed
from membership.fields import parse_int

from .. import db
from ..i18n import current_lang, field_errors, message, translate, translated_positions
from ..security import CSP, actor, roles_required

#: the properties panel sets inline styles; only the editor page allows them
EDITOR_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
DRY_RUN_SIZE = designs.DRY_RUN_SIZE
DRY_RUN_OUTCOMES = {"waiting": "判断の記録がないタスクで止まる", "error": "エラーで止まる", "loop": "終わらない"}

bp = Blueprint("designer", __name__, url_prefix="/designer")


@bp.route("/processes")
@roles_required("designer", "admin")
def library():
    return _library_page()


def _library_page(errors: dict | None = None, typed: dict | None = None):
    s = db.session()
    drafts = designs.drafts_by_key(s)
    processes = [{**p, "draft": drafts.get(p["key"]),
                  # nothing starts it, calls it or reads it (made in the library, or sent to the API)
                  "unused": not p["called_only"] and p["key"] not in flows.USED_BY_CODE} for p in deploy.library(s)]
    return render_template("designer/library.html", processes=processes, is_admin=actor().role == "admin",
                           incident_counts=incidents.open_counts(s), errors=errors or {}, typed=typed or {}), \
        (422 if errors else 200)


@bp.route("/processes/new", methods=["POST"])
@roles_required("designer", "admin")
def create():
    """新規作成: a new process (a start and an end) or decision table as its version 1, opened in the
    editor; refused with the reasons beside the library's form."""
    typed = {k: request.form.get(k, "") for k in ("key", "name", "kind")}
    try:
        definition = designs.create(db.session(), actor(), typed["key"], typed["name"], typed["kind"])
    except ValidationFailed as exc:
        db.rollback()
        return _library_page(field_errors(exc), typed)
    db.commit()
    flash(translate("作成しました。図（または決定表）を編集して、下書き保存・試行・公開してください。"), "success")
    return redirect(url_for("designer.edit", key=definition.key))


@bp.route("/processes/<key>/compare")
@roles_required("designer", "admin")
def compare(key):
    """Two deployed versions of a process side by side: what changed from one to the other (as
    the review shows a draft's changes), without touching the draft."""
    s = db.session()
    versions = [d for d in deploy.list_definitions(s) if d.key == key]
    if not versions:
        abort(404)
    by_number = {d.version: d for d in versions}
    newest = versions[-1].version
    old = parse_int(request.args.get("from", ""), 1, 10**6) or max(newest - 1, 1)
    new = parse_int(request.args.get("to", ""), 1, 10**6) or newest
    if old not in by_number or new not in by_number:
        abort(404)
    return render_template("designer/compare.html", key=key, versions=versions, old=by_number[old],
                           new=by_number[new], changes=changes.compare(by_number[old].xml, by_number[new].xml))


@bp.route("/processes/<key>/versions/<int:version>.bpmn")
@roles_required("designer", "admin")
def download(key, version):
    definition = deploy.get_version(db.session(), key, version)
    if definition is None:
        abort(404)
    return Response(definition.xml, mimetype="application/xml", headers={
        "Content-Disposition": f'attachment; filename="{key}-v{version}.{validation.kind_of(definition.xml)}"'})


@bp.route("/incidents")
@roles_required("designer", "admin")
def incident_list():
    """インシデント: the steps the processes themselves made fail in the last 90 days (a start, a
    user's step, a timer), newest first — unresolved first in sight, each with its process, version,
    instance, element and reason (as Camunda Cockpit's incident list)."""
    key = request.args.get("key") or None
    show_all = request.args.get("all") == "1"
    rows = incidents.recent(db.session(), key=key, open_only=not show_all)
    return render_template("designer/incidents.html", rows=rows, key=key, show_all=show_all,
                           window_days=incidents.WINDOW.days)


@bp.route("/instances")
@roles_required("designer", "admin")
def instances():
    """Instances of one process version (from the library), newest first, with where each stands."""
    if not request.args.get("key"):
        return redirect(url_for("designer.incident_list"))
    definition, rows, open_tasks = engine_instances.of_version(db.session(), request.args.get("key", ""),
                                                               request.args.get("version", ""))
    return render_template("designer/instances.html", definition=definition, rows=rows, open_tasks=open_tasks)


@bp.route("/instances/<int:instance_id>")
@roles_required("designer", "admin")
def instance(instance_id):
    """The instance viewer: the diagrams with done, active and waiting elements (fetched by the
    page), the task history, and the data (personal values masked for designers)."""
    seen = engine_instances.view(db.session(), actor(), instance_id)
    return render_template("designer/instance.html", instance=seen["instance"], definition=seen["definition"],
                           history=seen["tasks"], incidents=seen["incidents"], outdated=seen["outdated"],
                           data={k: json.dumps(v, ensure_ascii=False) for k, v in seen["data"].items()})


@bp.route("/instances/<int:instance_id>/diagram")
@roles_required("designer", "admin")
def instance_diagram(instance_id):
    """The viewer's diagrams, with the elements of the instance's unresolved incidents marked."""
    s = db.session()
    instance = engine_instances.get(s, instance_id)
    diagrams = translated_positions(positions.positions(s, actor(), instance))
    failing = [i for i in incidents.of_instance(s, instance) if not i.resolved and i.element]
    for diagram in diagrams:
        diagram["failed"] = sorted({i.element for i in failing if i.key == diagram["key"]})
        diagram["failed_names"] = sorted({translate(i.element_name or i.element) for i in failing
                                          if i.key == diagram["key"]})
    return jsonify(diagrams)


def _problems(found) -> list[dict]:
    return [p.as_dict(current_lang()) for p in found]


EDITOR_TEXT = {
    "group": "このシステムの設定", "kind": "タスクの種類", "form_key": "フォームキー",
    "kind_review": "審査（事務局が承認・却下・差戻し）", "kind_amend": "修正（申請者が直して再提出）",
    "separator": "： ", "rule_number": "規則の番号",
    "not_drawn": "図に描けない要素のため選べません。ファイルを直して読み込むか、版を下書きにし直してください。",
    "candidate_association": "担当する医師会（式）", "candidate_user": "担当する利用者（式）",
    "due_in_days": "期限（営業日数）", "operation": "サービス操作", "result_variable": "結果を入れる変数",
    "condition": "条件式", "condition_hint": "例: decision == \"approve\"（安全な式のみ）",
    "expression_hint": "例: part[\"association\"]（属性アクセス・関数定義は使えません）",
    "called_process": "呼び出すプロセス", "called_decision": "使う判定表（DMN）", "saving": "保存しています…",
    "saved_ok": "下書きを保存しました。問題はありません。",
    "saved_with_problems": "下書きを保存しました。問題が {n} 件あります（公開できません）。",
    "save_failed": "保存できませんでした。", "unsaved": "保存していない変更があります。",
    "load_failed": "図を読み込めませんでした。",
    "download_mine": "自分の変更をファイルに保存する（再読み込みの後「ファイルから読み込む」で戻せます）",
    # the candidate user's example names a user, not an association
    "user_hint": "例: applicant_user_id（利用者IDを返す安全な式）",
}


@bp.route("/processes/<key>/edit")
@roles_required("designer", "admin")
def edit(key):
    """The editor, on the draft if there is one, else on the latest version."""
    s = db.session()
    opened = designs.for_editing(s, key)
    # a business rule task calls a decision table (DMN); a call activity a process (BPMN)
    decision_keys = deploy.decision_keys(s)
    config = {
        "key": key, "xml": opened["xml"], "revision": opened["revision"], "problems": _problems(opened["problems"]),
        "saveUrl": url_for("designer.save_draft", key=key), "csrf": generate_csrf(),
        "operations": {name: validation.operation_parameters(name) for name in SERVICES},
        "formKeys": sorted(validation.form_keys() or ()),
        "processKeys": sorted({p["key"] for p in deploy.library(s) if p["key"] not in decision_keys}),
        "decisionKeys": decision_keys,
        "labels": {k: translate(text) for k, text in EDITOR_TEXT.items()},
        "lang": current_lang(),  # the language of the editors' own texts (palette, panel)
    }
    response = Response(render_template("designer/edit.html", key=key, opened=opened,
                                        kind=validation.kind_of(opened["xml"]),
                                        config=config))
    response.headers["Content-Security-Policy"] = EDITOR_CSP
    return response


@bp.route("/processes/<key>/draft", methods=["PUT"])
@roles_required("designer", "admin")
def save_draft(key):
    """Save the editor's XML as the draft (validated; saved even with problems). JSON."""
    revision = parse_int(request.headers.get("X-Draft-Revision", ""), 0, 10**9)
    if revision is None:
        return jsonify({"message": message("invalid", field="version")}), 400
    xml = request.get_data(as_text=True)
    try:
        draft = designs.save_draft(db.session(), actor(), key, xml, revision)
    except Conflict as exc:
        db.rollback()
        return jsonify({"message": message(exc.message_key, **exc.params)}), 409
    except ValidationFailed as exc:  # too large, or a character XML forbids: nothing saved
        db.rollback()
        return jsonify({"message": " ".join(field_errors(exc).values())}), 422
    db.commit()
    found = designs.problems(draft)
    return jsonify({"revision": draft.revision, "problems": _problems(found), "deployable": not found})


#: a process file read from an upload, at most (the shipped processes are ≈ 20 KB)
MAX_IMPORT_BYTES = 2 * 1024 * 1024


@bp.route("/processes/<key>/draft/import", methods=["POST"])
@roles_required("designer", "admin")
def import_draft(key):
    """A .bpmn / .dmn file (from a desktop modeler, or for keyboard-only editing) saved as the draft,
    validated as the editor's saves are; then the editor shows it with its problems."""
    revision = parse_int(request.form.get("revision", ""), 0, 10**9)
    upload = request.files.get("file")
    data = upload.read(MAX_IMPORT_BYTES + 1) if upload and upload.filename else b""
    problem = None
    if revision is None:
        problem = message("invalid", field="version")
    elif not data:
        problem = message("required", field="file")
    elif len(data) > MAX_IMPORT_BYTES:
        problem = message("file_too_large", field="file", max=f"{MAX_IMPORT_BYTES // (1024 * 1024)}MB")
    else:
        try:
            xml = validation.text_of(data)
        except validation.UnreadableText:
            problem = translate("このファイルは読み込めません（下書きはそのままです）。") + " " + \
                validation.Problem(None, "bpmn.encoding").render(current_lang())
    if problem is None:
        # a file that is not XML, or is another process's, would only replace the draft with
        # something the editor cannot show or must not deploy here: refused, the draft kept
        unusable = [p for p in designs.check(db.session(), key, xml) if p.key in ("bpmn.xml", "bpmn.key_mismatch",
                                                                                 "bpmn.kind_changed", "bpmn.too_large")]
        if unusable:
            problem = translate("このファイルは読み込めません（下書きはそのままです）。") + " " + \
                unusable[0].render(current_lang())
    if problem is None:
        try:
            draft = designs.save_draft(db.session(), actor(), key, xml, revision)
        except Conflict as exc:
            db.rollback()
            problem = message(exc.message_key, **exc.params)
        else:
            db.commit()
            found = designs.problems(draft)
            said = translate("ファイルを下書きとして読み込みました。")
            if found:
                said += " " + translate("問題があります（公開できません）。")
            flash(said, "warning" if found else "success")
    if problem is not None:
        flash(problem, "error")
    return redirect(url_for("designer.edit", key=key))


@bp.route("/processes/<key>/versions/<int:version>/draft", methods=["POST"])
@roles_required("designer", "admin")
def draft_from_version(key, version):
    """An earlier version as the draft (to roll back, or to start again from it): replaces the
    draft, if any, made on the revision the form carries; reviewed and deployed as any draft."""
    revision = _posted_revision()
    definition = deploy.get_version(db.session(), key, version)
    if definition is None:
        abort(404)
    if revision is not None:
        try:
            designs.save_draft(db.session(), actor(), key, definition.xml, revision)
        except Conflict as exc:
            db.rollback()
            flash(message(exc.message_key, **exc.params), "error")
            return redirect(url_for("designer.library", _anchor=f"process-{key}"))
        db.commit()
        flash(translate("v{version} を下書きにしました。試行と公開で、公開中の版との違いを確かめてください。")
              .replace("{version}", str(version)), "success")
    return redirect(url_for("designer.edit", key=key))


@bp.route("/processes/<key>/review")
@roles_required("designer", "admin")
def review(key):
    """Before deploying: the draft's problems and a dry run against the last applications."""
    s = db.session()
    draft = designs.draft_of(s, key)
    if draft is None:
        flash(translate("下書きがありません。エディタで保存してください。"), "error")
        return redirect(url_for("designer.library"))
    found = designs.problems(draft)
    replays, decision, failing = ([], None, []) if found else _trial(s, key, draft.xml)
    current = deploy.latest(s, key)
    same = deploy.unchanged(current, draft.xml)
    return render_template("designer/review.html", key=key, draft=draft, problems=_problems(found),
                           changes=[] if found else changes.compare(current.xml if current else None, draft.xml),
                           replays=replays, size=DRY_RUN_SIZE, current=current, decision=decision,
                           decision_rows=_decision_rows(decision), systems=certifications.SYSTEMS,
                           failing=failing, overtaken=designs.overtaken(s, key, draft),
                           unknown=[] if found or same else _problems(designs.unknown_names(s, key, draft.xml)),
                           untried=not found and not same and decision is None and not replays,
                           sitting=[] if found or decision is not None else designs.sitting(s, key, draft.xml),
                           kinds=applications.KIND_LABELS, outcomes={**applications.STATUS_LABELS, **DRY_RUN_OUTCOMES})


def _trial(s, key: str, xml: str, impact: bool = True):
    """(replays, decision check, what fails): a process draft replays the last applications; a
    decision table's draft is evaluated beside the deployed table (engine.decision_check). What
    fails (a replay that errs or loops; a case the table cannot evaluate, or a table that cannot be
    read) asks for a tick before deploying."""
    if validation.kind_of(xml) == "dmn":
        decision = decision_check.check(s, key, xml, impact)
        return [], decision, (decision.failing or ([decision.broken] if decision.broken else []))
    replays = dry_run.dry_run(s, key, xml, DRY_RUN_SIZE)
    return replays, None, [r for r in replays if r.draft_outcome in ("error", "loop")]


def _decision_rows(decision) -> list[dict]:
    """The changed cases of a decision check, ready to show: inputs, and each side's hits."""
    if decision is None:
        return []
    return [{"inputs": case.inputs, "before": _hits(case.before), "after": _hits(case.after), "error": case.error,
             "before_error": case.before_error} for case in decision.changed]


def _hits(outputs) -> list[str] | None:
    """A table's outputs as lines, one per matching rule (COLLECT gives a list per output); None
    when there is no deployed table; [] when no rule matched."""
    if outputs is None:
        return None
    if not outputs:
        return []
    columns = list(outputs.items())
    if all(isinstance(v, list) for _k, v in columns) and len({len(v) for _k, v in columns}) == 1:
        return [" / ".join(f"{name}={_shown(values[i])}" for name, values in columns)
                for i in range(len(columns[0][1]))]
    return [" / ".join(f"{name}={_shown(value)}" for name, value in columns)]


def _shown(value) -> str:
    return "[" + ", ".join(_shown(v) for v in value) + "]" if isinstance(value, list) else str(value)


def _posted_revision():
    """The draft revision a deploy or discard form carries; None (and a message) when it carries
    none a draft can have — the page is then shown again."""
    revision = parse_int(request.form.get("revision", ""), 0, 10**9)
    if revision is None:
        flash(message("invalid", field="version"), "error")
    return revision


@bp.route("/processes/<key>/deploy", methods=["POST"])
@roles_required("designer", "admin")
def deploy_draft(key):
    revision = _posted_revision()
    if revision is None:
        return redirect(url_for("designer.review", key=key))
    draft = designs.draft_of(db.session(), key)
    if draft is not None and not request.form.get("confirm") and not designs.problems(draft) \
            and designs.risks(db.session(), key, draft):
        flash(translate("公開する前に、下の注意を確認してチェックを入れてください。"), "error")
        return redirect(url_for("designer.review", key=key))
    try:
        definition = designs.deploy_draft(db.session(), actor(), key, revision, request.form.get("note", ""))
    except deploy.InvalidDefinition:
        db.rollback()
        flash(translate("問題のある下書きは公開できません。"), "error")
        return redirect(url_for("designer.review", key=key))
    except ValidationFailed as exc:
        db.rollback()
        flash(next(iter(field_errors(exc).values())), "error")
        return redirect(url_for("designer.review", key=key))
    except Conflict as exc:  # nothing to deploy, or the draft changed meanwhile: back to the review
        db.rollback()
        flash(message(exc.message_key, **exc.params), "error")
        return redirect(url_for("designer.review", key=key))
    db.commit()
    flash(translate("公開しました。新しい申請はこの版で始まります。") + f" {key} v{definition.version}", "success")
    return redirect(url_for("designer.library", _anchor=f"process-{key}"))


@bp.route("/processes/<key>/discard", methods=["POST"])
@roles_required("designer", "admin")
def discard_draft(key):
    revision = _posted_revision()
    if revision is None:
        return redirect(url_for("designer.library", _anchor=f"process-{key}"))
    designs.discard_draft(db.session(), actor(), key, revision)
    db.commit()
    flash(translate("下書きを破棄しました。"), "success")
    return redirect(url_for("designer.library", _anchor=f"process-{key}"))


def _outcome_rows(outcomes) -> list[dict]:
    return [{"instance_id": o.instance_id, "migrated": o.migrated,
             "reason": message(o.reason, **o.params) if o.reason else ""} for o in outcomes]


@bp.route("/instances/<int:instance_id>/migrate", methods=["POST"])
@roles_required("admin")
def migrate_instance(instance_id):
    outcome = migration.migrate_instance(db.session(), actor(), instance_id)
    db.commit()
    row = _outcome_rows([outcome])[0]
    if row["migrated"]:
        flash(translate("最新版へ移行しました。"), "success")
    else:
        flash(row["reason"], "error")
    return redirect(url_for("designer.instance", instance_id=instance_id))


@bp.route("/processes/<key>/versions/<int:version>/migrate", methods=["POST"])
@roles_required("admin")
def migrate_version(key, version):
    """Bulk: every running instance on this version, each migrated or refused on its own."""
    outcomes = migration.migrate_version(db.session(), actor(), key, version)
    db.commit()
    return render_template("designer/migrated.html", key=key, version=version, rows=_outcome_rows(outcomes))
