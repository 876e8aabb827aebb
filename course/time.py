"""The one clock. `now()` is the app's idea of the current time (aware, UTC).

Tests and demos set `app.config["CLOCK"]` to a callable returning an aware
datetime, so "tomorrow" is a config change, not a sleep.
"""
from __future__ import annotations

import datetime

from flask import current_app, has_app_context


def system_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def now() -> datetime.datetime:
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            value = clock()
            return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
    return system_now()
