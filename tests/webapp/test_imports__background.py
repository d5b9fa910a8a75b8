"""CSV imports written in the background (decision 0037): the screen checks the file and starts a
run; the run's page shows the outcome; the job writes every row or none, once, and records why it
could not; a lost job is queued again by the beat; the file is not kept once the run has ended."""

from __future__ import annotations

import datetime as dt
import io
import re

import sqlalchemy as sa

from membership import import_runs
from membership.db import utcnow
from membership.models import AuditEvent, ImportRun, Membership, Physician, UserAccount

from ..conftest import actor_for
from ..helpers import login_client as login
from .test_members__import_export import csv_bytes, numbers, text


def roster(registry, kana="トリコミ"):
    return csv_bytes([[n, "取込", "一郎", kana, "イチロウ", "1970-04-01", "男", "", "A-1", "2001-04-01"]
                      for n in registry])


def job(app, name):
    return app.extensions["celery"].tasks[f"webapp.jobs.{name}"]


def count_of(session, registry):
    return session.scalar(sa.select(sa.func.count()).select_from(Membership).join(
        Physician, Physician.id == Membership.physician_id).where(Physician.registry_number.in_(registry)))


def test_the_screen_starts_a_run_whose_page_shows_what_was_written(app, session):
    registry = numbers(3)
    client = login(app, "staff@otaru")
    r = client.post("/members/import", data={"action": "import", "file": (io.BytesIO(roster(registry)), "名簿.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 302 and "/imports/" in r.headers["Location"]
    run_id = int(r.headers["Location"].rsplit("/", 1)[1])
    page = text(client.get(r.headers["Location"]))
    assert "会員データの取込み" in page and "名簿.csv" in page
    assert 'id="import-created">3<' in page and "取り込みました" in page
    assert "hx-get" not in page  # ended: nothing to poll
    assert client.get(f"/imports/{run_id}/progress").status_code == 286
    assert count_of(session, registry) == 3
    run = session.get(ImportRun, run_id)
    assert (run.status, run.rows, run.created, run.content) == ("done", 3, 3, None)  # the file is not kept
    assert session.scalar(sa.select(AuditEvent.detail).where(
        AuditEvent.action == "members.import", AuditEvent.object_id == run.association_id)
        .order_by(AuditEvent.id.desc()).limit(1))["created"] == 3
    listing = text(client.get("/members/import"))
    assert f"/imports/{run_id}" in listing and "名簿.csv" in listing  # recent imports on the screen

    # the same file again: every row is a member already, nothing changes, and the page says so
    r = client.post("/members/import", data={"action": "import", "file": (io.BytesIO(roster(registry)), "名簿.csv")},
                    content_type="multipart/form-data")
    page = text(client.get(r.headers["Location"]))
    assert 'id="import-created">0<' in page and "登録済みの行は変更していません: 3" in page
    assert count_of(session, registry) == 3


def test_a_file_with_bad_rows_starts_no_run(app, session):
    client = login(app, "staff@otaru")
    bad = csv_bytes([[numbers(1)[0], "取込", "一郎", "とりこみ?", "イチロウ", "1970-04-01", "男", "", "Z-9",
                      "2001-04-01"]])
    before = session.scalar(sa.select(sa.func.count()).select_from(ImportRun))
    r = client.post("/members/import", data={"action": "import", "file": (io.BytesIO(bad), "m.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 422 and "何も登録されていません" in text(r) and 'id="bad-rows">1<' in text(r)
    assert session.scalar(sa.select(sa.func.count()).select_from(ImportRun)) == before


def test_rows_that_went_bad_before_the_job_fail_the_run_whole_and_its_page_lists_them(app, session):
    """Checked good, then another import registered one of the numbers with another フリガナ before
    the job ran: the job writes nothing and the page names the line."""
    registry = numbers(2)
    with app.app_context():
        run = import_runs.start(session, actor_for(session, "staff@otaru"), "members", "m.csv", roster(registry))
        other = import_runs.start(session, actor_for(session, "staff@bunkyo"), "members", "b.csv",
                                  csv_bytes([[registry[1], "別人", "次郎", "ベツジン", "ジロウ", "1980-01-01", "男", "",
                                              "A-1", "2020-04-01"]]))
        session.flush()
        job(app, "import_csv")(other.id)
        job(app, "import_csv")(run.id)
    session.expire_all()
    failed = session.get(ImportRun, run.id)
    assert (failed.status, failed.created, failed.content) == ("failed", 0, None)
    assert count_of(session, registry[:1]) == 0  # the good row was not written either
    page = text(login(app, "staff@otaru").get(f"/imports/{run.id}"))
    assert "取り込めませんでした。何も登録されていません。" in page and "1行に誤りがあるため" in page
    assert 'id="import-errors"' in page and "<td>3</td>" in page and "フリガナ・生年月日が一致しません" in page


def test_an_account_disabled_before_the_job_writes_nothing(app, session):
    registry = numbers(1)
    staff = actor_for(session, "staff@otaru")
    run = import_runs.start(session, staff, "members", "m.csv", roster(registry))
    session.get(UserAccount, staff.user_id).is_active = False
    session.flush()
    with app.app_context():
        job(app, "import_csv")(run.id)
    session.expire_all()
    assert session.get(ImportRun, run.id).status == "failed" and count_of(session, registry) == 0
    assert session.get(ImportRun, run.id).error["code"] == "forbidden"


def test_a_job_delivered_twice_writes_once(app, session):
    registry = numbers(2)
    run = import_runs.start(session, actor_for(session, "staff@otaru"), "members", "m.csv", roster(registry))
    session.flush()
    with app.app_context():
        job(app, "import_csv")(run.id)
        job(app, "import_csv")(run.id)
    session.expire_all()
    assert session.get(ImportRun, run.id).created == 2 and count_of(session, registry) == 2
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "members.import", AuditEvent.at >= session.get(ImportRun, run.id).created_at)) == 1


def test_a_run_whose_job_was_lost_is_queued_again_by_the_beat_and_its_page_says_it_is_not_moving(app, session):
    registry = numbers(1)
    run = import_runs.start(session, actor_for(session, "staff@otaru"), "members", "m.csv", roster(registry))
    session.flush()
    client = login(app, "staff@otaru")
    page = text(client.get(f"/imports/{run.id}"))
    assert "待機中" in page and f'hx-get="/imports/{run.id}/progress"' in page and "import-stalled" not in page
    assert 'id="import-live" class="visually-hidden" role="status">待機中' in page and "aria-live" not in page
    assert client.get(f"/imports/{run.id}/progress").status_code == 200  # keep asking
    run.updated_at = utcnow() - import_runs.STALE_AFTER - dt.timedelta(seconds=1)
    session.flush()
    assert 'id="import-stalled"' in text(client.get(f"/imports/{run.id}"))
    with app.app_context():
        assert job(app, "resume_import_runs")() >= 1
    session.expire_all()
    assert session.get(ImportRun, run.id).status == "done" and count_of(session, registry) == 1


def test_admin_imports_go_through_runs_too(app, session):
    """認定証・単位・保険のデータ取込み: the same run page, with its own heading."""
    header = "医籍登録番号,種類,加入状況,加入日\n"
    physician = session.scalar(sa.select(Physician).join(UserAccount, UserAccount.physician_id == Physician.id)
                               .where(UserAccount.login_id == "nichiitaro"))
    physician.registry_number = numbers(1)[0]
    session.flush()
    admin = login(app, "admin001")
    r = admin.post("/admin/benefits/import", data={"action": "import", "file": (io.BytesIO(
        (header + f"{physician.registry_number},pension,加入,2020-04-01\n").encode()), "b.csv")})
    assert r.status_code == 302, text(r)
    page = text(admin.get(r.headers["Location"]))
    assert "保険・年金データの取込み" in page and 'id="import-created">1<' in page
    assert login(app, "staff@otaru").get(r.headers["Location"]).status_code == 404



def test_a_clean_dry_run_is_confirmed_without_choosing_the_file_again(app, session):
    registry = numbers(2)
    client = login(app, "staff@otaru")
    r = client.post("/members/import", data={"action": "check", "file": (io.BytesIO(roster(registry)), "確認.csv")},
                    content_type="multipart/form-data")
    page = text(r)
    assert 'id="good-rows">2<' in page and 'id="confirm-import"' in page and "確認.csv" in page
    run_id = int(re.search(r'action="/imports/(\d+)/confirm"', page).group(1))
    assert session.get(ImportRun, run_id).status == "checked" and count_of(session, registry) == 0
    assert f"/imports/{run_id}\"" not in text(client.get("/members/import"))  # a dry run is not listed
    # another clerk of the office may look, but only the one who checked it confirms it
    assert login(app, "staff@bunkyo").post(f"/imports/{run_id}/confirm").status_code == 404
    r = client.post(f"/imports/{run_id}/confirm")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/imports/{run_id}")
    assert 'id="import-created">2<' in text(client.get(r.headers["Location"])) and count_of(session, registry) == 2
    again = client.post(f"/imports/{run_id}/confirm", follow_redirects=True)
    assert "開始済み" in text(again) and count_of(session, registry) == 2


def test_a_dry_run_with_bad_rows_keeps_no_file_and_an_unconfirmed_one_is_purged_after_a_day(app, session):
    before = session.scalar(sa.select(sa.func.count()).select_from(ImportRun))
    bad = csv_bytes([[numbers(1)[0], "取込", "一郎", "とりこみ?", "イチロウ", "1970-04-01", "男", "", "A-1",
                      "2001-04-01"]])
    page = text(login(app, "staff@otaru").post("/members/import", data={
        "action": "check", "file": (io.BytesIO(bad), "m.csv")}, content_type="multipart/form-data"))
    assert 'id="bad-rows">1<' in page and "confirm-import" not in page
    assert session.scalar(sa.select(sa.func.count()).select_from(ImportRun)) == before
    _clean, _problems, run = import_runs.dry_run(session, actor_for(session, "staff@otaru"), "members", "m.csv",
                                                  roster(numbers(1)))
    _clean, _problems, fresh = import_runs.dry_run(session, actor_for(session, "staff@otaru"), "members", "n.csv",
                                          roster(numbers(1)))
    run.updated_at = utcnow() - import_runs.CHECKED_KEPT - dt.timedelta(minutes=1)
    session.flush()
    old_id = run.id
    with app.app_context():
        job(app, "purge_drafts")()
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(ImportRun).where(ImportRun.id == old_id)) == 0
    assert session.get(ImportRun, fresh.id).status == "checked"
    with app.app_context():  # a checked run is not written by a stray job
        job(app, "import_csv")(fresh.id)
    session.expire_all()
    assert session.get(ImportRun, fresh.id).status == "checked"


def test_a_file_over_the_databases_row_cap_is_refused_naming_it(app, session, monkeypatch):
    """50,000 rows on PostgreSQL; on SQLite, whose one writer holds the whole database while an
    import is written, 10,000 (the cap is shrunk here to keep the file small)."""
    from membership import imports

    monkeypatch.setattr(imports, "SQLITE_MAX_ROWS", 3)
    monkeypatch.setattr(imports, "MAX_ROWS", 5)
    postgres = session.get_bind().dialect.name == "postgresql"
    cap = 5 if postgres else 3
    assert imports.row_cap(session, imports.MAX_ROWS) == cap
    client = login(app, "staff@otaru")
    for rows, refused in ((cap, False), (cap + 1, True)):
        r = client.post("/members/import", data={"action": "check", "file": (io.BytesIO(roster(numbers(rows))),
                                                                               "m.csv")},
                        content_type="multipart/form-data")
        assert (r.status_code == 422 and f"{cap}件まで" in text(r)) is refused, (rows, text(r)[:200])


def test_a_file_missing_columns_names_them_as_each_language_lists_them(app, session):
    client = login(app, "staff@otaru")
    lacking = "医籍登録番号,姓,名\n123456,取込,一郎\n".encode()
    for lang, listed in (("ja", "セイ、メイ、生年月日"), ("en", "セイ, メイ, 生年月日")):
        r = client.post(f"/members/import?lang={lang}", data={"action": "check", "file": (io.BytesIO(lacking),
                                                                                           "m.csv")},
                        content_type="multipart/form-data")
        assert r.status_code == 422 and listed in text(r), lang
