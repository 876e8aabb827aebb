"""The one clock and the site's time zone: the only reader of CLOCK and TIMEZONE.

`now()` is the app's idea of the current time (aware, UTC). Tests and demos set
`app.config["CLOCK"]` to a callable returning an aware datetime, so "tomorrow"
is a config change, not a sleep. Dates are stored as naive UTC (`utcnow()`)
and shown, and counted in days, in the site's zone (`TIMEZONE`).
"""
from __future__ import annotations

import contextlib
import datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

UTC = datetime.timezone.utc


def system_now() -> datetime.datetime:
    return datetime.datetime.now(UTC)


def now() -> datetime.datetime:
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            value = clock()
            return value if value.tzinfo else value.replace(tzinfo=UTC)
    return system_now()


def utcnow() -> datetime.datetime:
    """Naive UTC: what every DateTimeField stores."""
    return now().astimezone(UTC).replace(tzinfo=None)


@contextlib.contextmanager
def frozen_at(moment_of):
    """Run a block on another clock: `moment_of()` is called for each reading.
    The demo writes a believable history through the normal code paths with it."""
    saved = current_app.config.get("CLOCK")
    current_app.config["CLOCK"] = moment_of
    try:
        yield
    finally:
        current_app.config["CLOCK"] = saved


def site_zone() -> ZoneInfo:
    if has_app_context():
        return ZoneInfo(current_app.config["TIMEZONE"])
    return ZoneInfo("UTC")


def to_local(value: datetime.datetime | None, zone: ZoneInfo | None = None) -> datetime.datetime | None:
    """Stored naive UTC -> aware datetime in the site's zone (or `zone`)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone or site_zone())


def site_today() -> datetime.date:
    """Today's date in the site's time zone (due dates, streaks, the review day)."""
    return now().astimezone(site_zone()).date()


def day_start_utc(day: datetime.date, zone: ZoneInfo | None = None) -> datetime.datetime:
    """Midnight at the start of `day` in the site's zone, as naive UTC."""
    midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=zone or site_zone())
    return midnight.astimezone(UTC).replace(tzinfo=None)


def review_day(day: datetime.date | None = None, zone: ZoneInfo | None = None):
    """(start, end) of a site day as naive UTC: a review is due all day on its date."""
    day = day or site_today()
    return day_start_utc(day, zone), day_start_utc(day + datetime.timedelta(days=1), zone)
