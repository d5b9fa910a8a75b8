"""Process designers' screens: the process library (versions, who deployed them, instances on
each, downloads). Editing in the browser comes with the rest of issue 6."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, jsonify, render_template, request

from engine import deploy, positions
from engine import instances as engine_instances

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
                           history=seen["tasks"],
                           data={k: json.dumps(v, ensure_ascii=False) for k, v in seen["data"].items()})


@bp.route("/instances/<int:instance_id>/diagram")
@roles_required("designer", "admin")
def instance_diagram(instance_id):
    s = db.session()
    return jsonify(positions.positions(s, actor(), engine_instances.get(s, instance_id)))
