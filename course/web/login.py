"""Sign-in with flask-login, and rate limits on failed sign-ins.

The session (and the remember-me cookie) carry "person_id:session_version";
a person whose version moved on (new role, new password, deactivated) is
signed out everywhere on their next request.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager

from course.data.models import Person

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"
# "basic": a changed address or browser marks the session non-fresh rather than
# dropping it, so people on phones moving between networks are not signed out.
login_manager.session_protection = "basic"

def _prefix() -> str:
    # Keys carry this app's prefix themselves: one Limiter object serves every
    # app in the process, and hosts sharing Redis share a prefix on purpose.
    return current_app.config.get("RATELIMIT_KEY_PREFIX", "course")


def address_key() -> str:
    return f"{_prefix()}:address:{get_remote_address()}"


limiter = Limiter(key_func=address_key, default_limits=[], headers_enabled=False)


@login_manager.user_loader
def load_person(user_id: str):
    try:
        person_id, version = (int(part) for part in user_id.split(":", 1))
    except (ValueError, AttributeError):
        return None
    person = Person.by_id(person_id)
    if person is None or not person.active or person.session_version != version:
        return None
    return person


def failed_sign_in(response) -> bool:
    """Only failures count against the limit; a successful sign-in never does."""
    return response.status_code == 401


def submitted_email() -> str:
    return f"{_prefix()}:email:" + (request.form.get("email") or "").strip().lower()


def safe_next(target: str | None, default: str) -> str:
    """`next` may only lead to a path on this site."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return default
    return target


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "course")
    limiter.init_app(app)
