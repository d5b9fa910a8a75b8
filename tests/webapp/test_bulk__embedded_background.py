"""Without a broker (the embedded default) a bulk run (or a CSV import) is worked on a thread of the web process:
the request that starts it answers at once and the run's page follows it, as with a worker."""

from __future__ import annotations

import io
import threading
import time

import pytest
from sqlalchemy.orm import Session

from engine.models import BulkRun, HumanTask
from webapp import bulk

from ..conftest import actor_for, new_member
from ..helpers import file_enrolment, login_client, open_task_for

pytestmark = pytest.mark.commits


def test_the_request_answers_before_the_run_is_worked_and_the_page_follows_it(app, db_engine, monkeypatch):
    with Session(db_engine, expire_on_commit=False) as s:
        staff = actor_for(s, "staff@chuoeast")
        ids = [open_task_for(s, staff, file_enrolment(s, new_member(s, "bgrun")).id).id for _ in range(2)]
        s.commit()
    monkeypatch.setitem(app.config, "EMBEDDED_BACKGROUND", True)
    gate, real_work, threads = threading.Event(), bulk.work, []

    def held_work(run_id):  # the worker thread waits until the test has seen the page
        threads.append(threading.current_thread().name)
        assert gate.wait(30)
        real_work(run_id)

    monkeypatch.setattr(bulk, "work", held_work)
    client = login_client(app, "staff@chuoeast")
    r = client.post("/inbox/bulk", data={"task_ids": [str(i) for i in ids], "scope": "selected",
                                         "comment": "理事会（背景処理）"})
    assert r.status_code == 302
    run_id = int(r.headers["Location"].rsplit("/", 1)[1])
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "一括承認を開始しました" in page and "待機中" in page
    # one short sentence is the live region, outside what is redrawn; the controls keep the focus (ids)
    assert 'id="bulk-live" class="visually-hidden" role="status">待機中: 処理済み 0 / 2' in page
    assert "aria-live" not in page and 'id="bulk-cancel"' in page and 'id="bulk-refresh"' in page
    polled = client.get(f"/inbox/bulk/{run_id}/progress", headers={"HX-Request": "true"})
    assert polled.status_code == 200  # still running: keep asking
    assert '<p id="bulk-live" hx-swap-oob="innerHTML">' in polled.get_data(as_text=True)

    gate.set()
    deadline = time.monotonic() + 30
    while (answer := client.get(f"/inbox/bulk/{run_id}/progress")).status_code != 286:
        assert time.monotonic() < deadline, "the run was not worked in the background"
        time.sleep(0.1)
    assert 'id="bulk-succeeded">2<' in answer.get_data(as_text=True)
    assert threads == [f"mamis-bulk-run-{run_id}"]
    with Session(db_engine) as s:
        assert [s.get(HumanTask, i).status for i in ids] == ["completed", "completed"]
        assert s.get(BulkRun, run_id).status == "finished"


def test_a_run_whose_thread_fails_stays_unfinished_for_the_beat_to_resume(app, db_engine, monkeypatch, caplog):
    with Session(db_engine, expire_on_commit=False) as s:
        staff = actor_for(s, "staff@chuoeast")
        task_id = open_task_for(s, staff, file_enrolment(s, new_member(s, "bgfail")).id).id
        s.commit()
    monkeypatch.setitem(app.config, "EMBEDDED_BACKGROUND", True)

    def broken(run_id):
        raise RuntimeError("database gone")

    monkeypatch.setattr(bulk, "work", broken)
    client = login_client(app, "staff@chuoeast")
    r = client.post("/inbox/bulk", data={"task_ids": [str(task_id)], "scope": "selected", "comment": ""})
    run_id = int(r.headers["Location"].rsplit("/", 1)[1])
    for thread in threading.enumerate():
        if thread.name == f"mamis-bulk-run-{run_id}":
            thread.join(30)
    assert f"bulk run {run_id} stopped" in caplog.text
    with Session(db_engine) as s:
        assert s.get(BulkRun, run_id).status not in ("finished", "cancelled")
        assert s.get(HumanTask, task_id).status == "open"
    monkeypatch.undo()  # the beat's resume, later: the run is worked where it stopped
    with app.app_context():
        bulk.work(run_id)
    with Session(db_engine) as s:
        assert s.get(BulkRun, run_id).status == "finished" and s.get(HumanTask, task_id).status == "completed"


def test_a_member_import_is_written_on_a_thread_and_its_page_follows_it(app, db_engine, monkeypatch):
    from membership.models import ImportRun
    from webapp import imports

    from .test_members__import_export import csv_bytes, numbers

    monkeypatch.setitem(app.config, "EMBEDDED_BACKGROUND", True)
    gate, real_work = threading.Event(), imports.work

    def held_work(run_id):
        assert gate.wait(30)
        real_work(run_id)

    monkeypatch.setattr(imports, "work", held_work)
    client = login_client(app, "staff@otaru")
    raw = csv_bytes([[n, "背景", "一郎", "ハイケイ", "イチロウ", "1970-04-01", "男", "", "A-1", "2001-04-01"]
                     for n in numbers(2)])
    r = client.post("/members/import", data={"action": "import", "file": (io.BytesIO(raw), "m.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    run_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert "待機中" in client.get(r.headers["Location"]).get_data(as_text=True)
    gate.set()
    deadline = time.monotonic() + 30
    while (answer := client.get(f"/imports/{run_id}/progress")).status_code != 286:
        assert time.monotonic() < deadline, "the import was not written in the background"
        time.sleep(0.1)
    assert 'id="import-created">2<' in answer.get_data(as_text=True)
    with Session(db_engine) as s:
        assert s.get(ImportRun, run_id).status == "done"
