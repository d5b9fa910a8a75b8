"""Uploaded documents: shown inline (PDF, images) or downloaded, only to those in scope."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_file

from membership import audit, uploads

from .. import db
from ..security import actor, roles_required

bp = Blueprint("documents", __name__)


@bp.route("/documents/<int:document_id>")
@roles_required("member", "secretariat", "admin")
def show(document_id):
    s = db.session()
    doc = uploads.get_document(s, actor(), document_id)  # NotFound outside the scope
    path = uploads.file_path(Path(current_app.config["UPLOAD_DIR"]), doc)
    if not path.is_file():
        abort(404)
    download = request.args.get("download") == "1" or doc.content_type not in uploads.INLINE_TYPES
    audit.record(s, actor(), "document.view", "document", doc.id, download=download)
    db.commit()
    response = send_file(path, mimetype=doc.content_type, as_attachment=download, download_name=doc.filename,
                         max_age=0, etag=doc.sha256)
    response.headers["Cache-Control"] = "private, no-store"
    return response
