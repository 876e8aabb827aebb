"""One JSON line per request on standard output, for the log collector.

    {"time": "2026-11-23T10:04:05.123Z", "method": "POST", "route": "/courses/<course_slug>/<lesson_slug>/quiz",
     "status": 303, "duration_ms": 14.2, "person_id": 17, "request_id": "5f0c..."}

The route is the URL rule, never the path: ids, slugs and one-time tokens (`/auth/set-password/<token>`)
stay out of the log, and so do query strings, form fields, cookies and emails. `person_id` is the
signed-in person's row id (null when anonymous); it is read only if the request already loaded
the person, so logging never queries the database. The request id comes from the `X-Request-ID`
header when the proxy sends a plausible one (letters, digits, `._:-`, at most 64), otherwise it is
generated; it is sent back in `X-Request-ID` and named in the error log lines of that request.
The duration is the time to the first byte (a streamed CSV goes on after it). `REQUEST_LOG=0`
turns the lines off.
"""
from __future__ import annotations

import datetime
import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, g, request

logger = logging.getLogger("course.requests")
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class _Stdout(logging.StreamHandler):
    """Writes to whatever sys.stdout is at the time (test runners swap it)."""

    def __init__(self):
        super().__init__(sys.stdout)

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, value):
        pass


def _configure() -> None:
    if not any(isinstance(h, _Stdout) for h in logger.handlers):
        handler = _Stdout()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False         # not again through the app logger's own format


def request_id() -> str:
    offered = request.headers.get("X-Request-ID", "")
    return offered if REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex


def _person_id():
    person = g.get("_login_user")    # flask-login's cache: set once someone asked who is signed in
    if person is not None and getattr(person, "is_authenticated", False):
        return getattr(person, "id", None)
    return None


def entry(response) -> dict:
    started = g.get("request_started")
    return {
        "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule is not None else None,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "person_id": _person_id(),
        "request_id": g.get("request_id"),
    }


def init_app(app: Flask) -> None:
    def _start():
        g.request_started = time.perf_counter()
        g.request_id = request_id()

    # Before every other before-request function, so refused requests are timed and named too.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)

    @app.after_request
    def _log(response):
        if g.get("request_id"):
            response.headers["X-Request-ID"] = g.request_id
        if app.config.get("REQUEST_LOG", True):
            logger.info(json.dumps(entry(response), separators=(",", ":")))
        return response

    if app.config.get("REQUEST_LOG", True):
        _configure()
