"""Courses assigned to teams with a due date (frozen copy of the table)."""
import datetime

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, Model


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Team(Base):
        class Meta:
            table_name = "team"

    class Person(Base):
        class Meta:
            table_name = "person"

    class Assignment(Base):
        team = ForeignKeyField(Team, on_delete="CASCADE")
        course_slug = CharField(max_length=100)
        due_date = DateField()
        assigned_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=_now)

        class Meta:
            indexes = ((("team", "course_slug"), True),)

    db.create_tables([Assignment])


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS assignment")
