"""Streaks and habits, from every answer a learner gave (quizzes and reviews)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from course.time import to_local
from course.data.models import Answer, Attempt


def practice_days(person, since: datetime.datetime) -> set[datetime.date]:
    """Days (site time zone) on which the person submitted a quiz or a review."""
    query = (Attempt.select(Attempt.submitted_at)
             .where((Attempt.person == person) & (Attempt.submitted_at >= since)).tuples())
    return {to_local(submitted).date() for (submitted,) in query}


def current_streak(days: set[datetime.date], today: datetime.date) -> int:
    """Consecutive days of practice ending today, or yesterday when today has no
    practice yet (the streak is still alive until the day ends)."""
    day = today if today in days else today - datetime.timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= datetime.timedelta(days=1)
    return streak


@dataclass(frozen=True)
class Habit:
    tag: object              # content Tag (label, strong)
    chosen: int              # times the learner chose this behaviour
    offered: int             # situations in which it was one of the choices
    earlier: tuple           # (chosen, offered) in the first half of the learner's history
    recent: tuple            # ... and in the second half

    @property
    def share(self) -> float:
        return self.chosen / self.offered if self.offered else 0.0


def _offered_tags(catalog, course_slug, lesson_slug, scenario_id, cache):
    key = (course_slug, lesson_slug, scenario_id)
    if key not in cache:
        lesson, _ = catalog.find_lesson(course_slug, lesson_slug)
        scenario = lesson.quiz.scenario(scenario_id) if lesson and lesson.quiz else None
        cache[key] = {c.tag for c in scenario.choices} if scenario else None
    return cache[key]


def answer_history(person):
    """Every answer in time order: (submitted_at, course, lesson, scenario id, tag)."""
    return list(Answer.select(Attempt.submitted_at, Attempt.course_slug, Attempt.lesson_slug,
                              Answer.scenario_id, Answer.tag)
                .join(Attempt).where(Attempt.person == person)
                .order_by(Attempt.submitted_at, Attempt.id, Answer.position).tuples())


def habits(history, catalog) -> list[Habit]:
    """How often each behaviour was chosen where it was on offer, overall and
    in the earlier and more recent halves of the history. Labels come from the
    content's tag vocabulary."""
    cache: dict = {}
    half = len(history) // 2
    totals: dict[str, list[int]] = {}
    for index, (_when, course_slug, lesson_slug, scenario_id, tag) in enumerate(history):
        offered = _offered_tags(catalog, course_slug, lesson_slug, scenario_id, cache) or {tag}
        for offered_tag in offered | {tag}:
            row = totals.setdefault(offered_tag, [0, 0, 0, 0, 0, 0])
            part = 2 if index < half else 4
            row[1] += 1
            row[part + 1] += 1
            if offered_tag == tag:
                row[0] += 1
                row[part] += 1
    out = [Habit(catalog.tags[slug], r[0], r[1], (r[2], r[3]), (r[4], r[5]))
           for slug, r in totals.items() if slug in catalog.tags]
    return sorted(out, key=lambda h: (not h.tag.strong, -h.offered, h.tag.label))


def weekly_strong_share(history, catalog, today: datetime.date, weeks: int = 12):
    """Per week: (week start, strong choices, all choices)."""
    start = today - datetime.timedelta(days=today.weekday() + 7 * (weeks - 1))
    buckets = [[0, 0] for _ in range(weeks)]
    for when, _c, _l, _s, tag in history:
        index = (to_local(when).date() - start).days // 7
        if 0 <= index < weeks:
            buckets[index][1] += 1
            if tag in catalog.tags and catalog.tags[tag].strong:
                buckets[index][0] += 1
    return [(start + datetime.timedelta(weeks=i), b[0], b[1]) for i, b in enumerate(buckets)]
