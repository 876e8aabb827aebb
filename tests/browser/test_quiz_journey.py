"""A learner takes a quiz and a branching conversation with the keyboard only.

No mouse: focus moves with Tab, radio buttons are chosen with Space and the
arrow keys, forms are sent with Enter. Each test signs in as its own demo
learner so that the session-wide live database does not couple the tests.
"""
import re

import pytest

pytestmark = pytest.mark.browser

COURSE = "coaching-at-every-level"
RESULT = re.compile(r"/quiz/attempts/\d+$")


def _lessons(app):
    course = app.extensions["content"].catalog.course(COURSE)
    plain = next(l for l in course.visible_lessons() if l.quiz and l.quiz.type == "scenarios")
    conversation = next(l for l in course.visible_lessons() if l.quiz and l.quiz.type == "conversation")
    return plain, conversation


def _text(locator) -> str:
    """The element's text as written (inner_text would apply CSS text-transform)."""
    return " ".join(locator.text_content().split())


def _active(page, expression):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return el ? {expression} : null; }})()")


def _tab_to(page, predicate, what, limit=80):
    """Press Tab until the focused element satisfies `predicate` (a JS expression on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _active(page, predicate):
            return
    raise AssertionError(f"Tab never reached {what}")


def _sign_in_by_keyboard(page, base_url, email, password="coaching-demo"):
    page.goto(base_url + "/auth/sign-in")
    _tab_to(page, "el.name === 'email'", "the email field")
    page.keyboard.type(email)
    _tab_to(page, "el.name === 'password'", "the password field")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/auth/sign-in" not in url)


def _choose(page, scenario, choice):
    """Tab into the scenario's radio group, select its first radio with Space, then arrow down."""
    name = f"answer-{scenario.id}"
    _tab_to(page, f"el.type === 'radio' && el.name === {name!r}", f"the choices of '{scenario.id}'")
    # Tabbing into a group with nothing chosen lands on its first radio.
    assert _active(page, "el.id") == f"c-{scenario.id}-1"
    page.keyboard.press("Space")
    index = [c.id for c in scenario.choices].index(choice.id)
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    checked = page.locator(f'input[name="{name}"]:checked')
    assert checked.count() == 1 and checked.get_attribute("value") == choice.id
    assert _active(page, "el.value") == choice.id


def _submit_by_keyboard(page, label):
    _tab_to(page, f"el.tagName === 'BUTTON' && el.type === 'submit' && el.textContent.trim() === {label!r}",
            f"the '{label}' button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("domcontentloaded")


def test_plain_quiz_by_keyboard_only(page, live_server, live_app):
    plain, _ = _lessons(live_app)
    quiz = plain.quiz
    _sign_in_by_keyboard(page, live_server.url, "mei@example.com")
    page.goto(f"{live_server.url}/courses/{COURSE}/{plain.slug}/quiz")
    assert _text(page.locator("legend").first).startswith(f"Scenario 1 of {len(quiz.scenarios)}:")

    for scenario in quiz.scenarios:
        _choose(page, scenario, scenario.best_choice)
    _submit_by_keyboard(page, "Submit my answers")

    page.wait_for_url(RESULT)
    assert _text(page.locator("#verdict")) == "Passed"
    summary = _text(page.locator(".result-summary"))
    assert f"{len(quiz.scenarios)} of {len(quiz.scenarios)} scenarios" in summary
    assert page.locator(".feedback-item").count() == len(quiz.scenarios)
    # The attempt is listed among the learner's results.
    page.goto(live_server.url + "/account/attempts")
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1
    assert plain.title in _text(rows.first) and "Passed" in _text(rows.first)


def test_skipping_a_scenario_by_keyboard_keeps_the_choices_made(page, live_server, live_app):
    plain, _ = _lessons(live_app)
    quiz = plain.quiz
    _sign_in_by_keyboard(page, live_server.url, "siobhan@example.com")
    page.goto(f"{live_server.url}/courses/{COURSE}/{plain.slug}/quiz")
    first = quiz.scenarios[0]
    _choose(page, first, first.best_choice)
    _submit_by_keyboard(page, "Submit my answers")

    assert not RESULT.search(page.url)
    alert = page.get_by_role("alert")
    assert f"{len(quiz.scenarios) - 1} still need one" in _text(alert)
    assert page.locator(f'input[name="answer-{first.id}"]:checked').get_attribute("value") == first.best_choice.id
    # Finish the rest by keyboard; the first choice is still made.
    for scenario in quiz.scenarios[1:]:
        _choose(page, scenario, scenario.best_choice)
    _submit_by_keyboard(page, "Submit my answers")
    page.wait_for_url(RESULT)
    assert _text(page.locator("#verdict")) == "Passed"


def test_branching_conversation_by_keyboard_only(page, live_server, live_app):
    _, lesson = _lessons(live_app)
    quiz = lesson.quiz
    _sign_in_by_keyboard(page, live_server.url, "yusuf@example.com")
    page.goto(f"{live_server.url}/courses/{COURSE}/{lesson.slug}/quiz")

    # Start with a weaker reply to take a branch, then choose the strongest reply at every turn.
    path, turn = [], 0
    while not RESULT.search(page.url):
        turn += 1
        assert turn <= len(quiz.scenarios), "the conversation never ended"
        scene = quiz.scenario(page.locator('input[name="current"]').input_value())
        assert scene is not None and not scene.is_end
        assert _text(page.locator("legend")).startswith(f"Turn {turn}:")
        assert scene.title in _text(page.locator("legend"))
        choice = next(c for c in scene.choices if not c.best) if turn == 1 else scene.best_choice
        _choose(page, scene, choice)
        path.append((scene, choice))
        _submit_by_keyboard(page, "Say this")

    end = quiz.scenario(path[-1][1].next_scene)
    assert end.is_end
    assert _text(page.locator("#ending")) == f"How it ended: {end.title}"
    best = sum(1 for _, c in path if c.best)
    expected = "Passed" if best / len(path) >= quiz.pass_score else "Not passed yet"
    assert _text(page.locator("#verdict")) == expected
    assert f"{best} of {len(path)} turns" in _text(page.locator(".result-summary"))
    assert page.locator(".feedback-item").count() == len(path)
