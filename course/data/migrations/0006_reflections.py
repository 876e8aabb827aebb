"""Learners' private reflections, one row per saved answer (frozen copy of the table)."""
import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, Model, TextField


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

    class Reflection(Base):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        course_slug = CharField(max_length=100)
        lesson_slug = CharField(max_length=100)
        prompt_id = CharField(max_length=100)
        prompt_text = TextField()
        text = TextField()
        created_at = DateTimeField(default=_now)

        class Meta:
            indexes = ((("person", "course_slug", "lesson_slug", "prompt_id"), False),
                       (("person", "created_at"), False))

    db.create_tables([Reflection])


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS reflection")
