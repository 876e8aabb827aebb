"""Spaced review: scenarios from passed quizzes come back on an fsrs schedule.

Scheduling is pure (`schedule`, `first_rating`, `review_rating` take explicit
times); the storage functions read the injectable clock. Only plain scenario
quizzes are reviewed: a conversation's scenes only make sense in their path.
"""
from __future__ import annotations

import datetime
import json
import threading
import time
from dataclasses import dataclass

from fsrs import Card, Rating, Scheduler

from course.content.quiztypes import QUIZ_TYPES
from course.data.models import Answer, Attempt, ReviewCard, utcnow

# Whole days only: microlearning reviews happen across days, not minutes.
SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False,
                      desired_retention=0.9)


def _aware(value: datetime.datetime) -> datetime.datetime:
    """Aware UTC, as fsrs requires: naive values are UTC already; aware ones are converted."""
    if value.tzinfo is None:
        return value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc)


def _naive(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(datetime.timezone.utc).replace(tzinfo=None)


# --- pure scheduling -----------------------------------------------------------

def first_rating(right_now: bool, right_first_time: bool) -> Rating:
    """Rating from the quiz: right on the first try is Good, right after a
    retake is Hard, still wrong is Again."""
    if right_now and right_first_time:
        return Rating.Good
    return Rating.Hard if right_now else Rating.Again


def review_rating(right: bool) -> Rating:
    return Rating.Good if right else Rating.Again


_card_ids = threading.Lock()
_last_card_id = 0


def new_card_id() -> int:
    """A card id for fsrs: microseconds since the epoch, strictly increasing in this process.
    `fsrs.Card()` without one uses milliseconds and sleeps 1 ms to keep them apart; the id is
    only fsrs's own label (our key is ReviewCard.id), so nothing waits here."""
    global _last_card_id
    with _card_ids:
        _last_card_id = max(_last_card_id + 1, time.time_ns() // 1000)
        return _last_card_id


def schedule(card: Card | None, rating: Rating, when: datetime.datetime) -> Card:
    """The card after a review at `when` (a new card when `card` is None)."""
    card = card or Card(card_id=new_card_id(), due=_aware(when))
    updated, _log = SCHEDULER.review_card(card, rating, review_datetime=_aware(when))
    return updated


def card_to_json(card: Card) -> str:
    return json.dumps(card.to_dict())


def card_from_json(text: str) -> Card:
    return Card.from_dict(json.loads(text))


# --- storage ------------------------------------------------------------------

def reviewable(quiz) -> bool:
    return quiz is not None and not QUIZ_TYPES[quiz.type].branching


def schedule_after_pass(person, lesson, attempt, answers=None, first_attempt: bool = False) -> int:
    """Create (or refresh) a card per scenario answered in the passing attempt (all of a
    plain quiz; the drawn ones of a pool). Returns cards written.

    `answers`: the attempt's graded answers when the caller has them (read from the database
    otherwise). `first_attempt`: the caller knows this person has no earlier quiz attempt of
    the lesson (aliases included), so each scenario's first try is this attempt's answer."""
    quiz = lesson.quiz
    if not reviewable(quiz):
        return 0
    scope = ((Attempt.person == person) & (Attempt.course_slug == lesson.course_slug)
             & (Attempt.lesson_slug == lesson.slug) & (Attempt.kind == "quiz"))
    if answers is not None:
        now_right = {a.scenario.id: a.best for a in answers}
    else:
        now_right = {a.scenario_id: a.best for a in attempt.answers}
    if first_attempt:
        first_right = {sid for sid, best in now_right.items() if best}
    elif quiz.draw is None:
        first = Attempt.select().where(scope).order_by(Attempt.submitted_at, Attempt.id).first()
        first_right = {a.scenario_id for a in Answer.select(Answer.scenario_id, Answer.best)
                       .where((Answer.attempt == first) & (Answer.best == True))}  # noqa: E712
    else:
        # A pool: each scenario's first try is in the first attempt that drew it.
        first_right, seen = set(), set()
        for scenario_id, best in (Answer.select(Answer.scenario_id, Answer.best).join(Attempt).where(scope)
                                  .order_by(Attempt.submitted_at, Attempt.id, Answer.position).tuples()):
            if scenario_id not in seen:
                seen.add(scenario_id)
                if best:
                    first_right.add(scenario_id)
    when = _aware(attempt.submitted_at)
    existing = {c.scenario_id: c for c in ReviewCard.select().where(
        (ReviewCard.person == person) & (ReviewCard.course_slug == lesson.course_slug)
        & (ReviewCard.lesson_slug == lesson.slug))}
    new_rows, written = [], 0
    for scenario in quiz.scenarios:
        if scenario.id not in now_right:
            continue     # not drawn in this attempt: it has not been learnt yet
        if scenario.id in existing and existing[scenario.id].retired_at is None \
                and existing[scenario.id].scenario_hash == scenario.content_hash:
            continue     # already on a schedule: a retake does not reset it
        rating = first_rating(now_right.get(scenario.id, False), scenario.id in first_right)
        card = schedule(None, rating, when)
        values = dict(scenario_hash=scenario.content_hash, card=card_to_json(card), due=_naive(card.due),
                      reviews=0, retired_at=None)
        if scenario.id in existing:     # rare: a retired or rewritten card starts again
            ReviewCard.update(**values).where(ReviewCard.id == existing[scenario.id].id).execute()
        else:
            new_rows.append(dict(person=person, course_slug=lesson.course_slug, lesson_slug=lesson.slug,
                                 scenario_id=scenario.id, created_at=utcnow(), **values))
        written += 1
    if new_rows:
        ReviewCard.insert_many(new_rows).execute()
    return written


@dataclass(frozen=True)
class DueItem:
    card: ReviewCard
    lesson: object
    scenario: object
    due: datetime.datetime      # naive UTC; "now" for a card whose scenario was reworded


def _scenario_of(card, catalog):
    """(lesson, scenario) a card reviews as the content stands (former slugs included), or
    (None, None) when its scenario was removed or its lesson is a draft."""
    lesson, _ = catalog.find_lesson(card.course_slug, card.lesson_slug)
    scenario = lesson.quiz.scenario(card.scenario_id) if lesson and reviewable(lesson.quiz) else None
    if scenario is None or lesson.draft:
        return None, None
    return lesson, scenario


def _current(card, catalog, now):
    """(lesson, scenario, due) for a card as the content stands, or None when its
    scenario is gone. Read-only: `sync_cards` writes the same conclusions later."""
    lesson, scenario = _scenario_of(card, catalog)
    if scenario is None:
        return None
    due = now if scenario.content_hash != card.scenario_hash else card.due
    return lesson, scenario, due


def sync_cards(person, catalog) -> None:
    """Keep cards in step with the content: a removed scenario's card retires;
    a rewritten one starts afresh (due now), since the learner has not seen it.
    A write path: called when a review is answered, never by a page view."""
    now = utcnow()
    for card in ReviewCard.active_for(person):
        lesson, scenario = _scenario_of(card, catalog)
        if scenario is None:
            ReviewCard.update(retired_at=now).where(ReviewCard.id == card.id).execute()
        elif scenario.content_hash != card.scenario_hash:
            fresh = Card(card_id=card.id, due=_aware(now))
            ReviewCard.update(scenario_hash=scenario.content_hash, card=card_to_json(fresh), due=now,
                              lesson_slug=lesson.slug).where(ReviewCard.id == card.id).execute()
        elif lesson.slug != card.lesson_slug:
            ReviewCard.update(lesson_slug=lesson.slug).where(ReviewCard.id == card.id).execute()


def reviews_done_today(person, today_start_utc: datetime.datetime) -> int:
    return (Attempt.select().where((Attempt.person == person) & (Attempt.kind == "review")
                                   & (Attempt.submitted_at >= today_start_utc)).count())


def _due(person, catalog, day_end: datetime.datetime) -> list[DueItem]:
    now = utcnow()
    items = []
    for card in ReviewCard.active_for(person):
        current = _current(card, catalog, now)
        if current is not None and current[2] < day_end:
            items.append(DueItem(card, *current))
    items.sort(key=lambda item: (item.due, item.card.id))
    return items


def due_items(person, catalog, limit: int, today_start_utc: datetime.datetime,
              tomorrow_start_utc: datetime.datetime) -> list[DueItem]:
    """Today's due scenarios, at most `limit` a day including those already done today.
    A card is due all day on its due date (site time zone), not from the minute."""
    remaining = max(0, limit - reviews_done_today(person, today_start_utc))
    if remaining == 0:
        return []
    return _due(person, catalog, tomorrow_start_utc)[:remaining]


def due_count(person, catalog, limit: int, today_start_utc: datetime.datetime,
              tomorrow_start_utc: datetime.datetime) -> int:
    remaining = max(0, limit - reviews_done_today(person, today_start_utc))
    return min(len(_due(person, catalog, tomorrow_start_utc)), remaining) if remaining else 0


def next_due(person, catalog):
    """When the next card falls due (naive UTC), or None when none is scheduled."""
    now = utcnow()
    dues = [current[2] for card in ReviewCard.active_for(person)
            if (current := _current(card, catalog, now)) is not None]
    return min(dues, default=None)


def still_due(person, card, catalog, limit: int, today_start_utc, tomorrow_start_utc) -> bool:
    """Whether answering `card` now counts: another tab may have answered it, or
    today's set may be done."""
    fresh = ReviewCard.get_or_none(ReviewCard.id == card.id)
    current = _current(fresh, catalog, utcnow()) if fresh is not None and fresh.retired_at is None else None
    if current is None or current[2] >= tomorrow_start_utc:
        return False
    return reviews_done_today(person, today_start_utc) < limit


def card_for(person, card_id):
    return ReviewCard.owned(person, card_id)


def card_of_answer(person, course_slug, lesson_slug, scenario_id):
    return ReviewCard.for_scenario(person, course_slug, lesson_slug, scenario_id)


def apply_review(person, card: ReviewCard, right: bool) -> ReviewCard:
    """Move the card on after a review answered now."""
    when = utcnow()
    updated = schedule(card_from_json(card.card), review_rating(right), when)
    ReviewCard.update(card=card_to_json(updated), due=_naive(updated.due), reviews=ReviewCard.reviews + 1) \
        .where(ReviewCard.id == card.id).execute()
    return ReviewCard.get_by_id(card.id)
