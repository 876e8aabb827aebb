"""Taking a quiz over HTTP with the fields the quiz page gives, as a browser would."""
from __future__ import annotations

import re

from course.data.models import Person, Progress
from course.learning import attempts
from helpers.content import COURSE, lesson_of
from helpers.db import query_db
from helpers.http import csrf_from, post
from helpers.pages import hidden_fields

_TOKEN_FIELD = re.compile(r'name="token" value="([^"]+)"')


def quiz_url(lesson_slug, course=COURSE):
    return f"/courses/{course}/{lesson_slug}/quiz"


def open_quiz(client, lesson_slug, course=COURSE):
    """GET the quiz page; returns (its html, the hidden fields of its form)."""
    response = client.get(quiz_url(lesson_slug, course))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    fields = hidden_fields(html)
    assert fields["token"] and fields["csrf_token"] == csrf_from(html)
    return html, fields


def submit(client, lesson_slug, fields, answers, course=COURSE, **extra):
    """POST the quiz form: `fields` as given, plus {scenario id: choice id} answers."""
    data = dict(fields)
    data.update({f"answer-{scenario}": choice for scenario, choice in answers.items()})
    data.update(extra)
    return client.post(quiz_url(lesson_slug, course), data=data)


def take_quiz(client, lesson_slug, answers, course=COURSE):
    """Open the quiz page, send its hidden fields back with the chosen answers; returns the attempt id."""
    page = client.get(quiz_url(lesson_slug, course))
    assert page.status_code == 200
    fields = hidden_fields(page.get_data(as_text=True))
    assert fields.get("token") and fields.get("csrf_token")
    data = {**fields, **{f"answer-{s}": c for s, c in answers.items()}}
    response = client.post(quiz_url(lesson_slug, course), data=data)
    assert response.status_code == 303, response.status_code
    return int(re.search(r"/attempts/(\d+)$", response.headers["Location"]).group(1))


def answer_quiz(client, app, course_slug, lesson_slug, best=True):
    """Answer the quiz through its form, all best (or all weaker) choices, with the CSRF token of
    the home page; returns the result page's address."""
    page = client.get(f"/courses/{course_slug}/{lesson_slug}/quiz")
    assert page.status_code == 200
    token = _TOKEN_FIELD.search(page.get_data(as_text=True)).group(1)
    quiz = lesson_of(app, lesson_slug, course_slug).quiz
    answers = attempts.best_answers(quiz)
    if not best:
        answers = {s.id: next(c.id for c in s.choices if not c.best) for s in quiz.scenarios}
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
