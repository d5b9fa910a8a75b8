"""Process designers' screens: the process library (versions, who deployed them, instances on
each, downloads). Editing in the browser comes with the rest of issue 6."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from engine import deploy

from .. import db
from ..security import roles_required

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
