"""Fixtures of the reporting tests: a team in every state for the manager reports, and a
small course with TREE_QUIZ for item analysis and content health."""
from __future__ import annotations

import datetime

import pytest

from helpers.content import LESSONS

from helpers.analysis import tree_quiz_app
from helpers.http import signed_in
from helpers.people import ADMIN, MANAGER
from helpers.reports import EXTRA, NOW, add_members, passed, set_states


@pytest.fixture
def rich(seeded):
    """Warehouse North with six learners: finished, in progress, opened, never started."""
    add_members(seeded, "Warehouse North", EXTRA)
    set_states(seeded, "ana@example.org", passed(LESSONS), NOW - datetime.timedelta(days=1))
    set_states(seeded, "kwame@example.com", passed(4, "opened"), NOW - datetime.timedelta(days=2))
    set_states(seeded, "mei@example.com", passed(2, "completed"), NOW - datetime.timedelta(days=3))
    set_states(seeded, "bob@example.org", ["opened"], NOW - datetime.timedelta(days=10))
    return seeded


@pytest.fixture
def manager_client(rich):
    return signed_in(rich, MANAGER)


@pytest.fixture
def admin_client(rich):
    return signed_in(rich, ADMIN)


@pytest.fixture
def quiz_app(tree, database_url):
    """A one-lesson course with TREE_QUIZ; content reloads when a file changes."""
    app = tree_quiz_app(tree, database_url)
    yield app
    app.extensions["peewee"].close_all()
