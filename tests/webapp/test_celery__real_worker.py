"""A real `celery worker` process, fed through the Redis on 127.0.0.1:6379, sends a queued mail."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from sqlalchemy.orm import Session

from membership import notifications
from membership.models import Notification

from ..conftest import IN_CI, ROOT

pytestmark = pytest.mark.commits
REDIS_URL = os.environ.get("MAMIS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError:
        if IN_CI:
            pytest.fail("Redis on 127.0.0.1:6379 is required in CI (run tools/start_services.sh)")
        pytest.skip("Redis on 127.0.0.1:6379 is not running")
    return REDIS_URL


@pytest.fixture
def worker(database_url, redis_url, tmp_path, app):
    """A `celery worker` process on its own queue, and a producer app that sends to it."""
    queue = f"mamis-test-{uuid.uuid4().hex[:8]}"
    outbox = tmp_path / "outbox"
    env = {**os.environ, "MAMIS_DATABASE_URL": database_url, "MAMIS_BROKER_URL": redis_url,
           "MAMIS_CELERY_QUEUE": queue, "MAMIS_OUTBOX_DIR": str(outbox), "MAMIS_SECRET_KEY": "worker-test"}
    celery_bin = Path(sys.executable).with_name("celery")
    process = subprocess.Popen(
        [str(celery_bin), "-A", "webapp.worker", "worker", "--pool=solo", "--concurrency=1", "-Q", queue,
         "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    from webapp import create_app

    producer = create_app({"DATABASE_URL": database_url, "BROKER_URL": redis_url, "CELERY_QUEUE": queue,
                           "OUTBOX_DIR": str(outbox), "SECRET_KEY": "producer"})
    handle = {"process": process, "producer": producer, "outbox": outbox, "log": ""}
    try:
        yield handle
    finally:
        producer.extensions["mamis_db"].engine.dispose()
        app.extensions["celery"].set_default()  # the producer made itself the default Celery app
        process.terminate()
        try:
            out, _ = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            out, _ = process.communicate()
        handle["log"] = out


def wait_for(worker, check, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        assert worker["process"].poll() is None, worker["process"].stdout.read()
        time.sleep(0.3)
    return False


def test_mail_job_runs_in_a_real_worker(worker):
    from webapp.jobs import dispatch_notifications

    producer = worker["producer"]
    engine = producer.extensions["mamis_db"].engine
    with Session(engine) as s:
        notifications.queue(s, "worker-test@example.jp", "【MAMIS】ワーカー試験", "本文です。")
        s.commit()
        ids = notifications.take_pending(s)
    assert len(ids) == 1
    note_id = ids[0]
    with producer.app_context():
        dispatch_notifications(ids)
        dispatch_notifications(ids)  # delivered twice: the second must be a no-op

    def sent():
        with Session(engine) as s:
            return s.get(Notification, note_id).status == "sent"

    assert wait_for(worker, sent)
    files = list(worker["outbox"].glob("*.eml"))
    assert [f.name for f in files] == [f"{note_id:08d}.eml"]
    assert "worker-test@example.jp" in files[0].read_text()


def test_a_bulk_run_is_worked_by_a_real_worker(worker):
    """The board meeting's approvals leave the request at once; the worker works them, and the
    mail the approvals queue goes out from there."""
    from engine import bulk as runs
    from engine.models import BulkRun, HumanTask
    from webapp import bulk

    from ..conftest import actor_for, new_member
    from ..helpers import file_enrolment, open_task_for

    producer = worker["producer"]
    engine = producer.extensions["mamis_db"].engine
    with Session(engine, expire_on_commit=False) as s:
        staff = actor_for(s, "staff@otaru")
        ids = [open_task_for(s, staff, file_enrolment(s, new_member(s, "bulkwk"), [("otaru", "A-1")]).id).id
               for _ in range(2)]
        run = runs.start(s, staff, [*ids, 999999], "approve", "理事会")
        s.commit()
    with producer.app_context():
        bulk.enqueue(run.id)

    def finished():
        with Session(engine) as s:
            return s.get(BulkRun, run.id).status == "finished"

    assert wait_for(worker, finished)
    with Session(engine) as s:
        done = s.get(BulkRun, run.id)
        assert (done.succeeded, done.failed) == (2, 1)
        assert {s.get(HumanTask, t).status for t in ids} == {"completed"}


def test_a_member_import_is_written_by_a_real_worker(worker):
    """データ取込み leaves the request once the file is checked; the worker writes every row, and
    a second delivery of the job writes nothing more."""
    import sqlalchemy as sa

    from membership import import_runs
    from membership.models import ImportRun, Physician
    from webapp import imports

    from ..conftest import actor_for
    from .test_members__import_export import csv_bytes, numbers

    producer = worker["producer"]
    engine = producer.extensions["mamis_db"].engine
    registry = numbers(3)
    raw = csv_bytes([[n, "取込", "一郎", "トリコミ", "イチロウ", "1970-04-01", "男", "", "A-1", "2001-04-01"]
                     for n in registry])
    with Session(engine, expire_on_commit=False) as s:
        run = import_runs.start(s, actor_for(s, "staff@otaru"), "members", "roster.csv", raw)
        s.commit()
    with producer.app_context():
        imports.enqueue(run.id)
        imports.enqueue(run.id)  # delivered twice

    def ended():
        with Session(engine) as s:
            return s.get(ImportRun, run.id).status in import_runs.ENDED

    assert wait_for(worker, ended)
    time.sleep(1)  # the second delivery has had its turn
    with Session(engine) as s:
        done = s.get(ImportRun, run.id)
        assert (done.status, done.created, done.content) == ("done", 3, None)
        assert s.scalar(sa.select(sa.func.count()).select_from(Physician)
                        .where(Physician.registry_number.in_(registry))) == 3
