"""Readiness for load balancers and deploy scripts: `/healthz` (the view is main.healthz).

Ready means the database answers a query (the migrations table: the level is reported, and a
pending migration is not ready) and the content loaded without errors. The JSON carries no file
paths or messages, only counts and hashes, so it can stay open to anyone; trainers and admins
read the messages on the site. Several hosts can be compared: the same `content_version` means
the same content files.
"""
from __future__ import annotations

from flask import current_app
from peewee import DatabaseError

from course.data.db import db, migration_level
from course.web.content_store import store
from course.web.database import discard_connections, failure_kind


def readiness() -> tuple[dict, int]:
    content = store()
    errors = len(content.errors)
    report = {"status": "ok", "database": "ok", "migration": None, "migrations_pending": None,
              "content_version": content.version, "errors": errors, "serving_last_good_content": content.stale}
    try:
        with db.connection_context():
            report["migration"], report["migrations_pending"] = migration_level()
    except DatabaseError as exc:      # cannot connect, cannot read: not ready
        kind = failure_kind(exc)
        report["database"] = kind
        current_app.logger.error("healthz: database %s: %s", kind, str(exc).splitlines()[0] if str(exc) else "")
        discard_connections(kind)
    problems = []
    if report["database"] != "ok":
        problems.append("database")
    if report["migrations_pending"]:
        problems.append("migrations pending")
    if errors:
        problems.append("content errors")
    if problems:
        report["status"] = "not ready: " + ", ".join(problems)
    return report, 503 if problems else 200
