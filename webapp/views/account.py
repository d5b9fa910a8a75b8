"""Account screens: self-registration (利用者登録), first login, email verification, password reset.

Mailed links carry a single-use token; a bad, expired or used link gets its own page (410/400),
never an error page. Until an account has finished its first-login steps the gate in
`webapp.security` lets it reach nothing but these screens and logout.
"""

from __future__ import annotations

import functools
import json
import time

from flask import Blueprint, current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user

from forms.account import (
    PROFILE_FIELD_NAMES,
    ChangeCredentialsForm,
    EmailTwiceForm,
    ForgotLoginIdForm,
    ForgotPasswordForm,
    RegistrationForm,
    ResetPasswordForm,
    TermsForm,
)
from membership import accounts, postal, registration
from membership.errors import LinkInvalid, Throttled, ValidationFailed
from membership.fields import FieldError
from membership.reference import DEPARTMENTS, MEDICAL_SCHOOLS, PREFECTURES, SEXES, SOCIETIES

from .. import db
from ..i18n import current_lang, field_errors, message, translate
from ..security import SessionUser, actor, clear_session, login_required
from . import form_step

bp = Blueprint("account", __name__)

REG_TERMS = "registration_terms_accepted"


def _link(endpoint: str):
    return lambda token: url_for(endpoint, token=token, _external=True)


def _link_error(exc: LinkInvalid, flow: str):
    """A link that no longer works, with the way to start that flow again (`flow`: register, reset,
    verify — the page offers its own, not every one)."""
    status = 410 if exc.message_key in ("link_expired", "link_used") else 400
    return render_template("account/link_error.html", text=message(exc.message_key, **exc.params), flow=flow), status


