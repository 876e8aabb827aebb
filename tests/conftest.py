"""Fixtures: app, client, runner, content trees; every test gets a fresh database.

The `app` fixture runs once on SQLite and, when TEST_DATABASE_URL names a
PostgreSQL database, once more on it (its public schema is reset per test).
"""
from __future__ import annotations

import pytest

from support import PG_URL, ROLE_EMAILS, ROOT, ContentTree, make_app, reset_postgres, seed_people, sign_in


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


def _client_for(app, role):
    client = app.test_client()
    response = sign_in(client, ROLE_EMAILS[role])
    assert response.status_code == 302, f"{role} could not sign in"
    return client


@pytest.fixture
def learner(seeded):
    return _client_for(seeded, "learner")


@pytest.fixture
def trainer(seeded):
    return _client_for(seeded, "trainer")


@pytest.fixture
def manager(seeded):
    return _client_for(seeded, "manager")


@pytest.fixture
def admin(seeded):
    return _client_for(seeded, "admin")


@pytest.fixture
def clients(seeded):
    """One client per role, plus an anonymous one."""
    out = {role: _client_for(seeded, role) for role in ROLE_EMAILS}
    out["anonymous"] = seeded.test_client()
    return out
