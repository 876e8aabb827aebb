"""Private reflections: a learner's answers to a lesson's closing prompts.

Append-only: saving writes one row per non-empty answer and never changes an
earlier one, so the history stays; the lesson page shows the latest answer per
prompt. Only the person themself reads these rows (their lesson page, their
account page, the data-protection export): no report, team page or trainer
page reads this table, and no function here takes a person id.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from course.data.db import db
from course.data.models import Reflection
from course.time import utcnow

MAX_TEXT = 4000      # characters per answer, after line endings are made "\n"


class ReflectionError(ValueError):
    """Bad input: the message is shown to the learner as it is; nothing was saved."""

    def __init__(self, message: str, prompt_id: str | None = None):
        super().__init__(message)
        self.prompt_id = prompt_id      # the answer at fault, when there is one


def _normalise(text) -> str:
    """Line endings as "\\n" (browsers send "\\r\\n" from a textarea), outer blanks removed."""
    return str(text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def check_answers(lesson, answers: dict) -> dict[str, str]:
    """The non-empty answers by prompt id, in the lesson's order; ReflectionError
    for a lesson without prompts, an unknown prompt id or a text over MAX_TEXT."""
    if not lesson.reflection:
        raise ReflectionError("This lesson has no reflection questions, so there is nothing to save.")
    known = {prompt.id for prompt in lesson.reflection}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ReflectionError(f"This lesson has no reflection question '{unknown[0][:100]}'. "
                              "Reload the page and try again.")
    cleaned = {}
    for prompt in lesson.reflection:
        text = _normalise(answers.get(prompt.id))
        if len(text) > MAX_TEXT:
            raise ReflectionError(f"Your answer to “{prompt.prompt}” has {len(text):,} characters; "
                                  f"an answer may have at most {MAX_TEXT:,}. Nothing was saved.",
                                  prompt_id=prompt.id)
        if text:
            cleaned[prompt.id] = text
    return cleaned


def save_reflections(person, lesson, answers: dict) -> int:
    """Store one new row per non-empty answer (all of them or none); returns how many."""
    cleaned = check_answers(lesson, answers)
    if not cleaned:
        return 0
    now = utcnow()
    prompts = {prompt.id: prompt.prompt for prompt in lesson.reflection}
    rows = [{"person": person, "course_slug": lesson.course_slug, "lesson_slug": lesson.slug,
             "prompt_id": prompt_id, "prompt_text": prompts[prompt_id], "text": text, "created_at": now}
            for prompt_id, text in cleaned.items()]
    with db.atomic():
        Reflection.insert_many(rows).execute()
    return len(rows)


def latest_answers(person, lesson) -> dict[str, Reflection]:
    """The person's latest answer to each of the lesson's prompts (under any of its slugs)."""
    latest: dict[str, Reflection] = {}
    for row in Reflection.for_lesson(person, lesson.course_slug, (lesson.slug, *lesson.aliases)):
        latest.setdefault(row.prompt_id, row)
    return latest


@dataclass
class LessonReflections:
    """One lesson's reflections of one person, latest first."""
    course_slug: str
    lesson_slug: str
    course: object = None       # the Course, when it still exists
    lesson: object = None       # the Lesson, when it is still published
    entries: list = field(default_factory=list)


def reflections_by_lesson(person, catalog) -> list[LessonReflections]:
    """The person's reflections grouped by lesson; the lesson answered most recently first.
    Rows under a lesson's former slugs join the lesson's group."""
    groups: dict[tuple[str, str], LessonReflections] = {}
    for row in Reflection.for_person(person):
        lesson, _ = catalog.find_lesson(row.course_slug, row.lesson_slug)
        slug = lesson.slug if lesson is not None else row.lesson_slug
        group = groups.get((row.course_slug, slug))
        if group is None:
            published = lesson if lesson is not None and not lesson.draft else None
            group = groups[(row.course_slug, slug)] = LessonReflections(
                row.course_slug, slug, catalog.course(row.course_slug), published)
        group.entries.append(row)
    return list(groups.values())


def export_reflections(person) -> list[dict]:
    """Every reflection of the person, oldest first, for the data-protection export."""
    return [{"course": r.course_slug, "lesson": r.lesson_slug, "prompt_id": r.prompt_id,
             "prompt": r.prompt_text, "text": r.text, "created_at": r.created_at.isoformat() + "Z"}
            for r in Reflection.select().where(Reflection.person == person)
            .order_by(Reflection.created_at, Reflection.id)]
