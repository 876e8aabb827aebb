"""People, teams, memberships, lesson progress and one-time sign-in links.

Frozen copies of the models as they were at this migration, so later model
changes never rewrite history.
"""
import datetime

from peewee import (BooleanField, CharField, DateTimeField, DoubleField, ForeignKeyField,
                    IntegerField, Model)


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Team(Base):
        name = CharField(max_length=120, unique=True)
        created_at = DateTimeField(default=_now)

    class Person(Base):
        email = CharField(max_length=254, unique=True)
        name = CharField(max_length=200)
        role = CharField(max_length=16, default="learner")
        password_hash = CharField(max_length=255, null=True)
        active = BooleanField(default=True)
        session_version = IntegerField(default=1)
        created_at = DateTimeField(default=_now)
        last_login_at = DateTimeField(null=True)

    class Membership(Base):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        team = ForeignKeyField(Team, on_delete="CASCADE")
        is_manager = BooleanField(default=False)

        class Meta:
            indexes = ((("person", "team"), True),)

    class Progress(Base):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        course_slug = CharField(max_length=100)
        lesson_slug = CharField(max_length=100)
        content_hash = CharField(max_length=32)
        opened_at = DateTimeField(default=_now)
        last_visit_at = DateTimeField(default=_now)
        completed_at = DateTimeField(null=True)
        passed_at = DateTimeField(null=True)
        best_score = DoubleField(null=True)

        class Meta:
            indexes = ((("person", "course_slug", "lesson_slug"), True),
                       (("course_slug", "lesson_slug"), False))

    class LoginToken(Base):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        token_hash = CharField(max_length=64, unique=True)
        purpose = CharField(max_length=16)
        created_at = DateTimeField(default=_now)
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)

    db.create_tables([Team, Person, Membership, Progress, LoginToken])


def down(migrator, db):
    for table in ("login_token", "progress", "membership", "person", "team"):
        db.execute_sql(f"DROP TABLE IF EXISTS {table}")
