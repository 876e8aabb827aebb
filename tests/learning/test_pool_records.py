"""Scenario pools (`draw: N`): what is recorded from a drawn set — review cards, item analysis,
the trainer preview, demo and scale data."""
from __future__ import annotations

import csv
import datetime
import html as htmllib
import io
import random
import re

import pytest
from itsdangerous import URLSafeTimedSerializer

from course.content import load_catalog
from course.content.quiztypes import GradeError, Incomplete
from course.data.db import db
from course.data.models import Answer, Attempt, Person, ReviewCard
from course.learning import attempts, spaced_review
from course.reporting import item_analysis

from helpers.app import make_app
from helpers.content import LESSON, QUIZ
from helpers.http import sign_in
from helpers.people import seed_people

from helpers.analysis import yesterday
from helpers.pages import hidden_fields
from helpers.pools import (pool_app, POOL_QUIZ, POOL, DRAW, POOL_IDS, URL, PLAIN_URL, SECRET, scenario_md, write_course, build, client_for,
    quiz_of, drawn_ids, drawn_best_answers, open_quiz, submit, attempt_id_of, best, in_db,
    row_counts, answers_of, token_payload, text_of)


def cards_of(email):
    return in_db(lambda: {c.scenario_id: c for c in ReviewCard.select().join(Person)
                          .where(Person.email == email)})

pytestmark = pytest.mark.real_draw


def test_review_cards_only_for_the_scenarios_answered_in_the_passing_attempt(pool_app):
    learner = client_for(pool_app)
    _, fields, first = open_quiz(learner)
    wrong = first[0]
    first_id = attempt_id_of(submit(learner, fields, {**best(first), wrong: f"weak-{wrong}"}))   # 3 of 4: a pass
    assert set(cards_of("learner@example.com")) == set(first)

    # A second pass adds cards for the scenarios it drew new, and leaves the others' schedules alone.
    before = {sid: card.card for sid, card in cards_of("learner@example.com").items()}
    _, fields, second = open_quiz(learner)
    second_id = attempt_id_of(submit(learner, fields, best(second)))
    cards = cards_of("learner@example.com")
    assert set(cards) == set(first) | set(second) == set(POOL_IDS)
    assert all(cards[sid].card == before[sid] for sid in first)

    # A pooled scenario's first try is in the first attempt that drew it: right there is "Good".
    attempts_by_id = in_db(lambda: {a.id: a for a in Attempt.select()})
    new_here = set(second) - set(first)
    for sid in new_here:
        expected = spaced_review.schedule(None, spaced_review.Rating.Good, attempts_by_id[second_id].submitted_at)
        assert cards[sid].due == expected.due.replace(tzinfo=None), sid
    again = spaced_review.schedule(None, spaced_review.Rating.Again, attempts_by_id[first_id].submitted_at)
    assert cards[wrong].due == again.due.replace(tzinfo=None)


def test_a_pooled_scenario_comes_back_for_review(pool_app):
    learner = client_for(pool_app)
    _, fields, drawn = open_quiz(learner)
    attempt_id_of(submit(learner, fields, best(drawn)))
    due = min(card.due for card in cards_of("learner@example.com").values())
    pool_app.config["CLOCK"] = lambda: (due + datetime.timedelta(hours=1)).replace(tzinfo=datetime.timezone.utc)
    page = learner.get("/review")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    (scenario_id,) = drawn_ids(html)
    assert scenario_id in drawn
    response = learner.post("/review", data={**hidden_fields(html), f"answer-{scenario_id}": f"best-{scenario_id}"})
    assert response.status_code == 303 and "/review/answers/" in response.headers["Location"]
    assert in_db(lambda: Attempt.select().where(Attempt.kind == "review").count()) == 1


def test_a_failed_pool_attempt_schedules_nothing(pool_app):
    learner = client_for(pool_app)
    _, fields, drawn = open_quiz(learner)
    attempt_id_of(submit(learner, fields, {sid: f"weak-{sid}" for sid in drawn}))
    assert cards_of("learner@example.com") == {}


# --- item analysis ------------------------------------------------------------------------------

def take(app, email, choose=best):
    """One attempt by `email`, taken yesterday: item analysis publishes only past days."""
    app.config["CLOCK"] = yesterday
    try:
        client = client_for(app, email)
        _, fields, drawn = open_quiz(client)
        attempt_id_of(submit(client, fields, choose(drawn)))
    finally:
        app.config["CLOCK"] = None
    return drawn


def scenario_section(html: str, scenario_id: str) -> str:
    for body in re.findall(r'<section class="scenario"[^>]*>(.*?)</section>', html, re.S):
        if f"id <code>{scenario_id}</code>" in body:
            return body
    raise AssertionError(scenario_id)


