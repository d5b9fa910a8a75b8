"""Server-rendered screens (Japanese, English with ?lang=en)."""

from __future__ import annotations

from flask import Flask

from forms.validators import set_language_provider
from membership.associations import FACILITY_LIMIT
from membership.uploads import DOCUMENT_KINDS

from ..i18n import current_lang, translate


def init_app(app: Flask) -> None:
    from . import (
        about,
        account,
        admin,
        apply,
        auth,
        categories,
        certification,
        designer,
        documents,
        fee_reduction,
        health,
        import_runs,
        inbox,
        members,
        mypage,
        notices,
        staff,
        training,
        transfer,
        withdraw,
    )

    set_language_provider(current_lang, translate)
    app.jinja_env.globals["facility_limit"] = FACILITY_LIMIT  # the facility search's page (apply/_facilities.html)
    app.jinja_env.globals["document_kinds"] = DOCUMENT_KINDS  # 提出書類・履歴書・経歴書・その他
    # the domain members allow in their mail filters (the receipt-mail notice, _mail_sent_notice.html)
    app.jinja_env.globals["mail_domain"] = lambda: (app.config.get("MAIL_FROM") or "").rpartition("@")[2]
    for module in (auth, account, mypage, members, apply, withdraw, transfer, inbox, admin, documents, notices,
                   designer, certification, training, fee_reduction, categories, staff, about, import_runs, health):
        app.register_blueprint(module.bp)
