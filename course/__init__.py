"""The coaching microlearning engine.

`create_app` reads as the table of contents: settings, database, content,
sign-in, security, pages, commands.
"""
from __future__ import annotations

import os
import secrets

import click
from flask import Flask

from config import settings_from_env


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(settings_from_env())
    if test_config:
        app.config.update(test_config)
    if app.config.get("SESSION_COOKIE_SECURE"):
        app.config["REMEMBER_COOKIE_SECURE"] = True
    os.makedirs(app.instance_path, exist_ok=True)
    _secret_key(app)

    from . import db, content_app, auth, security, views, cli, filters
    db.init_app(app)
    content_app.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    filters.init_app(app)
    views.init_app(app)
    cli.init_app(app)
    return app


def serving(app: Flask) -> bool:
    """True when the app is about to serve requests (gunicorn, `flask run`),
    False under other `flask` commands, which must work on a broken tree."""
    ctx = click.get_current_context(silent=True)
    return ctx is None or ctx.command.name == "run"


def _secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.debug:
        # Generated once, so sessions survive restarts of the development server.
        path = os.path.join(app.instance_path, "secret_key")
        if not os.path.exists(path):
            with open(path, "w") as fh:
                fh.write(secrets.token_hex(32))
            os.chmod(path, 0o600)
        with open(path) as fh:
            app.config["SECRET_KEY"] = fh.read().strip()
    elif serving(app) and not app.testing:
        raise RuntimeError("SECRET_KEY is not set. Outside debug mode every host must be given the "
                           "same key: export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')")
    else:
        app.config["SECRET_KEY"] = secrets.token_hex(32)
