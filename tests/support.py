"""Helpers shared by the tests: app factory, content trees, sample content."""
from __future__ import annotations

import os
import shutil
import textwrap

from course import create_app
from course.data import db as course_db

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def reset_postgres(url: str) -> None:
    from playhouse.db_url import connect
    database = connect(url)
    with database.connection_context():
        database.execute_sql("DROP SCHEMA public CASCADE")
        database.execute_sql("CREATE SCHEMA public")
    database.close()

def make_app(database_url, content_dir, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "CONTENT_DIR": content_dir,
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        course_db.upgrade()
    return app


class ContentTree:
    """A throwaway CONTENT_DIR that tests write lessons and quizzes into."""

    def __init__(self, root):
        self.root = str(root)
        os.makedirs(os.path.join(self.root, "lessons"), exist_ok=True)
        os.makedirs(os.path.join(self.root, "quizzes"), exist_ok=True)
        shutil.copy(os.path.join(ROOT, "quizzes", "tags.yml"), os.path.join(self.root, "quizzes", "tags.yml"))

    def write(self, relpath: str, text: str) -> str:
        path = os.path.join(self.root, relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(textwrap.dedent(text).lstrip("\n"))
        return path

    def remove(self, relpath: str) -> None:
        os.remove(os.path.join(self.root, relpath))

    def course(self, slug="demo", title="Demo course"):
        self.write(f"lessons/{slug}/index.md", f"""
            ---
            title: {title}
            summary: A course for tests.
            ---
            What this course is about.
            """)
        return self


LESSON = """
---
title: {title}
minutes: 4
objectives:
  - Tell coaching apart from managing
---
Coaching helps the other person think.

::: takeaway
Ask before you tell.
:::
"""

QUIZ = """
---
pass_score: 0.5
---
## The demo that ran long {#demo-ran-long}
Sam's demo ran fifteen minutes over.

- [ ] Mention it to your manager. {go-around}
  > Going around Sam takes away their chance to reflect.
- [x] Ask Sam how the demo felt to them. {ask}
  > Starting with Sam's view lets them do the thinking.

## The quiet stand-up {#quiet-standup}
Nobody speaks at the stand-up.

- [x] Ask the newest person what they noticed. {ask}
  > A direct, friendly question opens the door.
- [ ] Say nothing and move on. {stay-silent}
  > Silence keeps the problem where it is.
"""


# --- people and signed-in clients -------------------------------------------

import re as _re

DEMO_PASSWORD = "coaching-demo"
ROLE_EMAILS = {
    "learner": "learner@example.com",
    "trainer": "trainer@example.com",
    "manager": "manager@example.com",
    "admin": "admin@example.com",
}
_CSRF = _re.compile(r'name="csrf_token" value="([^"]+)"')


def seed_people(app):
    from course.devtools import demo
    from course.data.db import db
    with app.app_context(), db.connection_context():
        demo.seed(with_progress=False)


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def csrf_token(client, url: str = "/auth/sign-in") -> str:
    response = client.get(url, follow_redirects=True)
    return csrf_from(response.get_data(as_text=True))


def sign_in(client, email: str, password: str = DEMO_PASSWORD, remember: bool = False):
    data = {"email": email, "password": password, "csrf_token": csrf_token(client, "/auth/sign-in")}
    if remember:
        data["remember"] = "1"
    return client.post("/auth/sign-in", data=data)


def post(client, url: str, data: dict | None = None, token_from: str = "/", **kwargs):
    """POST like a browser would: with the CSRF token from a page of the site."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, token_from))
    return client.post(url, data=data, **kwargs)


# --- reading rows back ----------------------------------------------------------

def person(email):
    from course.data.db import db
    from course.data.models import Person
    with db.connection_context():
        return Person.by_email(email)


def count(model, *where):
    from course.data.db import db
    with db.connection_context():
        query = model.select()
        if where:
            query = query.where(*where)
        return query.count()


def membership(email, team_name):
    from course.data.db import db
    from course.data.models import Membership, Person, Team
    with db.connection_context():
        return (Membership.select().join(Person).switch(Membership).join(Team)
                .where((Person.email == email) & (Team.name == team_name)).first())


# --- counting SQL ---------------------------------------------------------------

import contextlib as _contextlib


@_contextlib.contextmanager
def recorded_sql(app):
    """Every SQL statement the app's database runs inside the block, in a list."""
    database = app.extensions["peewee"]
    executed = []
    original = database.execute_sql

    def counting(sql, *args, **kwargs):
        executed.append(sql)
        return original(sql, *args, **kwargs)

    database.execute_sql = counting
    try:
        yield executed
    finally:
        del database.execute_sql        # the class's own method again
