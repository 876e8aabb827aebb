"""Skills that stay: spaced review of passed scenarios, practice streaks, habits.

Time never comes from the wall clock here: every test sets
`app.config["CLOCK"]` and moves it to "tomorrow" by assignment. Quizzes and
reviews are taken over HTTP with the fields the pages give, as a browser
would; what is stored is checked in the database.
"""
from __future__ import annotations

import datetime
import html as htmllib
import os
import re

import pytest
from fsrs import Rating

from course.data.models import Answer, Attempt, Person, ReviewCard
from course.learning.attempts import best_answers
from course.learning.spaced_review import card_from_json, first_rating, review_rating, schedule
from helpers.app import make_app
from helpers.content import COURSE, LESSON, PLAIN, QUIZ, SECOND, lesson_of
from helpers.db import answers_of, query_db, row_counts
from helpers.http import sign_in, signed_in
from helpers.pages import hidden_fields, plain, radio_groups, text_of
from helpers.people import KWAME, LEARNER, seed_people
from helpers.quiz import take_quiz, weak_choice
from helpers.review import (DAY, T0, TAGS, UTC, Clock, answer_review, aware, card_rows, cards_of, due_on_home, home,
                            is_empty_review_page, localdate, open_review, review_attempts, review_once, state,
                            streak_on_home)


# --- fixtures -------------------------------------------------------------------------

@pytest.fixture
def clock(app):
    clock = Clock(T0)
    app.config["CLOCK"] = clock
    return clock


@pytest.fixture
def site(app, clock):
    """The real course with the demo people, created on the test's clock."""
    seed_people(app)
    return app


@pytest.fixture
def me(site):
    return signed_in(site, LEARNER)


# --- 1. pure scheduling -----------------------------------------------------------------

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


# --- 2. the quiz writes cards ------------------------------------------------------------

def test_passing_a_plain_quiz_puts_each_scenario_on_a_schedule(site, me, clock):
    lesson = lesson_of(site, PLAIN)
    quiz = lesson.quiz
    s0 = quiz.scenarios[0]
    answers = {**best_answers(quiz), s0.id: weak_choice(s0).id}          # 3 of 4: passes at 75 %
    take_quiz(me, PLAIN, answers)

    cards = cards_of(LEARNER)
    assert set(cards) == {(PLAIN, s.id) for s in quiz.scenarios}
    for scenario in quiz.scenarios:
        card = cards[(PLAIN, scenario.id)]
        assert card.course_slug == COURSE and card.scenario_hash == scenario.content_hash
        assert card.reviews == 0 and card.retired_at is None and card.created_at == clock.naive()
        rating = Rating.Again if scenario.id == s0.id else Rating.Good
        expected = schedule(None, rating, T0)
        assert aware(card.due) == expected.due
        assert state(card_from_json(card.card)) == state(expected)
        assert card.due - clock.naive() >= DAY                     # days later, not minutes
    assert cards[(PLAIN, s0.id)].due < cards[(PLAIN, quiz.scenarios[1].id)].due


def test_a_failed_quiz_schedules_nothing_and_a_retake_rates_retaken_scenarios_hard(site, me, clock):
    quiz = lesson_of(site, PLAIN).quiz
    s0, s1 = quiz.scenarios[0], quiz.scenarios[1]
    take_quiz(me, PLAIN, {**best_answers(quiz), s0.id: weak_choice(s0).id, s1.id: weak_choice(s1).id})   # 50 %: fails
    assert cards_of(LEARNER) == {}

    clock.now = T0 + datetime.timedelta(hours=2)
    s3 = quiz.scenarios[3]
    take_quiz(me, PLAIN, {**best_answers(quiz), s3.id: weak_choice(s3).id})                       # 75 %: passes
    cards = cards_of(LEARNER)
    expected = {s0.id: Rating.Hard, s1.id: Rating.Hard, quiz.scenarios[2].id: Rating.Good, s3.id: Rating.Again}
    for scenario_id, rating in expected.items():
        stored = card_from_json(cards[(PLAIN, scenario_id)].card)
        assert state(stored) == state(schedule(None, rating, clock.now)), (scenario_id, rating)

    # A later passing retake does not reset the schedule.
    before = card_rows(LEARNER)
    clock.now = T0 + datetime.timedelta(hours=5)
    take_quiz(me, PLAIN, best_answers(quiz))
    assert card_rows(LEARNER) == before


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


# --- 2. the moved clock: "Done means" ---------------------------------------------------

