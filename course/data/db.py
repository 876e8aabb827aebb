"""The Peewee database chosen by DATABASE_URL, and its migrations. No Flask here:
the web layer (course/web/database.py) opens and closes connections per request."""
from __future__ import annotations

import os
import sqlite3

from peewee import DatabaseProxy, SqliteDatabase
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


def write_transaction():
    """A transaction that writes: on SQLite `BEGIN IMMEDIATE`, so the write lock is taken at the
    start (a deferred transaction that read first could not be upgraded and would wait through
    SQLite's busy-handler sleeps); on PostgreSQL a plain one. Nested: a savepoint."""
    if isinstance(db.obj, SqliteDatabase):
        return db.atomic("IMMEDIATE")
    return db.atomic()


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


# --- backup and restore ---------------------------------------------------------------------

def is_sqlite() -> bool:
    return isinstance(db.obj, SqliteDatabase)


def sqlite_path() -> str:
    return db.obj.database


def _integrity(conn: sqlite3.Connection) -> str:
    return conn.execute("PRAGMA integrity_check").fetchone()[0]


def backup_sqlite(target: str) -> int:
    """A consistent copy of the live SQLite database in `target` (written beside it, then renamed),
    with SQLite's online backup API: it copies one snapshot while the site keeps reading and
    writing. The copy is a single self-contained file (journal mode DELETE). Returns its size."""
    partial = target + ".partial"
    if os.path.exists(partial):
        os.remove(partial)
    source = sqlite3.connect(sqlite_path(), timeout=30)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        if _integrity(copy) != "ok":
            raise RuntimeError("the copy failed its integrity check")
    finally:
        copy.close()
        source.close()
    os.replace(partial, target)
    return os.path.getsize(target)


def check_backup(path: str) -> list[str]:
    """The migrations a backup file has applied; raises ValueError when it is not one of ours."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ValueError(f"{path} cannot be opened: {exc}")
    try:
        if _integrity(conn) != "ok":
            raise ValueError(f"{path} fails SQLite's integrity check")
        return [row[0] for row in conn.execute("SELECT name FROM schema_migration ORDER BY name")]
    except sqlite3.DatabaseError as exc:
        raise ValueError(f"{path} is not a backup of this site's database ({exc})")
    finally:
        conn.close()


def restore_sqlite(source_path: str) -> None:
    """Replace the live database's content with the backup's, in one transaction (the backup API
    again, into the live file: readers see the old data or the new, never a mix)."""
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    live = sqlite3.connect(sqlite_path(), timeout=30)
    try:
        source.backup(live)
    finally:
        live.close()
        source.close()
