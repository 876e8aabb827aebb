"""`flask --app app ...` commands: content check, db upgrade, users, demo."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .content import load_catalog

content_cli = AppGroup("content", help="Check the Markdown lessons and quizzes.")
db_cli = AppGroup("db", help="Create or upgrade the database schema.")
demo_cli = AppGroup("demo", help="Demo and synthetic data.")


@content_cli.command("check")
def content_check():
    """Validate every lesson and quiz; print each problem as path:line: message."""
    catalog = load_catalog(current_app.config["CONTENT_DIR"], current_app.config["DEFAULT_PASS_SCORE"])
    for problem in sorted(catalog.problems, key=lambda p: (p.path, p.line)):
        click.echo(str(problem))
    lessons = sum(len(c.lessons) for c in catalog.courses)
    scenarios = sum(len(l.quiz.decision_scenarios) for c in catalog.courses for l in c.lessons if l.quiz)
    errors, warnings = len(catalog.errors), len(catalog.warnings)
    summary = (f"{len(catalog.courses)} course(s), {lessons} lesson(s), {scenarios} scenario(s): "
               f"{errors} error(s), {warnings} warning(s)")
    if errors:
        click.echo(summary)
        raise SystemExit(1)
    click.echo(summary)


@db_cli.command("upgrade")
def db_upgrade():
    """Apply every pending migration (creates the schema on a new database)."""
    from . import db
    applied = db.upgrade()
    if applied:
        for name in applied:
            click.echo(f"applied {name}")
    else:
        click.echo("database is up to date")


@db_cli.command("status")
def db_status():
    """List migrations and whether each is applied."""
    from . import db
    for migration in db.migration_status():
        state = "applied" if migration.applied else "pending"
        click.echo(f"{migration.name}: {state}")


@demo_cli.command("seed")
def demo_seed():
    """Create demo people of every role in two teams (safe to run again)."""
    from . import demo
    from .db import db
    with db.connection_context():
        rows = demo.seed()
    click.echo("Demo people (password for all: %s):" % demo.DEMO_PASSWORD)
    for email, role, team in rows:
        click.echo(f"  {role:<8} {email:<28} {team}")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(db_cli)