def test_scenarios_come_back_on_the_day_they_fall_due(site, me, clock):
    lesson = lesson_of(site, PLAIN)
    quiz = lesson.quiz
    s0 = quiz.scenarios[0]
    take_quiz(me, PLAIN, {**best_answers(quiz), s0.id: weak_choice(s0).id})
    cards = cards_of(LEARNER)
    assert len(cards) == len(quiz.scenarios)

    # Today: nothing is due, and /review says when the first one comes back.
    assert due_on_home(me) == 0
    empty, text = is_empty_review_page(me)
    assert empty, text
    first_due = min(c.due for c in cards.values())
    assert f"Your next review is due on {localdate(first_due)}" in text

    # Move to the moment each card falls due: the home page counts them.
    for day in sorted({c.due for c in cards.values()}):
        clock.now = aware(day)
        assert due_on_home(me) == sum(1 for c in cards.values() if c.due <= day)

    # Back to the first due day: the scenario answered wrongly comes back first.
    clock.now = aware(first_due)
    assert due_on_home(me) == 1
    html, fields, scenario_id = open_review(me)
    assert scenario_id == s0.id and int(fields["card"]) == cards[(PLAIN, s0.id)].id
    text = text_of(html)
    assert s0.title in text and plain(s0.prompt_html) in text
    assert f"From “{lesson.title}”" in text and "1 scenario due today" in text
    assert radio_groups(html) == {f"answer-{s0.id}": [c.id for c in s0.choices]}
    assert row_counts() == (1, len(quiz.scenarios)), "showing a review writes nothing"

    # Answer it: a review attempt with one answer; the card moves on.
    response = answer_review(me, fields, s0.id, s0.best_choice.id)
    assert response.status_code == 303
    match = re.search(r"/review/answers/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    (attempt,) = review_attempts(LEARNER)
    assert attempt.id == int(match.group(1))
    assert (attempt.kind, attempt.course_slug, attempt.lesson_slug) == ("review", COURSE, PLAIN)
    assert attempt.passed is True and attempt.score == 1.0 and attempt.submitted_at == clock.naive()
    assert attempt.content_hash == quiz.content_hash
    assert answers_of(attempt.id) == [(0, s0.id, s0.best_choice.id, True, s0.best_choice.tag)]
    moved = cards_of(LEARNER)[(PLAIN, s0.id)]
    assert moved.due > first_due + DAY and moved.reviews == 1
    expected = schedule(card_from_json(cards[(PLAIN, s0.id)].card), Rating.Good, clock.now)
    assert aware(moved.due) == expected.due
    others = {k: (c.due, c.reviews) for k, c in cards_of(LEARNER).items() if k != (PLAIN, s0.id)}
    assert others == {k: (c.due, c.reviews) for k, c in cards.items() if k != (PLAIN, s0.id)}

    # The feedback page: the verdict, the choice's feedback and the next due date.
    feedback = me.get(response.headers["Location"])
    assert feedback.status_code == 200
    text = text_of(feedback)
    assert "Strongest choice" in text and s0.title in text
    assert plain(s0.best_choice.feedback_html) in text
    assert f"This scenario comes back on {localdate(moved.due)}" in text
    assert "That was today's last review." in text
    assert due_on_home(me) == 0

    # The same form sent again records nothing new and leads to the same page.
    before = (row_counts(), card_rows())
    again = answer_review(me, fields, s0.id, weak_choice(s0).id)
    assert again.status_code == 303 and again.headers["Location"] == response.headers["Location"]
    assert (row_counts(), card_rows()) == before

    # The next due day brings the other three.
    clock.now = aware(max(c.due for c in cards.values()))
    assert due_on_home(me) == 3
    _, _, served = open_review(me)
    assert served in {s.id for s in quiz.scenarios[1:]}


def test_a_wrong_review_answer_shows_the_stronger_choice_and_comes_back_sooner(site, me, clock):
    quiz = lesson_of(site, PLAIN).quiz
    take_quiz(me, PLAIN, best_answers(quiz))
    cards = cards_of(LEARNER)
    clock.now = aware(min(c.due for c in cards.values()))
    _, fields, scenario_id = open_review(me)
    scenario = quiz.scenario(scenario_id)
    before = card_from_json(cards[(PLAIN, scenario_id)].card)

    response = answer_review(me, fields, scenario_id, weak_choice(scenario).id)
    assert response.status_code == 303
    (attempt,) = review_attempts(LEARNER)
    assert attempt.passed is False and attempt.score == 0.0
    assert answers_of(attempt.id) == [(0, scenario_id, weak_choice(scenario).id, False, weak_choice(scenario).tag)]
    card = cards_of(LEARNER)[(PLAIN, scenario_id)]
    assert aware(card.due) == schedule(before, Rating.Again, clock.now).due
    assert card.due < aware(schedule(before, Rating.Good, clock.now).due).replace(tzinfo=None)

    text = text_of(me.get(response.headers["Location"]))
    assert "There was a stronger choice" in text and "The stronger choice" in text
    assert plain(weak_choice(scenario).feedback_html) in text and plain(scenario.best_choice.feedback_html) in text
    assert f"This scenario comes back on {localdate(card.due)}" in text
    assert "Next review (3 left today)" in text


def test_a_second_form_for_a_card_already_reviewed_records_nothing(site, me, clock):
    quiz = lesson_of(site, PLAIN).quiz
    take_quiz(me, PLAIN, best_answers(quiz))
    clock.now = aware(max(c.due for c in cards_of(LEARNER).values()))
    _, first, scenario_id = open_review(me)
    _, second, same = open_review(me)                  # the same card, in another tab
    assert same == scenario_id and second["card"] == first["card"] and second["token"] != first["token"]
    choice = quiz.scenario(scenario_id).best_choice.id
    assert answer_review(me, first, scenario_id, choice).status_code == 303
    before = (row_counts(), card_rows())
    response = answer_review(me, second, scenario_id, choice)
    assert response.status_code < 500
    assert (row_counts(), card_rows()) == before
    assert len(review_attempts(LEARNER)) == 1


def test_a_review_without_a_choice_asks_again_and_stores_nothing(site, me, clock):
    quiz = lesson_of(site, PLAIN).quiz
    take_quiz(me, PLAIN, best_answers(quiz))
    clock.now = aware(min(c.due for c in cards_of(LEARNER).values()))
    _, fields, scenario_id = open_review(me)
    before = (row_counts(), card_rows())
    response = me.post("/review", data=fields)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose one answer." in text_of(html) and f"answer-{scenario_id}" in html
    assert (row_counts(), card_rows()) == before
    # The fresh form from that page is accepted.
    fresh = hidden_fields(html)
    assert answer_review(me, fresh, scenario_id, quiz.scenario(scenario_id).best_choice.id).status_code == 303
    assert len(review_attempts(LEARNER)) == 1


def _tampered_forms(site, me, clock):
    """name -> form data, each refused with 400."""
    quiz = lesson_of(site, PLAIN).quiz
    kwame = signed_in(site, KWAME)
    take_quiz(me, PLAIN, best_answers(quiz))
    take_quiz(kwame, PLAIN, best_answers(quiz))
    clock.now = aware(max(c.due for c in cards_of(LEARNER).values()))
    _, fields, scenario_id = open_review(me)
    scenario = quiz.scenario(scenario_id)
    other = next(s for s in quiz.scenarios if s.id != scenario_id)
    mine, theirs = cards_of(LEARNER), cards_of(KWAME)
    _, kwame_fields, kwame_scenario = open_review(kwame)
    quiz_form = hidden_fields(me.get(f"/courses/{COURSE}/{PLAIN}/quiz").get_data(as_text=True))
    best = {f"answer-{scenario_id}": scenario.best_choice.id}
    other_choice = next(c.id for s in quiz.scenarios for c in s.choices if scenario.choice(c.id) is None)
    return {
        "someone else's card": {**fields, **best, "card": str(theirs[(PLAIN, scenario_id)].id)},
        "someone else's card and token": {**kwame_fields, "csrf_token": fields["csrf_token"],
                                          f"answer-{kwame_scenario}": quiz.scenario(kwame_scenario).best_choice.id},
        "an unknown card": {**fields, **best, "card": "999999"},
        "no card": {k: v for k, v in fields.items() if k != "card"} | best,
        "a token for another scenario": {**fields, "card": str(mine[(PLAIN, other.id)].id),
                                         f"answer-{other.id}": other.best_choice.id},
        "someone else's token": {**fields, **best, "token": kwame_fields["token"]},
        "the quiz form's token": {**fields, **best, "token": quiz_form["token"]},
        "a garbage token": {**fields, **best, "token": "not-a-token"},
        "an unknown choice": {**fields, f"answer-{scenario_id}": "made-up-choice"},
        "another scenario's choice": {**fields, f"answer-{scenario_id}": other_choice},
    }


TAMPERINGS = ["someone else's card", "someone else's card and token", "an unknown card", "no card",
              "a token for another scenario", "someone else's token", "the quiz form's token",
              "a garbage token", "an unknown choice", "another scenario's choice"]


@pytest.mark.parametrize("kind", TAMPERINGS)
def test_a_tampered_review_form_is_refused_and_writes_nothing(site, me, clock, kind):
    data = _tampered_forms(site, me, clock)[kind]
    before = (row_counts(), card_rows())
    response = me.post("/review", data=data)
    assert response.status_code == 400, response.status_code
    assert "Request not accepted" in text_of(response)
    assert (row_counts(), card_rows()) == before
    assert review_attempts(LEARNER) == [] and review_attempts(KWAME) == []


def test_a_review_without_the_csrf_token_is_refused(site, me, clock):
    quiz = lesson_of(site, PLAIN).quiz
    take_quiz(me, PLAIN, best_answers(quiz))
    clock.now = aware(min(c.due for c in cards_of(LEARNER).values()))
    _, fields, scenario_id = open_review(me)
    before = (row_counts(), card_rows())
    data = {k: v for k, v in fields.items() if k != "csrf_token"}
    response = answer_review(me, data, scenario_id, quiz.scenario(scenario_id).best_choice.id)
    assert response.status_code == 400
    assert (row_counts(), card_rows()) == before


def test_review_pages_need_a_signed_in_person(site):
    client = site.test_client()
    for url in ("/review", "/habits"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"], url


def test_someone_elses_review_feedback_is_not_found(site, me, clock):
    quiz = lesson_of(site, PLAIN).quiz
    take_quiz(me, PLAIN, best_answers(quiz))
    clock.now = aware(min(c.due for c in cards_of(LEARNER).values()))
    _, response = review_once(me, site)
    location = response.headers["Location"]
    assert me.get(location).status_code == 200
    assert signed_in(site, KWAME).get(location).status_code == 404
    # A quiz attempt is not shown as a review.
    quiz_attempt = query_db(lambda: Attempt.get(Attempt.kind == "quiz"))
    assert me.get(f"/review/answers/{quiz_attempt.id}").status_code == 404


# --- the daily limit -----------------------------------------------------------------------

def test_the_daily_limit_serves_that_many_a_day_and_more_the_next(site, me, clock):
    site.config["REVIEW_DAILY_LIMIT"] = 2
    quiz = lesson_of(site, PLAIN).quiz
    take_quiz(me, PLAIN, best_answers(quiz))
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
    assert served == {s.id for s in quiz.scenarios} - {first, second}
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
    take_quiz(me, PLAIN, best_answers(quiz))                     # 5 March, 10:00
    due = min(c.due for c in cards_of(LEARNER).values())          # 7 March, 10:00
    clock.now = datetime.datetime.combine(due.date(), datetime.time(0, 0), tzinfo=UTC) - datetime.timedelta(minutes=1)
    assert due_on_home(me) == 0 and is_empty_review_page(me)[0]
    clock.now = datetime.datetime.combine(due.date(), datetime.time(0, 0), tzinfo=UTC)
    assert due_on_home(me) == len(quiz.scenarios)
    clock.now = datetime.datetime.combine(due.date(), datetime.time(8, 0), tzinfo=UTC)
    assert localdate(clock.naive()) == localdate(due)
    assert due_on_home(me) == len(quiz.scenarios)
    open_review(me)


def test_the_due_date_is_a_date_in_the_site_time_zone(site, me, clock):
    site.config["TIMEZONE"] = "America/New_York"
    quiz = lesson_of(site, PLAIN).quiz
    clock.now = datetime.datetime(2025, 4, 8, 0, 0, tzinfo=UTC)           # 7 April, 20:00 in New York
    take_quiz(me, PLAIN, best_answers(quiz))
    due = min(c.due for c in cards_of(LEARNER).values())
    assert due == datetime.datetime(2025, 4, 10, 0, 0)                    # 9 April, 20:00 in New York
    clock.now = datetime.datetime(2025, 4, 9, 3, 30, tzinfo=UTC)          # 8 April, 23:30 there
    assert due_on_home(me) == 0
    empty, text = is_empty_review_page(me)
    assert empty and "Your next review is due on 9 April 2025" in text
    clock.now = datetime.datetime(2025, 4, 9, 4, 30, tzinfo=UTC)          # 9 April, 00:30 there
    assert due_on_home(me) == len(quiz.scenarios)
    open_review(me)


# --- streaks ---------------------------------------------------------------------------------

def test_streak_counts_consecutive_days_of_quizzes_and_reviews(site, me, clock):
    quiz = lesson_of(site, PLAIN).quiz
    s0 = quiz.scenarios[0]
    assert streak_on_home(me) == 0

    take_quiz(me, PLAIN, {**best_answers(quiz), s0.id: weak_choice(s0).id})     # day 0: a quiz
    assert streak_on_home(me) == 1
    assert "Practice streak: 1 day" in home(me)[2]

    clock.now = T0 + DAY + datetime.timedelta(hours=1)                   # day 1: one review
    assert streak_on_home(me) == 1, "yesterday's practice keeps the streak alive"
    review_once(me, site)
    assert streak_on_home(me) == 2

    clock.now = T0 + 2 * DAY + datetime.timedelta(hours=1)               # day 2: the other reviews
    review_once(me, site)
    review_once(me, site)
    assert streak_on_home(me) == 3
    assert "Practice streak: 3 days" in home(me)[2]

    clock.now = T0 + 3 * DAY + datetime.timedelta(hours=8)               # day 3: no practice yet
    assert streak_on_home(me) == 3

    clock.now = T0 + 4 * DAY                                             # day 4: day 3 was missed
    assert streak_on_home(me) == 0
    take_quiz(me, SECOND, best_answers(lesson_of(site, SECOND).quiz))
    assert streak_on_home(me) == 1


def test_streak_days_are_days_in_the_site_time_zone(site, me, clock):
    site.config["TIMEZONE"] = "America/New_York"
    quiz = lesson_of(site, PLAIN).quiz
    # 14 April 2025, 23:30 in New York (EDT) is 15 April 03:30 UTC.
    clock.now = datetime.datetime(2025, 4, 15, 3, 30, tzinfo=UTC)
    take_quiz(me, PLAIN, best_answers(quiz))
    assert query_db(lambda: Attempt.get(Attempt.kind == "quiz").submitted_at) == datetime.datetime(2025, 4, 15, 3, 30)
    assert streak_on_home(me) == 1

    # 15 April, 09:00 in New York (13:00 UTC, the same UTC date): a second local day.
    clock.now = datetime.datetime(2025, 4, 15, 13, 0, tzinfo=UTC)
    assert streak_on_home(me) == 1
    take_quiz(me, SECOND, best_answers(lesson_of(site, SECOND).quiz))
    assert streak_on_home(me) == 2

    # 16 April, 22:30 in New York (17 April 02:30 UTC): no practice today yet, still 2.
    clock.now = datetime.datetime(2025, 4, 17, 2, 30, tzinfo=UTC)
    assert streak_on_home(me) == 2
    # 17 April, 00:30 in New York: 16 April was missed.
    clock.now = datetime.datetime(2025, 4, 17, 4, 30, tzinfo=UTC)
    assert streak_on_home(me) == 0


def test_the_same_moments_in_utc_make_a_different_streak(site, me, clock):
    """The control for the test above: with TIMEZONE=UTC the two submissions share a day."""
    quiz = lesson_of(site, PLAIN).quiz
    clock.now = datetime.datetime(2025, 4, 15, 3, 30, tzinfo=UTC)
    take_quiz(me, PLAIN, best_answers(quiz))
    clock.now = datetime.datetime(2025, 4, 15, 13, 0, tzinfo=UTC)
    take_quiz(me, SECOND, best_answers(lesson_of(site, SECOND).quiz))
    assert streak_on_home(me) == 1


def test_someone_elses_practice_does_not_count(site, me, clock):
    kwame = signed_in(site, KWAME)
    take_quiz(kwame, PLAIN, best_answers(lesson_of(site, PLAIN).quiz))
    assert streak_on_home(kwame) == 1
    assert streak_on_home(me) == 0


# --- 3. habits -------------------------------------------------------------------------------

def _habit_history(site, me, clock):
    """Two quizzes with a mix of strong and weak choices; returns [(scenario, choice)] in order."""
    first, second = lesson_of(site, PLAIN).quiz, lesson_of(site, SECOND).quiz
    picks = [
        (first.scenarios[0], weak_choice(first.scenarios[0], 0)),
        (first.scenarios[1], first.scenarios[1].best_choice),
        (first.scenarios[2], weak_choice(first.scenarios[2], 1)),
        (first.scenarios[3], first.scenarios[3].best_choice),
        (second.scenarios[0], second.scenarios[0].best_choice),
        (second.scenarios[1], weak_choice(second.scenarios[1], 2)),
        (second.scenarios[2], second.scenarios[2].best_choice),
        (second.scenarios[3], weak_choice(second.scenarios[3], 0)),
    ]
    take_quiz(me, PLAIN, {s.id: c.id for s, c in picks[:4]})
    clock.now = T0 + DAY
    take_quiz(me, SECOND, {s.id: c.id for s, c in picks[4:]})
    return picks


def _by_hand(picks):
    """tag -> [chosen, offered], for picks in order."""
    counts: dict = {}
    for scenario, choice in picks:
        for tag in {c.tag for c in scenario.choices}:
            row = counts.setdefault(tag, [0, 0])
            row[1] += 1
            row[0] += tag == choice.tag
    return counts


def test_habits_count_choices_where_they_were_on_offer(site, me, clock):
    picks = _habit_history(site, me, clock)
    expected = _by_hand(picks)
    assert len(expected) >= 4

    response = me.get("/habits")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(html)
    assert "what you chose across 8 answers" in text
    shown = {htmllib.unescape(m.group(1)): (int(m.group(2)), int(m.group(3)))
             for m in re.finditer(r"<strong>([^<]+)</strong> in (\d+) of (\d+) situations", html)}
    by_label = {TAGS[tag]["label"]: tuple(v) for tag, v in expected.items()}
    assert shown == by_label
    for tag, (chosen, offered) in expected.items():
        assert f"{TAGS[tag]['label']} in {chosen} of {offered} situations ({round(100 * chosen / offered)}%)" in text
    # A label straight from quizzes/tags.yml, and none for behaviours never on offer.
    assert "Asked before telling in" in text and TAGS["ask"]["label"] == "Asked before telling"
    for tag in set(TAGS) - set(expected):
        assert f"{TAGS[tag]['label']} in " not in text
    # Strong habits are listed before the ones to notice.
    strong_flags = [TAGS[next(t for t in TAGS if TAGS[t]["label"] == label)]["strong"]
                    for label in re.findall(r"<strong>([^<]+)</strong> in \d+ of", htmllib.unescape(html))]
    assert strong_flags == sorted(strong_flags, reverse=True)
    assert "a habit to notice" in text


def test_habits_compare_the_earlier_and_the_recent_half(site, me, clock):
    picks = _habit_history(site, me, clock)
    earlier, recent = _by_hand(picks[:4]), _by_hand(picks[4:])
    text = text_of(me.get("/habits"))
    both = set(earlier) & set(recent)
    assert both
    for tag in both:
        (e0, e1), (r0, r1) = earlier[tag], recent[tag]
        assert f"{TAGS[tag]['label']} in {e0 + r0} of {e1 + r1} situations" in text
        assert f"Earlier: {e0} of {e1} · more recently: {r0} of {r1}" in text


def test_habits_chart_is_an_accessible_svg_with_the_numbers_in_a_table(site, me, clock):
    picks = _habit_history(site, me, clock)
    strong = sum(1 for _, c in picks if TAGS[c.tag]["strong"])
    html = me.get("/habits").get_data(as_text=True)
    svg = re.search(r"<svg\b[^>]*>.*?</svg>", html, flags=re.S)
    assert svg, "no inline svg"
    svg = svg.group(0)
    assert 'role="img"' in svg
    assert re.search(r'<title id="habits-chart-title">[^<]+</title>', svg)
    assert re.search(r'<desc id="habits-chart-desc">[^<]+</desc>', svg)
    assert 'aria-labelledby="habits-chart-title habits-chart-desc"' in svg
    assert f">{round(100 * strong / len(picks))}</text>" in svg
    table = re.search(r"<table\b.*?</table>", html, flags=re.S).group(0)
    rows = [plain(r) for r in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)]
    # 5 and 6 March 2025 fall in the week starting Monday 3 March.
    assert "3 March 2025 " + f"{strong} {len(picks)}" in rows


def test_habits_include_review_answers(site, me, clock):
    quiz = lesson_of(site, PLAIN).quiz
    take_quiz(me, PLAIN, best_answers(quiz))
    clock.now = aware(min(c.due for c in cards_of(LEARNER).values()))
    scenario_id, _ = review_once(me, site, right=False)
    scenario = quiz.scenario(scenario_id)
    picks = [(s, s.best_choice) for s in quiz.scenarios] + [(scenario, weak_choice(scenario))]
    text = text_of(me.get("/habits"))
    assert "across 5 answers" in text
    for tag, (chosen, offered) in _by_hand(picks).items():
        assert f"{TAGS[tag]['label']} in {chosen} of {offered} situations" in text


def test_habits_page_before_any_answer(site, me):
    response = me.get("/habits")
    assert response.status_code == 200
    assert "Your habits appear here once you have answered a few scenarios." in text_of(response)


# --- 4. content changes ---------------------------------------------------------------------

def _bump(path, seconds=10):
    stamp = os.stat(path).st_mtime + seconds
    os.utime(path, (stamp, stamp))


@pytest.fixture
def tree_site(tree, database_url):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("lessons/demo/02-second.md", LESSON.format(title="Second"))
    tree.write("quizzes/demo/first.md", QUIZ)
    app = make_app(database_url, tree.root, CONTENT_RELOAD=True)
    clock = Clock(T0)
    app.config["CLOCK"] = clock
    seed_people(app)
    client = signed_in(app, LEARNER)
    take_quiz(client, "first", best_answers(lesson_of(app, "first", "demo").quiz), course="demo")
    cards = cards_of(LEARNER)
    assert set(cards) == {("first", "demo-ran-long"), ("first", "quiet-standup")}
    yield app, client, clock, tree
    app.extensions["peewee"].close_all()


def test_a_reworded_scenario_is_rebased_on_the_next_review_visit(tree_site):
    app, client, clock, tree = tree_site
    before = cards_of(LEARNER)
    old_hash = before[("first", "quiet-standup")].scenario_hash
    path = tree.write("quizzes/demo/first.md", QUIZ.replace("Nobody speaks at the stand-up.",
                                                            "Nobody says a word at the morning stand-up."))
    _bump(path)
    clock.now = T0 + datetime.timedelta(hours=3)

    html, fields, scenario_id = open_review(client)
    assert scenario_id == "quiet-standup"
    assert "Nobody says a word at the morning stand-up." in text_of(html)
    new = lesson_of(app, "first", "demo").quiz.scenario("quiet-standup")
    card = cards_of(LEARNER)[("first", "quiet-standup")]
    assert card.scenario_hash == new.content_hash != old_hash
    assert card.due == clock.naive() and card.retired_at is None and card.id == before[("first", "quiet-standup")].id
    untouched = cards_of(LEARNER)[("first", "demo-ran-long")]
    assert (untouched.due, untouched.scenario_hash) == (before[("first", "demo-ran-long")].due,
                                                        before[("first", "demo-ran-long")].scenario_hash)
    assert due_on_home(client) == 1

    response = answer_review(client, fields, scenario_id, new.best_choice.id)
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200
    card = cards_of(LEARNER)[("first", "quiet-standup")]
    assert card.due > clock.naive() and card.reviews == 1
    (attempt,) = review_attempts(LEARNER)
    assert answers_of(attempt.id)[0][1] == "quiet-standup"
    assert query_db(lambda: Answer.get(Answer.attempt == attempt.id).scenario_hash) == new.content_hash


def test_a_removed_scenario_retires_its_card(tree_site):
    app, client, clock, tree = tree_site
    without = QUIZ[:QUIZ.index("## The demo that ran long")] + QUIZ[QUIZ.index("## The quiet stand-up"):]
    path = tree.write("quizzes/demo/first.md", without)
    _bump(path)
    clock.now = T0 + datetime.timedelta(hours=3)

    assert is_empty_review_page(client)[0]
    cards = cards_of(LEARNER)
    assert cards[("first", "demo-ran-long")].retired_at == clock.naive()
    assert cards[("first", "quiet-standup")].retired_at is None

    # On the due day only the remaining scenario is served; the retired one never is.
    clock.now = aware(cards[("first", "quiet-standup")].due)
    assert due_on_home(client) == 1
    html, fields, scenario_id = open_review(client)
    assert scenario_id == "quiet-standup"
    choice = lesson_of(app, "first", "demo").quiz.scenario("quiet-standup").best_choice.id
    assert answer_review(client, fields, scenario_id, choice).status_code == 303
    assert is_empty_review_page(client)[0]
    assert cards_of(LEARNER)[("first", "demo-ran-long")].reviews == 0
    assert client.get("/").status_code == 200 and client.get("/habits").status_code == 200


def test_a_deleted_lesson_retires_its_cards(tree_site):
    app, client, clock, tree = tree_site
    tree.remove("lessons/demo/01-first.md")
    tree.remove("quizzes/demo/first.md")        # a quiz without its lesson is a content error
    clock.now = T0 + datetime.timedelta(hours=3)

    response = client.get("/review")
    assert response.status_code == 200 and "Nothing is due for review right now." in text_of(response)
    assert all(c.retired_at == clock.naive() for c in cards_of(LEARNER).values())
    clock.now = T0 + 30 * DAY
    assert client.get("/review").status_code == 200 and is_empty_review_page(client)[0]
    assert due_on_home(client) == 0
    assert client.get("/habits").status_code == 200


def test_a_review_form_for_a_removed_scenario_saves_nothing(tree_site):
    app, client, clock, tree = tree_site
    clock.now = aware(max(c.due for c in cards_of(LEARNER).values()))
    _, fields, scenario_id = open_review(client)
    choice = lesson_of(app, "first", "demo").quiz.scenario(scenario_id).best_choice.id
    keep = "quiet-standup" if scenario_id == "demo-ran-long" else "demo-ran-long"
    start = QUIZ.index("## The demo that ran long") if keep == "quiet-standup" else QUIZ.index("## The quiet stand-up")
    end = QUIZ.index("## The quiet stand-up") if keep == "quiet-standup" else len(QUIZ)
    path = tree.write("quizzes/demo/first.md", QUIZ[:start] + QUIZ[end:])
    _bump(path)
    before = (row_counts(), card_rows())
    response = answer_review(client, fields, scenario_id, choice)
    assert response.status_code in (302, 303) and response.headers["Location"].endswith("/review")
    assert (row_counts(), card_rows()) == before
    assert client.get("/review").status_code == 200


def test_a_review_form_sent_after_another_scenario_changed_saves_nothing_and_asks_again(tree_site):
    app, client, clock, tree = tree_site
    clock.now = aware(max(c.due for c in cards_of(LEARNER).values()))
    _, fields, scenario_id = open_review(client)
    assert scenario_id == "demo-ran-long"
    choice = lesson_of(app, "first", "demo").quiz.scenario(scenario_id).best_choice.id
    path = tree.write("quizzes/demo/first.md", QUIZ.replace("Nobody speaks at the stand-up.",
                                                            "Nobody says a word at the stand-up."))
    _bump(path)
    before = (row_counts(), card_rows())
    response = answer_review(client, fields, scenario_id, choice)
    assert response.status_code in (302, 303) and response.headers["Location"].endswith("/review")
    assert (row_counts(), card_rows()) == before
    # Asked again with a fresh form, the answer is kept.
    _, fresh, again = open_review(client)
    assert again == "demo-ran-long" and fresh["token"] != fields["token"]
    choice = lesson_of(app, "first", "demo").quiz.scenario(again).best_choice.id
    assert answer_review(client, fresh, again, choice).status_code == 303
    assert len(review_attempts(LEARNER)) == 1


def test_a_renamed_lesson_keeps_its_cards(tree_site):
    app, client, clock, tree = tree_site
    before = cards_of(LEARNER)
    tree.remove("lessons/demo/01-first.md")
    tree.remove("quizzes/demo/first.md")
    tree.write("lessons/demo/01-renamed.md", LESSON.format(title="First").replace(
        "minutes: 4", "minutes: 4\naliases:\n  - first"))
    tree.write("quizzes/demo/renamed.md", QUIZ)
    assert not app.extensions["content"].catalog.problems
    clock.now = aware(max(c.due for c in before.values()))
    assert due_on_home(client) == 2
    after = cards_of(LEARNER)
    assert {k[1]: (c.id, c.due, c.retired_at) for k, c in after.items()} == \
        {k[1]: (c.id, c.due, None) for k, c in before.items()}
    assert {k[0] for k in after} == {"renamed"}
    _, response = review_once(client, app, course="demo")
    assert review_attempts(LEARNER)[0].lesson_slug == "renamed"
    assert client.get(response.headers["Location"]).status_code == 200


def test_home_page_does_not_count_reviews_of_a_deleted_lesson(tree_site):
    """The home page's count follows the content too, before /review is visited."""
    app, client, clock, tree = tree_site
    clock.now = aware(max(c.due for c in cards_of(LEARNER).values()))
    assert due_on_home(client) == 2
    tree.remove("lessons/demo/01-first.md")
    tree.remove("quizzes/demo/first.md")
    assert due_on_home(client) == 0


def test_feedback_shows_the_due_date_of_the_card_just_reviewed(tree, database_url):
    """The feedback page names the reviewed card's own next date. Two lessons may use the
    same scenario ids (the content check only refuses duplicates within one quiz)."""
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("lessons/demo/02-second.md", LESSON.format(title="Second"))
    tree.write("quizzes/demo/first.md", QUIZ)
    tree.write("quizzes/demo/second.md", QUIZ)
    app = make_app(database_url, tree.root)
    clock = Clock(T0)
    app.config["CLOCK"] = clock
    try:
        assert not app.extensions["content"].catalog.problems
        seed_people(app)
        client = signed_in(app, LEARNER)
        first, second = lesson_of(app, "first", "demo").quiz, lesson_of(app, "second", "demo").quiz
        # "first": demo-ran-long wrong (Again); "second": all best (Good).
        take_quiz(client, "first", {**best_answers(first), "demo-ran-long": weak_choice(first.scenario("demo-ran-long")).id},
                  course="demo")
        take_quiz(client, "second", best_answers(second), course="demo")
        cards = cards_of(LEARNER)
        clock.now = aware(cards[("second", "demo-ran-long")].due)
        # Both demo-ran-long cards reviewed right today come back on different dates.
        a, b = (card_from_json(cards[(lesson, "demo-ran-long")].card) for lesson in ("first", "second"))
        assert localdate(schedule(a, Rating.Good, clock.now).due) != localdate(schedule(b, Rating.Good, clock.now).due)

        shown = {}
        for _ in range(len(cards)):
            _, fields, scenario_id = open_review(client)
            card = query_db(lambda: ReviewCard.get_by_id(int(fields["card"])))
            quiz = first if card.lesson_slug == "first" else second
            response = answer_review(client, fields, scenario_id, quiz.scenario(scenario_id).best_choice.id)
            assert response.status_code == 303
            after = query_db(lambda: ReviewCard.get_by_id(card.id))
            text = text_of(client.get(response.headers["Location"]))
            shown[(card.lesson_slug, scenario_id)] = f"This scenario comes back on {localdate(after.due)}" in text
        assert shown == {key: True for key in cards}
    finally:
        app.extensions["peewee"].close_all()


# --- 5. the demo -----------------------------------------------------------------------------

def test_demo_learner_has_reviews_due_and_habits(app, clock):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert app.config["CLOCK"] is clock, "demo seed gives the clock back"
    client = app.test_client()
    assert sign_in(client, LEARNER, "coaching-demo").status_code == 302

    assert query_db(lambda: ReviewCard.select().join(Person).where(Person.email == LEARNER).count()) > 0
    due, _, _ = home(client)
    assert due >= 1
    open_review(client)
    habits = client.get("/habits")
    assert habits.status_code == 200
    text = text_of(habits)
    assert re.search(r"[A-Z][a-z].* in \d+ of \d+ situations", text)
    assert "Asked before telling in" in text
    assert "<svg" in habits.get_data(as_text=True)
