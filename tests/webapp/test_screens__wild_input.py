"""The screens never answer 500 to what a user (or a tampered form) sends: digits that are not
ASCII ("²", "①" pass str.isdigit), numbers of thousands of digits, CSV files with Mac line
endings or a field past the csv module's limit."""

from __future__ import annotations

import io

import sqlalchemy as sa

from membership.models import Physician

from ..helpers import login_client as login
from .test_members__import_export import csv_bytes, numbers

WILD = ("²", "①", "9" * 5000, "-1", "1.5")


def text(r):
    return r.get_data(as_text=True)


def test_inbox_numbers_that_are_not_numbers(app, session):
    client = login(app, "staff@chuoeast")
    csrf = client.get("/inbox").get_data(as_text=True).split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    for value in WILD:
        assert client.get(f"/inbox/counts?view=open&shown={value}").status_code == 200, value
        assert client.get(f"/inbox?holder={value}").status_code in (200, 422), value
        assert client.get(f"/inbox?applicant={value}").status_code == 200, value
        for url in ("/inbox/bulk", "/inbox/export"):
            r = client.post(url, data={"csrf_token": csrf, "task_ids": value, "decision": "approve"})
            assert r.status_code < 500, (url, value)
        assert client.post("/tasks/1/reassign", data={"csrf_token": csrf, "to_user_id": value,
                                                      "reason": "x"}).status_code < 500, value
        assert client.get(f"/admin/audit?object_id={value}").status_code < 500, value


def test_a_search_until_the_end_of_time_names_its_field_instead_of_overflowing(app, session, api):
    """"Until 9999-12-31" reads the day after it: every list refuses it naming the field (it was a
    400 naming nothing), on the screens and in the API."""
    admin = login(app, "admin001")
    for path in ("/inbox?view=all", "/members/changes?date_from=2026-01-01", "/admin/audit?x=1"):
        client = admin if path.startswith("/admin") else login(app, "staff@sapporo")
        r = client.get(f"{path}&date_to=9999-12-31")
        assert r.status_code == 422 and "2999/12/31までの日付" in text(r), (path, r.status_code)
    r = api("staff@sapporo").get("/api/v1/tasks?view=open&date_from=0001-01-01&date_to=9999-12-31")
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"date_from", "date_to"}


def test_a_date_of_thousands_of_digits_is_an_invalid_date(app, session):
    from forms.normalise import date_text

    assert date_text("9" * 5000 + "/01/01").startswith("999")  # returned cleaned, to be refused as a date
    assert date_text("２０２７／４／１") == "2027-04-01"


