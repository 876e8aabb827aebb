"""Spaced review's schedule: fsrs ratings in whole days, the cards a passed quiz writes,
the daily limit, and due dates in the site's time zone.

Time never comes from the wall clock here: every test sets
`app.config["CLOCK"]` (the `clock` fixture) and moves it to "tomorrow" by
assignment. Quizzes and reviews are taken over HTTP with the fields the pages
give, as a browser would; what is stored is checked in the database.
"""
from __future__ import annotations

import datetime
import re

import pytest
from fsrs import Rating

from course.data.models import Attempt
from course.learning.attempts import best_answers
from course.learning.spaced_review import card_from_json, first_rating, review_rating, schedule
from helpers.content import COURSE, PLAIN, lesson_of
from helpers.db import query_db
from helpers.pages import hidden_fields, text_of
from helpers.people import LEARNER
from helpers.quiz import first_draw, first_draw_best, take_quiz, weak_choice
from helpers.review import (DAY, T0, UTC, aware, card_rows, cards_of, due_on_home, is_empty_review_page, localdate,
                            open_review, review_attempts, review_once, state)


# --- pure scheduling -----------------------------------------------------------------

WHEN = datetime.datetime(2025, 3, 5, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("right_now, right_first_time, expected", [
    (True, True, Rating.Good),       # right on the first try
    (True, False, Rating.Hard),      # right only after a retake
    (False, True, Rating.Again),     # right before, wrong now
    (False, False, Rating.Again),    # still wrong
])
def test_first_rating_from_the_quiz(right_now, right_first_time, expected):
    assert first_rating(right_now, right_first_time) == expected


@pytest.mark.parametrize("right, expected", [(True, Rating.Good), (False, Rating.Again)])
def test_review_rating(right, expected):
    assert review_rating(right) == expected


@pytest.mark.parametrize("rating, min_days, max_days", [
    (Rating.Again, 1, 1),
    (Rating.Hard, 1, 2),
    (Rating.Good, 2, 4),
    (Rating.Easy, 5, 15),
])
def test_a_new_card_is_due_whole_days_later_never_minutes(rating, min_days, max_days):
    card = schedule(None, rating, WHEN)
    gap = card.due - WHEN
    # Learning steps are off: no card comes back in minutes, only on a later day.
    assert gap >= datetime.timedelta(days=1), gap
    assert gap % DAY == datetime.timedelta(0), f"{gap} is not whole days"
    assert min_days <= gap.days <= max_days, gap
    assert card.due.tzinfo is not None


@pytest.mark.parametrize("when", [
    WHEN,
    datetime.datetime(2025, 3, 5, 10, 0),                        # naive: read as UTC
    # aware in another zone: converted, not refused (fsrs itself only takes UTC)
    datetime.datetime(2025, 3, 5, 5, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
])
def test_schedule_reads_any_time_as_the_same_instant(when):
    assert schedule(None, Rating.Good, when).due == schedule(None, Rating.Good, WHEN).due


@pytest.mark.parametrize("weaker, stronger", [
    (Rating.Again, Rating.Good),
    (Rating.Again, Rating.Easy),
    (Rating.Hard, Rating.Good),
    (Rating.Good, Rating.Easy),
])
def test_a_weaker_rating_is_due_no_later_than_a_stronger_one(weaker, stronger):
    assert schedule(None, weaker, WHEN).due <= schedule(None, stronger, WHEN).due
    if (weaker, stronger) in ((Rating.Again, Rating.Good), (Rating.Again, Rating.Easy)):
        assert schedule(None, weaker, WHEN).due < schedule(None, stronger, WHEN).due


def test_again_is_due_sooner_than_good_after_a_review_too():
    card = schedule(None, Rating.Good, WHEN)
    again = schedule(card, Rating.Again, card.due)
    good = schedule(card, Rating.Good, card.due)
    assert card.due < again.due < good.due
    assert again.due - card.due >= DAY


def test_successive_good_reviews_lengthen_the_interval():
    card = schedule(None, Rating.Good, WHEN)
    intervals = [card.due - WHEN]
    for _ in range(5):
        reviewed_at = card.due
        card = schedule(card, Rating.Good, reviewed_at)
        intervals.append(card.due - reviewed_at)
    assert all(b > a for a, b in zip(intervals, intervals[1:])), intervals
    assert all(i % DAY == datetime.timedelta(0) for i in intervals), intervals


def test_an_again_review_shortens_the_next_interval():
    card = schedule(None, Rating.Good, WHEN)
    card = schedule(card, Rating.Good, card.due)                  # a settled card
    lapsed = schedule(card, Rating.Again, card.due)
    kept = schedule(card, Rating.Good, card.due)
    assert lapsed.due - card.due < kept.due - card.due


def test_scheduling_is_pure():
    card = schedule(None, Rating.Good, WHEN)
    before = card.to_dict()
    first = schedule(card, Rating.Good, card.due)
    second = schedule(card, Rating.Good, card.due)
    assert first.to_dict() == second.to_dict()
    assert card.to_dict() == before


# --- the quiz writes cards ------------------------------------------------------------

def test_passing_a_plain_quiz_puts_each_scenario_on_a_schedule(site, me, clock):
    lesson = lesson_of(site, PLAIN)
    quiz = lesson.quiz
    s0 = first_draw(quiz)[0]
    answers = {**first_draw_best(quiz), s0.id: weak_choice(s0).id}          # 3 of 4: passes at 75 %
    take_quiz(me, PLAIN, answers)

    cards = cards_of(LEARNER)
    assert set(cards) == {(PLAIN, s.id) for s in first_draw(quiz)}
    for scenario in first_draw(quiz):
        card = cards[(PLAIN, scenario.id)]
        assert card.course_slug == COURSE and card.scenario_hash == scenario.content_hash
        assert card.reviews == 0 and card.retired_at is None and card.created_at == clock.naive()
        rating = Rating.Again if scenario.id == s0.id else Rating.Good
        expected = schedule(None, rating, T0)
        assert aware(card.due) == expected.due
        assert state(card_from_json(card.card)) == state(expected)
        assert card.due - clock.naive() >= DAY                     # days later, not minutes
    assert cards[(PLAIN, s0.id)].due < cards[(PLAIN, first_draw(quiz)[1].id)].due


def test_a_failed_quiz_schedules_nothing_and_a_retake_rates_retaken_scenarios_hard(site, me, clock):
    quiz = lesson_of(site, PLAIN).quiz
    s0, s1, s2, s3, s4, s5 = quiz.scenarios            # a pool of 6; tests draw in file order
    best = {s.id: s.best_choice.id for s in quiz.scenarios}
    # The first attempt shows s0-s3: two weaker answers, 50 %: fails, and nothing is scheduled.
    take_quiz(me, PLAIN, {**best, s0.id: weak_choice(s0).id, s1.id: weak_choice(s1).id})
    assert cards_of(LEARNER) == {}

    # The retake draws the unseen s4 and s5 first, then s0 and s1 again: 75 %, passes.
    clock.now = T0 + datetime.timedelta(hours=2)
    take_quiz(me, PLAIN, {**best, s5.id: weak_choice(s5).id})
    cards = cards_of(LEARNER)
    # Retaken and now right: Hard; right the first time it was drawn: Good; still wrong: Again.
    expected = {s0.id: Rating.Hard, s1.id: Rating.Hard, s4.id: Rating.Good, s5.id: Rating.Again}
    assert {scenario for (_, scenario) in cards} == set(expected)     # only what this attempt answered
    for scenario_id, rating in expected.items():
        stored = card_from_json(cards[(PLAIN, scenario_id)].card)
        assert state(stored) == state(schedule(None, rating, clock.now)), (scenario_id, rating)

    # A later passing retake does not reset the schedules already running.
    before = {k: (c.id, c.due, c.card) for k, c in cards.items()}
    clock.now = T0 + datetime.timedelta(hours=5)
    take_quiz(me, PLAIN, best)
    after = cards_of(LEARNER)
    assert {k: (c.id, c.due, c.card) for k, c in after.items() if k in before} == before


def test_a_conversation_quiz_is_not_reviewed(site, me):
    quiz = lesson_of(site, "coaching-up").quiz
    # The conversation is taken turn by turn; the whole best path in one post is its last turn.
    page = me.get(f"/courses/{COURSE}/coaching-up/quiz")
    fields = hidden_fields(page.get_data(as_text=True))
    path = list(best_answers(quiz).items())
    data = {**fields, "current": path[-1][0], **{f"answer-{s}": c for s, c in path}}
    assert me.post(f"/courses/{COURSE}/coaching-up/quiz", data=data).status_code == 303
    assert query_db(lambda: Attempt.select().where(Attempt.passed == True).count()) == 1   # noqa: E712
    assert cards_of(LEARNER) == {}


# --- the daily limit -----------------------------------------------------------------------

def test_the_daily_limit_serves_that_many_a_day_and_more_the_next(site, me, clock):
    site.config["REVIEW_DAILY_LIMIT"] = 2
    quiz = lesson_of(site, PLAIN).quiz
    take_quiz(me, PLAIN, first_draw_best(quiz))
    cards = cards_of(LEARNER)
    day2 = aware(max(c.due for c in cards.values()))
    assert all(c.due == day2.replace(tzinfo=None) for c in cards.values())
    clock.now = day2 + datetime.timedelta(minutes=5)
    assert due_on_home(me) == 2

    html, _, _ = open_review(me)
    assert "2 scenarios due today" in text_of(html)
    first, response = review_once(me, site)
    assert "Next review (1 left today)" in text_of(me.get(response.headers["Location"]))
    assert due_on_home(me) == 1
    second, response = review_once(me, site)
    assert second != first
    assert "That was today's last review." in text_of(me.get(response.headers["Location"]))

    empty, text = is_empty_review_page(me)
    assert empty, text
    assert "You reviewed 2 scenarios today, today's full set" in text
    assert due_on_home(me) == 0
    assert len(review_attempts(LEARNER)) == 2

    # Later the same day: still nothing.
    clock.now = day2 + datetime.timedelta(hours=12)
    assert due_on_home(me) == 0 and is_empty_review_page(me)[0]

    # The next day the other two come.
    clock.now = day2 + DAY
    assert due_on_home(me) == 2
    served = {review_once(me, site)[0], review_once(me, site)[0]}
    assert served == {s.id for s in first_draw(quiz)} - {first, second}
    assert is_empty_review_page(me)[0] and due_on_home(me) == 0
    assert len(review_attempts(LEARNER)) == 4


def test_after_the_daily_set_the_next_review_date_is_not_in_the_past(site, me, clock):
    """Once today's set is done, the next review is tomorrow at the earliest, even when
    the earliest waiting card fell due yesterday."""
    site.config["REVIEW_DAILY_LIMIT"] = 2
    take_quiz(me, PLAIN, best_answers(lesson_of(site, PLAIN).quiz))
    due = max(c.due for c in cards_of(LEARNER).values())
    clock.now = aware(due) + DAY                   # a day late: all four are overdue
    review_once(me, site)
    review_once(me, site)
    empty, text = is_empty_review_page(me)
    assert empty and "today's full set" in text
    shown = re.search(r"Your next review is due on (\d+ \w+ \d{4})", text).group(1)
    assert datetime.datetime.strptime(shown, "%d %B %Y").date() > clock.now.date(), shown


def test_the_daily_limit_day_starts_at_midnight_in_the_site_time_zone(site, me, clock):
    site.config["TIMEZONE"] = "America/New_York"
    site.config["REVIEW_DAILY_LIMIT"] = 1
    # 7 April 2025, 09:00 in New York (EDT, UTC-4).
    clock.now = datetime.datetime(2025, 4, 7, 13, 0, tzinfo=UTC)
    take_quiz(me, PLAIN, best_answers(lesson_of(site, PLAIN).quiz))
    # 9 April, 23:30 in New York = 10 April 03:30 UTC: one review, the day's full set.
    clock.now = datetime.datetime(2025, 4, 10, 3, 30, tzinfo=UTC)
    assert due_on_home(me) == 1
    review_once(me, site)
    assert is_empty_review_page(me)[0] and due_on_home(me) == 0
    # 10 April, 00:30 in New York = 04:30 UTC, the same UTC day: a new local day, a new review.
    clock.now = datetime.datetime(2025, 4, 10, 4, 30, tzinfo=UTC)
    assert due_on_home(me) == 1
    open_review(me)


def test_a_card_is_due_all_day_on_its_due_date(site, me, clock):
    """Whole days only: a card falls due at the start of its due date (site time zone),
    as the feedback page's "comes back on <date>" promises, not at the minute."""
    quiz = lesson_of(site, PLAIN).quiz
    take_quiz(me, PLAIN, first_draw_best(quiz))                     # 5 March, 10:00
    due = min(c.due for c in cards_of(LEARNER).values())          # 7 March, 10:00
    clock.now = datetime.datetime.combine(due.date(), datetime.time(0, 0), tzinfo=UTC) - datetime.timedelta(minutes=1)
    assert due_on_home(me) == 0 and is_empty_review_page(me)[0]
    clock.now = datetime.datetime.combine(due.date(), datetime.time(0, 0), tzinfo=UTC)
    assert due_on_home(me) == len(first_draw(quiz))
    clock.now = datetime.datetime.combine(due.date(), datetime.time(8, 0), tzinfo=UTC)
    assert localdate(clock.naive()) == localdate(due)
    assert due_on_home(me) == len(first_draw(quiz))
    open_review(me)


def test_the_due_date_is_a_date_in_the_site_time_zone(site, me, clock):
    site.config["TIMEZONE"] = "America/New_York"
    quiz = lesson_of(site, PLAIN).quiz
    clock.now = datetime.datetime(2025, 4, 8, 0, 0, tzinfo=UTC)           # 7 April, 20:00 in New York
    take_quiz(me, PLAIN, first_draw_best(quiz))
    due = min(c.due for c in cards_of(LEARNER).values())
    assert due == datetime.datetime(2025, 4, 10, 0, 0)                    # 9 April, 20:00 in New York
    clock.now = datetime.datetime(2025, 4, 9, 3, 30, tzinfo=UTC)          # 8 April, 23:30 there
    assert due_on_home(me) == 0
    empty, text = is_empty_review_page(me)
    assert empty and "Your next review is due on 9 April 2025" in text
    clock.now = datetime.datetime(2025, 4, 9, 4, 30, tzinfo=UTC)          # 9 April, 00:30 there
    assert due_on_home(me) == len(first_draw(quiz))
    open_review(me)
