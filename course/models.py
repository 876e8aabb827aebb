"""Peewee models: people, teams, and what each person did.

Content is referenced by stable slugs and the hash of what the learner saw,
never by a foreign key, so editing or deleting a lesson file never deletes a
learner's record. Queries live here as small named methods.
"""
from __future__ import annotations

import datetime

from peewee import (BooleanField, CharField, DateTimeField, FloatField, ForeignKeyField,
                    IntegerField, Model, fn)

from .db import db

ROLES = ("learner", "trainer", "manager", "admin")


def utcnow() -> datetime.datetime:
    """Naive UTC: what every DateTimeField stores."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class Team(BaseModel):
    name = CharField(max_length=120, unique=True)
    created_at = DateTimeField(default=utcnow)

    @classmethod
    def by_name(cls, name: str):
        return cls.get_or_none(cls.name == name)


class Person(BaseModel):
    email = CharField(max_length=254, unique=True)      # stored lowercased
    name = CharField(max_length=200)
    role = CharField(max_length=16, default="learner")
    password_hash = CharField(max_length=255, null=True)
    active = BooleanField(default=True)
    # Bumped when the role, password or active flag changes: every session and
    # remember-me cookie carrying the old number stops working.
    session_version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)
    last_login_at = DateTimeField(null=True)

    @classmethod
    def by_email(cls, email: str):
        return cls.get_or_none(cls.email == email.strip().lower())

    def teams_managed(self):
        return (Team.select().join(Membership)
                .where((Membership.person == self) & (Membership.is_manager == True))  # noqa: E712
                .order_by(Team.name))

    def teams(self):
        return Team.select().join(Membership).where(Membership.person == self).order_by(Team.name)


class Membership(BaseModel):
    person = ForeignKeyField(Person, backref="memberships", on_delete="CASCADE")
    team = ForeignKeyField(Team, backref="memberships", on_delete="CASCADE")
    is_manager = BooleanField(default=False)

    class Meta:
        indexes = ((("person", "team"), True),)


class Progress(BaseModel):
    """One row per person, course and lesson; states are derived from the times."""
    person = ForeignKeyField(Person, backref="progress", on_delete="CASCADE")
    course_slug = CharField(max_length=100)
    lesson_slug = CharField(max_length=100)
    content_hash = CharField(max_length=32)     # the lesson version last seen
    opened_at = DateTimeField(default=utcnow)
    last_visit_at = DateTimeField(default=utcnow)
    completed_at = DateTimeField(null=True)
    passed_at = DateTimeField(null=True)
    best_score = FloatField(null=True)

    class Meta:
        indexes = ((("person", "course_slug", "lesson_slug"), True),
                   (("course_slug", "lesson_slug"), False))

    @property
    def state(self) -> str:
        if self.passed_at:
            return "passed"
        if self.completed_at:
            return "completed"
        return "opened"

    @classmethod
    def for_person(cls, person, course_slug: str | None = None):
        query = cls.select().where(cls.person == person)
        if course_slug is not None:
            query = query.where(cls.course_slug == course_slug)
        return query


class LoginToken(BaseModel):
    """A one-time link (invite or password reset). Only the hash is stored."""
    person = ForeignKeyField(Person, backref="tokens", on_delete="CASCADE")
    token_hash = CharField(max_length=64, unique=True)
    purpose = CharField(max_length=16)           # invite | reset
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)


ALL_MODELS = [Team, Person, Membership, Progress, LoginToken]

__all__ = ["ALL_MODELS", "ROLES", "LoginToken", "Membership", "Person", "Progress", "Team",
           "fn", "utcnow"]