def test_a_member_import_reads_mac_line_endings_and_names_a_broken_line(app, session):
    a, b = numbers(2)
    rows = [[a, "改行", "一郎", "カイギョウ", "イチロウ", "1970-04-01", "男", "", "A-1", "2001-04-01"],
            [b, "改行", "二郎", "カイギョウ", "ジロウ", "1971-04-01", "男", "", "A-1", "2001-04-01"]]
    mac = csv_bytes(rows).replace(b"\r\n", b"\r")  # Excel for Mac: CR alone
    client = login(app, "staff@otaru")
    r = client.post("/members/import", data={"action": "import", "file": (io.BytesIO(mac), "mac.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 302, text(r)
    assert session.scalar(sa.select(sa.func.count()).select_from(Physician)
                          .where(Physician.registry_number.in_([a, b]))) == 2
    (c,) = numbers(1)
    huge = csv_bytes([[c, "長" * 200_000, "一郎", "ナガイ", "イチロウ", "1970-04-01", "男", "", "A-1", "2001-04-01"]])
    r = client.post("/members/import", data={"action": "check", "file": (io.BytesIO(huge), "huge.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 422 and "2行目をCSVとして読み取れません" in text(r)


def test_the_administrators_imports_name_a_broken_line(app, session):
    client = login(app, "admin001")
    broken = b"\xef\xbb\xbf" + ("医籍登録番号,x\r\n123456," + "長" * 200_000 + "\r\n").encode()
    for url in ("/admin/credits/import", "/admin/benefits/import", "/admin/certificates/import"):
        r = client.post(url, data={"action": "check", "file": (io.BytesIO(broken), "b.csv")},
                        content_type="multipart/form-data")
        assert r.status_code < 500, url
        assert "CSVとして読み取れません" in text(r) or "列がありません" in text(r) or "ありません" in text(r), url


def test_a_session_with_a_capacity_of_thousands_of_digits_is_refused_naming_it(app, session):
    from .test_screens__training_sessions import _file

    for capacity in ("9" * 5000, "-1", "1.5"):  # ("²" reads as 2, as full-width digits do)
        _, r = _file(app, capacity=capacity)
        assert r.status_code == 422 and "定員" in text(r), capacity


def test_an_attendance_csv_with_mac_line_endings_or_a_broken_line(app, session):
    import pytest

    from membership import training
    from membership.errors import ValidationFailed

    assert training.numbers_from_csv("医籍登録番号\r123456\r234567\r".encode()) == [(2, "123456"), (3, "234567")]
    with pytest.raises(ValidationFailed) as failed:
        training.numbers_from_csv(("123456\n" + '"' + "x" * 200_000 + "\n").encode())
    assert failed.value.fields["registry_file"] == ("csv_unreadable", {"line": 2})


def test_a_category_button_nobody_has_changes_nothing_and_claims_nothing(app, session):
    client = login(app, "staff@otaru")
    page = client.get("/associations/otaru/categories").get_data(as_text=True)
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    import re

    category_id = re.search(r'id="category-(\d+)"', page).group(1)
    r = client.post(f"/associations/otaru/categories/{category_id}", data={"csrf_token": csrf, "action": "bogus"})
    assert r.status_code == 400
    r = client.post(f"/associations/otaru/categories/{2**31 - 1}", data={"csrf_token": csrf, "action": "up"})
    assert r.status_code == 404


def test_an_unknown_designation_is_named_in_the_users_language(app, session):
    from ..conftest import new_member

    client = login(app, new_member(session, prefix="dsg").login_id)
    client.post("/apply/enrolment", data={"action": "next", "pref": "北海道", "city": "札幌市中央区",
                                          "layer4": "chuoeast", "layer3": "sapporo", "category-chuoeast": "A-1",
                                          "category-sapporo": "A-1"})
    r = client.post("/apply/enrolment/input", data={"action": "next", "designations": ["保険医", "x" * 10_000]})
    assert r.status_code == 422
    assert "指定医は一覧から選んでください" in text(r) and "x" * 100 not in text(r)


def test_inbox_filters_take_full_width_dates_and_name_a_wild_page(app, session):
    client = login(app, "staff@chuoeast")
    assert client.get("/inbox?date_from=２０２６／０１／０１").status_code == 200
    r = client.get("/inbox?page=" + "9" * 30)
    assert r.status_code == 422 and "ページ" in text(r)


def test_a_profile_date_of_ten_digits_names_the_field(app, session):
    from ..helpers import approved_member

    member, _ = approved_member(session, prefix="prf")
    client = login(app, member.login_id)
    page = client.get("/mypage/profile").get_data(as_text=True)
    assert 'name="birth_date"' in page
    r = client.post("/mypage/profile", data={"birth_date": "9999999999-01-01"})
    assert r.status_code in (200, 422) and "生年月日" in text(r)


def test_a_tampered_draft_revision_is_said_not_thrown(app, session):
    client = login(app, "designer01")
    page = client.get("/designer/processes").get_data(as_text=True)
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    for revision in ("", "abc", "²", "9" * 5000):
        r = client.post("/designer/processes/layer_review/deploy", data={"csrf_token": csrf, "revision": revision})
        assert r.status_code == 302, revision
        r = client.post("/designer/processes/layer_review/discard", data={"csrf_token": csrf, "revision": revision})
        assert r.status_code == 302, revision
    assert "バージョンの形式が正しくありません" in client.get("/designer/processes").get_data(as_text=True)


def test_an_unexpected_failure_says_nothing_was_saved_halfway(app, session, monkeypatch):
    """A 500 (a bug, the database gone) tells the user the step is all or nothing and what to do,
    on the screens and in the API, in the user's language."""
    from membership import members

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(members, "list_members", broken)
    r = login(app, "staff@otaru").get("/members")
    page = r.get_data(as_text=True)
    assert r.status_code == 500 and 'id="nothing-half-done"' in page and "途中まで保存されることはありません" in page
    assert "the database went away" not in page
    page = login(app, "staff@otaru").get("/members?lang=en").get_data(as_text=True)
    assert "Nothing is ever saved halfway" in page
    token = app.test_client().post("/api/v1/auth/token", json={"login_id": "staff@otaru", "password": "Mamis#2024"})
    r = app.test_client().get("/api/v1/members", headers={"Authorization": f"Bearer {token.get_json()['token']}",
                                                          "Accept-Language": "ja"})
    assert r.status_code == 500 and r.get_json()["error"]["code"] == "server_error"
    assert "途中まで保存されることはありません" in r.get_json()["error"]["message"]


def test_a_request_over_the_size_limit_gets_a_page_that_says_the_limit_and_the_way_back(app, monkeypatch):
    """The limit fits an enrolment into four associations with three 10 MB files each (SPEC §4); a
    request over it is refused before it is read, with a page naming the limit, not a bare error."""
    import io

    from ..helpers import login_client

    assert app.config["MAX_CONTENT_LENGTH"] >= 4 * 3 * 10 * 1024 * 1024
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    client = login_client(app, "staff@otaru")
    r = client.post("/members/import", data={"action": "check", "file": (io.BytesIO(b"x" * (2 * 1024 * 1024)),
                                                                        "big.csv")},
                    content_type="multipart/form-data", headers={"Referer": "http://localhost/members/import"})
    page = r.get_data(as_text=True)
    assert r.status_code == 413 and "合計1MBまで" in page and 'id="error-back"' in page
    assert 'href="http://localhost/members/import"' in page
    r = client.post("/members/import", data={"file": (io.BytesIO(b"x" * (2 * 1024 * 1024)), "big.csv")},
                    content_type="multipart/form-data", headers={"Referer": "http://elsewhere.example/x"})
    assert r.status_code == 413 and 'id="error-back"' not in r.get_data(as_text=True)  # not another site's
