"""Scenario pools (`draw: N`): drawing and grading. Each attempt shows N scenarios of the pool,
those the learner has not answered before first; the drawn ids ride in the signed form token
and are what the submission is graded against. Everything goes through HTTP."""
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

from helpers.pages import hidden_fields
from helpers.pools import (pool_app, POOL_QUIZ, POOL, DRAW, POOL_IDS, URL, PLAIN_URL, SECRET, scenario_md, write_course, build, client_for,
    quiz_of, drawn_ids, drawn_best_answers, open_quiz, submit, attempt_id_of, best, in_db,
    row_counts, answers_of, token_payload, text_of)

pytestmark = pytest.mark.real_draw


def test_the_page_shows_n_of_m_scenarios_in_file_order_and_writes_nothing(pool_app):
    learner = client_for(pool_app)
    html, fields, drawn = open_quiz(learner)
    assert len(drawn) == DRAW and set(drawn) <= set(POOL_IDS)
    assert drawn == sorted(drawn, key=POOL_IDS.index), "shown in file order"
    text = text_of(html)
    for n in range(1, DRAW + 1):
        assert f"Scenario {n} of {DRAW}:" in text
    assert f"of {POOL}:" not in text and f"{DRAW} scenarios · choose" in text
    quiz = quiz_of(pool_app)
    for scenario in quiz.scenarios:
        assert (scenario.title in text) == (scenario.id in drawn)
    # The draw is in the signed token, and nothing is stored when the form is shown.
    assert token_payload(fields["token"])["d"] == drawn
    assert row_counts() == (0, 0)


def test_reloading_the_page_may_draw_again(pool_app):
    learner = client_for(pool_app)
    draws = {tuple(open_quiz(learner)[2]) for _ in range(30)}
    assert len(draws) > 1       # 15 possible sets: 30 identical draws would be a broken random
    assert all(len(d) == DRAW for d in draws)


def test_a_quiz_without_draw_shows_everything_and_its_token_has_no_draw(pool_app):
    learner = client_for(pool_app)
    html, fields, drawn = open_quiz(learner, PLAIN_URL)
    quiz = quiz_of(pool_app, "second")
    assert drawn == [s.id for s in quiz.scenarios]
    assert "d" not in token_payload(fields["token"])
    attempt_id = attempt_id_of(submit(learner, fields, drawn_best_answers(html, quiz), PLAIN_URL))
    assert [row[1] for row in answers_of(attempt_id)] == [s.id for s in quiz.scenarios]


# --- the token's set is what is graded ----------------------------------------------------

def test_the_submission_is_graded_against_its_own_tokens_draw(pool_app):
    learner = client_for(pool_app)
    quiz = quiz_of(pool_app)
    html, fields, drawn = open_quiz(learner)
    # Another page opened later (a reload) draws again; the first form keeps its own set.
    for _ in range(30):
        _, _, other = open_quiz(learner)
        if other != drawn:
            break
    assert other != drawn
    refused = submit(learner, fields, best(other))
    assert refused.status_code == 400 and "did not show" in text_of(refused.get_data(as_text=True))
    assert row_counts() == (0, 0)

    attempt_id = attempt_id_of(submit(learner, fields, drawn_best_answers(html, quiz)))
    assert [(pos, sid, cid, was_best) for pos, sid, cid, was_best, _ in answers_of(attempt_id)] == [
        (i, sid, f"best-{sid}", True) for i, sid in enumerate(drawn)]
    attempt = in_db(lambda: Attempt.get_by_id(attempt_id))
    assert attempt.score == 1.0 and attempt.passed


def test_a_token_re_signed_with_another_draw_is_refused(pool_app):
    learner = client_for(pool_app)
    _, fields, drawn = open_quiz(learner)
    payload = token_payload(fields["token"])
    other = [sid for sid in POOL_IDS if sid not in drawn] + drawn[:DRAW - (POOL - DRAW)]
    payload["d"] = sorted(other, key=POOL_IDS.index)
    forged = URLSafeTimedSerializer("not-the-secret", salt="quiz-attempt").dumps(payload)
    response = submit(learner, {**fields, "token": forged}, best(payload["d"]))
    assert response.status_code == 400 and "This quiz form is not valid" in text_of(response.get_data(as_text=True))
    assert row_counts() == (0, 0)


