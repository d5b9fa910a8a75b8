"""docker-compose.yml (no Docker engine runs here): the production stack is complete and consistent."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from .conftest import ROOT


def load():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_every_production_part_is_a_service():
    services = load()["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "mailpit", "migrate"} <= set(services)
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"] and "beat" in services["beat"]["command"]


def test_app_services_are_configured_through_mamis_variables():
    services = load()["services"]
    for name in ("web", "worker", "beat", "migrate"):
        env = services[name]["environment"]
        assert env["MAMIS_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert env["MAMIS_BROKER_URL"].startswith("redis://redis:")
        assert env["MAMIS_SMTP_URL"] == "${MAMIS_SMTP_URL:-smtp://mailpit:1025}"
        assert env["MAMIS_MAIL_FROM"].startswith("${MAMIS_MAIL_FROM:-") and env["TZ"] == "Asia/Tokyo"
        assert env["MAMIS_ENV_NAME"] == "production"


def test_docker_compose_config_where_a_client_exists():
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("no docker compose client on this machine (the structural tests still ran)")
    result = subprocess.run([docker, "compose", "config", "-q"], cwd=ROOT, capture_output=True, text=True,
                            env={"MAMIS_SECRET_KEY": "x", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr


def test_the_long_running_services_restart_and_say_whether_they_are_healthy():
    services = load()["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["restart"] == "unless-stopped", name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])
    # the beat's schedule on a volume: a beat recreated at 07:30 does not skip the day's digest
    schedule = services["beat"]["command"].split("--schedule ")[1].split()[0]
    assert any(schedule.startswith(v.split(":")[1] + "/") for v in services["beat"]["volumes"])
    assert "--access-logfile" in services["web"]["command"]
