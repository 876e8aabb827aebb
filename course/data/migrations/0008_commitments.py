"""Learners' "Try this at work" commitments and their check-ins (frozen copy of the table)."""
import datetime

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, Model, TextField


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

    class Commitment(Base):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        course_slug = CharField(max_length=100)
        lesson_slug = CharField(max_length=100)
        text = TextField()
        tags = CharField(max_length=500, default="")
        created_at = DateTimeField(default=_now)
        check_in_on = DateField()
        moved = BooleanField(default=False)
        outcome = CharField(max_length=20, null=True)
        reflection = TextField(default="")
        checked_in_at = DateTimeField(null=True)
        shared = BooleanField(default=False)

        class Meta:
            indexes = ((("person", "check_in_on"), False), (("person", "created_at"), False))

    db.create_tables([Commitment])


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS commitment")
