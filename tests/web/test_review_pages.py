"""Reviewing passed scenarios through the pages: /review serves what is due, answers are
recorded once, feedback shows the next date, and forged or stale forms write nothing.

Time never comes from the wall clock: the `clock` fixture is the app's clock, moved by
assignment. Reviews are taken over HTTP with the fields the page gives, as a browser would.
"""
from __future__ import annotations

import re

import pytest
from fsrs import Rating

from course.data.models import Attempt
from course.learning.attempts import best_answers
from course.learning.spaced_review import card_from_json, schedule
from helpers.content import COURSE, PLAIN, lesson_of
from helpers.db import answers_of, query_db, row_counts
from helpers.http import signed_in
from helpers.pages import hidden_fields, plain, radio_groups, text_of
from helpers.people import KWAME, LEARNER
from helpers.quiz import first_draw, first_draw_best, take_quiz, weak_choice
from helpers.review import (DAY, answer_review, aware, card_rows, cards_of, due_on_home, is_empty_review_page,
                            localdate, open_review, review_attempts, review_once)


# --- a review, day by day ("Done means") ---------------------------------------------------

def test_scenarios_come_back_on_the_day_they_fall_due(site, me, clock):
    lesson = lesson_of(site, PLAIN)
    quiz = lesson.quiz
    s0 = first_draw(quiz)[0]
    take_quiz(me, PLAIN, {**first_draw_best(quiz), s0.id: weak_choice(s0).id})
    cards = cards_of(LEARNER)
    assert len(cards) == len(first_draw(quiz))

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
    assert row_counts() == (1, len(first_draw(quiz))), "showing a review writes nothing"

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
    assert served in {s.id for s in first_draw(quiz)[1:]}


def test_a_wrong_review_answer_shows_the_stronger_choice_and_comes_back_sooner(site, me, clock):
    quiz = lesson_of(site, PLAIN).quiz
    take_quiz(me, PLAIN, first_draw_best(quiz))
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
    take_quiz(me, PLAIN, first_draw_best(quiz))
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
    take_quiz(me, PLAIN, first_draw_best(quiz))
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
    take_quiz(me, PLAIN, first_draw_best(quiz))
    take_quiz(kwame, PLAIN, first_draw_best(quiz))
    clock.now = aware(max(c.due for c in cards_of(LEARNER).values()))
    _, fields, scenario_id = open_review(me)
    scenario = quiz.scenario(scenario_id)
    other = next(s for s in first_draw(quiz) if s.id != scenario_id)
    mine, theirs = cards_of(LEARNER), cards_of(KWAME)
    _, kwame_fields, kwame_scenario = open_review(kwame)
    quiz_form = hidden_fields(me.get(f"/courses/{COURSE}/{PLAIN}/quiz").get_data(as_text=True))
    best = {f"answer-{scenario_id}": scenario.best_choice.id}
    other_choice = next(c.id for s in first_draw(quiz) for c in s.choices if scenario.choice(c.id) is None)
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
    take_quiz(me, PLAIN, first_draw_best(quiz))
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
    take_quiz(me, PLAIN, first_draw_best(quiz))
    clock.now = aware(min(c.due for c in cards_of(LEARNER).values()))
    _, response = review_once(me, site)
    location = response.headers["Location"]
    assert me.get(location).status_code == 200
    assert signed_in(site, KWAME).get(location).status_code == 404
    # A quiz attempt is not shown as a review.
    quiz_attempt = query_db(lambda: Attempt.get(Attempt.kind == "quiz"))
    assert me.get(f"/review/answers/{quiz_attempt.id}").status_code == 404
