"""Wires the content engine into the app: one ContentStore per app."""
from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_login import current_user

from course.content import Catalog, ContentError, ContentStore
from course.content.quality import QualityReport, analyse, load_settings
from course.web.policy import TRAINER_ROLES, has_role
from course.web.serving import serving

OPEN_WHEN_BROKEN = ("static", "main.health", "main.healthz")


def init_app(app: Flask) -> None:
    store = ContentStore(app.config["CONTENT_DIR"],
                         reload=app.config["CONTENT_RELOAD"] or app.debug,
                         default_pass_score=app.config["DEFAULT_PASS_SCORE"])
    app.extensions["content"] = store

    strict = app.config.get("CONTENT_STRICT")
    if strict is None:
        strict = not app.debug and not app.testing and serving(app)
    errors = store.catalog.errors
    if strict and errors:
        # Production refuses to start on broken content, naming every problem.
        raise ContentError(errors)

    @app.before_request
    def _show_content_errors():
        # Content that never loaded cleanly (development, or CONTENT_STRICT off): no page can be
        # shown. Trainers and admins read the messages; everyone else gets a page without file
        # paths. Signing in still works, and the health checks report the errors themselves.
        if request.endpoint in OPEN_WHEN_BROKEN or (request.endpoint or "").startswith("auth."):
            return None
        problems = store.catalog.errors
        if problems:
            if has_role(current_user, *TRAINER_ROLES):
                return render_template("errors/content.html", problems=problems), 503
            return render_template("errors/content_unavailable.html"), 503
        return None

    @app.context_processor
    def _content_banner():
        # A file broken while running (CONTENT_RELOAD): the last good content keeps serving and
        # trainers and admins see what is wrong on every page.
        if store.stale and has_role(current_user, *TRAINER_ROLES):
            return {"content_problems": store.errors}
        return {}


def store() -> ContentStore:
    return current_app.extensions["content"]


def catalog() -> Catalog:
    return current_app.extensions["content"].catalog


def quality_report() -> QualityReport:
    """The assessment-quality report of the content being served. The catalog is
    frozen, so the report is computed once per loaded version, on first request."""
    current = catalog()
    cached = current_app.extensions.get("content_quality")
    if cached is None or cached[0] is not current:
        settings = load_settings(current_app.config["CONTENT_DIR"])
        cached = (current, analyse(current, settings))
        current_app.extensions["content_quality"] = cached
    return cached[1]


__all__ = ["catalog", "init_app", "quality_report", "store", "ContentError"]
