"""The Peewee database chosen by DATABASE_URL, and its migrations. No Flask here:
the web layer (course/web/database.py) opens and closes connections per request."""
from __future__ import annotations

import os

from peewee import DatabaseProxy
from playhouse.db_url import parse as parse_url
from playhouse.migrations import Runner
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

db = DatabaseProxy()

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")

SQLITE_PRAGMAS = {
    "journal_mode": "wal",     # readers never wait for the writer
    "foreign_keys": 1,
    "synchronous": "normal",   # safe with WAL, far fewer fsyncs
    "busy_timeout": 10_000,    # ms to wait for a lock before "database is locked"
    "cache_size": -8_000,      # 8 MB page cache per connection
}

# Each request takes a connection from the pool and gives it back in teardown.
# Opening a real connection per request costs more than most pages (SQLite
# also checkpoints its WAL when the last connection closes); the pool keeps a
# few open per worker and retires them after STALE_SECONDS idle.
POOL_SIZE = 16
STALE_SECONDS = 300


def make_database(url: str, instance_path: str):
    if not url:
        url = "sqlite:///" + os.path.join(instance_path, "course.sqlite3")
    scheme = url.split(":", 1)[0].split("+", 1)[0]
    params = parse_url(url)
    if scheme == "sqlite":
        return PooledSqliteDatabase(params.pop("database"), pragmas=SQLITE_PRAGMAS, max_connections=POOL_SIZE,
                                    stale_timeout=STALE_SECONDS, check_same_thread=False, **params)
    if scheme in ("postgres", "postgresql", "postgresext", "postgresqlext"):
        return PooledPostgresqlDatabase(params.pop("database"), max_connections=POOL_SIZE,
                                        stale_timeout=STALE_SECONDS, **params)
    raise ValueError(f"DATABASE_URL: unsupported database '{scheme}' (use sqlite:/// or postgresql://)")


def upgrade() -> list[str]:
    """Apply pending numbered migrations; returns their names."""
    with db.connection_context():
        applied = Runner(db.obj, MIGRATIONS_DIR).up()
    analyze()
    return applied


def analyze() -> None:
    """Refresh the query planner's statistics. Without them SQLite may drive a
    report from the wrong table (ten times slower at 10,000 learners)."""
    with db.connection_context():
        db.execute_sql("ANALYZE")


def migration_status():
    with db.connection_context():
        return Runner(db.obj, MIGRATIONS_DIR).status()


def migration_level() -> tuple[str | None, int]:
    """(name of the last applied migration, number of pending ones), from one query of the
    migrations table: the readiness check's proof that the database answers. Needs an open
    connection."""
    status = Runner(db.obj, MIGRATIONS_DIR).status()
    applied = [m.name for m in status if m.applied]
    return (applied[-1] if applied else None), sum(1 for m in status if not m.applied and m.path)
