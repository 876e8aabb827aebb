"""Limits on failed sign-ins that hold across workers and hosts and lock nobody out.

Counts live in the rate-limit storage (RATELIMIT_STORAGE_URI: the app's own
database by default, Redis when set), one storage object per app, so every
worker and host on the same storage shares them:

- Per address: LOGIN_FAILURE_LIMIT failures (default 10 per 15 minutes) from one
  client address, then that address is refused (429) until its window ends. The
  address that failed is refused; the owner signing in from elsewhere is not.
- Per account: after the same number of failures for one email (remembered for a
  day), each further attempt must wait 2^k seconds after the last failure (k =
  failures beyond the number, the wait capped at LOGIN_DELAY_MAX seconds). While
  it waits the password is not even checked; after the wait the correct password
  signs in. Unknown emails are counted the same way, so nothing tells them apart.

An attempt reserves its place (an atomic increment) before the password is
checked, so parallel requests cannot slip past the number; a successful sign-in
gives its place back, so it never counts. Waits are "gates": a counter that
expires after the wait, created when a failure happens; the first attempt to
find it expired takes it again atomically, so only one attempt passes per wait.
If the storage fails (Redis down), a per-process memory storage stands in.
"""
from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from flask import Flask, current_app
from flask_limiter.util import get_remote_address
from limits import parse
from limits.storage import MemoryStorage, storage_from_string

from course.web.limit_storage import DatabaseStorage

ACCOUNT_MEMORY = 24 * 3600      # seconds an account's failures are remembered
log = logging.getLogger(__name__)


def _part(value: str) -> str:
    """Keys stay short whatever was typed into the form."""
    return value if len(value) <= 254 else "sha256-" + hashlib.sha256(value.encode()).hexdigest()


@dataclass
class Attempt:
    limits: "SignInLimits"
    address_key: str
    account_key: str | None = None
    refused: str = ""               # "", "address" or "account"
    retry_after: int = 0

    def failed(self) -> None:
        self.limits.failed(self)

    def succeeded(self) -> None:
        self.limits.succeeded(self)


class SignInLimits:
    def __init__(self, storage, limit: str, delay_max: int, prefix: str):
        item = parse(limit)
        self.storage, self.fallback = storage, MemoryStorage()
        self.allowed, self.window = item.amount, item.get_expiry()
        self.delay_max, self.prefix = max(1, int(delay_max)), prefix

    def _do(self, method: str, *args):
        try:
            return getattr(self.storage, method)(*args)
        except self.storage.base_exceptions as exc:
            log.warning("sign-in limits: storage failed (%s); counting in this process only", exc)
            return getattr(self.fallback, method)(*args)

    def delay(self, failures: int) -> int:
        """Seconds to wait after the account's `failures`-th failure."""
        return min(2 ** max(0, failures - self.allowed), self.delay_max)

    def _wait(self, key: str) -> int:
        return max(1, math.ceil(self._do("get_expiry", key) - time.time()))

    def begin(self, address: str, email: str) -> Attempt:
        attempt = Attempt(self, f"{self.prefix}:sign-in:address:{_part(address)}")
        if self._do("incr", attempt.address_key, self.window, 1) > self.allowed:
            attempt.refused, attempt.retry_after = "address", self._wait(attempt.address_key)
            return attempt
        email = (email or "").strip().lower()
        if not email:
            return attempt
        account = f"{self.prefix}:sign-in:account:{_part(email)}"
        reserved = self._do("incr", account + ":attempts", ACCOUNT_MEMORY, 1)
        failures = self._do("get", account + ":failures")
        if reserved > self.allowed or failures >= self.allowed:
            gate = f"{account}:wait:{failures}"
            if self._do("incr", gate, self.delay(failures), 1) > 1:
                # Waiting is not failing: give both places back, so the owner who
                # retries too early is not refused at their address for it.
                self._do("incr", account + ":attempts", ACCOUNT_MEMORY, -1)
                self._do("incr", attempt.address_key, self.window, -1)
                attempt.refused, attempt.retry_after = "account", self._wait(gate)
                return attempt
        attempt.account_key = account
        return attempt

    def failed(self, attempt: Attempt) -> None:
        if attempt.account_key is None:
            return
        failures = self._do("incr", attempt.account_key + ":failures", ACCOUNT_MEMORY, 1)
        if failures >= self.allowed:
            self._do("incr", f"{attempt.account_key}:wait:{failures}", self.delay(failures), 1)

    def succeeded(self, attempt: Attempt) -> None:
        self._do("incr", attempt.address_key, self.window, -1)
        if attempt.account_key is not None:
            self._do("incr", attempt.account_key + ":attempts", ACCOUNT_MEMORY, -1)


def begin(email: str) -> Attempt:
    """Reserve this request's sign-in attempt (refused or not: see `Attempt.refused`)."""
    return current_app.extensions["sign_in_limits"].begin(get_remote_address() or "", email)


def storage_for(app: Flask):
    """The app's own storage object for RATELIMIT_STORAGE_URI (database:// is this app's database)."""
    uri = app.config["RATELIMIT_STORAGE_URI"]
    if uri.split(":", 1)[0] == "database":
        return DatabaseStorage(uri, database=app.extensions["peewee"])
    return storage_from_string(uri, **app.config.get("RATELIMIT_STORAGE_OPTIONS", {}))


def init_app(app: Flask) -> None:
    app.config.setdefault("LOGIN_DELAY_MAX", 300)
    app.extensions["sign_in_limits"] = SignInLimits(
        storage_for(app), app.config["LOGIN_FAILURE_LIMIT"], app.config["LOGIN_DELAY_MAX"],
        app.config.get("RATELIMIT_KEY_PREFIX", "course"))
