"""`GET /healthz`: for a container's healthcheck or a load balancer. 200 when the database
answers, 503 when it does not; says nothing else, and needs no login."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, jsonify

from .. import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.route("/healthz")
def healthz():
    try:
        db.session().execute(sa.text("SELECT 1"))
        db.commit()
    except Exception:
        log.exception("health check: the database does not answer")
        db.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
