"""A learner takes a quiz and a branching conversation with the keyboard only.

No mouse: focus moves with Tab, radio buttons are chosen with Space and the
arrow keys, forms are sent with Enter. Each test signs in as its own demo
learner so that the session-wide live database does not couple the tests.
"""
import re

import pytest

from browser_helpers import (choose, course_lessons, shown_scenarios, sign_in_by_keyboard, submit_by_keyboard,
                             text_as_written)
from helpers.content import COURSE

pytestmark = pytest.mark.browser

RESULT = re.compile(r"/quiz/attempts/\d+$")


def test_plain_quiz_by_keyboard_only(page, live_server, live_app):
    plain, _ = course_lessons(live_app)
    quiz = plain.quiz
    sign_in_by_keyboard(page, live_server.url, "mei@example.com")
    page.goto(f"{live_server.url}/courses/{COURSE}/{plain.slug}/quiz")
    shown = shown_scenarios(page, quiz)
    assert len(shown) == (quiz.draw or len(quiz.scenarios))
    assert text_as_written(page.locator("legend").first).startswith(f"Scenario 1 of {len(shown)}:")

    for scenario in shown:
        choose(page, scenario, scenario.best_choice)
    submit_by_keyboard(page, "Submit my answers")

    page.wait_for_url(RESULT)
    assert text_as_written(page.locator("#verdict")) == "Passed"
    summary = text_as_written(page.locator(".result-summary"))
    assert f"{len(shown)} of {len(shown)} scenarios" in summary
    assert page.locator(".feedback-item").count() == len(shown)
    # The attempt is listed among the learner's results.
    page.goto(live_server.url + "/account/attempts")
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1
    assert plain.title in text_as_written(rows.first) and "Passed" in text_as_written(rows.first)


def test_skipping_a_scenario_by_keyboard_keeps_the_choices_made(page, live_server, live_app):
    plain, _ = course_lessons(live_app)
    quiz = plain.quiz
    sign_in_by_keyboard(page, live_server.url, "siobhan@example.com")
    page.goto(f"{live_server.url}/courses/{COURSE}/{plain.slug}/quiz")
    shown = shown_scenarios(page, quiz)
    first = shown[0]
    choose(page, first, first.best_choice)
    submit_by_keyboard(page, "Submit my answers")

    assert not RESULT.search(page.url)
    alert = page.get_by_role("alert")
    assert f"{len(shown) - 1} still need one" in text_as_written(alert)
    assert page.locator(f'input[name="answer-{first.id}"]:checked').get_attribute("value") == first.best_choice.id
    # Finish the rest by keyboard; the first choice is still made.
    for scenario in shown[1:]:
        choose(page, scenario, scenario.best_choice)
    submit_by_keyboard(page, "Submit my answers")
    page.wait_for_url(RESULT)
    assert text_as_written(page.locator("#verdict")) == "Passed"


def test_branching_conversation_by_keyboard_only(page, live_server, live_app):
    _, lesson = course_lessons(live_app)
    quiz = lesson.quiz
    sign_in_by_keyboard(page, live_server.url, "yusuf@example.com")
    page.goto(f"{live_server.url}/courses/{COURSE}/{lesson.slug}/quiz")

    # Start with a weaker reply to take a branch, then choose the strongest reply at every turn.
    path, turn = [], 0
    while not RESULT.search(page.url):
        turn += 1
        assert turn <= len(quiz.scenarios), "the conversation never ended"
        scene = quiz.scenario(page.locator('input[name="current"]').input_value())
        assert scene is not None and not scene.is_end
        assert text_as_written(page.locator("legend")).startswith(f"Turn {turn}:")
        assert scene.title in text_as_written(page.locator("legend"))
        choice = next(c for c in scene.choices if not c.best) if turn == 1 else scene.best_choice
        choose(page, scene, choice)
        path.append((scene, choice))
        submit_by_keyboard(page, "Say this")

    end = quiz.scenario(path[-1][1].next_scene)
    assert end.is_end
    assert text_as_written(page.locator("#ending")) == f"How it ended: {end.title}"
    best = sum(1 for _, c in path if c.best)
    expected = "Passed" if best / len(path) >= quiz.pass_score else "Not passed yet"
    assert text_as_written(page.locator("#verdict")) == expected
    assert f"{best} of {len(path)} turns" in text_as_written(page.locator(".result-summary"))
    assert page.locator(".feedback-item").count() == len(path)
