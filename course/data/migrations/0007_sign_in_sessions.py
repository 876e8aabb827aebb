"""Sign-in sessions that end, links bound to the account's version, and the
rate-limit counters kept in the database (frozen copies of the tables).

- sign_in_session: one row per sign-in; its id is the sha256 of the token in
  the browser's signed cookie, so signing out (revoking the row) ends it.
- login_token.person_version: the person's session_version when the link was
  made. Open links get the current version, so they keep working until the
  next password, role or active change.
- rate_limit_counter: the default storage of the sign-in and sign-up limits,
  shared by every worker of the host (and every host on the same database).
"""
import datetime

from peewee import (CharField, DateTimeField, DoubleField, ForeignKeyField, IntegerField, Model,
                    TextField)


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

    class SignInSession(Base):
        id = CharField(max_length=64, primary_key=True)
        person = ForeignKeyField(Person, on_delete="CASCADE")
        person_version = IntegerField()
        created_at = DateTimeField(default=_now)
        last_seen_at = DateTimeField(default=_now)
        user_agent = CharField(max_length=200, default="")
        remember_token_hash = CharField(max_length=64, null=True, unique=True)
        remember_expires_at = DateTimeField(null=True)
        revoked_at = DateTimeField(null=True)

    class RateLimitCounter(Base):
        key = TextField(primary_key=True)
        hits = IntegerField(default=0)
        expires_at = DoubleField(index=True)

    db.create_tables([SignInSession, RateLimitCounter])
    migrator.migrate(migrator.add_column("login_token", "person_version", IntegerField(null=True)))
    db.execute_sql("""
        UPDATE login_token SET person_version = (
            SELECT p.session_version FROM person p WHERE p.id = login_token.person_id)""")


def down(migrator, db):
    migrator.migrate(migrator.drop_column("login_token", "person_version"))
    db.execute_sql("DROP TABLE IF EXISTS rate_limit_counter")
    db.execute_sql("DROP TABLE IF EXISTS sign_in_session")
