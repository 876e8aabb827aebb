"""When item-analysis figures move: in steps of at least MIN_GROUP_SIZE new learners, at the
end of a site day, so that comparing two downloads never isolates one learner (docs/privacy.md).

A *publication point* is the end of a past site day. Walking the days in order, a day closes a
point when at least MIN_GROUP_SIZE learners answered (for the first time) since the previous
point; days with fewer new learners wait and are added with the next point. Figures count every
answer submitted before the latest point, and nothing after it. So:

- a submission made today never changes what anyone sees today;
- two downloads on different days differ by the answers of at least MIN_GROUP_SIZE learners who
  are new to the figures (plus any retakes in that span), never by one person's answers alone;
- the points depend only on the stored answers, so every host computes the same figures and no
  GET has to record what was shown.

Days are counted in whole UTC hours (`'YYYY-MM-DD HH'`, read with the same expression on SQLite
and PostgreSQL): a point is the first hour boundary at or after the local midnight, which is the
midnight itself in every zone with a whole-hour offset. Counts and cut-offs use the same hours,
so the guarantee holds in any zone.
"""
from __future__ import annotations

import datetime

from peewee import fn

from course.data.models import Answer, Attempt
from course.time import day_start_utc, site_today, site_zone, to_local, utcnow


def hour_of_submission():
    """'YYYY-MM-DD HH' of an attempt's submission (UTC), the same text on SQLite and PostgreSQL."""
    return fn.SUBSTR(Attempt.submitted_at.cast("TEXT"), 1, 13).coerce(False)


def _hour_start(text: str) -> datetime.datetime:
    return datetime.datetime(int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]))


def _next_hour_boundary(moment: datetime.datetime) -> datetime.datetime:
    floor = moment.replace(minute=0, second=0, microsecond=0)
    return floor if floor == moment else floor + datetime.timedelta(hours=1)


def point_after(day: datetime.date, zone=None) -> datetime.datetime:
    """The publication point closing `day`: the first whole UTC hour at or after its end (naive UTC)."""
    return _next_hour_boundary(day_start_utc(day + datetime.timedelta(days=1), zone))


def day_closed_by(point: datetime.datetime, zone=None) -> datetime.date:
    """The site day a publication point closes (a point is at most 59 minutes after midnight)."""
    return to_local(point - datetime.timedelta(minutes=61), zone).date()


class Steps:
    """Publication points for one reading of the clock (one request)."""

    def __init__(self, min_group: int):
        self.min_group = max(1, int(min_group))
        self.zone = site_zone()
        self.now = utcnow()
        last = site_today() - datetime.timedelta(days=1)
        if point_after(last, self.zone) > self.now:   # zones with a half-hour offset, just after midnight
            last -= datetime.timedelta(days=1)
        self.last_day = last
        self._days: dict[str, datetime.date] = {}

    def day_of(self, hour: str) -> datetime.date:
        day = self._days.get(hour)
        if day is None:
            day = self._days[hour] = to_local(_hour_start(hour), self.zone).date()
        return day

    def cutoff(self, newcomers_by_hour) -> datetime.datetime | None:
        """The latest publication point given (hour, new learners) pairs; None if there is none yet."""
        per_day: dict[datetime.date, int] = {}
        for hour, learners in newcomers_by_hour:
            day = self.day_of(hour)
            per_day[day] = per_day.get(day, 0) + learners
        published, waiting = None, 0
        for day in sorted(per_day):
            if day > self.last_day:
                break
            waiting += per_day[day]
            if waiting >= self.min_group:
                published, waiting = day, 0
        return point_after(published, self.zone) if published is not None else None


def scenario_cutoffs(scope, steps: Steps) -> tuple[dict, dict]:
    """Per scenario version (id, hash): its publication point (or None), and how many learners
    have answered it at all. One grouped query over first answers."""
    hour = hour_of_submission()
    newcomers: dict[tuple, list] = {}
    answered: dict[tuple, int] = {}
    for sid, version, at, learners in (Answer.select(Answer.scenario_id, Answer.scenario_hash, hour, fn.COUNT(Answer.id))
                                       .join(Attempt).where(scope & (Answer.first_try == True))  # noqa: E712
                                       .group_by(Answer.scenario_id, Answer.scenario_hash, hour).tuples()):
        newcomers.setdefault((sid, version), []).append((at, learners))
        answered[(sid, version)] = answered.get((sid, version), 0) + learners
    return {key: steps.cutoff(pairs) for key, pairs in newcomers.items()}, answered


def learner_cutoff(first_hours, steps: Steps) -> datetime.datetime | None:
    """The publication point for figures counted per learner (conversation paths), given the hour
    of each learner's first attempt."""
    per_hour: dict[str, int] = {}
    for hour in first_hours:
        per_hour[hour] = per_hour.get(hour, 0) + 1
    return steps.cutoff(per_hour.items())


def hour_text(moment: datetime.datetime) -> str:
    """A publication point as the 'YYYY-MM-DD HH' text `hour_of_submission` compares with."""
    return moment.strftime("%Y-%m-%d %H")


__all__ = ["Steps", "day_closed_by", "hour_of_submission", "hour_text", "learner_cutoff", "point_after", "scenario_cutoffs"]
