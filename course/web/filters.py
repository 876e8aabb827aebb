"""Template filters: dates in the site's time zone, plural words."""
from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app


def site_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_local(value: datetime.datetime | None) -> datetime.datetime | None:
    """Stored naive UTC -> aware datetime in the site's zone."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(site_zone())


def localtime_text(value) -> str:
    local = to_local(value)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def site_today() -> datetime.date:
    """Today's date in the site's time zone (due dates and streaks use it)."""
    from course.time import now
    return now().astimezone(site_zone()).date()


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
