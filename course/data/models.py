"""Peewee models: people, teams, and what each person did.

Content is referenced by stable slugs and the hash of what the learner saw,
never by a foreign key, so editing or deleting a lesson file never deletes a
learner's record. Queries live here as small named methods.
"""
from __future__ import annotations

import datetime

from peewee import (BooleanField, CharField, DateField, DateTimeField, DoubleField, ForeignKeyField,
                    IntegerField, Model, TextField, fn)

from course.data.db import db
from course.time import utcnow  # the injectable clock; every DateTimeField default

ROLES = ("learner", "trainer", "manager", "admin")


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

    @classmethod
    def search(cls, text: str = ""):
        query = cls.select()
        text = (text or "").strip()
        if text:
            query = query.where(cls.name.contains(text))
        return query.order_by(cls.name)

    @classmethod
    def visible_to(cls, person, every_team: bool, name_contains: str = ""):
        """Teams whose reports `person` may see: every team, or those they manage."""
        query = cls.select()
        if not every_team:
            query = query.join(Membership).where((Membership.person == person)
                                                 & (Membership.is_manager == True))  # noqa: E712
        if name_contains:
            query = query.where(cls.name.contains(name_contains))
        return query.order_by(cls.name)

    def members(self):
        return (Person.select(Person, Membership.is_manager).join(Membership)
                .where(Membership.team == self).order_by(Membership.is_manager.desc(), Person.name))


class Person(BaseModel):
    email = CharField(max_length=254, unique=True)      # stored lowercased
    name = CharField(max_length=200)
    role = CharField(max_length=16, default="learner")
    password_hash = CharField(max_length=255, null=True)
    active = BooleanField(default=True)
    # Bumped when the role, password or active flag changes: every sign-in
    # session and set-password link made under the old number stops working.
    session_version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)
    last_login_at = DateTimeField(null=True)

    @classmethod
    def by_email(cls, email: str):
        return cls.get_or_none(cls.email == email.strip().lower())

    @classmethod
    def by_id(cls, person_id: int):
        """Loaded on every signed-in request."""
        return cls.get_or_none(cls.id == person_id)

    # What flask-login asks of a user object, written out so the data layer
    # needs no Flask. The id flask-login keeps in the signed session cookie is
    # the token of this browser's SignInSession, set on the object by
    # course.learning.sessions when a session is started or loaded (None
    # otherwise: such a person cannot be put into a session by accident).
    is_authenticated = True
    is_anonymous = False
    session_token = None

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def end_sessions(self) -> None:
        self.session_version = (self.session_version or 0) + 1

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @classmethod
    def search(cls, text: str = ""):
        query = cls.select()
        text = (text or "").strip()
        if text:
            query = query.where(cls.name.contains(text) | cls.email.contains(text))
        return query.order_by(cls.name, cls.id)

    def teams_managed(self):
        return (Team.select().join(Membership)
                .where((Membership.person == self) & (Membership.is_manager == True))  # noqa: E712
                .order_by(Team.name))


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
    best_score = DoubleField(null=True)

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
    def for_person(cls, person):
        return cls.select().where(cls.person == person)

    @classmethod
    def for_person_in_course(cls, person, course_slug: str) -> list:
        return list(cls.select().where((cls.person == person) & (cls.course_slug == course_slug)))


class LoginToken(BaseModel):
    """A one-time link (invite or password reset). Only the hash is stored."""
    person = ForeignKeyField(Person, backref="tokens", on_delete="CASCADE")
    token_hash = CharField(max_length=64, unique=True)
    purpose = CharField(max_length=16)           # invite | reset
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    # The person's session_version when the link was made: a new password, role or
    # active flag (which bump it) kills the link, and re-activation never revives it.
    person_version = IntegerField(null=True)


