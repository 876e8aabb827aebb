"""Fixtures: app, client, runner, content trees; every test gets a fresh database.

The `app` fixture runs once on SQLite and, when TEST_DATABASE_URL names a
PostgreSQL database, once more on it (its public schema is reset per test).
The helpers the fixtures and tests share are in tests/helpers/.

Test modules are imported by their file name (pytest's default rootdir import
mode, no __init__.py in the test folders): every test file's name must be unique
across tests/, whichever folder it is in.
"""
from __future__ import annotations

import pytest

from helpers.app import PG_URL, ROOT, make_app, reset_postgres
from helpers.content import ContentTree
from helpers.http import signed_in
from helpers.people import LEARNER, ROLE_EMAILS, seed_people
from helpers.review import T0, Clock


@pytest.fixture(autouse=True)
def draws_in_file_order(request, monkeypatch):
    """Pools draw at random; most tests want to know which scenarios a page shows, so the
    draw takes the first ones in file order (unseen first, as the product does). Tests of
    the draw itself are marked `real_draw` and meet the real randomness."""
    if request.node.get_closest_marker("real_draw"):
        return
    from course.learning import attempts
    monkeypatch.setattr(attempts._RANDOM, "sample", lambda population, k: list(population)[:k])


@pytest.fixture(autouse=True)
def cheap_demo_hashes(monkeypatch):
    """Demo people get a hash that is quick to check (sign-ins in tests stay fast);
    the app's own hashing of real passwords is untouched."""
    from werkzeug.security import generate_password_hash
    monkeypatch.setattr("course.devtools.demo.generate_password_hash",
                        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"))


DATABASES = ["sqlite"] + ([pytest.param("postgres", marks=pytest.mark.postgres)] if PG_URL else [])


def pytest_report_header(config):
    if PG_URL:
        return f"database tests run on SQLite and on PostgreSQL ({PG_URL})"
    return "database tests run on SQLite only (set TEST_DATABASE_URL to add the PostgreSQL run)"


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    if request.param == "postgres":
        reset_postgres(PG_URL)
        return PG_URL
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def content_dir():
    """The real lessons/ and quizzes/ of the repository."""
    return ROOT


@pytest.fixture
def app(database_url, content_dir, tmp_path):
    app = make_app(database_url, content_dir)
    yield app
    app.extensions["peewee"].close_all()


@pytest.fixture
def build(database_url, content_dir):
    """Builds more apps on the test's database, on `content_dir` unless given another
    content root (and closes their connections at the end)."""
    apps = []

    def _build(root=None, **overrides):
        app = make_app(database_url, content_dir if root is None else root, **overrides)
        apps.append(app)
        return app

    yield _build
    for app in apps:
        database = app.extensions["peewee"]
        if not database.is_closed():
            database.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def tree(tmp_path):
    return ContentTree(tmp_path / "content").course()


@pytest.fixture
def seeded(app):
    """The app with the demo people of every role in two teams."""
    seed_people(app)
    return app


@pytest.fixture
def learner(seeded):
    return signed_in(seeded, ROLE_EMAILS["learner"])


@pytest.fixture
def trainer(seeded):
    return signed_in(seeded, ROLE_EMAILS["trainer"])


@pytest.fixture
def manager(seeded):
    return signed_in(seeded, ROLE_EMAILS["manager"])


@pytest.fixture
def admin(seeded):
    return signed_in(seeded, ROLE_EMAILS["admin"])


@pytest.fixture
def clients(seeded):
    """One client per role, plus an anonymous one."""
    out = {role: signed_in(seeded, email) for role, email in ROLE_EMAILS.items()}
    out["anonymous"] = seeded.test_client()
    return out


@pytest.fixture
def clock(app):
    """The app's clock, at T0 (a Wednesday morning): `clock.now = ...` moves time."""
    clock = Clock(T0)
    app.config["CLOCK"] = clock
    return clock


@pytest.fixture
def site(app, clock):
    """The real course with the demo people, created on the test's clock."""
    seed_people(app)
    return app


@pytest.fixture
def me(site):
    """The demo learner, signed in on `site`."""
    return signed_in(site, LEARNER)
