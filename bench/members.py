"""The member list at national scale: N physicians (default 300,000), each a member of a chain
city → prefecture → JMA (300 bench cities), 3,000 training sessions with 150,000 registrations
(a tenth of them non-members of the organiser), on PostgreSQL.

Measures `membership.members.list_members` (count + one page of 50, by kana) for one city office,
a prefecture and JMA, 100 calls each, beside the same list without the session-attendee branch
of the office's scope (`_scope_parts(actor, attendees=False)`, the list as it was before attendees were
linked) — the ratio is what the attendee link costs.

    .venv/bin/python bench/members.py [--physicians 300000] [--calls 100]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import psycopg
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import pct, scratch_database  # noqa: E402
from engine.bootstrap import prepare_demo_database  # noqa: E402
from membership import members  # noqa: E402
from membership.actors import Actor  # noqa: E402
from membership.db import make_engine  # noqa: E402
from membership.models import UserAccount  # noqa: E402

CITIES = 300


def fill(url: str, physicians: int) -> float:
    """Bulk-load with SQL (generate_series): physicians, their groups and three memberships each,
    sessions of the bench cities and their registrations."""
    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as c:
        hokkaido = c.execute("SELECT id FROM associations WHERE code = 'hokkaido'").fetchone()[0]
        jma = c.execute("SELECT id FROM associations WHERE code = 'jma'").fetchone()[0]
        c.execute("""INSERT INTO associations (code, name, kana, layer, parent_id, kind, prefecture, areas, email, tel)
                     SELECT 'mcity' || g, 'ベンチ市医師会' || g, 'ベンチシ', 3, %s, 'municipal', '北海道', '[]', '', ''
                     FROM generate_series(1, %s) g""", (hokkaido, CITIES))
        c.execute("""INSERT INTO member_categories (association_id, code, label, criteria, sort_order)
                     SELECT id, 'A', 'A', '', 0 FROM associations WHERE code LIKE 'mcity%%'""")
        cat = {code: c.execute("""SELECT mc.id FROM member_categories mc JOIN associations a ON a.id = mc.association_id
                                  WHERE a.code = %s ORDER BY mc.sort_order LIMIT 1""", (code,)).fetchone()[0]
               for code in ("hokkaido", "jma")}
        base = c.execute("SELECT coalesce(max(id), 0) FROM physicians").fetchone()[0]
        c.execute("""INSERT INTO physicians (id, family_name, given_name, family_kana, given_kana, registry_number, sex,
                         email, maiden_family_name, maiden_given_name, maiden_family_kana, maiden_given_kana,
                         postal_code, prefecture, address, mobile, tel, fax, main_department, sub_department,
                         alma_mater, graduated_on, grad_school, grad_completed_on, grad_faculty, doctorate_on,
                         societies, dispatch_to, dispatch_stopped)
                     SELECT %s + g, '試験', '太郎' || g, 'シケン', 'タロウ' || lpad(g::text, 7, '0'),
                            NULL, 'M', '', '', '', '', '', '',
                            '北海道', '', '', '', '', '', '', '', '', '', '', '', '', '[]', 'facility', false
                     FROM generate_series(1, %s) g""", (base, physicians))
        c.execute("SELECT setval(pg_get_serial_sequence('physicians', 'id'), (SELECT max(id) FROM physicians))")
        c.execute("""INSERT INTO membership_groups (physician_id, home_member, created_at)
                     SELECT id, false, now() FROM physicians WHERE id > %s""", (base,))
        c.execute("""CREATE TEMP TABLE chain AS
                     SELECT g.id AS group_id, g.physician_id,
                            (SELECT id FROM associations WHERE code = 'mcity' || (1 + g.physician_id %% %s)) AS city
                     FROM membership_groups g WHERE g.physician_id > %s""", (CITIES, base))
        c.execute("""INSERT INTO memberships (group_id, physician_id, association_id, category_id, layer, status, since)
                     SELECT ch.group_id, ch.physician_id, ch.city,
                            (SELECT id FROM member_categories WHERE association_id = ch.city LIMIT 1), 3, 'active',
                            DATE '2010-04-01' FROM chain ch
                     UNION ALL SELECT group_id, physician_id, %s, %s, 2, 'active', DATE '2010-04-01' FROM chain
                     UNION ALL SELECT group_id, physician_id, %s, %s, 1, 'active', DATE '2010-04-01' FROM chain""",
                  (hokkaido, cat["hokkaido"], jma, cat["jma"]))
        # sessions: ten per bench city, fifty registrations each — one in ten from another city
        c.execute("""INSERT INTO training_sessions (organiser_association_id, title, description, credit_items,
                         starts_on, ends_on, place, capacity, cancel_reason, created_at)
                     SELECT a.id, '研修会', '', '[]', DATE '2026-01-10', DATE '2026-01-10', '会館', 100, '', now()
                     FROM associations a, generate_series(1, 10) n WHERE a.code LIKE 'mcity%%'""")
        c.execute("""INSERT INTO session_registrations (session_id, physician_id, status, attended, registered_at)
                     SELECT ts.id, %s + 1 + ((ts.id * 50 + n * CASE WHEN n %% 10 = 0 THEN 7919 ELSE %s END) %% %s),
                            'registered', true, now()
                     FROM training_sessions ts, generate_series(1, 50) n
                     ON CONFLICT DO NOTHING""", (base, CITIES, physicians))
        c.execute("VACUUM ANALYZE")
    return time.perf_counter() - t0


def measure(s: Session, actor: Actor, calls: int, attendees: bool) -> tuple[float, float, int]:
    real = members._scope_parts  # what both of the list's forms of the scope are made of
    if not attendees:
        members._scope_parts = lambda a, attendees_=False, acting=False: real(a, False, acting)
    try:
        times, total = [], 0
        for _ in range(calls):
            t0 = time.perf_counter()
            _, total = members.list_members(s, actor, "", 1)
            times.append(time.perf_counter() - t0)
            s.rollback()
        return statistics.median(times), pct(times, 95), total
    finally:
        members._scope_parts = real


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--physicians", type=int, default=300_000)
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()
    with scratch_database("mamis_members") as (url, raw_url):
        prepare_demo_database(url, ROOT / "processes")
        seconds = fill(raw_url, args.physicians)
        print(f"filled {args.physicians:,} physicians (×3 memberships), {CITIES * 10:,} sessions in {seconds:.1f} s\n")
        engine = make_engine(url)
        with Session(engine) as s, psycopg.connect(raw_url, autocommit=True) as c:
            city = c.execute("SELECT id FROM associations WHERE code = 'mcity7'").fetchone()[0]
            s.add(UserAccount(login_id="bench_city", password_hash="x", role="secretariat", association_id=city,
                              display_name="bench"))
            s.commit()
            offices = {label: Actor.of(s.query(UserAccount).filter_by(login_id=login).one())
                       for label, login in (("one city (1,000 members)", "bench_city"),
                                            ("the prefecture", "staff@hokkaido"), ("JMA", "staff@jma"))}
            print(f"{'member list, count + 50':<28} {'median':>9} {'p95':>9} {'total':>8}   "
                  f"{'without attendees (p95)':>24} {'ratio':>6}")
            for label, actor in offices.items():
                m, p, total = measure(s, actor, args.calls, attendees=True)
                bm, bp, btotal = measure(s, actor, args.calls, attendees=False)
                print(f"{label:<28} {m * 1000:7.1f}ms {p * 1000:7.1f}ms {total:8,}   "
                      f"{bp * 1000:21.1f}ms {p / bp:6.2f}x  (+{total - btotal:,} attendees)")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