def test_an_answer_for_a_scenario_outside_the_draw_is_refused_and_nothing_is_written(pool_app):
    learner = client_for(pool_app)
    _, fields, drawn = open_quiz(learner)
    undrawn = next(sid for sid in POOL_IDS if sid not in drawn)
    response = submit(learner, fields, {**best(drawn), undrawn: f"best-{undrawn}"})
    assert response.status_code == 400
    text = text_of(response.get_data(as_text=True))
    assert "Request not accepted" in text and undrawn in text and "Nothing was saved" in text
    assert row_counts() == (0, 0)
    assert in_db(lambda: ReviewCard.select().count()) == 0


def test_a_missing_drawn_answer_shows_the_drawn_page_again_and_stores_nothing(pool_app):
    learner = client_for(pool_app)
    quiz = quiz_of(pool_app)
    _, fields, drawn = open_quiz(learner)
    skipped = drawn[1]
    response = submit(learner, fields, {sid: cid for sid, cid in best(drawn).items() if sid != skipped})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose an answer for every scenario: 1 still needs one. Nothing was saved yet." in text_of(html)
    assert f'href="#scenario-{skipped}"' in html and f'id="missing-{skipped}"' in html
    # The same drawn scenarios again, under the same token, with the given answers kept.
    again = hidden_fields(html)
    assert drawn_ids(html) == drawn and again["token"] == fields["token"]
    assert f"Scenario {DRAW} of {DRAW}:" in text_of(html)
    assert row_counts() == (0, 0)

    attempt_id = attempt_id_of(submit(learner, again, drawn_best_answers(html, quiz)))
    assert [row[1] for row in answers_of(attempt_id)] == drawn
    assert row_counts() == (1, DRAW)


def test_the_same_form_submitted_twice_records_one_attempt(pool_app):
    learner = client_for(pool_app)
    quiz = quiz_of(pool_app)
    html, fields, drawn = open_quiz(learner)
    first = submit(learner, fields, drawn_best_answers(html, quiz))
    second = submit(learner, fields, drawn_best_answers(html, quiz))
    assert attempt_id_of(first) == attempt_id_of(second)
    assert row_counts() == (1, DRAW)


def test_the_result_page_lists_the_drawn_scenarios_feedback(pool_app):
    learner = client_for(pool_app)
    quiz = quiz_of(pool_app)
    html, fields, drawn = open_quiz(learner)
    weak_one = drawn[0]
    answers = {**drawn_best_answers(html, quiz), weak_one: f"weak-{weak_one}"}
    attempt_id = attempt_id_of(submit(learner, fields, answers))
    text = text_of(learner.get(f"{URL}/attempts/{attempt_id}").get_data(as_text=True))
    assert "Passed" in text and f"{DRAW - 1} of {DRAW} scenarios" in text and "75%" in text
    for scenario in quiz.scenarios:
        assert (scenario.title in text) == (scenario.id in drawn)
    assert "Telling skips what they noticed." in text and "The stronger choice" in text


def test_pass_score_applies_to_the_drawn_set(pool_app):
    learner = client_for(pool_app)
    _, fields, drawn = open_quiz(learner)
    two_of_four = {**best(drawn), drawn[0]: f"weak-{drawn[0]}", drawn[1]: f"weak-{drawn[1]}"}
    attempt_id = attempt_id_of(submit(learner, fields, two_of_four))
    attempt = in_db(lambda: Attempt.get_by_id(attempt_id))
    assert attempt.score == pytest.approx(0.5) and not attempt.passed


def test_a_form_from_before_the_quiz_changed_gets_a_fresh_draw(tree, database_url):
    app = build(tree, database_url, CONTENT_RELOAD=True)
    try:
        learner = client_for(app)
        _, fields, drawn = open_quiz(learner)
        tree.write("quizzes/demo/first.md", POOL_QUIZ.replace("case 1.", "case one."))
        response = submit(learner, fields, best(drawn))
        assert response.status_code == 409
        html = response.get_data(as_text=True)
        assert "The quiz was updated while you were answering" in text_of(html)
        fresh = hidden_fields(html)["token"]
        assert fresh != fields["token"] and token_payload(fresh)["d"] == drawn_ids(html)
        assert len(drawn_ids(html)) == DRAW and row_counts() == (0, 0)
    finally:
        app.extensions["peewee"].close_all()


