"""Process designers' screens: the process library (versions, who deployed them, instances on
each, downloads). Editing in the browser comes with the rest of issue 6."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Blueprint, Response, abort, jsonify, render_template, request

from engine import deploy, positions
from engine.models import HumanTask, ProcessDefinition, ProcessInstance

from .. import db
from ..security import actor, roles_required

bp = Blueprint("designer", __name__, url_prefix="/designer")


@bp.route("/processes")
@roles_required("designer", "admin")
def library():
    return render_template("designer/library.html", processes=deploy.library(db.session()))


@bp.route("/processes/<key>/versions/<int:version>.bpmn")
@roles_required("designer", "admin")
def download(key, version):
    definition = deploy.get_version(db.session(), key, version)
    if definition is None:
        abort(404)
    return Response(definition.xml, mimetype="application/xml", headers={
        "Content-Disposition": f'attachment; filename="{key}-v{version}.bpmn"'})


@bp.route("/instances")
@roles_required("designer", "admin")
def instances():
    """Instances of one process version (from the library), newest first, with where each stands."""
    s = db.session()
    definition = deploy.get_version(s, request.args.get("key", ""), request.args.get("version", "0") or "0") \
        if request.args.get("key") else None
    if definition is None:
        abort(404)
    rows = s.scalars(sa.select(ProcessInstance).where(ProcessInstance.definition_id == definition.id)
                     .order_by(ProcessInstance.id.desc()).limit(200)).all()
    open_tasks: dict[int, list[str]] = {}
    for instance_id, name in s.execute(sa.select(HumanTask.instance_id, HumanTask.name).where(
            HumanTask.instance_id.in_([r.id for r in rows]), HumanTask.status == "open")):
        open_tasks.setdefault(instance_id, []).append(name)
    return render_template("designer/instances.html", definition=definition, rows=rows, open_tasks=open_tasks)


def _instance(instance_id: int) -> ProcessInstance:
    instance = db.session().get(ProcessInstance, instance_id)
    if instance is None:
        abort(404)
    return instance


@bp.route("/instances/<int:instance_id>")
@roles_required("designer", "admin")
def instance(instance_id):
    """The instance viewer: the diagrams with done, active and waiting elements, the task history,
    and the data (personal values masked for designers)."""
    s = db.session()
    item = _instance(instance_id)
    definition = s.get(ProcessDefinition, item.definition_id)
    history = s.scalars(sa.select(HumanTask).where(HumanTask.instance_id == item.id)
                        .order_by(HumanTask.created_at, HumanTask.id)).all()
    data = positions.instance_data(s, actor(), item, mask=actor().role == "designer")
    return render_template("designer/instance.html", instance=item, definition=definition, history=history,
                           data={k: json.dumps(v, ensure_ascii=False) for k, v in data.items()})


@bp.route("/instances/<int:instance_id>/diagram")
@roles_required("designer", "admin")
def instance_diagram(instance_id):
    return jsonify(positions.positions(db.session(), actor(), _instance(instance_id)))
