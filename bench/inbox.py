"""Inbox at scale: 1,000,000 human tasks (100,000 open, 20,000 of them JMA's) across 900
associations on PostgreSQL.

Measures GET /api/v1/tasks (the inbox: count + one page) for one association and for JMA, 200
calls each, beside the bare indexed SQL for the same rows (count + page), and prints the ratio.
Then bulk approval of N real enrolments' first tasks against N single completions.

    .venv/bin/python bench/inbox.py [--tasks 1000000] [--bulk 1000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import pct, scratch_database  # noqa: E402
from engine.bootstrap import prepare_demo_database  # noqa: E402


def fill(url_psycopg: str, total: int, associations: int = 900) -> dict:
    """Bulk-load associations and human tasks with SQL (generate_series): seconds, not hours."""
    t0 = time.perf_counter()
    with psycopg.connect(url_psycopg, autocommit=True) as c:
        jma = c.execute("SELECT id FROM associations WHERE code = 'jma'").fetchone()[0]
        chuoeast = c.execute("SELECT id FROM associations WHERE code = 'chuoeast'").fetchone()[0]
        c.execute("""INSERT INTO associations (code, name, kana, layer, parent_id, kind, prefecture, areas, email, tel)
                     SELECT 'bench' || g, 'ベンチ医師会' || g, 'ベンチ', 3, %s, 'municipal', '東京都', '[]', '', ''
                     FROM generate_series(1, %s) g""", (jma, associations - 1))
        ids = [r[0] for r in c.execute("SELECT id FROM associations WHERE code LIKE 'bench%%' ORDER BY id")]
        ids.append(chuoeast)
        definition = c.execute("SELECT id FROM process_definitions ORDER BY id LIMIT 1").fetchone()[0]
        instance = c.execute("""INSERT INTO process_instances (definition_id, definition_ids, status, state, revision,
                                created_at, updated_at) VALUES (%s, '{}', 'completed', '{}', 1, now(), now())
                                RETURNING id""", (definition,)).fetchone()[0]
        # 10% open. Every application ends at JMA (layer 1), so a fifth of the open tasks are JMA's
        # (20,000); the rest are spread over every association, chuoeast (the one measured) too.
        c.execute("""INSERT INTO human_tasks (instance_id, spiff_task_id, bpmn_id, process_key, name, kind, form_key,
                         association_id, layer, status, created_at, due_at, completed_at, decision, comment,
                         application_kind, applicant_name, applicant_kana, applicant_registry)
                     SELECT %s, md5(g::text), 'review', 'layer_review', '事務局の審査', 'review', 'review',
                            CASE WHEN g %% 50 = 0 THEN %s ELSE (%s::int[])[1 + (g %% %s)] END, 3,
                            CASE WHEN g %% 10 = 0 THEN 'open' ELSE 'completed' END,
                            now() - (g %% 100000) * interval '1 minute', now() + ((g %% 30) - 5) * interval '1 day',
                            CASE WHEN g %% 10 = 0 THEN NULL
                                 ELSE least(now(), now() - (g %% 100000) * interval '1 minute'
                                                   + (g %% 97) * interval '1 hour') END,
                            CASE WHEN g %% 10 = 0 THEN NULL ELSE 'approve' END, '', 'enrolment',
                            '試験 ' || g, 'シケン ' || g, lpad((g %% 1000000)::text, 6, '0')
                     FROM generate_series(1, %s) g""", (instance, jma, ids + [jma], len(ids) + 1, total))
        # what autovacuum does soon after a bulk load: statistics, and the visibility map that lets
        # a count be answered from the index alone
        c.execute("VACUUM ANALYZE")
    return {"seconds": time.perf_counter() - t0, "jma": jma, "local": chuoeast}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--bulk", type=int, default=1000)
    args = parser.parse_args()
    with scratch_database("mamis_inbox") as (url, raw_url):
        prepare_demo_database(url, ROOT / "processes")
        info = fill(raw_url, args.tasks)
        print(f"filled {args.tasks:,} human tasks ({args.tasks // 10:,} open) across 900 associations "
              f"in {info['seconds']:.1f} s\n")
        from webapp import create_app

        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "OUTBOX_DIR": "/tmp/mamis-bench-outbox",
                          "EMBEDDED_BEAT": False})  # production runs beat in its own process
        client = app.test_client()
        figures = {}
        for label, login, assoc in (("one association (中央区東支部)", "staff@chuoeast", info["local"]),
                                    ("JMA (日本医師会)", "staff@jma", info["jma"])):
            token = client.post("/api/v1/auth/token", json={"login_id": login, "password": "Mamis#2024"}).get_json()
            headers = {"Authorization": f"Bearer {token['token']}"}
            api, bare = [], []
            with psycopg.connect(raw_url) as c:
                for _ in range(args.calls):
                    t0 = time.perf_counter()
                    r = client.get("/api/v1/tasks?view=open&per_page=50", headers=headers)
                    api.append(time.perf_counter() - t0)
                    assert r.status_code == 200 and len(r.get_json()) == 50, r.get_data(as_text=True)[:200]
                    t0 = time.perf_counter()
                    c.execute("SELECT count(*) FROM human_tasks WHERE association_id = %s AND status = 'open'",
                              (assoc,)).fetchone()
                    c.execute("""SELECT * FROM human_tasks WHERE association_id = %s AND status = 'open'
                                 ORDER BY created_at DESC, id DESC LIMIT 50""", (assoc,)).fetchall()
                    bare.append(time.perf_counter() - t0)
            total = int(r.headers["X-Total-Count"])
            figures[label] = (statistics.median(api), pct(api, 95), statistics.median(bare), pct(bare, 95), total)
        print(f"{'inbox (GET /tasks, count + 50 rows)':<40} {'API median':>11} {'API p95':>9} {'SQL median':>11} "
              f"{'SQL p95':>9} {'ratio p95':>10}  open rows")
        for label, (am, ap, bm, bp, total) in figures.items():
            print(f"{label:<40} {am * 1000:9.2f}ms {ap * 1000:7.2f}ms {bm * 1000:9.2f}ms {bp * 1000:7.2f}ms "
                  f"{ap / bp:9.1f}x  {total:,}")
        print("\ntarget: p95 <= 50 ms and <= 3x the bare query")
        dashboard(app, raw_url, args.calls // 4)
        bulk_vs_single(app, args.bulk)
    return 0


OLD_DASHBOARD_INDEXES = (  # their shape before migration 0016: the baseline
    "CREATE INDEX ix_human_tasks_open_summary ON human_tasks (kind, application_kind, layer, created_at) "
    "WHERE status = 'open'",
    "CREATE INDEX ix_human_tasks_completed_at ON human_tasks (completed_at, kind) WHERE status = 'completed'")


def dashboard(app, raw_url: str, calls: int) -> None:
    """GET /api/v1/dashboard (headline figures, kinds and layers, ages, eight weeks of completions
    with their lead time) for one association and for JMA, with the dashboard indexes as they are
    and, as the baseline in the same run, in their shape before migration 0016."""
    client = app.test_client()
    headers = {}
    for login in ("staff@chuoeast", "staff@jma"):
        token = client.post("/api/v1/auth/token", json={"login_id": login, "password": "Mamis#2024"}).get_json()
        headers[login] = {"Authorization": f"Bearer {token['token']}"}

    def measure():
        out = {}
        for login, h in headers.items():
            times = []
            for _ in range(calls):
                t0 = time.perf_counter()
                r = client.get("/api/v1/dashboard", headers=h)
                times.append(time.perf_counter() - t0)
                assert r.status_code == 200, r.get_data(as_text=True)[:200]
            out[login] = (statistics.median(times), pct(times, 95), r.get_json())
        return out

    now = measure()
    with psycopg.connect(raw_url, autocommit=True) as c:
        c.execute("DROP INDEX ix_human_tasks_open_summary")
        c.execute("DROP INDEX ix_human_tasks_completed_at")
        for statement in OLD_DASHBOARD_INDEXES:
            c.execute(statement)
        c.execute("ANALYZE human_tasks")
    before = measure()
    print(f"\n{'dashboard (GET /dashboard)':<40} {'median':>9} {'p95':>9} {'0015 idx p95':>13} {'ratio':>6}  open  "
          "overdue  done/8 weeks  lead days")
    for login, (median, p95, body) in now.items():
        assert body == before[login][2]  # the same figures either way
        print(f"{login:<40} {median * 1000:7.2f}ms {p95 * 1000:7.2f}ms {before[login][1] * 1000:11.2f}ms "
              f"{p95 / before[login][1]:5.2f}x  {body['open_total']:,}  {body['overdue']:,}  "
              f"{sum(w['completed'] for w in body['per_week']):,}  {body['lead_days']}")


def bulk_vs_single(app, n: int) -> None:
    """N real enrolments; their first review tasks approved one request at a time, and N others in
    one bulk request."""
    from sqlalchemy.orm import Session

    from engine import flows, tasks
    from membership.actors import Actor
    from membership.models import UserAccount
    from membership.physicians import register_physician

    engine = app.extensions["mamis_db"].engine
    body = {"kind": "enrolment", "desired_date": "2099-04-01", "facility_id": 1, "duty_code": "11",
            "associations": [{"code": "chuoeast", "category": "A-1"}, {"code": "sapporo", "category": "A-1"}]}
    ids = []
    with Session(engine, expire_on_commit=False) as s:
        staff = Actor.of(s.query(UserAccount).filter_by(login_id="staff@chuoeast").one())
    for i in range(2 * n):  # a session per filing, as a request has: one session's map would keep growing
        with Session(engine, expire_on_commit=False) as s:
            account = register_physician(s, None, login_id=f"bulk{i}{uuid.uuid4().hex[:4]}", password="x",
                                         family_name="一括", given_name=str(i))
            app_row = flows.submit_application(s, Actor.of(account), body)
            s.commit()
            ids.append(tasks.list_tasks(s, staff, application_id=app_row.id)[0][0].id)
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"login_id": "staff@chuoeast", "password": "Mamis#2024"})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    t0 = time.perf_counter()
    for task_id in ids[:n]:
        assert client.post(f"/api/v1/tasks/{task_id}/complete", headers=headers,
                           json={"decision": "approve", "comment": ""}).status_code == 200
    single = time.perf_counter() - t0
    t0 = time.perf_counter()
    r = client.post("/api/v1/tasks/bulk-complete", headers=headers, json={"ids": ids[n:], "decision": "approve"})
    bulk = time.perf_counter() - t0
    assert all(x["ok"] for x in r.get_json())
    print(f"\nbulk approval of {n} tasks: {bulk:.2f} s in one request; {n} single completions: {single:.2f} s "
          f"(ratio {bulk / single:.2f})")


if __name__ == "__main__":
    raise SystemExit(main())