# --- a retake draws the unseen first ----------------------------------------------------------

def test_a_retake_draws_the_scenarios_not_yet_seen_first(pool_app):
    learner = client_for(pool_app)
    _, fields, first = open_quiz(learner)
    first_id = attempt_id_of(submit(learner, fields, best(first)))
    unseen = set(POOL_IDS) - set(first)
    assert len(unseen) == POOL - DRAW == 2
    for _ in range(10):     # every draw, not a lucky one
        _, fields, second = open_quiz(learner)
        assert unseen <= set(second) and len(second) == DRAW
    second_id = attempt_id_of(submit(learner, fields, best(second)))
    # first_try is by scenario: only the scenarios new to this learner are first tries.
    assert {sid: first_try for _, sid, _, _, first_try in answers_of(second_id)} == {
        sid: sid in unseen for sid in second}
    assert all(row[4] for row in answers_of(first_id))
    # Everything seen now: any four, and the other learner still starts afresh.
    assert len(open_quiz(learner)[2]) == DRAW


def test_the_unseen_count_includes_the_lessons_former_slugs(pool_app, tree):
    learner = client_for(pool_app)
    _, fields, first = open_quiz(learner)
    attempt_id_of(submit(learner, fields, best(first)))
    # The lesson renamed, its old slug listed as an alias: its attempts still count as seen.
    tree.remove("lessons/demo/01-first.md")
    tree.remove("quizzes/demo/first.md")
    tree.write("lessons/demo/01-renamed.md", LESSON.format(title="A pooled lesson").replace(
        "minutes: 4", "minutes: 4\naliases:\n  - first"))
    tree.write("quizzes/demo/renamed.md", POOL_QUIZ)
    lesson, _ = load_catalog(tree.root).find_lesson("demo", "renamed")
    assert lesson.slug == "renamed" and lesson.aliases == ("first",)
    with pool_app.app_context(), db.connection_context():
        person = Person.by_email("learner@example.com")
        assert attempts.seen_scenarios(person, lesson) == set(first)
        for _ in range(10):
            assert set(POOL_IDS) - set(first) <= set(attempts.draw_scenarios(person, lesson))


def test_pick_from_pool_is_unseen_first_then_random_in_file_order(tree):
    quiz = load_catalog(write_course(tree).root).course("demo").lessons[0].quiz
    rng = random.Random(3)
    for _ in range(50):
        assert set(attempts.pick_from_pool(quiz, {"s1", "s2"}, rng)) == {"s3", "s4", "s5", "s6"}
        five_seen = attempts.pick_from_pool(quiz, {"s1", "s2", "s3", "s4", "s5"}, rng)
        assert "s6" in five_seen and len(five_seen) == DRAW
        assert list(five_seen) == sorted(five_seen, key=POOL_IDS.index)
        fresh = attempts.pick_from_pool(quiz, set(), rng)
        assert len(fresh) == DRAW and len(set(fresh)) == DRAW
    plain = load_catalog(tree.root).course("demo").lessons[1].quiz
    assert attempts.pick_from_pool(plain, set(), rng) is None


# --- grading, pure ------------------------------------------------------------------------------

def test_grade_takes_the_drawn_ids(tree):
    quiz = load_catalog(write_course(tree).root).course("demo").lessons[0].quiz
    drawn = ("s2", "s3", "s5", "s6")
    result = attempts.grade(quiz, {**best(drawn), "s3": "weak-s3"}, drawn)
    assert [a.scenario.id for a in result.answers] == list(drawn)
    assert result.score == pytest.approx(0.75) and result.passed
    with pytest.raises(Incomplete) as missing:
        attempts.grade(quiz, best(("s2", "s5")), drawn)
    assert missing.value.missing == ("s3", "s6")
    with pytest.raises(GradeError):
        attempts.grade(quiz, {**best(drawn), "s1": "best-s1"}, drawn)      # outside the draw
    with pytest.raises(GradeError):
        attempts.grade(quiz, best(drawn), (*drawn, "made-up"))              # a draw naming no scenario
    # Without ids the whole quiz is graded, as before pools.
    assert len(attempts.grade(quiz, best(POOL_IDS)).answers) == POOL
    assert attempts.best_answers(quiz, drawn) == best(drawn)


# --- spaced review ------------------------------------------------------------------------------
