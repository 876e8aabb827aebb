"""A branching conversation taken turn by turn over HTTP: earlier answers ride along in
the form, one attempt is stored when it ends, and answers off the path are refused.
"""
from __future__ import annotations

import html as htmllib

import pytest

from course.learning.attempts import best_answers
from helpers.content import CONVERSATION, lesson_of
from helpers.db import answers_of, attempts_of, row_counts
from helpers.http import signed_in
from helpers.pages import hidden_fields, parse_inputs, unescaped_html
from helpers.quiz import open_quiz, progress_row, quiz_url, result_path, submit


# --- the branching conversation ------------------------------------------------------

def _choice_by_tag(scene, tag):
    return next(c for c in scene.choices if c.tag == tag)


CONVERSATION_PATHS = {
    # scene -> tag of the choice made, in order; the end scene reached; passed?
    "best": ([("grace-at-the-station", "ask"), ("grace-makes-time", "shared-goal"), ("grace-listens", "specific")],
             "end-trial-agreed", True),
    "rough start, good recovery": ([("grace-at-the-station", "complain"), ("grace-bristles", "own-part"),
                                    ("second-chance", "specific")], "end-trial-after-repair", True),
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
