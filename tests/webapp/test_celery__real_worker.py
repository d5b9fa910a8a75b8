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


def test_mail_job_runs_in_a_real_worker(database_url, redis_url, tmp_path, app):
    queue = f"mamis-test-{uuid.uuid4().hex[:8]}"
    outbox = tmp_path / "outbox"
    env = {**os.environ, "MAMIS_DATABASE_URL": database_url, "MAMIS_BROKER_URL": redis_url,
           "MAMIS_CELERY_QUEUE": queue, "MAMIS_OUTBOX_DIR": str(outbox), "MAMIS_SECRET_KEY": "worker-test"}
    celery_bin = Path(sys.executable).with_name("celery")
    worker = subprocess.Popen(
        [str(celery_bin), "-A", "webapp.worker", "worker", "--pool=solo", "--concurrency=1", "-Q", queue,
         "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        from webapp import create_app
        from webapp.jobs import dispatch_notifications

        producer = create_app({"DATABASE_URL": database_url, "BROKER_URL": redis_url, "CELERY_QUEUE": queue,
                               "OUTBOX_DIR": str(outbox), "SECRET_KEY": "producer"})
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
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            with Session(engine) as s:
                status = s.get(Notification, note_id).status
            if status == "sent":
                break
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.3)
        assert status == "sent"
        files = list(outbox.glob("*.eml"))
        assert [f.name for f in files] == [f"{note_id:08d}.eml"]
        assert "worker-test@example.jp" in files[0].read_text()
        engine.dispose()
    finally:
        app.extensions["celery"].set_default()  # the producer made itself the default Celery app
        worker.terminate()
        try:
            out, _ = worker.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            out, _ = worker.communicate()
    assert "webapp.jobs.send_notification" in out
