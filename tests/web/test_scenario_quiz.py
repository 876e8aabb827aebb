"""Taking quizzes over HTTP, as the demo learner, on the real course.

Every POST carries the CSRF token the page gave (except the test about a
missing one), and the quiz form's own fields are read from the page the way a
browser would send them back. What is stored is checked in the database.
"""
from __future__ import annotations

import html as htmllib
import os
import re
import time

import pytest

from course.data.models import Attempt
from course.learning.attempts import best_answers
from helpers.app import make_app
from helpers.content import COURSE, CONVERSATION, LESSON, PLAIN, SECOND, lesson_of
from helpers.db import answers_of, attempts_of, query_db, row_counts
from helpers.http import post, signed_in
from helpers.pages import hidden_fields, parse_inputs, unescaped_html
from helpers.people import seed_people
from helpers.quiz import open_quiz, progress_row, quiz_url, result_path, submit, weak_choice
from helpers.sql import recorded_sql


# --- the plain scenario quiz --------------------------------------------------------

def test_quiz_page_shows_every_scenario_with_labelled_radio_buttons(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    html, _ = open_quiz(learner, PLAIN)
    text = htmllib.unescape(html)
    n = len(quiz.scenarios)
    for i, scenario in enumerate(quiz.scenarios, start=1):
        assert f"Scenario {i} of {n}:" in text
        assert scenario.title in text
    parsed = parse_inputs(html)
    radios = [i for i in parsed.inputs if i.get("type") == "radio"]
    assert len(radios) == sum(len(s.choices) for s in quiz.scenarios)
    for scenario in quiz.scenarios:
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
    answers = best_answers(quiz)
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
        (i, s.id, s.best_choice.id, True, s.best_choice.tag) for i, s in enumerate(quiz.scenarios)]
    assert row_counts() == (1, len(quiz.scenarios))

    row = progress_row("learner@example.com", PLAIN)
    assert row.passed_at is not None and row.completed_at is not None and row.best_score == 1.0

    result = learner.get(path)
    assert result.status_code == 200
    text = unescaped_html(result)
    assert "Passed" in text and "Not passed yet" not in text
    assert f"{len(quiz.scenarios)} of {len(quiz.scenarios)} scenarios" in text
    for scenario in quiz.scenarios:
        assert scenario.title in text
        assert htmllib.unescape(scenario.best_choice.text_html) in text
        assert htmllib.unescape(scenario.best_choice.feedback_html) in text
    assert "The stronger choice" not in text


