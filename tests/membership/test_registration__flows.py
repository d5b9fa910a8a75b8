"""Self-registration, first login with issued credentials and password reset, as use cases."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
import sqlalchemy as sa

from membership import accounts, registration, tokens
from membership.errors import AuthenticationFailed, Forbidden, LinkInvalid, NotFound, ValidationFailed
from membership.models import Notification, OneTimeToken, Physician, UserAccount

from ..conftest import actor_for, new_member


def link(token: str) -> str:
    return f"https://mamis.example/t/{token}"


def mailed_token(s, address: str) -> str:
    note = s.scalars(sa.select(Notification).where(Notification.to_address == address)
                     .order_by(Notification.id.desc())).first()
    assert note is not None, f"no mail to {address}"
    return re.search(r"https://mamis\.example/t/(\S+)", note.body).group(1)


def profile(**over) -> dict:
    number = f"{uuid.uuid4().int % 1_000_000:06d}"
    data = {
        "login_id": f"reg{uuid.uuid4().hex[:8]}", "password": "Mamis#2024", "password_confirm": "Mamis#2024",
        "registry_number": number, "registry_date": "1998-05-01",
        "family_kana": "にちい", "given_kana": "ﾀﾛｳ", "family_name": "日医", "given_name": "太郎",
        "postal_code": "１１３８６２１", "prefecture": "東京都", "address": "文京区本駒込2-28-16",
        "mobile": "090-1234-5678", "birth_date": "1970/4/1", "sex": "M", "main_department": "01",
        "alma_mater": "札幌医科大学", "graduated_on": "1996-03", "societies": ["日本内科学会"],
    }
    data.update(over)
    return data


@pytest.mark.parametrize(("change", "field", "key"), [
    ({"birth_date": "2020-04-01"}, "birth_date", "too_young"),
    ({"registry_date": "1960-01-01"}, "registry_date", "too_soon_after_birth"),
    ({"graduated_on": "1960-03"}, "graduated_on", "too_soon_after_birth"),
    ({"graduated_on": "2010-03"}, "registry_date", "before_other_field"),
    ({"doctorate_on": "1980-03"}, "doctorate_on", "too_soon_after_birth"),
    ({"postal_code": "060-0001"}, "prefecture", "postal_prefecture_mismatch"),  # 札幌 with 東京都
])
def test_a_profile_whose_dates_cannot_all_be_true_is_refused_naming_the_field(session, change, field, key):
    with pytest.raises(ValidationFailed) as refused:
        registration.validate_profile(session, profile(**change))
    assert refused.value.fields[field][0] == key, refused.value.fields


def test_self_registration_creates_a_physician_and_a_member_account(session):
    address = f"new{uuid.uuid4().hex[:6]}@example.jp"
    registration.start_registration(session, address, address.upper(), True, link)
    token = mailed_token(session, address)
    assert registration.registration_email(session, token) == address
    data = profile()
    account = registration.complete_registration(session, token, data)
    physician = session.get(Physician, account.physician_id)
    assert (physician.family_kana, physician.given_kana, physician.postal_code) == ("ニチイ", "タロウ", "113-8621")
    assert physician.birth_date == dt.date(1970, 4, 1) and physician.email == address
    assert account.role == "member" and registration.pending_step(account) is None
    assert account.terms_version == registration.TERMS_VERSION and account.terms_accepted_at is not None
    assert accounts.authenticate(session, data["login_id"], "Mamis#2024").id == account.id
    assert "利用者登録が完了しました" in session.scalars(sa.select(Notification.subject).where(
        Notification.to_address == address).order_by(Notification.id)).all()[-1]
    with pytest.raises(LinkInvalid) as used:  # the link works once
        registration.complete_registration(session, token, profile())
    assert used.value.message_key == "link_used"


def test_registration_needs_the_terms_and_the_same_address_twice(session):
    with pytest.raises(ValidationFailed) as no_terms:
        registration.start_registration(session, "a@example.jp", "a@example.jp", False, link)
    assert "agree" in no_terms.value.fields
    with pytest.raises(ValidationFailed) as differ:
        registration.start_registration(session, "a@example.jp", "b@example.jp", True, link)
    assert differ.value.fields == {"email_confirm": ("emails_differ", {})}


def test_a_bad_profile_names_every_bad_field_and_stores_nothing(session):
    address = f"bad{uuid.uuid4().hex[:6]}@example.jp"
    registration.start_registration(session, address, address, True, link)
    token = mailed_token(session, address)
    before = session.scalar(sa.select(sa.func.count()).select_from(Physician))
    with pytest.raises(ValidationFailed) as caught:
        registration.complete_registration(session, token, profile(
            login_id="short", password="password", registry_number="12345", family_kana="日医",
            postal_code="113-86", mobile="", sex="X"))
    assert set(caught.value.fields) == {"login_id", "password", "registry_number", "family_kana", "postal_code",
                                        "mobile", "sex"}
    assert session.scalar(sa.select(sa.func.count()).select_from(Physician)) == before
    registration.registration_email(session, token)  # the link still works after a rejected form


def test_tampered_and_expired_links_are_refused(session):
    with pytest.raises(LinkInvalid) as bad:
        registration.registration_email(session, "not-a-token")
    assert bad.value.message_key == "link_invalid"
    token = tokens.issue(session, "register", email="x@example.jp")
    row = session.scalar(sa.select(OneTimeToken).where(OneTimeToken.token_hash == tokens.digest(token)))
    row.expires_at = dt.datetime(2000, 1, 1)
    session.flush()
    with pytest.raises(LinkInvalid) as expired:
        registration.registration_email(session, token)
    assert expired.value.message_key == "link_expired"


def test_first_login_with_issued_credentials_walks_terms_email_and_a_forced_change(session):
    member = new_member(session)
    staff = actor_for(session, "staff@otaru")
    with pytest.raises(NotFound):  # not a member of otaru
        registration.issue_credentials(session, staff, member.physician_id)
    admin = actor_for(session, "admin001")
    account, temporary = registration.issue_credentials(session, admin, member.physician_id)
    issued_id = account.login_id
    assert accounts.authenticate(session, issued_id, temporary).id == member.user_id
    assert registration.pending_step(account) == "terms"
    me = actor_for(session, issued_id)
    registration.accept_terms(session, me, True)
    assert registration.pending_step(account) == "email"
    address = f"first{uuid.uuid4().hex[:6]}@example.jp"
    registration.request_email_verification(session, me, address, address, link)
    registration.verify_email(session, mailed_token(session, address))
    assert account.email == address and registration.pending_step(account) == "credentials"
    with pytest.raises(ValidationFailed) as same:
        registration.change_credentials(session, me, {"current_password": temporary, "login_id": issued_id,
                                                      "password": temporary, "password_confirm": temporary})
    assert set(same.value.fields) == {"login_id", "password"}
    epoch = account.auth_epoch
    registration.change_credentials(session, me, {"current_password": temporary, "login_id": "nichii#new1",
                                                  "password": "New#pass99", "password_confirm": "New#pass99"})
    assert registration.pending_step(account) is None and account.auth_epoch == epoch + 1
    assert accounts.authenticate(session, "nichii#new1", "New#pass99").id == member.user_id
    with pytest.raises(AuthenticationFailed):
        accounts.authenticate(session, issued_id, temporary)


def test_password_reset_link_works_once_within_24_hours(session):
    member = new_member(session)
    account = session.get(UserAccount, member.user_id)
    registration.request_password_reset(session, account.login_id, "someone@else.jp", link)
    assert session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.to_address == "someone@else.jp")) == 0  # unmatched: nothing sent, same answer
    registration.request_password_reset(session, account.login_id, account.email.upper(), link)
    token = mailed_token(session, account.email)
    row = session.scalar(sa.select(OneTimeToken).where(OneTimeToken.token_hash == tokens.digest(token)))
    assert dt.timedelta(hours=23) < row.expires_at - row.created_at <= dt.timedelta(hours=24)
    with pytest.raises(ValidationFailed):
        registration.reset_password(session, token, "weak", "weak")
    epoch = account.auth_epoch
    registration.reset_password(session, token, "Reset#2025", "Reset#2025")
    assert account.auth_epoch == epoch + 1
    assert accounts.authenticate(session, account.login_id, "Reset#2025").id == account.id
    with pytest.raises(LinkInvalid):
        registration.reset_password(session, token, "Again#2025", "Again#2025")


def test_only_an_admin_disables_an_account_and_its_data_stays(session):
    member = new_member(session)
    with pytest.raises(Forbidden):
        registration.disable_account(session, actor_for(session, "staff@otaru"), member.user_id, "死亡")
    registration.disable_account(session, actor_for(session, "admin001"), member.user_id, "死亡（利用規約第8条）")
    account = session.get(UserAccount, member.user_id)
    with pytest.raises(AuthenticationFailed):
        accounts.authenticate(session, account.login_id, "Mamis#2024")
    assert session.get(Physician, member.physician_id) is not None


def test_free_text_the_seed_asks_in_full_width_is_stored_in_full_width():
    """出身校・大学院学部・所属学会 are 全角 (seed 002): what is typed in half width is converted."""
    from membership import fields

    assert fields.school("Harvard Medical School") == "Ｈａｒｖａｒｄ\u3000Ｍｅｄｉｃａｌ\u3000Ｓｃｈｏｏｌ"
    assert fields.school("札幌医科大学") == "札幌医科大学"  # from the list, as it is
    assert fields.zenkaku("Faculty of Medicine 2", 100) == "Ｆａｃｕｌｔｙ\u3000ｏｆ\u3000Ｍｅｄｉｃｉｎｅ\u3000２"
    typed = fields.societies(["Japan Society of X", "日本小児科学会"])
    assert typed == ["Ｊａｐａｎ\u3000Ｓｏｃｉｅｔｙ\u3000ｏｆ\u3000Ｘ", "日本小児科学会"]
    with pytest.raises(fields.FieldError):
        fields.school("x" * 31)  # 31 characters once converted: more than 30


def test_jma_years_count_full_years_of_the_current_jma_membership():
    import datetime as dt
    from types import SimpleNamespace

    from membership.memberships import jma_years

    today = dt.date(2026, 11, 30)
    jma = SimpleNamespace(layer=1, status="active", since=dt.date(2006, 12, 1))
    local = SimpleNamespace(layer=3, status="active", since=dt.date(1990, 4, 1))
    assert jma_years([jma, local], today) == 19  # a day short of 20
    assert jma_years([SimpleNamespace(layer=1, status="active", since=dt.date(2006, 11, 30))], today) == 20
    assert jma_years([local], today) is None  # not a JMA member
    assert jma_years([SimpleNamespace(layer=1, status="ended", since=dt.date(2000, 1, 1))], today) is None
    assert jma_years([SimpleNamespace(layer=1, status="active", since=dt.date(2027, 4, 1))], today) is None  # 入会予定


def test_a_registry_number_already_on_file_says_how_to_get_in(session):
    """A member who self-registers by mistake is pointed to the posted notice, the login-ID
    reminder and the office, not left at "already registered"."""
    from membership import messages

    taken = session.scalar(sa.select(Physician.registry_number).where(Physician.registry_number.is_not(None)).limit(1))
    with pytest.raises(ValidationFailed) as refused:
        registration.validate_profile(session, {"registry_number": taken})
    key, params = refused.value.fields["registry_number"]
    text = messages.render(key, "ja", field="registry_number", **params)
    assert "すでに登録されています" in text and "ID・パスワード通知" in text
    assert "ログインIDをお忘れの方はこちら" in text


def test_a_login_id_differing_only_in_case_is_taken(session):
    """Login IDs are one in any case (docs/accounts.md): an administrator cannot add ADMIN001 beside
    admin001, nor Staff@Sapporo beside staff@sapporo."""
    import pytest

    from membership import accounts
    from membership.errors import ValidationFailed

    for login_id, role, code in (("ADMIN001", "admin", None), ("Staff@Sapporo", "secretariat", "sapporo")):
        with pytest.raises(ValidationFailed) as refused:
            accounts.create_user(session, login_id, "Mamis#2024", role, association_code=code)
        assert refused.value.fields["login_id"][0] == "login_id_taken"


def test_registration_mails_to_one_address_are_limited(session):
    """The form sent in a loop (by anyone, for any address) mails that address three times in a
    quarter of an hour, then no more — for a new address and for one that has an account."""
    from membership import audit
    from membership.models import UserAccount

    def mails_to(address):
        return session.scalar(sa.select(sa.func.count()).select_from(Notification)
                              .where(Notification.to_address == address))

    address = f"flood{uuid.uuid4().hex[:6]}@example.jp"
    for _ in range(8):
        assert registration.start_registration(session, address, address, True, link) == address
    assert mails_to(address) == registration.MAILS_PER_ADDRESS
    taro = session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "nichiitaro"))
    before = mails_to(taro.email)
    for _ in range(6):
        registration.start_registration(session, taro.email, taro.email, True, link)
    audit.flush(session)
    assert mails_to(taro.email) - before == registration.MAILS_PER_ADDRESS


def test_every_demo_physicians_registered_data_passes_the_profile_check(session):
    """A demo member who opens 登録情報 and saves it unchanged is not told their own dates are wrong."""
    from membership import profiles

    for physician in session.scalars(sa.select(Physician).join(UserAccount, UserAccount.physician_id == Physician.id)
                                     .where(Physician.registry_date.is_not(None))):
        data = {k: ("" if v is None else v.isoformat() if hasattr(v, "isoformat") else v)
                for k, v in profiles.profile_dict(physician).items()}
        registration.validate_profile(session, data, physician.id)