def answered_alike(view):
    """A form that must not tell whether an account exists answers its POST no sooner than
    ANSWER_FLOOR_SECONDS after the request began: a matching address issues a link and queues a
    mail, an unknown one writes one audit row, and without the floor the difference (a few
    milliseconds) would show which addresses and login IDs are registered. The mail is handed on
    only after the answer has gone out: without a broker it is delivered in this process, and an
    SMTP server's second would show through any floor."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        started = time.monotonic()
        g.mail_after_response = []
        response = make_response(view(*args, **kwargs))
        left = current_app.config["ANSWER_FLOOR_SECONDS"] - (time.monotonic() - started)
        if left > 0:
            time.sleep(left)
        held, app = g.pop("mail_after_response"), current_app._get_current_object()
        if held:
            def hand_on():
                from ..jobs import dispatch_notifications

                with app.app_context():
                    dispatch_notifications(held)
            response.call_on_close(hand_on)
        return response
    return wrapped


def reference_lists() -> dict:
    return {"prefectures": PREFECTURES, "departments": DEPARTMENTS, "sexes": SEXES, "schools": MEDICAL_SCHOOLS,
            "societies_list": SOCIETIES}


# --- self-registration ------------------------------------------------------------------------

@bp.route("/register", methods=["GET", "POST"])
def register_terms():
    form = TermsForm()
    errors = {}
    if form.validate_on_submit():
        if form.agree.data:
            session[REG_TERMS] = registration.TERMS_VERSION
            return redirect(url_for("account.register_email"))
        errors = {"agree": message("must_agree")}
    return render_template("account/terms.html", form=form, errors=errors, registering=True), (422 if errors else 200)


@bp.route("/register/email", methods=["GET", "POST"])
@answered_alike
def register_email():
    if session.get(REG_TERMS) != registration.TERMS_VERSION:
        return redirect(url_for("account.register_terms"))
    form = EmailTwiceForm()
    errors = {}
    if form.validate_on_submit():
        try:
            address = registration.start_registration(db.session(), form.email.data, form.email_confirm.data,
                                                      True, _link("account.register_form"), lang=current_lang())
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
        else:
            db.commit()
            session.pop(REG_TERMS, None)
            return render_template("account/mail_sent.html", address=address, purpose="register")
    return render_template("account/email.html", form=form, errors=errors, registering=True), (422 if errors else 200)


@bp.route("/register/form/<token>", methods=["GET", "POST"])
def register_form(token):
    s = db.session()
    try:
        address = registration.registration_email(s, token)
    except LinkInvalid as exc:
        return _link_error(exc, "register")
    form = RegistrationForm()
    if request.method == "GET":
        form.process(data={"step": "confirm"})
    form.prefecture.choices = [("", "")] + [(p, p) for p in PREFECTURES]
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        data = form.data_for_use_case()
        step = form.step.data
        try:
            if step == "register":
                # the password typed before the confirmation is kept with the link, as its hash
                account = registration.complete_registration(s, token, data, lang=current_lang())
            elif step == "confirm":
                credentials, profile = registration.confirm_registration(s, token, data)
                _show_normalised(form, {**credentials, **profile})
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
        except LinkInvalid as exc:
            db.rollback()
            return _link_error(exc, "register")
        else:
            if step == "register":
                db.commit()
                return render_template("account/registered.html", login_id=account.login_id)
            if step == "confirm":
                db.commit()  # the password's hash, kept with the link
                return render_template("account/register_confirm.html", form=form, address=address,
                                       token=token, fields=PROFILE_FIELD_NAMES, **reference_lists())
        # step "back" (or errors): the form again, filled in — "back" unchecked (修正する is no mistake),
        # the password kept from the confirmation unless typed again
    return render_template("account/register_form.html", form=form, address=address, token=token, errors=errors,
                           password_kept=registration.password_kept(s, token), **reference_lists()), \
        (422 if errors else 200)


def _show_normalised(form, clean: dict) -> None:
    """The confirmation shows (and sends on) what will be stored: ﾆﾁｲ → ニチイ, ０９０ → 090."""
    for name, value in clean.items():
        if name == "societies":
            for i, entry in enumerate(form.societies.entries):
                entry.data = value[i] if i < len(value) else ""
        elif name in form:
            form[name].data = value.isoformat() if hasattr(value, "isoformat") else value


@bp.route("/postal-code")
def postal_code():
    """htmx partial: the prefecture chosen from the offline postal-code data when the code is known,
    and a note beside the code. The town goes to the address box in the browser (the postal-found
    event, js/address.js) — in front of what the member is typing there, never over it: swapping
    the box while they typed lost their 番地 or put the cursor back at its start."""
    values = {"postal_code": request.args.get("postal_code", ""), "prefecture": request.args.get("prefecture", ""),
              "address": request.args.get("address", "")}
    note, found = None, None
    try:
        found = postal.lookup(values["postal_code"])
    except FieldError as exc:
        note = message(exc.key, field="postal_code", **exc.params)
    else:
        values.update(postal_code=found["postal_code"], prefecture=found["prefecture"])
        typed = values["address"].strip()
        if typed and not typed.startswith(found["address"]):  # what was typed stays; the found town is offered
            note = message("postal_address_differs", address=found["address"])
    response = make_response(render_template("account/_postal_lookup.html", values=values, errors={}, note=note,
                                             prefectures=PREFECTURES))
    if found is not None:
        response.headers["HX-Trigger"] = json.dumps({"postal-found": {
            "code": found["postal_code"], "town": found["address"], "sent": values["address"]}})
    return response


# --- first login ------------------------------------------------------------------------------

NEXT_STEP = {"terms": "account.terms", "email": "account.email", "credentials": "account.credentials"}


def _after_setup_step():
    step = current_user.pending
    return redirect(url_for(NEXT_STEP[step]) if step else url_for("auth.root"))


@bp.route("/account/terms", methods=["GET", "POST"])
@login_required
def terms():
    form = TermsForm()
    errors = {}
    if form.validate_on_submit():
        try:
            account = registration.accept_terms(db.session(), actor(), bool(form.agree.data))
        except ValidationFailed as exc:
            errors = field_errors(exc)
        else:
            db.commit()
            current_user.refresh(account)
            return _after_setup_step()
    account = accounts.get_account(db.session(), current_user.account_id)
    return render_template("account/terms.html", form=form, errors=errors,
                           revised=registration.terms_revised(account)), (422 if errors else 200)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
def email():
    form = EmailTwiceForm()
    errors = {}
    changing = current_user.pending != "email"  # a verified address is being replaced
    if form.validate_on_submit():
        try:
            address = registration.request_email_verification(db.session(), actor(), form.email.data,
                                                              form.email_confirm.data, _link("account.verify"),
                                                              current_password=form.current_password.data)
        except (ValidationFailed, Throttled) as exc:
            errors = _refused_reauthentication(exc)
        else:
            db.commit()
            return render_template("account/mail_sent.html", address=address, purpose="verify", changing=changing)
    return render_template("account/email.html", form=form, errors=errors, changing=changing), \
        (422 if errors else 200)


def _refused_reauthentication(exc) -> dict[str, str]:
    """Roll back; a wrong current password is then recorded (it counts towards the account's lock)
    and committed. The errors to show, by field."""
    db.rollback()
    if isinstance(exc, Throttled):
        return {"current_password": message(exc.message_key, **exc.params)}
    if exc.fields.get("current_password", ("",))[0] == "wrong_password":
        accounts.record_password_failure(db.session(), current_user.login_id, request.remote_addr or "")
        db.commit()
    return field_errors(exc)


@bp.route("/account/verify/<token>")
def verify(token):
    try:
        account = registration.verify_email(db.session(), token)
    except LinkInvalid as exc:
        db.rollback()
        return _link_error(exc, "verify")
    db.commit()
    if current_user.is_authenticated and current_user.account_id == account.id:
        current_user.refresh(account)
    return render_template("account/verified.html", next_step=registration.pending_step(account))


@bp.route("/account")
@login_required
def settings():
    """アカウント設定: the login ID and the registered address, with the ways to change them."""
    return render_template("account/settings.html", account=registration.account_summary(db.session(), actor()))


@bp.route("/account/credentials", methods=["GET", "POST"])
@login_required
def credentials():
    form = ChangeCredentialsForm()
    forced = current_user.pending == "credentials"
    if request.method == "GET" and (not forced or current_user.role != "member"):
        # changing the password alone keeps the ID as it is; staff keep the ID chosen for them
        # (a member replaces the issued one at the first login)
        form.login_id.data = current_user.login_id
    errors = {}
    if form.validate_on_submit():
        try:
            account = registration.change_credentials(db.session(), actor(), {
                "current_password": form.current_password.data, "login_id": form.login_id.data,
                "password": form.password.data, "password_confirm": form.password_confirm.data})
        except (ValidationFailed, Throttled) as exc:
            errors = _refused_reauthentication(exc)
        else:
            # The epoch moved on: every other session has ended; this one continues, renewed.
            sid = accounts.start_login_session(db.session(), account)
            accounts.end_login_session(db.session(), current_user.sid)
            db.commit()
            clear_session()
            login_user(SessionUser(account, sid))
            if not forced:
                flash(translate("ログインID・パスワードを変更しました。"), "success")
                return redirect(url_for("account.settings"))
            return redirect(url_for("auth.root"))
    return render_template("account/credentials.html", form=form, errors=errors, forced=forced), \
        (422 if errors else 200)


# --- password reset ---------------------------------------------------------------------------

@bp.route("/password/forgot", methods=["GET", "POST"])
@answered_alike
def forgot_password():
    form = ForgotPasswordForm()
    done, _, errors = form_step.run(form, lambda f: registration.request_password_reset(
        db.session(), f.login_id.data, f.email.data, _link("account.reset_password")))
    if done:
        return render_template("account/mail_sent.html", address=None, purpose="reset")
    return render_template("account/forgot.html", form=form, errors=errors), (422 if errors else 200)


@bp.route("/login-id/forgot", methods=["GET", "POST"])
@answered_alike
def forgot_login_id():
    """ログインIDをお忘れの方: the login IDs registered with an address are mailed to it."""
    form = ForgotLoginIdForm()
    done, _, errors = form_step.run(form, lambda f: registration.remind_login_id(db.session(), f.email.data))
    if done:
        return render_template("account/mail_sent.html", address=None, purpose="login_id")
    return render_template("account/forgot_login_id.html", form=form, errors=errors), (422 if errors else 200)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    s = db.session()
    try:
        registration.check_reset_link(s, token)
    except LinkInvalid as exc:
        return _link_error(exc, "reset")
    form = ResetPasswordForm()
    errors = {}
    if form.validate_on_submit():
        try:
            registration.reset_password(s, token, form.password.data, form.password_confirm.data)
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
        except LinkInvalid as exc:
            db.rollback()
            return _link_error(exc, "reset")
        else:
            db.commit()
            return render_template("account/reset_done.html")
    return render_template("account/reset.html", form=form, errors=errors), (422 if errors else 200)
