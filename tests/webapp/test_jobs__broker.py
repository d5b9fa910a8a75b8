"""A broker that accepts connections and never answers (a stuck Redis, a network partition) holds a
request that queues mail for seconds, once — not for ever — and what was not queued waits in the
database for the beat's flush job."""

from __future__ import annotations

import socket
import threading
import time

from webapp import jobs


class Silent:
    """A TCP listener that accepts every connection and never says a word."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self):
        for conn in self.accepted:
            conn.close()
        self.sock.close()


def test_a_broker_that_never_answers_holds_a_request_once_for_seconds(app, database_url, tmp_path, monkeypatch):
    from webapp import create_app

    silent = Silent()
    producer = create_app({"DATABASE_URL": database_url, "BROKER_URL": f"redis://127.0.0.1:{silent.port}/0",
                           "OUTBOX_DIR": str(tmp_path), "SECRET_KEY": "producer", "EMBEDDED_BEAT": False})
    monkeypatch.setattr(jobs, "_broker_failed_at", None)
    done = []

    def dispatch():
        with producer.app_context():
            jobs.dispatch_notifications([101, 102, 103])
            done.append(time.monotonic())

    try:
        thread = threading.Thread(target=dispatch, daemon=True)
        thread.start()
        thread.join(60)
        assert done, "the request hung on the broker"
        assert jobs._broker_failed_at is not None
        # the next requests of this process queue nothing for a while: they do not wait again
        connections = len(silent.accepted)
        with producer.app_context():
            task = producer.extensions["celery"].tasks[jobs.send_notification.name]
            assert jobs.queue_job(task, 104) is False
        assert len(silent.accepted) == connections
        # after the rest, it is tried again
        monkeypatch.setattr(jobs, "_broker_failed_at", time.monotonic() - jobs.BROKER_REST_SECONDS - 1)
        thread = threading.Thread(target=dispatch, daemon=True)
        thread.start()
        thread.join(60)
        assert len(done) == 2 and len(silent.accepted) > connections
    finally:
        silent.close()
        producer.extensions["mamis_db"].engine.dispose()
        app.extensions["celery"].set_default()
