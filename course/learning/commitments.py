"""The "Try this at work" loop: a learner's commitment after a lesson, and its check-in.

A commitment is private to its owner. Every function here that reads or changes
one takes the signed-in person and finds the row through them, so another
person's commitment is simply not found (the web layer answers 404). Others
(managers, trainers) see counts only (course/reporting/commitment_counts.py),
never the text, unless a commitment is `shared`.

Dates are site dates (`course.time.site_today()`), passed in by the caller.
Bad input raises CommitmentError and writes nothing.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from course.data.db import db
from course.data.models import Commitment
from course.time import utcnow

MAX_TEXT = 500              # characters of "This week I will ..."
MAX_REFLECTION = 2000       # characters of the check-in's reflection
DEFAULT_DAYS = 3            # the check-in date offered: three days later
MAX_DAYS = 60               # a check-in at most this many days ahead
MOVE_DAYS = 14              # "not yet" moves the date once, at most this many days ahead
OUTCOMES = {"tried": "Tried it", "not-yet": "Not yet", "didnt-fit": "Didn't fit"}


class CommitmentError(ValueError):
    """Bad input: the message is shown to the learner as it is; nothing was saved."""


def _normalise(text) -> str:
    return str(text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def lesson_tags(lesson) -> tuple[str, ...]:
    """What a commitment after this lesson practises: the behaviour tags of its quiz's
    best choices, or, when no choice is marked best, the quiz's strong tags."""
    quiz = getattr(lesson, "quiz", None)
    if quiz is None:
        return ()
    best = [s.best_choice.tag for s in quiz.scenarios if s.best_choice is not None and s.best_choice.tag]
    return tuple(dict.fromkeys(best))


def strong_lesson_tags(lesson, catalog) -> tuple[str, ...]:
    """lesson_tags, falling back on the strong tags offered anywhere in the lesson's quiz."""
    tags = lesson_tags(lesson)
    if tags or getattr(lesson, "quiz", None) is None:
        return tags
    offered = [c.tag for s in lesson.quiz.scenarios for c in s.choices]
    return tuple(dict.fromkeys(t for t in offered if t in catalog.tags and catalog.tags[t].strong))


def default_check_in(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=DEFAULT_DAYS)


def parse_date(value, what: str = "check-in date") -> datetime.date | None:
    """A date from a form field (YYYY-MM-DD), None when empty; CommitmentError otherwise."""
    value = str(value or "").strip()
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommitmentError(f"The {what} is not a date (use the form YYYY-MM-DD). Nothing was saved.") from None


def check_text(text) -> str:
    text = _normalise(text)
    if not text:
        raise CommitmentError("Write what you will try this week: the box was empty. Nothing was saved.")
    if len(text) > MAX_TEXT:
        raise CommitmentError(f"Your commitment has {len(text):,} characters; it may have at most "
                              f"{MAX_TEXT:,}. Nothing was saved.")
    return text


def check_date(day: datetime.date | None, today: datetime.date) -> datetime.date:
    if day is None:
        raise CommitmentError("Choose a check-in date. Nothing was saved.")
    if day < today:
        raise CommitmentError(f"The check-in date {day.isoformat()} has passed; choose today or a later day. "
                              "Nothing was saved.")
    if day > today + datetime.timedelta(days=MAX_DAYS):
        raise CommitmentError(f"The check-in date may be at most {MAX_DAYS} days ahead "
                              f"(until {(today + datetime.timedelta(days=MAX_DAYS)).isoformat()}). Nothing was saved.")
    return day


def make_commitment(person, lesson, text, check_in_on: datetime.date | None, today: datetime.date,
                    catalog=None) -> Commitment:
    """Store a new commitment after `lesson`; CommitmentError (nothing stored) for bad input."""
    text = check_text(text)
    day = check_date(check_in_on, today)
    tags = strong_lesson_tags(lesson, catalog) if catalog is not None else lesson_tags(lesson)
    with db.atomic():
        return Commitment.create(person=person, course_slug=lesson.course_slug, lesson_slug=lesson.slug,
                                 text=text, tags=",".join(tags), created_at=utcnow(), check_in_on=day)


def commitment_for(person, commitment_id) -> Commitment | None:
    """The person's own commitment with this id, or None (also for anyone else's)."""
    if commitment_id is None:
        return None
    return Commitment.get_or_none((Commitment.id == commitment_id) & (Commitment.person == person))


def is_open(commitment) -> bool:
    return commitment.outcome is None


