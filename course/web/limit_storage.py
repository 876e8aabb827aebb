"""`database://`: rate-limit counters in the app's own database (the default).

The limits library (under Flask-Limiter) stores counters in memory, Redis,
Memcached or MongoDB; it has no file or SQLite storage. Memory is per worker
process: with `gunicorn -w 2` every worker counted failures on its own. This
storage keeps the counters in the `rate_limit_counter` table of the database
the app already uses, so every worker of a host shares them on SQLite, and every
host shares them on PostgreSQL. Failed sign-ins are rare, so the extra writes
cost little; Redis (RATELIMIT_STORAGE_URI=redis://...) keeps them off the
database, for several hosts or a busy site.

It implements the fixed-window interface of `limits.storage.Storage` (incr,
get, get_expiry, clear, reset, check): an increment is one transaction (an
upsert after deleting expired rows), so concurrent workers never lose a count.
"""
from __future__ import annotations

import contextlib
import time

from limits.storage import Storage
from peewee import PeeweeException

from course.data.db import db
from course.data.models import RateLimitCounter


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, database=None, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        # An app passes its own database (two apps in one process stay apart);
        # Flask-Limiter builds this from the URI alone and gets the shared proxy.
        self.database = database if database is not None else db

    @property
    def base_exceptions(self):
        return PeeweeException

    @contextlib.contextmanager
    def _connected(self):
        if self.database.is_closed():
            with self.database.connection_context():
                yield
        else:
            yield

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        with self._connected():
            return RateLimitCounter.bump(self.database, key, amount, float(expiry), time.time())

    def get(self, key: str) -> int:
        with self._connected():
            row = RateLimitCounter.live(self.database, key, time.time())
        return row.hits if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        with self._connected():
            row = RateLimitCounter.live(self.database, key, now)
        return row.expires_at if row else now

    def clear(self, key: str) -> None:
        with self._connected():
            RateLimitCounter.remove(self.database, key)

    def reset(self) -> int | None:
        with self._connected():
            return RateLimitCounter.remove(self.database)

    def check(self) -> bool:
        try:
            with self._connected():
                self.database.execute_sql("SELECT 1")
            return True
        except PeeweeException:
            return False
