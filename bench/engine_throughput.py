"""Engine throughput: N enrolments (start + 4 approvals each) through the use-case layer.

Runs on SQLite and on PostgreSQL (127.0.0.1:5432), and beside them the same workflow on plain
SpiffWorkflow with no database (parse once; each step deserializes the previous JSON, runs,
serializes again) as the baseline. Prints applications/s, per-operation median and p95, and the
ratio of the project's time per application to the baseline's.

    .venv/bin/python bench/engine_throughput.py [-n 200] [--only sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import PG_ADMIN, pct  # noqa: E402
from engine import flows, tasks  # noqa: E402
from engine.bootstrap import prepare_demo_database  # noqa: E402
from engine.script_engine import RestrictedScriptEngine, RunContext  # noqa: E402
from membership.actors import Actor  # noqa: E402
from membership.db import make_engine  # noqa: E402
from membership.physicians import register_physician  # noqa: E402

CHAIN = [("chuoeast", "A-1"), ("sapporo", "A-1"), ("hokkaido", "A"), ("jma", "A1")]


def report(label, per_app, ops):
    total = sum(per_app)
    print(f"{label:<22} {len(per_app) / total:8.1f} apps/s   {1000 * statistics.median(per_app):7.2f} ms/app (median)"
          f"   p95 {1000 * pct(per_app, 95):7.2f} ms")
    for name, values in ops.items():
        print(f"    {name:<18} median {1000 * statistics.median(values):6.2f} ms"
              f"   p95 {1000 * pct(values, 95):6.2f} ms")
    return statistics.median(per_app)


# --- baseline: plain SpiffWorkflow, no database ------------------------------------------------

class Baseline:
    """The same workflow on plain SpiffWorkflow, no database: parse once; every step deserializes
    the previous JSON, runs, and serializes again."""

    def __init__(self):
        parser = SpiffBpmnParser()
        parser.add_bpmn_files([str(ROOT / "processes/enrolment/enrolment.bpmn"),
                               str(ROOT / "processes/layer_review/layer_review.bpmn")])
        self.spec, self.subs = parser.get_spec("enrolment"), parser.get_subprocess_specs("enrolment")
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))

    @staticmethod
    def services():
        state = {"i": 0}

        def next_part(_s, _a, application_id):
            i = state["i"]
            state["i"] += 1
            return None if i >= len(CHAIN) else {"id": i, "association": CHAIN[i][0], "layer": 4 - i}

        def deadline(_s, _a, association, business_days):
            # the escalation timer's date; no office calendar without a database: calendar days
            return (dt.datetime.now(dt.UTC) + dt.timedelta(days=business_days * 7 // 5)).isoformat()

        noop = lambda *_a, **_k: True  # noqa: E731
        return {"application.next_part": next_part, "application.open_part": noop,
                "application.approve_part": noop, "application.reject_part": noop,
                "application.return_part": noop, "application.finish": noop,
                "calendar.deadline": deadline, "application.escalate": noop}

    def run_one(self, ops):
        engine = RestrictedScriptEngine(self.services(), RunContext(None, None))
        t0 = time.perf_counter()
        wf = BpmnWorkflow(self.spec, self.subs, script_engine=engine)
        wf.get_tasks(state=TaskState.READY)[0].set_data(application_id=1, applicant_user_id=1)
        wf.do_engine_steps()
        state = self.serializer.serialize_json(wf)
        ops["start"].append(time.perf_counter() - t0)
        for _layer in CHAIN:
            s0 = time.perf_counter()
            wf = self.serializer.deserialize_json(state)
            wf.script_engine = engine
            task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
            task.set_data(decision="approve", comment="", decided_by=1)
            task.run()
            wf.do_engine_steps()
            state = self.serializer.serialize_json(wf)
            ops["complete"].append(time.perf_counter() - s0)
        assert wf.is_completed()
        return time.perf_counter() - t0


# --- the project: use cases, database, human-task table, locking ---------------------------------

def prepare(url: str) -> None:
    prepare_demo_database(url, ROOT / "processes")


class Project:
    """The project on one database: use cases, human-task table, locking, commits."""

    def __init__(self, url: str, n: int):
        import sqlalchemy as sa

        from membership.models import UserAccount

        self.engine = make_engine(url)
        with Session(self.engine, expire_on_commit=False) as s:
            self.staff = {code: Actor.of(s.scalar(sa.select(UserAccount).where(
                UserAccount.login_id == f"staff@{code}"))) for code, _ in CHAIN}
            self.members = []
            for _ in range(n):
                login = f"b{uuid.uuid4().hex[:10]}"
                self.members.append(Actor.of(register_physician(
                    s, None, login_id=login, password="x", family_name="負荷", given_name="試験",
                    email=f"{login}@example.jp")))
            s.commit()
        self.body = {"kind": "enrolment", "desired_date": "2099-04-01", "facility_id": 1, "duty_code": "11",
                     "position": "院長", "associations": [{"code": c, "category": k} for c, k in CHAIN]}

    def run_one(self, i, ops):
        return run_one(self.engine, self.members[i], self.staff, self.body, ops)


def run_one(engine, member, staff, body, ops) -> float:
    """File one enrolment and approve it at every layer; returns the time of the five steps.

    Reading the inbox to find each task is a separate request (GET /tasks) and is timed
    separately as "inbox", not counted in the application's time.
    """
    ops.setdefault("inbox", [])
    # GET /tasks reads without a transaction on PostgreSQL (webapp.db), so no ROLLBACK either
    reader = engine.execution_options(isolation_level="AUTOCOMMIT") if engine.dialect.name == "postgresql" \
        else engine
    s0 = time.perf_counter()
    with Session(engine, expire_on_commit=False) as s:
        app = flows.submit_application(s, member, body)
        s.commit()
        app_id = app.id
    total = time.perf_counter() - s0
    ops["submit"].append(total)
    for code, _ in CHAIN:
        s0 = time.perf_counter()
        with Session(reader, expire_on_commit=False) as s:
            [(task, _c)] = tasks.list_tasks(s, staff[code], application_id=app_id)
        s1 = time.perf_counter()
        ops["inbox"].append(s1 - s0)
        with Session(engine, expire_on_commit=False) as s:
            tasks.complete_task(s, staff[code], task.id, "approve", "")
            s.commit()
        took = time.perf_counter() - s1
        ops["complete"].append(took)
        total += took
    return total


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    warmup = 3
    print(f"{args.n} enrolments, 4 layers each (start + 4 approvals); the runs are interleaved"
          " application by application, so every figure sees the same machine\n")
    runners = {"baseline (no database)": Baseline()}
    cleanup = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "sqlite"):
            url = f"sqlite:///{tmp}/bench.db"
            prepare(url)
            runners["project, SQLite"] = Project(url, args.n + warmup)
        if args.only in (None, "postgresql"):
            name = f"mamis_bench_{uuid.uuid4().hex[:6]}"
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            cleanup.append(name)
            url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
            prepare(url)
            runners["project, PostgreSQL"] = Project(url, args.n + warmup)
        try:
            per_app = {label: [] for label in runners}
            ops = {label: {} for label in runners}
            for i in range(args.n + warmup):
                for label, runner in runners.items():
                    sink = ops[label] if i >= warmup else {}
                    for key in ("start", "submit", "complete", "inbox"):
                        sink.setdefault(key, [])
                    took = runner.run_one(sink) if isinstance(runner, Baseline) else runner.run_one(i, sink)
                    if i >= warmup:
                        per_app[label].append(took)
            medians = {}
            for label in runners:
                medians[label] = report(label, per_app[label], {k: v for k, v in ops[label].items() if v})
        finally:
            for runner in runners.values():
                if isinstance(runner, Project):
                    runner.engine.dispose()
            for name in cleanup:
                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    base = medians.pop("baseline (no database)")
    print()
    for label, value in medians.items():
        print(f"ratio {label} / baseline per application: {value / base:.2f}x  (target on PostgreSQL: <= 3x)")
    print(json.dumps({"baseline_ms": round(base * 1000, 2), **{k: round(v * 1000, 2) for k, v in medians.items()}},
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
