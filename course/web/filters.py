"""Jinja filters: dates in the site's time zone, plural words, percentages."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from flask import Flask

from course.time import to_local


def localtime_text(value) -> str:
    local = to_local(value)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


_TRY_THIS = re.compile(r"<h([1-6])[^>]*>\s*Try this at work\s*</h\1>", re.I)


def has_try_this(body_html: str) -> bool:
    return _TRY_THIS.search(body_html) is not None


def split_after_try_this(body_html: str) -> tuple[str, str] | None:
    """A lesson's HTML cut at the end of its "Try this at work" section (before the next
    heading of the same or a higher level), so the commitment form can follow it. None
    for a lesson without such a section."""
    match = _TRY_THIS.search(body_html)
    if match is None:
        return None
    level = int(match.group(1))
    following = re.compile(rf"<h[1-{level}][\s>]", re.I).search(body_html, match.end())
    cut = following.start() if following else len(body_html)
    return body_html[:cut], body_html[cut:]


def init_app(app: Flask) -> None:
    ZoneInfo(app.config["TIMEZONE"])   # a bad zone name fails at start, not on a page

    app.add_template_filter(split_after_try_this, "split_after_try_this")

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
