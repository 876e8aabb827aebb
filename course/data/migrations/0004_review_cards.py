"""Spaced-review cards, one per person and scenario (frozen copy of the table)."""
import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


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

    class ReviewCard(Base):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        course_slug = CharField(max_length=100)
        lesson_slug = CharField(max_length=100)
        scenario_id = CharField(max_length=100)
        scenario_hash = CharField(max_length=32)
        card = TextField()
        due = DateTimeField(index=True)
        reviews = IntegerField(default=0)
        created_at = DateTimeField(default=_now)
        retired_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("person", "course_slug", "lesson_slug", "scenario_id"), True),
                       (("person", "due"), False))

    db.create_tables([ReviewCard])


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS review_card")
