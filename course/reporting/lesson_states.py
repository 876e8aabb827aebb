"""Lesson and course states, used everywhere and computed one way (read-only).

not started -> opened (page shown) -> completed (marked done, or quiz passed)
-> passed (its quiz passed). A lesson without a quiz is finished when
completed; with a quiz, when passed. A course is finished when every
published lesson is. Rows are keyed by slug; rows under a lesson's former
slugs (aliases) count for it, so renaming a file keeps everyone's history.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from course.data.models import Progress

STATES = ("not started", "opened", "completed", "passed")
STATE_LABELS = {"not started": "Not started", "opened": "Opened", "completed": "Completed", "passed": "Passed"}


@dataclass(frozen=True)
class LessonProgress:
    lesson: object              # content Lesson
    state: str = "not started"
    opened_at: object = None
    last_visit_at: object = None
    completed_at: object = None
    passed_at: object = None
    best_score: Optional[float] = None
    content_hash: Optional[str] = None     # the version last seen

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def finished(self) -> bool:
        return is_finished(self.lesson, self.state)

    @property
    def finished_at(self):
        return self.passed_at if self.lesson.quiz is not None else (self.completed_at or self.passed_at)

    @property
    def needs_quiz(self) -> bool:
        return self.lesson.quiz is not None and self.state == "completed"


@dataclass(frozen=True)
class CourseProgress:
    course: object
    lessons: tuple              # LessonProgress in course order (published lessons)

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def finished_count(self) -> int:
        return sum(1 for lp in self.lessons if lp.finished)

    @property
    def percent(self) -> int:
        return round(100 * self.finished_count / self.total) if self.total else 0

    @property
    def started(self) -> bool:
        return any(lp.state != "not started" for lp in self.lessons)

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.finished_count == self.total

    @property
    def finished_at(self):
        return max((lp.finished_at for lp in self.lessons), default=None) if self.finished else None

    @property
    def next(self) -> Optional[LessonProgress]:
        """Where "Continue" leads: the first unfinished lesson in course order."""
        return next((lp for lp in self.lessons if not lp.finished), None)

    @property
    def last_activity(self):
        return max((lp.last_visit_at for lp in self.lessons if lp.last_visit_at), default=None)

    def of(self, lesson_slug: str) -> Optional[LessonProgress]:
        return next((lp for lp in self.lessons if lp.lesson.slug == lesson_slug), None)


def is_finished(lesson, state: str) -> bool:
    if lesson.quiz is None:
        return state in ("completed", "passed")
    return state == "passed"


def _state(completed_at, passed_at, opened_at) -> str:
    if passed_at:
        return "passed"
    if completed_at:
        return "completed"
    return "opened" if opened_at else "not started"


def _merge(lesson, rows) -> LessonProgress:
    """One LessonProgress from the rows under the lesson's slug and aliases."""
    if not rows:
        return LessonProgress(lesson)
    if len(rows) == 1:          # the common case (no aliases): the same values without the min/max passes
        r = rows[0]
        return LessonProgress(lesson=lesson, state=_state(r.completed_at, r.passed_at, r.opened_at),
                              opened_at=r.opened_at, last_visit_at=r.last_visit_at, completed_at=r.completed_at,
                              passed_at=r.passed_at, best_score=r.best_score,
                              content_hash=getattr(r, "content_hash", None))

    def first(values):
        values = [v for v in values if v is not None]
        return min(values) if values else None

    opened = first(r.opened_at for r in rows)
    completed = first(r.completed_at for r in rows)
    passed = first(r.passed_at for r in rows)
    scores = [r.best_score for r in rows if r.best_score is not None]
    latest = max(rows, key=lambda r: r.last_visit_at)
    return LessonProgress(
        lesson=lesson,
        state=_state(completed, passed, opened),
        opened_at=opened,
        last_visit_at=max(r.last_visit_at for r in rows),
        completed_at=completed,
        passed_at=passed,
        best_score=max(scores) if scores else None,
        content_hash=getattr(latest, "content_hash", None),
    )


def build_course_progress(course, rows) -> CourseProgress:
    by_slug: dict[str, list] = {}
    for row in rows:
        by_slug.setdefault(row.lesson_slug, []).append(row)
    lessons = []
    for lesson in course.visible_lessons():
        matching = [r for slug in (lesson.slug, *lesson.aliases) for r in by_slug.get(slug, [])]
        lessons.append(_merge(lesson, matching))
    return CourseProgress(course, tuple(lessons))


def course_progress(person, course) -> CourseProgress:
    return build_course_progress(course, Progress.for_person_in_course(person, course.slug))


def courses_progress(person, courses) -> list[CourseProgress]:
    """Progress in every course from a single query."""
    rows: dict[str, list] = {}
    for row in Progress.for_person(person):
        rows.setdefault(row.course_slug, []).append(row)
    return [build_course_progress(course, rows.get(course.slug, [])) for course in courses]
