"""A ready database in one call: migrate, load the demo data, deploy the processes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from membership import demo, migrate
from membership.db import make_engine

from . import deploy


def prepare_demo_database(url: str, processes_dir: Path) -> None:
    """Used by the tests and the benchmarks; `make run` does the same through the CLI."""
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            demo.load_demo(s)
            deploy.deploy_directory(s, None, processes_dir)
            s.commit()
    finally:
        engine.dispose()
