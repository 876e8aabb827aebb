"""Recording progress: a lesson opened, marked done, its quiz scored or passed.

Milestones keep the first time they were reached and never move back; states
are derived from them in course/reporting/lesson_states.py.
"""
from __future__ import annotations

import datetime

from peewee import Case

from course.data.models import Progress, fn
from course.time import utcnow


def _higher(score: float):
    """best_score after a new score: it only goes up (a missing one becomes the score)."""
    return Case(None, [((Progress.best_score.is_null() | (Progress.best_score < score)), score)],
                Progress.best_score)


def _upsert(person, lesson, **changes) -> None:
    now = utcnow()
    values = {"person": person, "course_slug": lesson.course_slug, "lesson_slug": lesson.slug,
              "content_hash": lesson.content_hash, "opened_at": now, "last_visit_at": now}
    values.update(changes)
    update = {Progress.last_visit_at: now, Progress.content_hash: lesson.content_hash}
    for name, value in changes.items():
        field = getattr(Progress, name)
        # Keep the first time a milestone was reached; never move it or clear it.
        update[field] = _higher(value) if name == "best_score" else fn.COALESCE(field, value)
    (Progress.insert(**values)
     .on_conflict(conflict_target=[Progress.person, Progress.course_slug, Progress.lesson_slug],
                  update=update)
     .execute())


VISIT_RESOLUTION = datetime.timedelta(minutes=10)


def visit_needs_recording(lesson_progress, lesson) -> bool:
    """A first visit, a new version of the lesson, or the last visit is older
    than VISIT_RESOLUTION: re-reading a page a minute later writes nothing."""
    if lesson_progress is None or lesson_progress.state == "not started":
        return True
    if lesson_progress.content_hash != lesson.content_hash:
        return True
    return lesson_progress.last_visit_at is None or utcnow() - lesson_progress.last_visit_at >= VISIT_RESOLUTION


def record_open(person, lesson) -> None:
    """The lesson page was shown (a GET may record this)."""
    _upsert(person, lesson)


def mark_done(person, lesson) -> None:
    _upsert(person, lesson, completed_at=utcnow())


def record_pass(person, lesson, score: float) -> None:
    """A passed quiz completes and passes its lesson; the best score only goes up.
    One statement, no read: the best score is compared in the database."""
    now = utcnow()
    _upsert(person, lesson, completed_at=now, passed_at=now, best_score=score)


def record_score(person, lesson, score: float) -> None:
    """A quiz attempt that did not pass still keeps the best score so far. One statement: a new
    row is opened now; an existing one only has its best score raised (its visit is not moved)."""
    now = utcnow()
    (Progress.insert(person=person, course_slug=lesson.course_slug, lesson_slug=lesson.slug,
                     content_hash=lesson.content_hash, opened_at=now, last_visit_at=now, best_score=score)
     .on_conflict(conflict_target=[Progress.person, Progress.course_slug, Progress.lesson_slug],
                  update={Progress.best_score: _higher(score)})
     .execute())
