"""The coaching microlearning engine.

`create_app` reads as the table of contents: settings, database, content,
security, sign-in, filters, pages, commands.
"""
from __future__ import annotations

import os
import secrets

from flask import Flask

from config import settings_from_env
from course import cli
from course.web import content_store, database, filters, inputs, login, requestlog, security, views
from course.web.serving import serving


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True,
                template_folder="web/templates", static_folder="web/static")
    app.config.from_mapping(settings_from_env())
    if test_config:
        app.config.update(test_config)
    if app.config.get("SESSION_COOKIE_SECURE"):
        app.config["REMEMBER_COOKIE_SECURE"] = True
    os.makedirs(app.instance_path, exist_ok=True)
    _secret_key(app)

    database.init_app(app)        # a connection per request, from the pool
    content_store.init_app(app)   # lessons and quizzes, checked and rendered once
    security.init_app(app)        # CSRF and response headers
    login.init_app(app)           # sessions, remember-me, sign-in rate limits
    filters.init_app(app)         # Jinja filters: local dates, plurals, percentages
    inputs.init_app(app)          # the <id:...> converter, NUL and body-size refusals
    requestlog.init_app(app)      # one JSON line per request, X-Request-ID
    views.init_app(app)           # the blueprints and error pages
    cli.init_app(app)             # flask commands
    return app


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
