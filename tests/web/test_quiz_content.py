"""Quizzes on content trees the test controls: queries per submission, results under their
own course, a quiz changed while answering, drafts and lessons without a quiz, renames.
"""
from __future__ import annotations

import html as htmllib
import os
import time

import pytest

from course.data.models import Attempt
from course.learning.attempts import best_answers
from helpers.app import make_app
from helpers.content import LESSON, lesson_of
from helpers.db import query_db, row_counts
from helpers.http import signed_in
from helpers.pages import hidden_fields
from helpers.people import seed_people
from helpers.quiz import open_quiz, quiz_url, result_path, submit
from helpers.sql import recorded_sql


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
