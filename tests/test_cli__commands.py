"""The CLI of ../shared/API.md, run as a user would, on a fresh SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT


def flask(tmp_path, *args):
    env = {**os.environ, "MAMIS_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "MAMIS_OUTBOX_DIR": str(tmp_path / "outbox")}
    return subprocess.run([str(Path(sys.executable).with_name("flask")), "--app", "webapp", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def test_upgrade_demo_users_and_deploy(tmp_path):
    assert flask(tmp_path, "db", "upgrade").returncode == 0
    first = flask(tmp_path, "demo", "load")
    from membership.demo import ASSOCIATIONS

    assert first.returncode == 0 and f"'associations': {len(ASSOCIATIONS)}" in first.stdout
    second = flask(tmp_path, "demo", "load")
    assert "'associations': 0, 'facilities': 0, 'users': 0" in second.stdout
    assert "new process versions: 0" in second.stdout
    # the demo's approved training session and the member's credits, once
    assert "demo session and credits" in first.stdout and "demo session" not in second.stdout
    # and applications under review in the inboxes, once
    assert "applications under review" in first.stdout and "applications" not in second.stdout
    ok = flask(tmp_path, "users", "create", "--login-id", "staff9@otaru", "--password", "Mamis#2024",
               "--role", "secretariat", "--association", "otaru")
    assert ok.returncode == 0
    bad = flask(tmp_path, "users", "create", "--login-id", "x9x9x9x9", "--password", "Mamis#2024",
                "--role", "secretariat")
    assert bad.returncode == 2 and "事務局には所属医師会が必要です。" in bad.stderr
    # the rules of the screens: no ID with spaces or brackets, no one-letter password, no
    # association for a designer
    weak = flask(tmp_path, "users", "create", "--login-id", "bad id<>", "--password", "a", "--role", "admin")
    assert weak.returncode == 2 and weak.stderr.count("\n") == 2
    assert "login_id:" in weak.stderr and "password:" in weak.stderr
    stray = flask(tmp_path, "users", "create", "--login-id", "designer9", "--password", "Mamis#2024",
                  "--role", "designer", "--association", "otaru")
    assert stray.returncode == 2 and "association:" in stray.stderr
    wide = flask(tmp_path, "users", "create", "--login-id", "ｍｅｍｂｅｒ０００９", "--password", "Mamis#2024",
                 "--role", "member")  # typed in Japanese input mode: stored as the screens store it
    assert wide.returncode == 0 and "created member0009 (member)" in wide.stdout
    deployed = flask(tmp_path, "processes", "deploy")
    assert deployed.returncode == 0 and "enrolment v1 unchanged" in deployed.stdout
    logins = flask(tmp_path, "demo", "logins")
    assert "staff@sapporo" in logins.stdout and "Mamis#2024" in logins.stdout
    assert "hokkaiichiro     member (enrolment under review)" in logins.stdout
    assert "susukinogoro     member (withdrawal under review)" in logins.stdout


def test_check_integrity_passes_on_sound_data_and_names_what_is_broken(tmp_path):
    import sqlite3

    assert flask(tmp_path, "db", "upgrade").returncode == 0
    assert flask(tmp_path, "demo", "load").returncode == 0
    sound = flask(tmp_path, "check", "integrity")
    assert sound.returncode == 0 and "integrity: ok" in sound.stdout
    db = sqlite3.connect(tmp_path / "cli.db")
    group = db.execute("SELECT group_id FROM memberships GROUP BY group_id HAVING count(*) >= 2 LIMIT 1").fetchone()
    assert group is not None, "the demo data has a member of two layers"
    # end the lowest membership of that group behind the application's back
    db.execute("UPDATE memberships SET status = 'ended', until = '2026-01-01' WHERE id = (SELECT id FROM memberships "
               "WHERE group_id = ? ORDER BY layer DESC LIMIT 1)", group)
    db.commit()
    db.close()
    broken = flask(tmp_path, "check", "integrity")
    assert broken.returncode == 1 and f"group {group[0]}:" in broken.stderr and "is active but layer" in broken.stderr


def test_a_member_made_by_the_cli_files_an_application_through_the_api(tmp_path):
    """users create --role member: a physician ready to log in and apply (API.md's walk), no
    first-login steps in the way."""
    from webapp import create_app

    from .helpers import enrolment_body

    assert flask(tmp_path, "db", "upgrade").returncode == 0
    assert flask(tmp_path, "demo", "load").returncode == 0
    made = flask(tmp_path, "users", "create", "--login-id", "cliuser01", "--password", "Mamis#2024",
                 "--role", "member", "--name", "新規 一郎")
    assert made.returncode == 0, made.stderr
    again = flask(tmp_path, "users", "create", "--login-id", "cliuser01", "--password", "Mamis#2024",
                  "--role", "member")
    assert again.returncode == 2 and "cliuser01" in again.stderr
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "OUTBOX_DIR": str(tmp_path / "outbox"),
                      "UPLOAD_DIR": str(tmp_path / "uploads"), "SECRET_KEY": "test", "EMBEDDED_BACKGROUND": False,
                      "EMBEDDED_BEAT": False})  # no beat thread ticking on after the test
    client = app.test_client()
    r = client.post("/api/v1/auth/token", json={"login_id": "cliuser01", "password": "Mamis#2024"})
    assert r.status_code == 200, r.get_json()
    headers = {"Authorization": f"Bearer {r.get_json()['token']}"}
    assert client.get("/api/v1/members/me", headers=headers).get_json()["name"] == "新規 一郎"
    r = client.post("/api/v1/applications", json=enrolment_body(), headers=headers)
    assert r.status_code == 201, r.get_json()
    assert [p["association"] for p in r.get_json()["parts"]] == ["chuoeast", "sapporo", "hokkaido", "jma"]
