"""The audit trail's search at scale: 3,000,000 rows on PostgreSQL (a few years of a national
system: every step writes several), most by a handful of busy staff accounts.

Measures `membership.audit.search` (one page of 50) for: the newest page; a rarely seen person by
login ID (what they did, what was done for them and to their account); one action family; one
day a year ago; and the tenth page of the busy office by keyset. Median and p95 of N calls each,
beside the bare indexed SQL of the first page as a baseline (the ratio).

    .venv/bin/python bench/audit.py [--rows 3000000] [--calls 50]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import pct, scratch_database  # noqa: E402
from engine.bootstrap import prepare_demo_database  # noqa: E402
from membership import accounts, audit  # noqa: E402
from membership.actors import Actor  # noqa: E402
from membership.db import make_engine  # noqa: E402

FAMILIES = ["task.complete", "part.approve", "instance.start", "application.submit", "document.view",
            "membership.activate", "profile.update", "credits.add"]


def fill(raw_url: str, rows: int, rare_user: int) -> float:
    """`rows` events over three years, by the demo accounts; 30 of them by or for `rare_user`."""
    t0 = time.perf_counter()
    with psycopg.connect(raw_url, autocommit=True) as c:
        users = [r[0] for r in c.execute("SELECT id FROM user_accounts WHERE id <> %s ORDER BY id", (rare_user,))]
        c.execute("""
            INSERT INTO audit_events (at, actor_user_id, on_behalf_of_user_id, action, object_type, object_id, detail)
            SELECT now() AT TIME ZONE 'UTC' - (%s - g) * interval '1 second' * (94608000.0 / %s),
                   (%s::int[])[1 + g %% array_length(%s::int[], 1)], NULL,
                   (%s::text[])[1 + g %% array_length(%s::text[], 1)], 'application', g %% 500000, '{}'::jsonb
            FROM generate_series(1, %s) g""", (rows, rows, users, users, FAMILIES, FAMILIES, rows))
        c.execute("""
            INSERT INTO audit_events (at, actor_user_id, on_behalf_of_user_id, action, object_type, object_id, detail)
            SELECT now() AT TIME ZONE 'UTC' - g * interval '30 days', %s, NULL, 'application.submit', 'application',
                   g, '{}'::jsonb FROM generate_series(1, 20) g
            UNION ALL
            SELECT now() AT TIME ZONE 'UTC' - g * interval '40 days', %s, %s, 'application.note', 'application',
                   g, '{}'::jsonb FROM generate_series(1, 10) g""", (rare_user, users[0], rare_user))
        c.execute("VACUUM ANALYZE audit_events")
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    with scratch_database("mamis_audit") as (url, raw_url):
        prepare_demo_database(url, ROOT / "processes")
        engine = make_engine(url)
        with Session(engine) as s:
            rare = accounts.create_user(s, f"rare{uuid.uuid4().hex[:6]}", "Mamis#2024", "member", name="稀 太郎")
            s.commit()
            rare_login, rare_id = rare.login_id, rare.id
            admin = Actor.of(s.query(accounts.UserAccount).filter_by(login_id="admin001").one())
        seconds = fill(raw_url, args.rows, rare_id)
        print(f"filled {args.rows:,} audit rows in {seconds:.1f} s\n")
        a_year_ago = (dt.datetime.now() - dt.timedelta(days=365)).date().isoformat()
        with Session(engine) as s:
            busy = s.query(accounts.UserAccount).filter_by(login_id="staff@chuoeast").one().login_id
            tenth = audit.parse_query({"login_id": busy})
            for _ in range(9):
                tenth.before = audit.search(s, admin, tenth)[1]
            cases = {
                "newest page": audit.AuditQuery(),
                "a rare person by login": audit.parse_query({"login_id": rare_login}),
                "one action family": audit.parse_query({"action": "profile"}),
                "one day a year ago": audit.parse_query({"date_from": a_year_ago, "date_to": a_year_ago}),
                "busy office, 10th page": tenth,
            }
            figures = {}
            for label, q in cases.items():
                times = []
                for _ in range(args.calls):
                    t0 = time.perf_counter()
                    rows, _ = audit.search(s, admin, q)
                    times.append(time.perf_counter() - t0)
                    s.rollback()
                figures[label] = (statistics.median(times), pct(times, 95), len(rows))
        with psycopg.connect(raw_url) as c:
            bare = []
            for _ in range(args.calls):
                t0 = time.perf_counter()
                c.execute("SELECT * FROM audit_events ORDER BY id DESC LIMIT 51").fetchall()
                bare.append(time.perf_counter() - t0)
        bm, bp = statistics.median(bare), pct(bare, 95)
        print(f"{'audit search (50 a page)':<28} {'median':>9} {'p95':>9} {'rows':>5} {'p95 / bare first page':>22}")
        for label, (m, p, n) in figures.items():
            print(f"{label:<28} {m * 1000:7.2f}ms {p * 1000:7.2f}ms {n:5d} {p / bp:21.1f}x")
        print(f"{'bare SQL, newest 51 rows':<28} {bm * 1000:7.2f}ms {bp * 1000:7.2f}ms")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