class SignInSession(BaseModel):
    """One sign-in on one browser. The id is the sha256 of the random token that
    only the browser holds (in the signed session cookie); the remember-me token
    is stored the same way. A row ends when revoked, when the person's
    session_version moves past `person_version`, or when unused for a year."""
    id = CharField(max_length=64, primary_key=True)
    person = ForeignKeyField(Person, backref="sign_in_sessions", on_delete="CASCADE")
    person_version = IntegerField()
    created_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(default=utcnow)      # updated every few minutes, not per request
    user_agent = CharField(max_length=200, default="")
    remember_token_hash = CharField(max_length=64, null=True, unique=True)
    remember_expires_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)

    @classmethod
    def with_person(cls, where):
        """The session matching `where` with its person, in one query (every signed-in request)."""
        return cls.select(cls, Person).join(Person).where(where).first()

    @classmethod
    def live_for(cls, person, seen_since):
        """The person's sessions not revoked and used after `seen_since`, latest first."""
        return (cls.select().where((cls.person == person) & cls.revoked_at.is_null() & (cls.last_seen_at > seen_since))
                .order_by(cls.last_seen_at.desc()))

    @classmethod
    def revoke(cls, where, when) -> int:
        return cls.update(revoked_at=when).where(where & cls.revoked_at.is_null()).execute()


class RateLimitCounter(BaseModel):
    """A rate-limit counter kept in the app's own database: the default storage of
    the sign-in and sign-up limits, shared by every worker (and every host on the
    same PostgreSQL). Times are epoch seconds, as the limits library counts them.
    Every query takes the database to run on, so each app instance can use its own."""
    key = TextField(primary_key=True)
    hits = IntegerField(default=0)
    expires_at = DoubleField(index=True)

    @classmethod
    def bump(cls, database, key: str, amount: int, expiry: float, now: float) -> int:
        """Add `amount` to the live counter `key` (a new one lives `expiry` seconds); returns its value."""
        with database.atomic():
            cls.delete().where(cls.expires_at <= now).execute(database)
            cls.insert(key=key, hits=amount, expires_at=now + expiry).on_conflict(
                conflict_target=[cls.key], update={cls.hits: cls.hits + amount}).execute(database)
            return cls.select(cls.hits).where(cls.key == key).scalar(database)

    @classmethod
    def live(cls, database, key: str, now: float):
        return cls.select().where((cls.key == key) & (cls.expires_at > now)).first(database)

    @classmethod
    def remove(cls, database, key: str | None = None) -> int:
        query = cls.delete()
        if key is not None:
            query = query.where(cls.key == key)
        return query.execute(database)


class Attempt(BaseModel):
    """One submitted quiz (or review) attempt. Never updated after it is written."""
    person = ForeignKeyField(Person, backref="attempts", on_delete="CASCADE")
    course_slug = CharField(max_length=100)
    lesson_slug = CharField(max_length=100)
    quiz_type = CharField(max_length=32)
    content_hash = CharField(max_length=32)      # the quiz file as the learner saw it
    token = CharField(max_length=64, unique=True)  # one-time form token: double submits record once
    kind = CharField(max_length=16, default="quiz")   # quiz | review
    started_at = DateTimeField()
    submitted_at = DateTimeField(default=utcnow)
    score = DoubleField()
    passed = BooleanField()

    class Meta:
        indexes = ((("person", "course_slug", "lesson_slug"), False),
                   (("course_slug", "lesson_slug", "content_hash"), False))

    @classmethod
    def for_person(cls, person):
        return cls.select().where(cls.person == person).order_by(cls.submitted_at.desc(), cls.id.desc())


class Answer(BaseModel):
    """One choice in an attempt, by stable ids, with what it meant."""
    attempt = ForeignKeyField(Attempt, backref="answers", on_delete="CASCADE")
    position = IntegerField()                   # order answered (the path, in a conversation)
    scenario_id = CharField(max_length=100)
    scenario_hash = CharField(max_length=32)
    choice_id = CharField(max_length=100)
    best = BooleanField()
    tag = CharField(max_length=40)
    # The learner's first answer to this scenario version (per kind: quiz or review).
    first_try = BooleanField(default=False)

    class Meta:
        indexes = ((("attempt", "position"), True),
                   (("scenario_id", "scenario_hash"), False),
                   (("scenario_id", "scenario_hash", "first_try"), False))


class Assignment(BaseModel):
    """A course assigned to a team, due on a date in the site's time zone."""
    team = ForeignKeyField(Team, backref="assignments", on_delete="CASCADE")
    course_slug = CharField(max_length=100)
    due_date = DateField()
    assigned_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("team", "course_slug"), True),)

    @classmethod
    def for_person(cls, person):
        """Assignments of every team the person learns in (not the teams they only manage)."""
        return (cls.select(cls, Team).join(Team).join(Membership, on=(Membership.team == Team.id))
                .where((Membership.person == person) & (Membership.is_manager == False))  # noqa: E712
                .order_by(cls.due_date))


