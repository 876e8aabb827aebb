"""Taking a quiz of scenarios over HTTP, as the demo learner, on the real course
(conversations and quizzes on content trees have files of their own beside this one).

Every POST carries the CSRF token the page gave (except the test about a
missing one), and the quiz form's own fields are read from the page the way a
browser would send them back. What is stored is checked in the database.
"""
from __future__ import annotations

import html as htmllib
import re

import pytest

from course.learning.attempts import best_answers
from helpers.content import LESSONS, COURSE, PLAIN, SECOND, lesson_of
from helpers.db import answers_of, attempts_of, row_counts
from helpers.http import post, signed_in
from helpers.pages import hidden_fields, parse_inputs, unescaped_html
from helpers.quiz import best_for_page, first_draw, first_draw_best, open_quiz, progress_row, quiz_url, result_path, submit, weak_choice


# --- the plain scenario quiz --------------------------------------------------------

def test_quiz_page_shows_every_scenario_with_labelled_radio_buttons(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    html, _ = open_quiz(learner, PLAIN)
    text = htmllib.unescape(html)
    n = len(first_draw(quiz))
    for i, scenario in enumerate(first_draw(quiz), start=1):
        assert f"Scenario {i} of {n}:" in text
        assert scenario.title in text
    parsed = parse_inputs(html)
    radios = [i for i in parsed.inputs if i.get("type") == "radio"]
    assert len(radios) == sum(len(s.choices) for s in first_draw(quiz))
    for scenario in first_draw(quiz):
        group = [r for r in radios if r["name"] == f"answer-{scenario.id}"]
        assert [r["value"] for r in group] == [c.id for c in scenario.choices]
        for radio, choice in zip(group, scenario.choices):
            assert "checked" not in radio
            # Every radio has a <label for=...> carrying the choice's words.
            assert parsed.labels[radio["id"]] == " ".join(htmllib.unescape(
                re.sub(r"<[^>]+>", "", choice.text_html)).split())
    # Showing the form writes nothing.
    assert row_counts() == (0, 0)


def test_submitting_the_best_answers_records_one_attempt_and_passes(seeded, learner):
    lesson = lesson_of(seeded, PLAIN)
    quiz = lesson.quiz
    answers = first_draw_best(quiz)
    _, fields = open_quiz(learner, PLAIN)

    response = submit(learner, PLAIN, fields, answers)
    path, attempt_id = result_path(response)
    assert path == f"/courses/{COURSE}/{PLAIN}/quiz/attempts/{attempt_id}"

    (attempt,) = attempts_of("learner@example.com")
    assert attempt.id == attempt_id
    assert (attempt.course_slug, attempt.lesson_slug, attempt.quiz_type) == (COURSE, PLAIN, "scenarios")
    assert attempt.content_hash == quiz.content_hash and attempt.kind == "quiz"
    assert attempt.score == 1.0 and attempt.passed is True
    assert attempt.started_at <= attempt.submitted_at
    assert answers_of(attempt.id) == [
        (i, s.id, s.best_choice.id, True, s.best_choice.tag) for i, s in enumerate(first_draw(quiz))]
    assert row_counts() == (1, len(first_draw(quiz)))

    row = progress_row("learner@example.com", PLAIN)
    assert row.passed_at is not None and row.completed_at is not None and row.best_score == 1.0

    result = learner.get(path)
    assert result.status_code == 200
    text = unescaped_html(result)
    assert "Passed" in text and "Not passed yet" not in text
    assert f"{len(first_draw(quiz))} of {len(first_draw(quiz))} scenarios" in text
    for scenario in first_draw(quiz):
        assert scenario.title in text
        assert htmllib.unescape(scenario.best_choice.text_html) in text
        assert htmllib.unescape(scenario.best_choice.feedback_html) in text
    assert "The stronger choice" not in text


def test_result_shows_the_learners_weaker_choice_beside_the_stronger_one(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    first = first_draw(quiz)[0]
    weak = weak_choice(first)
    answers = {**first_draw_best(quiz), first.id: weak.id}
    _, fields = open_quiz(learner, PLAIN)
    path, attempt_id = result_path(submit(learner, PLAIN, fields, answers))

    (attempt,) = attempts_of("learner@example.com")
    assert attempt.score == pytest.approx(0.75) and attempt.passed is True
    assert answers_of(attempt_id)[0] == (0, first.id, weak.id, False, weak.tag)

    text = unescaped_html(learner.get(path))
    assert "Passed" in text and "3 of 4 scenarios" in text
    assert htmllib.unescape(weak.text_html) in text and htmllib.unescape(weak.feedback_html) in text
    assert "The stronger choice" in text and htmllib.unescape(first.best_choice.feedback_html) in text


def test_the_same_form_submitted_twice_records_one_attempt(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    _, fields = open_quiz(learner, PLAIN)
    first = submit(learner, PLAIN, fields, first_draw_best(quiz))
    second = submit(learner, PLAIN, fields, first_draw_best(quiz))
    assert result_path(first) == result_path(second)
    assert len(attempts_of("learner@example.com")) == 1
    assert row_counts() == (1, len(first_draw(quiz)))


def test_resubmitting_the_same_form_with_other_answers_keeps_the_first_attempt(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    _, fields = open_quiz(learner, PLAIN)
    first = submit(learner, PLAIN, fields, first_draw_best(quiz))
    changed = {s.id: weak_choice(s).id for s in first_draw(quiz)}
    second = submit(learner, PLAIN, fields, changed)
    assert result_path(first) == result_path(second)
    (attempt,) = attempts_of("learner@example.com")
    assert attempt.score == 1.0
    assert progress_row("learner@example.com", PLAIN).best_score == 1.0


def test_a_skipped_scenario_shows_the_form_again_and_stores_nothing(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    skipped = first_draw(quiz)[2]
    answers = {k: v for k, v in first_draw_best(quiz).items() if k != skipped.id}
    _, fields = open_quiz(learner, PLAIN)

    response = submit(learner, PLAIN, fields, answers)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    text = htmllib.unescape(html)
    assert "Choose an answer for every scenario: 1 still needs one. Nothing was saved yet." in text
    assert f'href="#scenario-{skipped.id}"' in html
    assert f'id="missing-{skipped.id}"' in html
    # The answers already given stay chosen, and the same form token is kept.
    checked = {i["name"]: i["value"] for i in parse_inputs(html).inputs
               if i.get("type") == "radio" and "checked" in i}
    assert checked == {f"answer-{k}": v for k, v in answers.items()}
    assert hidden_fields(html)["token"] == fields["token"]
    assert row_counts() == (0, 0)
    assert progress_row("learner@example.com", PLAIN) is None

    # Completing the form from the re-shown page then records the attempt.
    completed = submit(learner, PLAIN, hidden_fields(html), first_draw_best(quiz))
    assert completed.status_code == 303
    assert row_counts() == (1, len(first_draw(quiz)))


def test_an_empty_submission_asks_for_every_scenario(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    _, fields = open_quiz(learner, PLAIN)
    response = submit(learner, PLAIN, fields, {})
    assert response.status_code == 400
    assert f"{len(first_draw(quiz))} still need one" in unescaped_html(response)
    assert row_counts() == (0, 0)


def _tampered(app, client, quiz):
    """name -> (fields, answers, expected message) for each kind of tampering."""
    best = first_draw_best(quiz)
    _, fields = open_quiz(client, PLAIN)
    _, other_lesson_fields = open_quiz(client, SECOND)
    kwame = signed_in(app, "kwame@example.com")
    _, kwame_fields = open_quiz(kwame, PLAIN)
    first = first_draw(quiz)[0].id
    return {
        "unknown scenario field": (fields, {**best, "made-up-scenario": first_draw(quiz)[0].best_choice.id},
                                   "names a scenario or choice the quiz does not have"),
        "unknown choice id": (fields, {**best, first: "made-up-choice"},
                              "names a scenario or choice the quiz does not have"),
        "another person's token": ({**fields, "token": kwame_fields["token"]}, best,
                                   "This quiz form belongs to another attempt."),
        "another lesson's token": ({**fields, "token": other_lesson_fields["token"]}, best,
                                   "This quiz form belongs to another attempt."),
        "garbage token": ({**fields, "token": "not-a-token.at-all"}, best, "This quiz form is not valid"),
        "token with a forged payload": ({**fields, "token": fields["token"][::-1]}, best,
                                        "This quiz form is not valid"),
        "no token": ({k: v for k, v in fields.items() if k != "token"}, best, "This quiz form is not valid"),
    }


TAMPERINGS = ["unknown scenario field", "unknown choice id", "another person's token",
              "another lesson's token", "garbage token", "token with a forged payload", "no token"]


@pytest.mark.parametrize("kind", TAMPERINGS)
def test_tampered_submissions_are_refused_and_store_nothing(seeded, learner, kind):
    quiz = lesson_of(seeded, PLAIN).quiz
    fields, answers, message = _tampered(seeded, learner, quiz)[kind]
    response = submit(learner, PLAIN, fields, answers, as_sent=True)
    assert response.status_code == 400
    text = unescaped_html(response)
    assert "Request not accepted" in text and message in text
    assert row_counts() == (0, 0)
    row = progress_row("learner@example.com", PLAIN)
    assert row is None or (row.passed_at is None and row.best_score is None)


def test_a_submission_without_the_csrf_token_is_refused(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    _, fields = open_quiz(learner, PLAIN)
    del fields["csrf_token"]
    response = submit(learner, PLAIN, fields, first_draw_best(quiz))
    assert response.status_code == 400
    assert "CSRF" in unescaped_html(response)
    assert row_counts() == (0, 0)


def test_a_wrong_csrf_token_is_refused(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    _, fields = open_quiz(learner, PLAIN)
    kwame = signed_in(seeded, "kwame@example.com")
    _, kwame_fields = open_quiz(kwame, PLAIN)
    response = submit(learner, PLAIN, {**fields, "csrf_token": kwame_fields["csrf_token"]}, first_draw_best(quiz))
    assert response.status_code == 400
    assert row_counts() == (0, 0)


def test_signed_out_people_cannot_open_or_submit_a_quiz(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    _, fields = open_quiz(learner, PLAIN)       # a real form token, from someone signed in
    client = seeded.test_client()
    response = client.get(quiz_url(PLAIN))
    assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]
    data = {"token": fields["token"], **{f"answer-{k}": v for k, v in first_draw_best(quiz).items()}}
    response = post(client, quiz_url(PLAIN), data, token_from="/auth/sign-in")
    assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]
    assert row_counts() == (0, 0)


def test_a_failed_attempt_then_a_passing_retake(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    failing = {s.id: (weak_choice(s).id if i < 2 else s.best_choice.id) for i, s in enumerate(first_draw(quiz))}
    _, fields = open_quiz(learner, PLAIN)
    failed_path, failed_id = result_path(submit(learner, PLAIN, fields, failing))

    text = unescaped_html(learner.get(failed_path))
    assert "Not passed yet" in text and "Try the quiz again" in text
    assert "2 of 4 scenarios" in text and "50%" in text
    row = progress_row("learner@example.com", PLAIN)
    assert row.passed_at is None and row.best_score == pytest.approx(0.5)

    _, fresh = open_quiz(learner, PLAIN)
    assert fresh["token"] != fields["token"]
    passed_path, passed_id = result_path(submit(learner, PLAIN, fresh, best_answers(quiz)))
    assert passed_id != failed_id
    assert "Passed" in unescaped_html(learner.get(passed_path))
    row = progress_row("learner@example.com", PLAIN)
    assert row.passed_at is not None and row.best_score == 1.0

    # Every attempt is kept, and both are listed with links to their results.
    kept = attempts_of("learner@example.com")
    assert [(a.id, a.passed, a.score) for a in kept] == [(failed_id, False, 0.5), (passed_id, True, 1.0)]
    assert row_counts() == (2, 2 * len(first_draw(quiz)))
    listing = learner.get("/account/attempts")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert f'href="{failed_path}"' in html and f'href="{passed_path}"' in html
    assert html.index(f'href="{passed_path}"') < html.index(f'href="{failed_path}"'), "newest first"
    assert html.count("Not passed yet") == 1
    assert re.search(r"<td>Passed</td>", html)

    # A later failing attempt neither un-passes the lesson nor lowers the best score.
    _, again = open_quiz(learner, PLAIN)
    result_path(submit(learner, PLAIN, again, failing))
    row = progress_row("learner@example.com", PLAIN)
    assert row.passed_at is not None and row.best_score == 1.0
    assert len(attempts_of("learner@example.com")) == 3


def test_a_pass_keeps_the_higher_best_score_of_earlier_attempts(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    _, fields = open_quiz(learner, PLAIN)
    result_path(submit(learner, PLAIN, fields, first_draw_best(quiz)))
    html, fields = open_quiz(learner, PLAIN)
    retake = best_for_page(html, quiz)
    first_shown = quiz.scenario(next(iter(retake)))
    three_of_four = {**retake, first_shown.id: weak_choice(first_shown).id}
    result_path(submit(learner, PLAIN, fields, three_of_four))
    assert progress_row("learner@example.com", PLAIN).best_score == 1.0


def test_someone_elses_result_page_is_not_found(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    _, fields = open_quiz(learner, PLAIN)
    path, attempt_id = result_path(submit(learner, PLAIN, fields, first_draw_best(quiz)))
    kwame = signed_in(seeded, "kwame@example.com")
    response = kwame.get(path)
    assert response.status_code == 404
    assert "Page not found" in unescaped_html(response)
    assert first_draw(quiz)[0].best_choice.id not in response.get_data(as_text=True)
    # Nor is the attempt shown under another lesson, or an id that does not exist.
    assert learner.get(f"/courses/{COURSE}/{SECOND}/quiz/attempts/{attempt_id}").status_code == 404
    assert learner.get(f"/courses/{COURSE}/{PLAIN}/quiz/attempts/{attempt_id + 1000}").status_code == 404
    assert learner.get(path).status_code == 200


def test_continue_on_the_home_page_moves_on_after_passing(seeded, learner):
    catalog = seeded.extensions["content"].catalog
    first = lesson_of(seeded, PLAIN)
    following = catalog.course(COURSE).neighbours(first)[1]
    assert following.slug == SECOND

    assert learner.get(f"/courses/{COURSE}/{PLAIN}").status_code == 200
    home = unescaped_html(learner.get("/"))
    assert f"Continue: {first.title}" in home and f"Continue: {following.title}" not in home

    _, fields = open_quiz(learner, PLAIN)
    path, _ = result_path(submit(learner, PLAIN, fields, best_answers(first.quiz)))
    assert f"Continue: {following.title}" in unescaped_html(learner.get(path))

    html = learner.get("/").get_data(as_text=True)
    text = htmllib.unescape(html)
    assert f"Continue: {following.title}" in text and f"Continue: {first.title}" not in text
    assert f'href="/courses/{COURSE}/{SECOND}"' in html
    assert f"1 of {LESSONS} lessons finished" in text


def test_continue_after_a_failed_attempt_stays_on_the_quiz(seeded, learner):
    first = lesson_of(seeded, PLAIN)
    learner.get(f"/courses/{COURSE}/{PLAIN}")
    _, fields = open_quiz(learner, PLAIN)
    result_path(submit(learner, PLAIN, fields, {s.id: weak_choice(s).id for s in first_draw(first.quiz)}))
    text = unescaped_html(learner.get("/"))
    assert f"Continue: {first.title}" in text
    assert f"0 of {LESSONS} lessons finished" in text
