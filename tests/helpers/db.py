"""The two ways into the test database, and rows read back from it.

- `query_db(fn)` calls `fn()` inside a database connection and returns its result,
  on the database of the app made last (the one the tests' requests use);
- `with app_db(app):` runs a block inside `app`'s context and a database connection
  (for code that needs the app too: the catalog, the settings, course services).
"""
from __future__ import annotations

import contextlib

from course.data.db import db
from course.data.models import Answer, Attempt, Membership, Person, Team


def query_db(fn):
    """fn() run inside a database connection; returns what fn returns."""
    with db.connection_context():
        return fn()


@contextlib.contextmanager
def app_db(app):
    """The app's context and a database connection, for the length of a `with` block."""
    with app.app_context(), db.connection_context():
        yield


def person(email):
    return query_db(lambda: Person.by_email(email))


def count(model, *where):
    def counted():
        query = model.select()
        if where:
            query = query.where(*where)
        return query.count()
    return query_db(counted)


def membership(email, team_name):
    return query_db(lambda: (Membership.select().join(Person).switch(Membership).join(Team)
                             .where((Person.email == email) & (Team.name == team_name)).first()))


def team(name):
    return query_db(lambda: Team.by_name(name))


def team_id(app, name):
    with app_db(app):
        return Team.by_name(name).id


def attempts_of(email):
    """Every attempt of a person (quizzes and reviews), oldest first."""
    return query_db(lambda: list(Attempt.select().join(Person).where(Person.email == email).order_by(Attempt.id)))


def answers_of(attempt_id):
    """(position, scenario id, choice id, best, tag) of each answer of an attempt."""
    return query_db(lambda: [(a.position, a.scenario_id, a.choice_id, a.best, a.tag)
                             for a in Answer.select().where(Answer.attempt == attempt_id).order_by(Answer.position)])


def row_counts():
    """(attempts, answers) stored: to prove a request wrote nothing."""
    return query_db(lambda: (Attempt.select().count(), Answer.select().count()))
