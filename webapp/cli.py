"""CLI commands of ../shared/API.md: db upgrade, demo load, users create, processes deploy; and
check integrity."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from engine import bootstrap, deploy
from membership import accounts, demo, fields, migrate, physicians
from membership.errors import ValidationFailed

from . import db
from .i18n import field_errors

db_cli = AppGroup("db", help="Database schema.")
demo_cli = AppGroup("demo", help="Demo data.")
users_cli = AppGroup("users", help="User accounts.")
processes_cli = AppGroup("processes", help="BPMN/DMN process definitions.")
check_cli = AppGroup("check", help="Consistency checks.")


@db_cli.command("upgrade")
def db_upgrade():
    """Apply all migrations to MAMIS_DATABASE_URL, saying which were applied (for the deploy log)."""
    url = current_app.config["DATABASE_URL"]
    before = migrate.current(url)
    migrate.upgrade(url)
    after = migrate.current(url)
    if before == after:
        click.echo(f"database is up to date (revision {after})")
    else:
        click.echo(f"database upgraded from revision {before or '(empty)'} to {after}")


@demo_cli.command("load")
def demo_load():
    """Load the demo data (idempotent) and deploy the processes."""
    s = db.session()
    added = demo.load_demo(s)
    deployed = deploy.deploy_directory(s, None, Path(current_app.config["PROCESSES_DIR"]))
    activity = bootstrap.load_demo_activity(s)  # a training session, a member's credits
    applications = bootstrap.load_demo_applications(s)  # work in the inboxes
    db.commit()
    click.echo(f"added: {added}; new process versions: {sum(1 for _, state in deployed if state == 'deployed')}"
               + ("; demo session and credits" if activity else "")
               + ("; applications under review" if applications else ""))


@demo_cli.command("logins")
def demo_logins():
    """Print the demo logins."""
    _print_logins()


def _print_logins():
    click.echo(f"Demo logins (password for all: {demo.DEMO_PASSWORD})")
    for login_id, role in demo.demo_logins():
        click.echo(f"  {login_id:<16} {role}")


@users_cli.command("create")
@click.option("--login-id", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice(["member", "secretariat", "designer", "admin"]))
@click.option("--association", "association_code", default=None)
@click.option("--name", default="")
def users_create(login_id, password, role, association_code, name):
    """Create a user account. A member is a physician ready to use the system at once (an
    administrator vouches for them: no first-login terms or e-mail steps), named by --name
    ("family given", else the login ID). The login ID and password follow the rules the screens
    apply; only a secretariat belongs to an association."""
    errors = {}
    for field, check, value in (("login_id", fields.login_id, login_id), ("password", fields.password, password)):
        try:
            cleaned = check(value)
        except fields.FieldError as exc:
            errors[field] = (exc.key, exc.params)
        else:
            if field == "login_id":
                login_id = cleaned  # stored as the screens store it: ｍｅｍｂｅｒ０１ is member01
    if association_code and role != "secretariat":
        errors["association"] = ("association_not_for_role", {})
    try:
        if errors:
            raise ValidationFailed(errors)
        if role == "member":
            family, _, given = (name.strip() or login_id).replace("\u3000", " ").partition(" ")
            account = physicians.register_physician(db.session(), None, login_id=login_id, password=password,
                                                    family_name=family, given_name=given.strip())
        else:
            account = accounts.create_user(db.session(), login_id, password, role, association_code, name=name)
        db.commit()
    except ValidationFailed as exc:
        db.rollback()
        for field, text in field_errors(exc).items():
            click.echo(f"{field}: {text}", err=True)
        raise SystemExit(2) from None
    click.echo(f"created {account.login_id} ({account.role})")


@processes_cli.command("deploy")
@click.option("--force", is_flag=True, help="deploy a changed file even over a version a designer deployed")
def processes_deploy(force):
    """Deploy every BPMN/DMN file in processes/ changed since it was last deployed, as a new
    version. A version deployed by a designer (or through the API) is kept unless --force."""
    try:
        results = deploy.deploy_directory(db.session(), None, Path(current_app.config["PROCESSES_DIR"]), force)
        db.commit()
    except deploy.InvalidDefinition as exc:
        db.rollback()
        where = getattr(exc, "path", "")
        for error in exc.errors:
            click.echo(f"{where}: {error}" if where else error, err=True)
        raise SystemExit(2) from None
    from engine import migration

    older = {}
    for d in deploy.list_definitions(db.session()):
        older.setdefault(d.key, []).append(d)
    for definition, state in results:
        if state == "kept":
            click.echo(f"{definition.key} v{definition.version} kept (deployed by a designer; the file "
                       "is not deployed over it — use --force if it should be)")
        else:
            click.echo(f"{definition.key} v{definition.version} {state}")
        # a release's process change does not reach the applications already under way by itself
        for old in older.get(definition.key, []):
            running = len(migration.waiting_on(db.session(), old)) if old.version < definition.version else 0
            if running:
                click.echo(f"  {running} running on v{old.version}: move them from the process library or with "
                           f"POST /api/v1/process-definitions/{old.key}/versions/{old.version}/migrate")


@check_cli.command("integrity")
def check_integrity():
    """Prove the group invariant and that no membership, application, task or upload is half-applied."""
    from engine import integrity

    problems = integrity.check(db.session(), Path(current_app.config["UPLOAD_DIR"]))
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
    click.echo("integrity: ok")


def init_app(app: Flask) -> None:
    for group in (db_cli, demo_cli, users_cli, processes_cli, check_cli):
        app.cli.add_command(group)
