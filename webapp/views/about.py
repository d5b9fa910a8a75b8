"""Public pages anyone may read, logged in or not: how personal data is shared between the
associations (共同利用, seed 003 — the terms say it is shown on the service's top page) and whom to
ask (お問合せ: the system's support desk and every association's office)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from membership import associations
from membership.reference import PREFECTURES

from .. import db

bp = Blueprint("about", __name__, url_prefix="/about")


@bp.route("/joint-use")
def joint_use():
    return render_template("about/joint_use.html")


@bp.route("/contact")
def contact():
    """The support desk (configured: MAMIS_SUPPORT_*) and the associations' offices, found by
    prefecture or name."""
    prefecture = request.args.get("prefecture", "")
    prefecture = prefecture if prefecture in PREFECTURES else ""
    q = (request.args.get("q") or "").strip()[:50]
    found, total = associations.directory(db.session(), prefecture, q) if (prefecture or q) else ([], 0)
    support = {k: current_app.config.get(f"SUPPORT_{k.upper()}") or "" for k in ("name", "email", "tel", "hours")}
    return render_template("about/contact.html", prefectures=PREFECTURES, prefecture=prefecture, q=q,
                           found=found, total=total, limit=associations.DIRECTORY_LIMIT, support=support,
                           searched=bool(prefecture or q))
