"""会費減免: the member's application, and the secretariat's candidates with the 総括表 (CSV/PDF)."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from engine import flows
from forms.enrolment import ConfirmForm
from membership import documents, fee_reductions, withdrawals
from membership.errors import ValidationFailed

from .. import db
from ..csv_response import CSV_KINDS, csv_response
from ..i18n import field_errors, translate
from ..security import actor, holds_members_required, roles_required

bp = Blueprint("fee_reduction", __name__)

COLUMNS = ("氏名", "フリガナ", "医籍登録番号", "生年月日", "年齢", "卒業年月", "卒業後の年数", "減免事由")


@bp.route("/mypage/fee-reduction", methods=["GET", "POST"])
@roles_required("member")
def apply():
    me = actor()
    s = db.session()
    form = ConfirmForm()
    errors: dict[str, str] = {}
    this_year = fee_reductions.fiscal_year(fee_reductions.today_jst())
    step = request.form.get("step", "confirm")
    if form.validate_on_submit() and step != "back":
        body = {"kind": "fee_reduction", **{k: request.form.get(k, "") for k in
                                            ("group_id", "fiscal_year", "reason", "note")}}
        try:
            if step == "confirm":  # 確認: what goes to which associations, nothing sent yet
                _applicant, group, active, clean = flows.check_fee_reduction(s, me, body)
                return render_template("fee_reduction/confirm.html", form=form, values=request.form, clean=clean,
                                       associations=sorted((m.association for m in active), key=lambda a: -a.layer),
                                       reasons=fee_reductions.REASONS)
            app = flows.submit_application(s, me, body)
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
        else:
            db.commit()
            flash(translate("会費減免申請を受け付けました。所属する医師会が順に審査します。"), "success")
            return redirect(url_for("mypage.application", application_id=app.id))
    return render_template("fee_reduction/apply.html", form=form, errors=errors, values=request.form,
                           groups=withdrawals.groups_of(s, me.physician_id), reasons=fee_reductions.REASONS,
                           years=(this_year, this_year + 1)), 422 if errors else 200


@bp.route("/members/fee-reduction/candidates")
@roles_required("secretariat")
@holds_members_required
def candidates():
    """Members who qualify by age or years since graduation (the decision table), and the 総括表."""
    rows = flows.fee_reduction_candidates(db.session(), actor())
    counts = fee_reductions.summary(rows)
    table = [{"氏名": r["physician"].full_name,
              "フリガナ": f"{r['physician'].family_kana} {r['physician'].given_kana}".strip(),
              "医籍登録番号": r["physician"].registry_number or "",
              "生年月日": r["physician"].birth_date.isoformat() if r["physician"].birth_date else "",
              "年齢": "" if r["age"] is None else r["age"], "卒業年月": r["physician"].graduated_on or "",
              "卒業後の年数": "" if r["years_since_graduation"] is None else r["years_since_graduation"],
              "減免事由": "、".join(fee_reductions.REASONS.get(x, x) for x in r["reasons"])} for r in rows]
    kind = request.args.get("format", "")
    if kind in CSV_KINDS:
        return csv_response(table, COLUMNS, "fee-reduction-candidates", kind)
    if kind == "pdf":
        lines = tuple(f"{fee_reductions.REASONS[k]}: {n}名" for k, n in counts.items() if n)
        pdf = documents.board_material("会費減免 総括表（対象者の抽出）", table, COLUMNS,
                                       (40, 40, 26, 26, 14, 22, 22, 60), lines)
        return Response(pdf, mimetype="application/pdf",
                        headers={"Content-Disposition": 'attachment; filename="fee-reduction-summary.pdf"'})
    # the screen shows a page of the list (JMA's is the whole country); the files hold it all
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    pages = max((len(table) + CANDIDATES_PER_PAGE - 1) // CANDIDATES_PER_PAGE, 1)
    page = min(page, pages)
    shown = table[(page - 1) * CANDIDATES_PER_PAGE:page * CANDIDATES_PER_PAGE]
    return render_template("fee_reduction/candidates.html", rows=shown, total=len(table), page=page, pages=pages,
                           columns=COLUMNS, counts=counts, reasons=fee_reductions.REASONS)


CANDIDATES_PER_PAGE = 100
