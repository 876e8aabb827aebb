"""Content health for trainers: content check warnings, drafts awaiting publication, and each
lesson's drop-off and reading time against the minutes it states.
"""
from __future__ import annotations

import re

import pytest

from helpers.analysis import add_learners, add_progress, get_ok, health_row, trainer_client
from helpers.app import make_app
from helpers.content import LESSON
from helpers.pages import plain
from helpers.people import seed_people


# --- content health ------------------------------------------------------------------------

HEALTH_LESSONS = {
    # slug: (title, front matter extra)
    "01-reading": ("Reading lesson", ""),
    "02-dropping": ("Dropping lesson", ""),
    "03-half": ("Half lesson", ""),
    "04-few": ("Few lesson", ""),
    "05-unfinished": ("Unfinished draft", "draft: true"),
}

NO_ID_QUIZ = """
---
pass_score: 0.5
---
## A scenario without an id
Something happened.

- [x] Ask about it. {ask}
  > Good.
- [ ] Tell them. {tell}
  > Less good.
"""


@pytest.fixture
def health_app(tree, database_url):
    for name, (title, extra) in HEALTH_LESSONS.items():
        text = LESSON.format(title=title)
        if extra:
            text = text.replace("minutes: 4", f"minutes: 4\n{extra}")
        tree.write(f"lessons/demo/{name}.md", text)
    tree.write("quizzes/demo/reading.md", NO_ID_QUIZ)
    app = make_app(database_url, tree.root)
    seed_people(app)
    yield app
    app.extensions["peewee"].close_all()


def test_content_health_lists_warnings_drafts_drop_off_and_reading_time(health_app):
    app = health_app
    emails = add_learners(app, 7)
    # Reading lesson (4 minutes stated): 7 completed; one took 3 hours (a learner coming back
    # later, not reading), so times are 5, 7, 9, 10, 12, 30: median 9.5, mean 73 / 6 = 12.2.
    add_progress(app, emails, "reading", [5, 7, 9, 10, 12, 30, 180])
    # Dropping: 6 opened, 2 completed: 67 % drop-off, flagged.
    add_progress(app, emails[:6], "dropping", [3, 4, None, None, None, None])
    # Half: 6 opened, 3 completed: exactly 50 %, not "more than half".
    add_progress(app, emails[:6], "half", [3, 4, 5, None, None, None])
    # Few: 4 opened, none completed: too few to flag.
    add_progress(app, emails[:4], "few", [None, None, None, None])

    html = get_ok(trainer_client(app), "/trainer/health")
    text = plain(html)
    # Content check warnings: the scenario without an {#id}.
    warnings = text[text.index("Content check warnings"):text.index("Drafts awaiting publication")]
    assert "quizzes/demo/reading.md:4" in warnings
    assert "scenario 'A scenario without an id' has no {#id}" in warnings
    assert "(add {#a-scenario-without-an-id})" in warnings
    # Drafts awaiting publication.
    drafts = text[text.index("Drafts awaiting publication"):text.index("Demo course: drop-off and reading time")]
    assert re.search(r"Unfinished draft \(Demo course, lessons/demo/05-unfinished\.md ?\)", drafts), drafts
    assert "Reading lesson" not in drafts
    assert 'href="/trainer/preview/demo/unfinished"' in html

    assert health_row(html, "Reading lesson") == {
        "lesson": "Reading lesson", "opened": "7", "completed": "7", "drop-off": "0%", "stated": "4",
        "median": "9.5", "average": "12.2", "flags": "Takes much longer than stated"}
    assert health_row(html, "Dropping lesson") == {
        "lesson": "Dropping lesson", "opened": "6", "completed": "2", "drop-off": "67%", "stated": "4",
        "median": "–", "average": "–", "flags": "High drop-off"}
    assert health_row(html, "Half lesson")["drop-off"] == "50%" and health_row(html, "Half lesson")["flags"] == ""
    assert health_row(html, "Few lesson")["drop-off"] == "100%" and health_row(html, "Few lesson")["flags"] == ""
    assert health_row(html, "Unfinished draft (draft)")["opened"] == "0"


def test_reading_time_within_the_stated_minutes_is_not_flagged(health_app):
    emails = add_learners(health_app, 5)
    add_progress(health_app, emails, "reading", [2, 3, 4, 6, 8])      # median 4, mean 4.6; 4 stated
    row = health_row(get_ok(trainer_client(health_app), "/trainer/health"), "Reading lesson")
    assert (row["median"], row["average"], row["flags"]) == ("4.0", "4.6", "")


def test_a_clean_tree_has_no_warnings_and_no_drafts(quiz_app):
    text = plain(get_ok(trainer_client(quiz_app), "/trainer/health"))
    assert "None: flask --app app content check is clean." in text
    assert "No drafts." in text
