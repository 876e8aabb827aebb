"""Quiz attempts and their answers (frozen copies of the tables)."""
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

    class Person(Base):
        class Meta:
            table_name = "person"

    class Attempt(Base):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        course_slug = CharField(max_length=100)
        lesson_slug = CharField(max_length=100)
        quiz_type = CharField(max_length=32)
        content_hash = CharField(max_length=32)
        token = CharField(max_length=64, unique=True)
        kind = CharField(max_length=16, default="quiz")
        started_at = DateTimeField()
        submitted_at = DateTimeField(default=_now)
        score = DoubleField()
        passed = BooleanField()

        class Meta:
            indexes = ((("person", "course_slug", "lesson_slug"), False),
                       (("course_slug", "lesson_slug", "content_hash"), False))

    class Answer(Base):
        attempt = ForeignKeyField(Attempt, on_delete="CASCADE")
        position = IntegerField()
        scenario_id = CharField(max_length=100)
        scenario_hash = CharField(max_length=32)
        choice_id = CharField(max_length=100)
        best = BooleanField()
        tag = CharField(max_length=40)

        class Meta:
            indexes = ((("attempt", "position"), True),
                       (("scenario_id", "scenario_hash"), False))

    db.create_tables([Attempt, Answer])


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS answer")
    db.execute_sql("DROP TABLE IF EXISTS attempt")
