"""A database connection per request: taken from the pool before the view,
given back in teardown (even when the view raises).

When the database refuses (SQLite: "attempt to write a readonly database", "database or disk is
full", "unable to open database file", "file is not a database"; PostgreSQL: the server is gone:
peewee's OperationalError, InternalError or a plain DatabaseError), the answer is a 503 page
that says so, with one log line and no traceback. The failed connection is closed rather than
returned to the pool (after a read-only error, every idle one too: a SQLite connection opened on
a read-only file stays read-only), so the site recovers by itself once the disk is writable again.
"""
from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask_login import AnonymousUserMixin
from peewee import DatabaseError, InternalError, OperationalError

from course.data.db import db, make_database

# What the 503 page and the log line call each kind of failure, by the words of the error.
KINDS = (("readonly", "read-only"), ("disk is full", "disk full"), ("disk i/o", "disk error"),
         ("not a database", "disk error"), ("malformed", "disk error"),
         ("locked", "busy"), ("unable to open", "cannot open"))


def failure_kind(exc: Exception) -> str:
    text = str(exc).lower()
    return next((kind for words, kind in KINDS if words in text), "unavailable")


def discard_connections(kind: str) -> None:
    """Close this request's connection instead of pooling it (and, after a read-only error,
    every idle one: they were opened on the same read-only file)."""
    database = db.obj
    try:
        if not database.is_closed():
            database.manual_close()
        if kind == "read-only":
            database.close_idle()
    except Exception:        # closing a broken connection may fail too; nothing more to do
        pass


def init_app(app: Flask) -> None:
    database = make_database(app.config["DATABASE_URL"], app.instance_path)
    db.initialize(database)
    app.extensions["peewee"] = database

    @app.before_request
    def _open():
        # Static files and the health checks open no connection here (/healthz opens its own).
        if not db.obj.is_closed():
            return
        if request.endpoint not in ("static", "main.health", "main.healthz"):
            db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not db.obj.is_closed():
            db.close()

    @app.errorhandler(DatabaseError)
    def _database_unavailable(exc):
        if not (type(exc) is DatabaseError or isinstance(exc, (OperationalError, InternalError))):
            raise exc            # an integrity or programming error is a bug: a 500, with its traceback
        kind = failure_kind(exc)
        rule = request.url_rule.rule if request.url_rule else "-"
        current_app.logger.error("database %s: %s on %s %s (request %s)", kind, str(exc).splitlines()[0] if str(exc) else
                                 type(exc).__name__, request.method, rule, g.get("request_id", "-"))
        discard_connections(kind)
        if "_login_user" not in g:
            # The page must not ask the database who is signed in.
            g._login_user = AnonymousUserMixin()
        return render_template("errors/unavailable.html", kind=kind), 503, {"Retry-After": "30"}