def test_item_analysis_counts_each_scenario_over_the_attempts_that_drew_it(pool_app):
    emails = ["learner@example.com", "kwame@example.com", "mei@example.com"]
    draws = [take(pool_app, email) for email in emails]
    lesson, _ = pool_app.extensions["content"].catalog.find_lesson("demo", "first")
    with pool_app.app_context(), db.connection_context():
        result = item_analysis.analyse_quiz(lesson, 1)
    assert result.respondents == 3
    for fig in result.scenarios:
        times = sum(fig.scenario_id in drawn for drawn in draws)
        assert (fig.learners, fig.answers, fig.best_answers, fig.first_learners) == (times, times, times, times)
        if times:
            assert fig.best_share == fig.first_best_share == 1.0
            assert sum(c.share(fig.answers) for c in fig.choices) == pytest.approx(1.0)
        else:
            assert fig.flag is None

    trainer = client_for(pool_app, "trainer@example.com")
    html = trainer.get("/trainer/analysis/demo/first").get_data(as_text=True)
    assert f"each attempt draws {DRAW} of {POOL} scenarios" in text_of(html)
    for fig in result.scenarios:
        section = text_of(scenario_section(html, fig.scenario_id))
        times = fig.learners
        if times:
            assert f"Learners {times}" in section and "Best on first try 100%" in section
        else:
            assert "Nobody has answered this version yet" in section and "%" not in section


def test_a_never_drawn_scenario_has_no_answers_not_a_zero_share(tree, database_url):
    app = build(tree, database_url, MIN_GROUP_SIZE=0)     # nothing hidden: the "no answers" state shows
    try:
        drawn = take(app, "learner@example.com")
        never = [sid for sid in POOL_IDS if sid not in drawn]
        trainer = client_for(app, "trainer@example.com")
        html = trainer.get("/trainer/analysis/demo/first").get_data(as_text=True)
        for sid in never:
            section = text_of(scenario_section(html, sid))
            assert "Nobody has answered this version yet: no attempt has drawn it." in section
            assert "%" not in section and "Nobody picks this" not in section
        for sid in drawn:
            assert "Best on first try 100%" in text_of(scenario_section(html, sid))
        rows = list(csv.DictReader(io.StringIO(trainer.get("/trainer/analysis/demo/first.csv").get_data(as_text=True))))
        for sid in never:
            (row,) = [r for r in rows if r["Scenario id"] == sid]
            assert row["Learners"] == "0" and row["Share %"] == "" and row["Best on first try %"] == ""
        assert {r["Share %"] for r in rows if r["Scenario id"] in drawn} == {"100", "0"}
    finally:
        app.extensions["peewee"].close_all()


# --- trainer preview ----------------------------------------------------------------------------

def test_the_preview_shows_the_whole_pool_and_the_draw(pool_app):
    trainer = client_for(pool_app, "trainer@example.com")
    text = text_of(trainer.get("/trainer/preview/demo/first/quiz").get_data(as_text=True))
    assert f"Each attempt draws {DRAW} of {POOL} scenarios" in text
    for scenario in quiz_of(pool_app).scenarios:
        assert scenario.title in text
    plain = text_of(trainer.get("/trainer/preview/demo/second/quiz").get_data(as_text=True))
    assert "Each attempt draws" not in plain


# --- dev tools ----------------------------------------------------------------------------------

def test_demo_and_scale_data_draw_from_the_pool(pool_app):
    from course.devtools import demo, scale

    catalog = pool_app.extensions["content"].catalog
    with pool_app.app_context(), db.connection_context():
        demo.seed_progress(catalog)
        scale.scale(catalog, learners=100, teams=2)
        per_attempt = {}
        for attempt_id, lesson_slug, sid in (Answer.select(Answer.attempt, Attempt.lesson_slug, Answer.scenario_id)
                                             .join(Attempt).tuples()):
            per_attempt.setdefault((attempt_id, lesson_slug), []).append(sid)
        pooled = [sids for (_, slug), sids in per_attempt.items() if slug == "first"]
        assert pooled and all(len(sids) == DRAW and set(sids) <= set(POOL_IDS) for sids in pooled)
        assert all(len(sids) == 2 for (_, slug), sids in per_attempt.items() if slug == "second")
        # A scale learner's retake draws the scenarios it has not seen first.
        by_person = {}
        for person_id, sid in (Answer.select(Attempt.person, Answer.scenario_id).join(Attempt)
                               .where(Attempt.lesson_slug == "first").order_by(Attempt.id, Answer.position).tuples()):
            by_person.setdefault(person_id, []).append(sid)
        retakers = [sids for sids in by_person.values() if len(sids) > DRAW]
        assert retakers, "seed 7 gives some retakes of the pooled quiz"
        for sids in retakers:
            assert set(sids[:DRAW]) | set(sids[DRAW:2 * DRAW]) == set(POOL_IDS)
