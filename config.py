"""Settings, every one read from the environment (see docs/operations.md).

`settings_from_env()` returns a plain dict that `create_app` loads into
`app.config`; tests pass overrides through `create_app(test_config)`.
"""
from __future__ import annotations

import os

ROOT = os.path.dirname(os.path.abspath(__file__))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def settings_from_env() -> dict:
    return {
        # Signing key for sessions and CSRF tokens. Required outside debug mode so
        # that every host behind a load balancer signs with the same key.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        # playhouse.db_url form: sqlite:///path/to.db, postgresql://user@host:5432/db.
        # Empty means the SQLite file instance/course.sqlite3.
        "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
        # The folder that holds lessons/ and quizzes/.
        "CONTENT_DIR": os.environ.get("CONTENT_DIR") or ROOT,
        # Re-read changed content files on the next request (defaults to debug mode).
        "CONTENT_RELOAD": _bool("CONTENT_RELOAD", False),
        "DEFAULT_PASS_SCORE": _float("DEFAULT_PASS_SCORE", 0.75),
        # Item analysis hides any figure drawn from fewer learners than this.
        "MIN_GROUP_SIZE": _int("MIN_GROUP_SIZE", 5),
        # Spaced review: at most this many scenarios a day per learner.
        "REVIEW_DAILY_LIMIT": _int("REVIEW_DAILY_LIMIT", 10),
        # Dates are stored in UTC and shown in this zone.
        "TIMEZONE": os.environ.get("TIMEZONE", "UTC"),
        "SITE_NAME": os.environ.get("SITE_NAME", "Coaching at Work"),
        # Accounts
        "ALLOW_SIGNUP": _bool("ALLOW_SIGNUP", False),
        "SIGNUP_EMAIL_DOMAIN": os.environ.get("SIGNUP_EMAIL_DOMAIN", ""),
        "PASSWORD_MIN_LENGTH": _int("PASSWORD_MIN_LENGTH", 10),
        "TOKEN_HOURS": _int("TOKEN_HOURS", 72),
        # Failed sign-ins: an address is refused after this many within the window;
        # an account is slowed after this many (2^k seconds, at most LOGIN_DELAY_MAX).
        "LOGIN_FAILURE_LIMIT": os.environ.get("LOGIN_FAILURE_LIMIT", "10 per 15 minutes"),
        "LOGIN_DELAY_MAX": _int("LOGIN_DELAY_MAX", 300),
        # Where rate-limit counters live: database:// (the app's own database, shared
        # by every worker; the default) or redis://host:6379/0 (shared by every host).
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "database://",
        # "Keep me signed in" (the remember-me cookie) lasts this many days.
        "REMEMBER_DAYS": _int("REMEMBER_DAYS", 30),
        # Behind one reverse proxy (nginx, a load balancer): trust its X-Forwarded-For,
        # -Proto and -Host, so limits see the client's address and HTTPS is known.
        "BEHIND_PROXY": _bool("BEHIND_PROXY", False),
        # Cookies
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        # Request bodies larger than this are refused with 413 before they are read. 2 MB holds
        # a people CSV of 10,000 rows (about 100 bytes each); the reverse proxy should cap lower
        # or equal (docs/operations.md).
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024) or None,
        # One JSON line per request on standard output (docs/security.md says what is in it).
        "REQUEST_LOG": _bool("REQUEST_LOG", True),
    }
