"""A database connection per request: taken from the pool before the view,
given back in teardown (even when the view raises)."""
from __future__ import annotations

from flask import Flask, request

from course.data.db import db, make_database


def init_app(app: Flask) -> None:
    database = make_database(app.config["DATABASE_URL"], app.instance_path)
    db.initialize(database)
    app.extensions["peewee"] = database

    @app.before_request
    def _open():
        # Static files and the health check never touch the database.
        if not db.obj.is_closed():
            return
        if request.endpoint not in ("static", "main.health"):
            db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not db.obj.is_closed():
            db.close()
