"""The Alembic migrations produce exactly the tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import engine.models  # noqa: F401
import membership.models  # noqa: F401
from membership.db import SEARCH_INDEXES, Base, include_object


def test_migrations_match_the_models(db_engine):
    with db_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_object": include_object}),
                                Base.metadata)
    assert diff == []


def test_postgresql_has_the_search_indexes(db_engine):
    """The trigram indexes the member search reads on PostgreSQL (SQLite has none: no pg_trgm), and
    the statistics the inbox's plans need."""
    import sqlalchemy as sa

    with db_engine.connect() as conn:
        inspector = sa.inspect(conn)
        names = {i["name"] for table in ("physicians", "user_accounts") for i in inspector.get_indexes(table)}
    expected = set(SEARCH_INDEXES) if db_engine.dialect.name == "postgresql" else set()
    assert names & set(SEARCH_INDEXES) == expected
    if db_engine.dialect.name == "postgresql":  # and the inbox's joint statistics (migration 0031)
        with db_engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT count(*) FROM pg_statistic_ext "
                                       "WHERE stxname = 'st_human_tasks_association_status'")) == 1


def test_withdrawal_reasons_are_recoded_to_the_api_codes(tmp_path):
    """Migration 0021: a withdrawal stored with `retired` reads `retirement` afterwards (and back
    on downgrade); other applications and reasons are left alone."""
    import json

    import sqlalchemy as sa
    from alembic import command

    from membership import migrate

    url = f"sqlite:///{tmp_path / 'recode.db'}"
    migrate.upgrade(url, "0020")
    db = sa.create_engine(url)
    rows = [(1, "withdrawal", {"reason": "retired", "reason_text": ""}),
            (2, "withdrawal", {"reason": "death", "reason_text": ""}),
            (3, "enrolment", {"reason": "retired"})]
    with db.begin() as conn:  # SQLite checks no foreign keys on this bare connection
        for app_id, kind, payload in rows:
            conn.execute(sa.text(
                "INSERT INTO applications (id, kind, status, physician_id, applicant_user_id, filed_by_user_id,"
                " duty_code, position, payload, created_at) VALUES (:id, :kind, 'submitted', 1, 1, 1, '', '',"
                " :payload, '2026-11-30 00:00:00')"), {"id": app_id, "kind": kind, "payload": json.dumps(payload)})

    def reasons():
        with db.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, payload FROM applications"))
            return {i: json.loads(p)["reason"] for i, p in rows}

    migrate.upgrade(url, "0021")
    assert reasons() == {1: "retirement", 2: "death", 3: "retired"}
    command.downgrade(migrate.alembic_config(url), "0020")
    assert reasons() == {1: "retired", 2: "death", 3: "retired"}
    db.dispose()


def test_co_organisers_from_before_consent_keep_their_sight(tmp_path):
    """Migration 0032: co-organisers named before they were asked had seen the attendees; they are
    kept as accepted. Rows written afterwards take the model's default (invited)."""
    import sqlalchemy as sa

    from membership import migrate

    url = f"sqlite:///{tmp_path / 'co.db'}"
    migrate.upgrade(url, "0031")
    db = sa.create_engine(url)
    with db.begin() as conn:  # SQLite checks no foreign keys on this bare connection
        conn.execute(sa.text("INSERT INTO session_co_organisers (session_id, association_id) VALUES (1, 2)"))
    migrate.upgrade(url, "0032")
    with db.connect() as conn:
        assert conn.execute(sa.text("SELECT status, answered_at FROM session_co_organisers")).all() == [
            ("accepted", None)]
        default = [c for c in sa.inspect(conn).get_columns("session_co_organisers") if c["name"] == "status"]
    assert default[0]["default"] is None  # the model writes the status of every new row
    db.dispose()