def due_check_ins(person, today: datetime.date) -> list[Commitment]:
    """Open commitments whose check-in date is today or earlier, the oldest date first."""
    return list(Commitment.select()
                .where((Commitment.person == person) & Commitment.outcome.is_null()
                       & (Commitment.check_in_on <= today))
                .order_by(Commitment.check_in_on, Commitment.id))


def check_in(person, commitment_id, outcome, reflection, new_date, today: datetime.date) -> Commitment | None:
    """Record how a commitment went. None when the person has no such commitment.

    - "tried" / "didnt-fit": the check-in is closed with that outcome.
    - "not-yet" with a new date (after today, within MOVE_DAYS): the date moves, once;
      the check-in stays open. "not-yet" without a date closes it as "not yet".
    - After one move, only "tried" or "didnt-fit" are accepted.
    """
    commitment = commitment_for(person, commitment_id)
    if commitment is None:
        return None
    if not is_open(commitment):
        raise CommitmentError("You have already checked in on this commitment. Nothing was changed.")
    if commitment.check_in_on > today:
        raise CommitmentError(f"This check-in is on {commitment.check_in_on.isoformat()}; "
                              "come back then. Nothing was changed.")
    if outcome not in OUTCOMES:
        raise CommitmentError("Choose how it went: tried it, not yet or didn't fit. Nothing was changed.")
    reflection = _normalise(reflection)
    if len(reflection) > MAX_REFLECTION:
        raise CommitmentError(f"Your reflection has {len(reflection):,} characters; it may have at most "
                              f"{MAX_REFLECTION:,}. Nothing was changed.")
    day = parse_date(new_date, "new date") if outcome == "not-yet" else None
    if outcome == "not-yet" and commitment.moved:
        raise CommitmentError("You have moved this check-in once already; now choose tried it or didn't fit. "
                              "Nothing was changed.")
    if day is not None:
        if day <= today or day > today + datetime.timedelta(days=MOVE_DAYS):
            raise CommitmentError(f"The new date must be after today and at most {MOVE_DAYS} days ahead "
                                  f"(until {(today + datetime.timedelta(days=MOVE_DAYS)).isoformat()}). "
                                  "Nothing was changed.")
        commitment.check_in_on, commitment.moved = day, True
        if reflection:
            commitment.reflection = reflection
    else:
        commitment.outcome, commitment.checked_in_at = outcome, utcnow()
        commitment.reflection = reflection
    with db.atomic():
        commitment.save()
    return commitment


@dataclass
class CommitmentEntry:
    """One commitment as its owner's page shows it."""
    row: Commitment
    course: object = None        # the Course, when it still exists
    lesson: object = None        # the Lesson, when it is still published
    tags: tuple = ()             # content Tags (label, strong) it practises

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.row.outcome, "")


def commitments_of(person, catalog) -> list[CommitmentEntry]:
    """The person's commitments, latest first, with their lessons and tags."""
    out = []
    for row in Commitment.for_person(person):
        lesson, _ = catalog.find_lesson(row.course_slug, row.lesson_slug)
        published = lesson if lesson is not None and not lesson.draft else None
        out.append(CommitmentEntry(row, catalog.course(row.course_slug), published,
                                   tuple(catalog.tags[t] for t in row.tag_list if t in catalog.tags)))
    return out


def tried_by_tag(person) -> dict[str, int]:
    """How many commitments the person tried at work, per behaviour tag."""
    counts: dict[str, int] = {}
    for (tags,) in (Commitment.select(Commitment.tags)
                    .where((Commitment.person == person) & (Commitment.outcome == "tried")).tuples()):
        for tag in filter(None, tags.split(",")):
            counts[tag] = counts.get(tag, 0) + 1
    return counts


def _iso(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat() + "Z"
    return value.isoformat() if isinstance(value, datetime.date) else value


def export_commitments(person) -> list[dict]:
    """Every commitment of the person with its check-in, oldest first, for the data-protection export."""
    return [{"course": c.course_slug, "lesson": c.lesson_slug, "text": c.text, "tags": c.tag_list,
             "created_at": _iso(c.created_at), "check_in_on": _iso(c.check_in_on), "moved": c.moved,
             "outcome": c.outcome, "reflection": c.reflection, "checked_in_at": _iso(c.checked_in_at),
             "shared": c.shared}
            for c in Commitment.select().where(Commitment.person == person)
            .order_by(Commitment.created_at, Commitment.id)]
