"""Taking a quiz over HTTP with the fields the quiz page gives, as a browser would."""
from __future__ import annotations

import re

from course.data.models import Person, Progress
from course.learning import attempts
from helpers.content import COURSE, lesson_of
from helpers.db import query_db
from helpers.http import csrf_from, post
from helpers.pages import hidden_fields, radio_groups

_TOKEN_FIELD = re.compile(r'name="token" value="([^"]+)"')

# The scenarios each client's last quiz page showed, by quiz address: a pool shows a drawn
# set, and a browser only ever sends answers for what it was shown.
_SHOWN: dict = {}


def shown_scenarios(html: str) -> list[str]:
    """Scenario ids the quiz page asks about (its radio groups `answer-<id>`), in page order."""
    return [name[len("answer-"):] for name in radio_groups(html) if name.startswith("answer-")]


def _only_shown(client, url, answers: dict) -> dict:
    shown = _SHOWN.get((id(client), url))
    return answers if shown is None else {s: c for s, c in answers.items() if s in shown}


def quiz_url(lesson_slug, course=COURSE):
    return f"/courses/{course}/{lesson_slug}/quiz"


def open_quiz(client, lesson_slug, course=COURSE):
    """GET the quiz page; returns (its html, the hidden fields of its form)."""
    response = client.get(quiz_url(lesson_slug, course))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    fields = hidden_fields(html)
    if "current" not in fields:     # a conversation shows one scene a turn: its answers all count
        _SHOWN[(id(client), quiz_url(lesson_slug, course))] = set(shown_scenarios(html))
    assert fields["token"] and fields["csrf_token"] == csrf_from(html)
    return html, fields


def submit(client, lesson_slug, fields, answers, course=COURSE, as_sent=False, **extra):
    """POST the quiz form: `fields` as given, plus {scenario id: choice id} answers for the
    scenarios the last page opened with `open_quiz` showed (all of them, for a quiz that is no
    pool). `as_sent=True` posts every answer given, as a tampered form would."""
    data = dict(fields)
    if not as_sent:
        answers = _only_shown(client, quiz_url(lesson_slug, course), answers)
    data.update({f"answer-{scenario}": choice for scenario, choice in answers.items()})
    data.update(extra)
    response = client.post(quiz_url(lesson_slug, course), data=data)
    html = response.get_data(as_text=True) if response.status_code != 303 else ""
    shown = shown_scenarios(html)
    if shown and 'name="current"' not in html:      # the form came back (asked again): its scenarios now
        _SHOWN[(id(client), quiz_url(lesson_slug, course))] = set(shown)
    return response


def take_quiz(client, lesson_slug, answers, course=COURSE):
    """Open the quiz page, send its hidden fields back with the chosen answers to the scenarios
    it shows; returns the attempt id."""
    page = client.get(quiz_url(lesson_slug, course))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    fields = hidden_fields(html)
    assert fields.get("token") and fields.get("csrf_token")
    shown = set(shown_scenarios(html))
    data = {**fields, **{f"answer-{s}": c for s, c in answers.items() if s in shown}}
    response = client.post(quiz_url(lesson_slug, course), data=data)
    assert response.status_code == 303, response.status_code
    return int(re.search(r"/attempts/(\d+)$", response.headers["Location"]).group(1))


def answer_quiz(client, app, course_slug, lesson_slug, best=True):
    """Answer the quiz through its form, all best (or all weaker) choices, with the CSRF token of
    the home page; returns the result page's address."""
    page = client.get(f"/courses/{course_slug}/{lesson_slug}/quiz")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    token = _TOKEN_FIELD.search(html).group(1)
    quiz = lesson_of(app, lesson_slug, course_slug).quiz
    shown = shown_scenarios(html)
    answers = attempts.best_answers(quiz, tuple(shown) if quiz.draw else None)
    if not best:
        answers = {s.id: next(c.id for c in s.choices if not c.best) for s in quiz.scenarios if s.id in shown}
    response = post(client, f"/courses/{course_slug}/{lesson_slug}/quiz",
                    {"token": token, **{f"answer-{sid}": cid for sid, cid in answers.items()}})
    assert response.status_code == 303
    return response.headers["Location"]


def result_path(response):
    """(the result page's path, the attempt id) a quiz submission redirected to."""
    assert response.status_code == 303, response.status_code
    location = response.headers["Location"]
    match = re.search(r"(/courses/[a-z0-9-]+/[a-z0-9-]+/quiz/attempts/(\d+))$", location)
    assert match, location
    return match.group(1), int(match.group(2))


def weak_choice(scenario, nth=0):
    """The scenario's nth choice that is not the best one."""
    return [c for c in scenario.choices if not c.best][nth]


def progress_row(email, lesson_slug, course=COURSE):
    return query_db(lambda: Progress.get_or_none((Progress.person == Person.by_email(email))
                                                 & (Progress.course_slug == course)
                                                 & (Progress.lesson_slug == lesson_slug)))


def first_draw(quiz):
    """The scenarios a learner's first attempt shows: all of a quiz that is no pool; of a pool,
    its first `draw` in file order (tests draw in file order: see conftest.draws_in_file_order)."""
    return quiz.scenarios[:quiz.draw] if quiz.draw else quiz.scenarios


def first_draw_best(quiz) -> dict:
    """Best answers for the first attempt's scenarios."""
    return {s.id: s.best_choice.id for s in first_draw(quiz)}


def best_for_page(html: str, quiz) -> dict:
    """Best answers for exactly the scenarios a quiz page shows (a retake of a pool shows others)."""
    return {sid: quiz.scenario(sid).best_choice.id for sid in shown_scenarios(html)}
