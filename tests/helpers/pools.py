"""Scenario pools in tests: a course whose first quiz is a pool of 6 drawing 4, and reading
which scenarios a quiz page drew (the radio groups `answer-<scenario id>` of its form)."""
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
from helpers.pages import hidden_fields
from helpers.people import seed_people
from helpers.quiz import best_for_page, shown_scenarios


POOL, DRAW = 6, 4
POOL_IDS = [f"s{i}" for i in range(1, POOL + 1)]
URL = "/courses/demo/first/quiz"
PLAIN_URL = "/courses/demo/second/quiz"
SECRET = "test-secret"          # helpers.app make_app



def scenario_md(i: int) -> str:
    best = f"- [x] Ask what they noticed in case {i}. {{ask #best-s{i}}}\n  > Asking first lets them think.\n"
    weak = f"- [ ] Tell them the fix for case {i}. {{tell #weak-s{i}}}\n  > Telling skips what they noticed.\n"
    return (f"## Situation number {i} {{#s{i}}}\nSomething happened at work, case {i}.\n\n"
            + (best + weak if i % 2 else weak + best) + "\n")


POOL_QUIZ = f"---\npass_score: 0.75\ndraw: {DRAW}\n---\n" + "".join(scenario_md(i) for i in range(1, POOL + 1))


def write_course(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="A pooled lesson"))
    tree.write("quizzes/demo/first.md", POOL_QUIZ)
    tree.write("lessons/demo/02-second.md", LESSON.format(title="A plain lesson"))
    tree.write("quizzes/demo/second.md", QUIZ)        # two scenarios, no draw
    return tree


def build(tree, database_url, **overrides):
    app = make_app(database_url, write_course(tree).root, **overrides)
    seed_people(app)
    return app


@pytest.fixture
def pool_app(tree, database_url):
    app = build(tree, database_url, MIN_GROUP_SIZE=1)
    yield app
    app.extensions["peewee"].close_all()


def client_for(app, email="learner@example.com"):
    client = app.test_client()
    assert sign_in(client, email).status_code == 302, email
    return client


def quiz_of(app, slug="first"):
    lesson, _ = app.extensions["content"].catalog.find_lesson("demo", slug)
    return lesson.quiz


# --- reading the quiz form ------------------------------------------------------------


def drawn_ids(html: str) -> list[str]:
    """The scenario ids a quiz page shows, in page order (its radio groups `answer-<id>`)."""
    return shown_scenarios(html)


def drawn_best_answers(html: str, quiz) -> dict[str, str]:
    """Best answers for exactly the scenarios the quiz page drew: {scenario id: best choice id}."""
    return best_for_page(html, quiz)


def open_quiz(client, url=URL):
    """(html, hidden fields, drawn ids) of a freshly opened quiz page."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    fields = hidden_fields(html)
    assert fields.get("token") and fields.get("csrf_token")
    return html, fields, drawn_ids(html)


def submit(client, fields, answers, url=URL):
    data = dict(fields)
    data.update({f"answer-{sid}": cid for sid, cid in answers.items()})
    return client.post(url, data=data)


def attempt_id_of(response) -> int:
    assert response.status_code == 303, response.status_code
    match = re.search(r"/quiz/attempts/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def best(ids) -> dict[str, str]:
    return {sid: f"best-{sid}" for sid in ids}


def in_db(fn):
    with db.connection_context():
        return fn()


def row_counts():
    return in_db(lambda: (Attempt.select().count(), Answer.select().count()))


def answers_of(attempt_id):
    return in_db(lambda: [(a.position, a.scenario_id, a.choice_id, a.best, a.first_try)
                          for a in Answer.select().where(Answer.attempt == attempt_id).order_by(Answer.position)])


def token_payload(token: str) -> dict:
    return URLSafeTimedSerializer(SECRET, salt="quiz-attempt").loads(token)


def text_of(html: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- drawing: N of M, in file order -----------------------------------------------------