class ReviewCard(BaseModel):
    """A scenario from a passed quiz, scheduled for spaced review (fsrs)."""
    person = ForeignKeyField(Person, backref="review_cards", on_delete="CASCADE")
    course_slug = CharField(max_length=100)
    lesson_slug = CharField(max_length=100)
    scenario_id = CharField(max_length=100)
    scenario_hash = CharField(max_length=32)     # the version being remembered
    card = TextField()                           # fsrs Card as JSON
    due = DateTimeField(index=True)
    reviews = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)
    retired_at = DateTimeField(null=True)        # its scenario was removed from the course

    class Meta:
        indexes = ((("person", "course_slug", "lesson_slug", "scenario_id"), True),
                   (("person", "due"), False))

    @classmethod
    def active_for(cls, person):
        """The person's cards still on a schedule, soonest first."""
        return (cls.select().where((cls.person == person) & cls.retired_at.is_null())
                .order_by(cls.due, cls.id))

    @classmethod
    def owned(cls, person, card_id):
        return cls.get_or_none((cls.id == card_id) & (cls.person == person))

    @classmethod
    def for_scenario(cls, person, course_slug, lesson_slug, scenario_id):
        return cls.get_or_none((cls.person == person) & (cls.course_slug == course_slug)
                               & (cls.lesson_slug == lesson_slug) & (cls.scenario_id == scenario_id))


class Reflection(BaseModel):
    """A learner's private answer to a lesson's reflection prompt. Append-only:
    saving again adds a row, so the history is kept. Only its owner reads it."""
    person = ForeignKeyField(Person, backref="reflections", on_delete="CASCADE")
    course_slug = CharField(max_length=100)
    lesson_slug = CharField(max_length=100)
    prompt_id = CharField(max_length=100)
    prompt_text = TextField()                    # the prompt as the learner saw it
    text = TextField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("person", "course_slug", "lesson_slug", "prompt_id"), False),
                   (("person", "created_at"), False))

    @classmethod
    def for_person(cls, person):
        """The person's reflections, latest first."""
        return cls.select().where(cls.person == person).order_by(cls.created_at.desc(), cls.id.desc())

    @classmethod
    def for_lesson(cls, person, course_slug: str, lesson_slugs):
        """The person's reflections on one lesson (under any of its slugs), latest first."""
        return (cls.for_person(person)
                .where((cls.course_slug == course_slug) & (cls.lesson_slug.in_(list(lesson_slugs)))))


class Commitment(BaseModel):
    """A learner's "Try this at work" commitment and its check-in. Private to its
    owner: others only ever see counts (made, checked in, tried), unless `shared`."""
    person = ForeignKeyField(Person, backref="commitments", on_delete="CASCADE")
    course_slug = CharField(max_length=100)
    lesson_slug = CharField(max_length=100)
    text = TextField()
    tags = CharField(max_length=500, default="")     # behaviour tags, a comma list
    created_at = DateTimeField(default=utcnow)
    check_in_on = DateField()                        # a site date
    moved = BooleanField(default=False)              # "not yet" moved the date (once)
    outcome = CharField(max_length=20, null=True)    # None | tried | not-yet | didnt-fit
    reflection = TextField(default="")
    checked_in_at = DateTimeField(null=True)
    shared = BooleanField(default=False)

    class Meta:
        indexes = ((("person", "check_in_on"), False), (("person", "created_at"), False))

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]

    @classmethod
    def for_person(cls, person):
        """The person's commitments, latest first."""
        return cls.select().where(cls.person == person).order_by(cls.created_at.desc(), cls.id.desc())


ALL_MODELS = [Team, Person, Membership, Progress, LoginToken, SignInSession, RateLimitCounter, Attempt, Answer,
              Assignment, ReviewCard, Reflection, Commitment]

__all__ = ["ALL_MODELS", "ROLES", "Answer", "Assignment", "Attempt", "Commitment", "LoginToken", "Membership", "Person", "Progress",
           "RateLimitCounter", "Reflection", "ReviewCard", "SignInSession", "Team", "fn", "utcnow"]
