"""Jinja filters: dates in the site's time zone, plural words, percentages."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Flask

from course.time import to_local


def localtime_text(value) -> str:
    local = to_local(value)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def init_app(app: Flask) -> None:
    ZoneInfo(app.config["TIMEZONE"])   # a bad zone name fails at start, not on a page

    @app.template_filter("localdate")
    def localdate(value):
        local = to_local(value)
        return local.strftime("%-d %B %Y") if local else ""

    @app.template_filter("localtime")
    def localtime(value):
        local = to_local(value)
        return local.strftime("%-d %b %Y, %H:%M") if local else ""

    @app.template_filter("plural")
    def plural(count, singular, plural_form=None):
        word = singular if count == 1 else (plural_form or singular + "s")
        return f"{count} {word}"

    @app.template_filter("longdate")
    def longdate(value):
        return value.strftime("%-d %B %Y") if value else ""

    @app.template_filter("percent")
    def percent(value):
        return f"{round((value or 0) * 100)}%"

    @app.context_processor
    def site():
        return {"site_name": app.config["SITE_NAME"]}