def test_result_shows_the_learners_weaker_choice_beside_the_stronger_one(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    first = quiz.scenarios[0]
    weak = weak_choice(first)
    answers = {**best_answers(quiz), first.id: weak.id}
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
    first = submit(learner, PLAIN, fields, best_answers(quiz))
    second = submit(learner, PLAIN, fields, best_answers(quiz))
    assert result_path(first) == result_path(second)
    assert len(attempts_of("learner@example.com")) == 1
    assert row_counts() == (1, len(quiz.scenarios))


def test_resubmitting_the_same_form_with_other_answers_keeps_the_first_attempt(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    _, fields = open_quiz(learner, PLAIN)
    first = submit(learner, PLAIN, fields, best_answers(quiz))
    changed = {s.id: weak_choice(s).id for s in quiz.scenarios}
    second = submit(learner, PLAIN, fields, changed)
    assert result_path(first) == result_path(second)
    (attempt,) = attempts_of("learner@example.com")
    assert attempt.score == 1.0
    assert progress_row("learner@example.com", PLAIN).best_score == 1.0


def test_a_skipped_scenario_shows_the_form_again_and_stores_nothing(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    skipped = quiz.scenarios[2]
    answers = {k: v for k, v in best_answers(quiz).items() if k != skipped.id}
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
    completed = submit(learner, PLAIN, hidden_fields(html), best_answers(quiz))
    assert completed.status_code == 303
    assert row_counts() == (1, len(quiz.scenarios))


def test_an_empty_submission_asks_for_every_scenario(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    _, fields = open_quiz(learner, PLAIN)
    response = submit(learner, PLAIN, fields, {})
    assert response.status_code == 400
    assert f"{len(quiz.scenarios)} still need one" in unescaped_html(response)
    assert row_counts() == (0, 0)


def _tampered(app, client, quiz):
    """name -> (fields, answers, expected message) for each kind of tampering."""
    best = best_answers(quiz)
    _, fields = open_quiz(client, PLAIN)
    _, other_lesson_fields = open_quiz(client, SECOND)
    kwame = signed_in(app, "kwame@example.com")
    _, kwame_fields = open_quiz(kwame, PLAIN)
    first = quiz.scenarios[0].id
    return {
        "unknown scenario field": (fields, {**best, "made-up-scenario": quiz.scenarios[0].best_choice.id},
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
    response = submit(learner, PLAIN, fields, answers)
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
    response = submit(learner, PLAIN, fields, best_answers(quiz))
    assert response.status_code == 400
    assert "CSRF" in unescaped_html(response)
    assert row_counts() == (0, 0)


def test_a_wrong_csrf_token_is_refused(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    _, fields = open_quiz(learner, PLAIN)
    kwame = signed_in(seeded, "kwame@example.com")
    _, kwame_fields = open_quiz(kwame, PLAIN)
    response = submit(learner, PLAIN, {**fields, "csrf_token": kwame_fields["csrf_token"]}, best_answers(quiz))
    assert response.status_code == 400
    assert row_counts() == (0, 0)


def test_signed_out_people_cannot_open_or_submit_a_quiz(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    _, fields = open_quiz(learner, PLAIN)       # a real form token, from someone signed in
    client = seeded.test_client()
    response = client.get(quiz_url(PLAIN))
    assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]
    data = {"token": fields["token"], **{f"answer-{k}": v for k, v in best_answers(quiz).items()}}
    response = post(client, quiz_url(PLAIN), data, token_from="/auth/sign-in")
    assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]
    assert row_counts() == (0, 0)


def test_a_failed_attempt_then_a_passing_retake(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    failing = {s.id: (weak_choice(s).id if i < 2 else s.best_choice.id) for i, s in enumerate(quiz.scenarios)}
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
    assert row_counts() == (2, 2 * len(quiz.scenarios))
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
    result_path(submit(learner, PLAIN, fields, best_answers(quiz)))
    three_of_four = {**best_answers(quiz), quiz.scenarios[0].id: weak_choice(quiz.scenarios[0]).id}
    _, fields = open_quiz(learner, PLAIN)
    result_path(submit(learner, PLAIN, fields, three_of_four))
    assert progress_row("learner@example.com", PLAIN).best_score == 1.0


def test_someone_elses_result_page_is_not_found(seeded, learner):
    quiz = lesson_of(seeded, PLAIN).quiz
    _, fields = open_quiz(learner, PLAIN)
    path, attempt_id = result_path(submit(learner, PLAIN, fields, best_answers(quiz)))
    kwame = signed_in(seeded, "kwame@example.com")
    response = kwame.get(path)
    assert response.status_code == 404
    assert "Page not found" in unescaped_html(response)
    assert quiz.scenarios[0].best_choice.id not in response.get_data(as_text=True)
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
    assert "1 of 10 lessons finished" in text


def test_continue_after_a_failed_attempt_stays_on_the_quiz(seeded, learner):
    first = lesson_of(seeded, PLAIN)
    learner.get(f"/courses/{COURSE}/{PLAIN}")
    _, fields = open_quiz(learner, PLAIN)
    result_path(submit(learner, PLAIN, fields, {s.id: weak_choice(s).id for s in first.quiz.scenarios}))
    text = unescaped_html(learner.get("/"))
    assert f"Continue: {first.title}" in text
    assert "0 of 10 lessons finished" in text


# --- the branching conversation ------------------------------------------------------

def _choice_by_tag(scene, tag):
    return next(c for c in scene.choices if c.tag == tag)


CONVERSATION_PATHS = {
    # scene -> tag of the choice made, in order; the end scene reached; passed?
    "best": ([("grace-at-the-station", "ask"), ("grace-makes-time", "shared-goal"), ("grace-listens", "specific")],
             "end-trial-agreed", True),
    "rough start, good recovery": ([("grace-at-the-station", "complain"), ("grace-bristles", "ask"),
                                    ("grace-listens", "specific")], "end-trial-agreed", True),
    "vague to the end": ([("grace-at-the-station", "ask"), ("grace-makes-time", "vague"),
                          ("grace-shrugs", "stay-silent")], "end-noted-not-acted", False),
}


@pytest.mark.parametrize("name", list(CONVERSATION_PATHS))
def test_conversation_step_by_step_records_one_attempt_at_the_end(seeded, learner, name):
    steps, end_id, passed = CONVERSATION_PATHS[name]
    quiz = lesson_of(seeded, CONVERSATION).quiz
    html, fields = open_quiz(learner, CONVERSATION)
    token = fields["token"]
    taken = []
    for turn, (scene_id, tag) in enumerate(steps, start=1):
        scene = quiz.scenario(scene_id)
        text = htmllib.unescape(html)
        assert f"Turn {turn}:" in text and scene.title in text
        assert fields["current"] == scene_id and fields["token"] == token
        # Earlier answers ride along as hidden fields; the current scene is a radio group.
        assert {k for k in fields if k.startswith("answer-")} == {f"answer-{s}" for s, _ in taken}
        radios = [i for i in parse_inputs(html).inputs if i.get("type") == "radio"]
        assert {r["name"] for r in radios} == {f"answer-{scene_id}"}
        choice = _choice_by_tag(scene, tag)
        taken.append((scene_id, choice))
        response = learner.post(quiz_url(CONVERSATION), data={**fields, f"answer-{scene_id}": choice.id})
        if turn < len(steps):
            assert response.status_code == 200
            assert row_counts() == (0, 0), "nothing is stored before the conversation ends"
            html = response.get_data(as_text=True)
            fields = hidden_fields(html)
            assert "So far" in html and htmllib.unescape(choice.text_html) in htmllib.unescape(html)

    path, attempt_id = result_path(response)
    (attempt,) = attempts_of("learner@example.com")
    assert attempt.id == attempt_id and attempt.quiz_type == "conversation"
    assert attempt.passed is passed
    best_count = sum(1 for _, c in taken if c.best)
    assert attempt.score == pytest.approx(best_count / len(taken))
    assert answers_of(attempt_id) == [(i, s, c.id, c.best, c.tag) for i, (s, c) in enumerate(taken)]

    row = progress_row("learner@example.com", CONVERSATION)
    assert (row.passed_at is not None) is passed

    end = quiz.scenario(end_id)
    text = unescaped_html(learner.get(path))
    assert f"How it ended: {end.title}" in text
    assert ("Passed" if passed else "Not passed yet") in text
    assert f"{best_count} of {len(taken)} turns" in text
    assert f"a score of {round(100 * best_count / len(taken))}%" in text


def test_stored_scores_keep_the_graded_value_exactly(seeded, learner):
    # Scores are DOUBLE PRECISION on PostgreSQL too (a 4-byte REAL would store 0.6666667).
    quiz = lesson_of(seeded, CONVERSATION).quiz
    steps, _, _ = CONVERSATION_PATHS["rough start, good recovery"]
    answers = {scene: _choice_by_tag(quiz.scenario(scene), tag).id for scene, tag in steps}
    _, fields = open_quiz(learner, CONVERSATION)
    # The whole path in one post, as the last turn of the conversation sends it.
    result_path(submit(learner, CONVERSATION, {**fields, "current": steps[-1][0]}, answers))
    (attempt,) = attempts_of("learner@example.com")
    assert attempt.score == 2 / 3
    assert progress_row("learner@example.com", CONVERSATION).best_score == 2 / 3


def _best_fields_before_last_turn(client, quiz):
    """Walk the best path up to its last turn; returns (fields of that page, last scene id)."""
    html, fields = open_quiz(client, CONVERSATION)
    best = list(best_answers(quiz).items())
    for scene_id, choice_id in best[:-1]:
        response = client.post(quiz_url(CONVERSATION), data={**fields, f"answer-{scene_id}": choice_id})
        assert response.status_code == 200
        fields = hidden_fields(response.get_data(as_text=True))
    return fields, best[-1]


def test_conversation_turn_without_a_choice_asks_again(seeded, learner):
    quiz = lesson_of(seeded, CONVERSATION).quiz
    _, fields = open_quiz(learner, CONVERSATION)
    response = learner.post(quiz_url(CONVERSATION), data=fields)
    assert response.status_code == 400
    text = unescaped_html(response)
    assert "Choose one response to continue." in text
    assert quiz.scenarios[0].title in text and "Turn 1:" in text
    assert row_counts() == (0, 0)


def test_conversation_answer_for_a_scene_off_the_path_is_refused(seeded, learner):
    quiz = lesson_of(seeded, CONVERSATION).quiz
    fields, (last_scene, last_choice) = _best_fields_before_last_turn(learner, quiz)
    off_path = quiz.scenario("grace-bristles")
    assert f"answer-{off_path.id}" not in fields
    response = learner.post(quiz_url(CONVERSATION), data={
        **fields, f"answer-{last_scene}": last_choice, f"answer-{off_path.id}": off_path.best_choice.id})
    assert response.status_code == 400
    assert "grace-bristles" in unescaped_html(response)
    assert row_counts() == (0, 0)
    assert progress_row("learner@example.com", CONVERSATION) is None


def test_conversation_answer_for_an_end_scene_is_refused(seeded, learner):
    quiz = lesson_of(seeded, CONVERSATION).quiz
    _, fields = open_quiz(learner, CONVERSATION)
    first = quiz.scenarios[0]
    response = learner.post(quiz_url(CONVERSATION), data={
        **fields, f"answer-{first.id}": first.best_choice.id, "answer-end-trial-agreed": "anything"})
    assert response.status_code == 400
    assert row_counts() == (0, 0)


def test_conversation_last_turn_submitted_twice_records_one_attempt(seeded, learner):
    quiz = lesson_of(seeded, CONVERSATION).quiz
    fields, (last_scene, last_choice) = _best_fields_before_last_turn(learner, quiz)
    data = {**fields, f"answer-{last_scene}": last_choice}
    first = learner.post(quiz_url(CONVERSATION), data=data)
    second = learner.post(quiz_url(CONVERSATION), data=data)
    assert result_path(first) == result_path(second)
    assert row_counts() == (1, len(best_answers(quiz)))


def test_conversation_token_of_another_person_is_refused(seeded, learner):
    quiz = lesson_of(seeded, CONVERSATION).quiz
    fields, (last_scene, last_choice) = _best_fields_before_last_turn(learner, quiz)
    kwame = signed_in(seeded, "kwame@example.com")
    _, kwame_fields = open_quiz(kwame, CONVERSATION)
    response = learner.post(quiz_url(CONVERSATION), data={
        **fields, "token": kwame_fields["token"], f"answer-{last_scene}": last_choice})
    assert response.status_code == 400
    assert "belongs to another attempt" in unescaped_html(response)
    assert row_counts() == (0, 0)


# --- content trees the test controls ----------------------------------------------------

def _quiz_markdown(count, pass_score=0.5):
    parts = [f"---\npass_score: {pass_score}\n---\n"]
    for i in range(count):
        parts.append(f"## Situation number {i} {{#s{i}}}\nSomething happened at work, case {i}.\n\n"
                     f"- [x] Ask what they noticed, case {i}. {{ask #best}}\n  > Asking lets them think.\n"
                     f"- [ ] Tell them the answer, case {i}. {{tell #weak}}\n  > Telling skips their view.\n\n")
    return "".join(parts)


@pytest.fixture
def sized_app(tree, database_url):
    """A course with a 2-scenario quiz and a 6-scenario quiz."""
    tree.write("lessons/demo/01-small.md", LESSON.format(title="Small"))
    tree.write("lessons/demo/02-big.md", LESSON.format(title="Big"))
    tree.write("quizzes/demo/small.md", _quiz_markdown(2))
    tree.write("quizzes/demo/big.md", _quiz_markdown(6))
    app = make_app(database_url, tree.root)
    seed_people(app)
    return app


def _queries_per_submission(app):
    """{lesson slug: SQL statements run while submitting its quiz (all best answers)}."""
    client = signed_in(app, "learner@example.com")
    counts = {}
    for slug, size in (("small", 2), ("big", 6)):
        quiz = lesson_of(app, slug, course="demo").quiz
        assert len(quiz.scenarios) == size
        _, fields = open_quiz(client, slug, course="demo")
        with recorded_sql(app) as executed:
            response = submit(client, slug, fields, best_answers(quiz), course="demo")
        assert response.status_code == 303
        assert any("INSERT" in sql.upper() and '"answer"' in sql.lower() for sql in executed), executed
        counts[slug] = len(executed)
    assert row_counts() == (2, 8)
    return counts


def test_submitting_a_quiz_runs_a_bounded_number_of_queries(sized_app):
    counts = _queries_per_submission(sized_app)
    assert all(0 < n <= 25 for n in counts.values()), counts


def test_queries_per_submission_do_not_grow_with_the_number_of_scenarios(sized_app):
    counts = _queries_per_submission(sized_app)
    assert counts["small"] == counts["big"], counts


def test_result_page_is_only_shown_under_the_attempts_own_course(tree, database_url):
    tree.course("demo", "Demo course")
    tree.course("other", "Other course")
    for course in ("demo", "other"):
        tree.write(f"lessons/{course}/01-first.md", LESSON.format(title=f"First of {course}"))
    tree.write("quizzes/demo/first.md", _quiz_markdown(2))
    tree.write("quizzes/other/first.md", _quiz_markdown(2, pass_score=1))
    app = make_app(database_url, tree.root)
    seed_people(app)
    client = signed_in(app, "learner@example.com")
    quiz = lesson_of(app, "first", course="demo").quiz
    _, fields = open_quiz(client, "first", course="demo")
    path, attempt_id = result_path(submit(client, "first", fields, best_answers(quiz), course="demo"))
    assert client.get(path).status_code == 200
    assert client.get(f"/courses/other/first/quiz/attempts/{attempt_id}").status_code == 404


def test_a_quiz_changed_while_answering_asks_again_and_stores_nothing(tree, database_url):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    path = tree.write("quizzes/demo/first.md", _quiz_markdown(2))
    app = make_app(database_url, tree.root, CONTENT_RELOAD=True)
    seed_people(app)
    client = signed_in(app, "learner@example.com")
    _, fields = open_quiz(client, "first", course="demo")
    tree.write("quizzes/demo/first.md", _quiz_markdown(3))
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))

    response = submit(client, "first", fields, {"s0": "best", "s1": "best"}, course="demo")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "The quiz was updated while you were answering" in htmllib.unescape(html)
    fresh = hidden_fields(html)
    assert fresh["token"] != fields["token"]
    assert row_counts() == (0, 0)
    retry = submit(client, "first", fresh, {"s0": "best", "s1": "best", "s2": "best"}, course="demo")
    assert retry.status_code == 303
    assert row_counts() == (1, 3)


def test_quiz_pages_of_lessons_without_a_quiz_or_unpublished_are_not_found(tree, database_url):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("lessons/demo/02-second.md", LESSON.format(title="Second"))
    tree.write("lessons/demo/03-hidden.md", LESSON.format(title="Hidden").replace("minutes: 4", "minutes: 3\ndraft: true"))
    tree.write("quizzes/demo/first.md", _quiz_markdown(2))
    tree.write("quizzes/demo/hidden.md", _quiz_markdown(2))
    app = make_app(database_url, tree.root)
    seed_people(app)
    client = signed_in(app, "learner@example.com")
    assert client.get(quiz_url("first", "demo")).status_code == 200
    for slug in ("second", "hidden", "nope"):
        assert client.get(quiz_url(slug, "demo")).status_code == 404, slug
    _, fields = open_quiz(client, "first", course="demo")
    response = submit(client, "hidden", fields, {"s0": "best", "s1": "best"}, course="demo")
    assert response.status_code == 404
    assert row_counts() == (0, 0)


def test_a_renamed_lessons_quiz_follows_its_old_slug(tree, database_url):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First").replace(
        "minutes: 4", "minutes: 4\naliases:\n  - old-first"))
    tree.write("quizzes/demo/first.md", _quiz_markdown(2))
    app = make_app(database_url, tree.root)
    seed_people(app)
    client = signed_in(app, "learner@example.com")
    moved = client.get(quiz_url("old-first", "demo"))
    assert moved.status_code == 301 and moved.headers["Location"].endswith(quiz_url("first", "demo"))
    _, fields = open_quiz(client, "first", course="demo")
    # A form posted to the old address still counts for the lesson under its new slug.
    response = submit(client, "old-first", fields, {"s0": "best", "s1": "weak"}, course="demo")
    path, attempt_id = result_path(response)
    assert path == f"/courses/demo/first/quiz/attempts/{attempt_id}"
    (attempt,) = query_db(lambda: list(Attempt.select()))
    assert (attempt.lesson_slug, attempt.score, attempt.passed) == ("first", 0.5, True)
    assert client.get(f"/courses/demo/old-first/quiz/attempts/{attempt_id}").status_code == 200
