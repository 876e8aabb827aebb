"""Wires the content engine into the app: one ContentStore per app."""
from __future__ import annotations

from flask import Flask, current_app, render_template, request

from course.content import Catalog, ContentError, ContentStore
from course.content.quality import QualityReport, analyse, load_settings
from course.web.serving import serving


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
        # In development a broken file shows its messages instead of a page.
        if request.endpoint in ("static", "main.health"):
            return None
        problems = store.catalog.errors
        if problems:
            return render_template("errors/content.html", problems=problems), 500
        return None


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


__all__ = ["catalog", "init_app", "quality_report", "ContentError"]
