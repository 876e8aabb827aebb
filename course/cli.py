"""`flask --app app ...` commands: content check, db (upgrade, status, backup, restore), users, demo."""
from __future__ import annotations

import json
import os
import shlex
import time
from dataclasses import replace

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from course.content import load_catalog
from course.content.quality import analyse, load_settings
from course.content.quality.summary import summary_lines
from course.data import db as migrations
from course.data.db import db
from course.data.models import Person
from course.devtools import demo, scale
from course.learning import people, personal_data
from course.web.content_store import catalog

content_cli = AppGroup("content", help="Check the Markdown lessons and quizzes.")
db_cli = AppGroup("db", help="Create or upgrade the database schema; back it up and restore it.")
demo_cli = AppGroup("demo", help="Demo and synthetic data.")
users_cli = AppGroup("users", help="Create, import, export and erase people.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, help="learner, trainer, manager or admin")
@click.option("--team", default=None, help="team name (created if new; a manager manages it)")
@click.option("--password", default=None, help="omit to send a sign-in link instead")
def users_create(email, name, role, team, password):
    """Create one person."""
    with db.connection_context():
        try:
            person = people.create_person(email, name, role, team=team, password=password,
                                          min_length=current_app.config["PASSWORD_MIN_LENGTH"])
        except people.PeopleError as exc:
            raise click.ClickException(str(exc))
    click.echo(f"created {person.email} ({person.role}){' in ' + team if team else ''}")


@users_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
def users_import(csv_file):
    """Import people from a CSV with header email,name,team,role: all rows or none."""
    with open(csv_file, encoding="utf-8-sig", newline="") as fh:
        text = fh.read()
    with db.connection_context():
        result = people.import_people(text)
    if not result.ok:
        for error in result.errors:
            click.echo(error, err=True)
        click.echo(f"nothing imported: {len(result.errors)} bad row(s)", err=True)
        raise SystemExit(1)
    click.echo(f"imported: {result.created} created, {result.updated} updated, {result.unchanged} unchanged")


def _person_or_fail(email):
    """The person with this email (inside an open connection), or a clean CLI error."""
    person = Person.by_email(email)
    if person is None:
        raise click.ClickException(f"nobody has the email {email}")
    return person


@users_cli.command("link")
@click.argument("email")
def users_link(email):
    """Print a one-time link with which the person sets a password."""
    with db.connection_context():
        person = _person_or_fail(email)
        token = people.create_link(person, "reset" if person.password_hash else "invite",
                                   current_app.config["TOKEN_HOURS"])
    click.echo(f"/auth/set-password/{token}")


@users_cli.command("export-data")
@click.argument("email")
def users_export(email):
    """Print everything stored about one person as JSON."""
    with db.connection_context():
        person = _person_or_fail(email)
        click.echo(json.dumps(personal_data.export_person_data(person), indent=2, ensure_ascii=False))


@users_cli.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
def users_erase(email, yes):
    """Remove one person and everything recorded about them."""
    with db.connection_context():
        person = _person_or_fail(email)
        if not yes:
            click.confirm(f"Erase {person.name} <{person.email}> and all their records?", abort=True)
        personal_data.erase_person(person)
    click.echo(f"erased {email}")


@content_cli.command("check")
@click.option("--strict", is_flag=True, help="Treat every warning (quality ones included) as an error.")
def content_check(strict):
    """Validate every lesson and quiz and measure the quizzes' quality; print each
    problem as path:line: level: message, then the quality summary."""
    content_dir = current_app.config["CONTENT_DIR"]
    catalog = load_catalog(content_dir, current_app.config["DEFAULT_PASS_SCORE"])
    report = analyse(catalog, load_settings(content_dir))
    problems = list(catalog.problems) + list(report.problems)
    if strict:
        problems = [replace(p, level="error") if p.level == "warning" else p for p in problems]
    for problem in sorted(problems, key=lambda p: (p.path, p.line)):
        click.echo(str(problem))
    for line in summary_lines(report):
        click.echo(line)
    lessons = sum(len(c.lessons) for c in catalog.courses)
    scenarios = sum(len(l.quiz.decision_scenarios) for c in catalog.courses for l in c.lessons if l.quiz)
    errors = sum(1 for p in problems if p.level == "error")
    warnings = sum(1 for p in problems if p.level == "warning")
    quality = len(report.problems)
    click.echo(f"{len(catalog.courses)} course(s), {lessons} lesson(s), {scenarios} scenario(s): "
               f"{errors} error(s), {warnings} warning(s)"
               + (f" ({quality} from the quality check)" if quality else ""))
    if errors:
        raise SystemExit(1)


@db_cli.command("upgrade")
def db_upgrade():
    """Apply every pending migration (creates the schema on a new database)."""
    applied = migrations.upgrade()
    if applied:
        for name in applied:
            click.echo(f"applied {name}")
    else:
        click.echo("database is up to date")


@db_cli.command("status")
def db_status():
    """List migrations and whether each is applied."""
    for migration in migrations.migration_status():
        state = "applied" if migration.applied else "pending"
        click.echo(f"{migration.name}: {state}")


def _postgres_target() -> str:
    """Connection options for pg_dump / pg_restore, without the password (use PGPASSWORD or ~/.pgpass)."""
    params = db.obj.connect_params
    options = [f"--host {params['host']}" if params.get("host") else "",
               f"--port {params['port']}" if params.get("port") else "",
               f"--username {params['user']}" if params.get("user") else ""]
    return " ".join(o for o in options if o) + f" --dbname {db.obj.database}"


@db_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option("--force", is_flag=True, help="replace PATH if it exists")
def db_backup(path, force):
    """Write a consistent copy of the live database to PATH (SQLite), or print the pg_dump command."""
    if not migrations.is_sqlite():
        click.echo("PostgreSQL: back up with pg_dump (a consistent snapshot while the site runs):")
        click.echo(f"  pg_dump --format=custom --no-owner {_postgres_target()} --file {shlex.quote(path)}")
        click.echo("Give the password with PGPASSWORD or ~/.pgpass; restore with `flask --app app db restore PATH`.")
        return
    if os.path.exists(path) and not force:
        raise click.ClickException(f"{path} exists; choose another name or add --force")
    size = migrations.backup_sqlite(path)
    click.echo(f"backed up {migrations.sqlite_path()} to {path} ({size:,} bytes, integrity ok)")


@db_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
def db_restore(path, yes):
    """Replace the database with a backup made by `db backup` (SQLite), or print the pg_restore steps."""
    if not migrations.is_sqlite():
        click.echo("PostgreSQL: stop the app servers, then restore the pg_dump file with:")
        click.echo(f"  pg_restore --clean --if-exists --no-owner --single-transaction {_postgres_target()} "
                   f"{shlex.quote(path)}")
        click.echo("then `flask --app app db upgrade` and start the app servers again.")
        return
    try:
        applied = migrations.check_backup(path)
    except ValueError as exc:
        raise click.ClickException(str(exc))
    live = migrations.sqlite_path()
    if not yes:
        click.confirm(f"Replace everything in {live} with {path}? Stop the app servers first: "
                      "what they write from now on is lost.", abort=True)
    safety = f"{live}.before-restore-{time.strftime('%Y%m%d-%H%M%S')}"
    migrations.backup_sqlite(safety)
    migrations.restore_sqlite(path)
    click.echo(f"restored {path} into {live}; the data before the restore is kept in {safety}")
    pending = [m.name for m in migrations.migration_status() if not m.applied and m.path]
    if pending:
        click.echo(f"the backup predates {len(pending)} migration(s): run `flask --app app db upgrade` now")
    click.echo(f"backup's migration level: {applied[-1] if applied else 'none'}. Start the app servers again.")


@demo_cli.command("seed")
def demo_seed():
    """Create demo people of every role in two teams (safe to run again)."""
    with db.connection_context():
        rows = demo.seed(with_progress=True, catalog=catalog())
    click.echo("Demo people (password for all: %s):" % demo.DEMO_PASSWORD)
    for email, role, team in rows:
        click.echo(f"  {role:<8} {email:<28} {team}")


@demo_cli.command("scale")
@click.option("--learners", default=10_000, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--teams", default=100, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--seed", default=7, show_default=True, help="random seed (same seed, same data)")
def demo_scale(learners, teams, seed):
    """Fill the database with synthetic learners, teams, progress and attempts."""
    started = time.perf_counter()
    with db.connection_context():
        counts = scale.scale(catalog(), learners, teams, seed=seed)
    took = time.perf_counter() - started
    click.echo(", ".join(f"{v} {k}" for k, v in counts.items()) + f" in {took:.1f} s")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(db_cli)
