"""Sign-in sessions with flask-login, the remember-me cookie, and the sign-up limit.

Each sign-in is a row (course.learning.sessions). The signed session cookie
carries that row's random token as flask-login's user id, and the user loader
looks the row up on every request: a revoked, unknown or outdated session, or
one unused for a year, is signed out. The remember-me cookie is this module's
own (a second random token of the same row, new at each sign-in, REMEMBER_DAYS
long); flask-login's request loader reads it when the session cookie has no
live session. Signing out revokes the row, so a replayed session or remember-me
cookie no longer works, while the person's other browsers stay signed in.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, g, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_user, logout_user

from course.learning import sessions
from course.web import sign_in_limits

REMEMBER_COOKIE = "remember_token"

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


# Only the sign-up form uses Flask-Limiter; failed sign-ins have their own limits
# (course/web/sign_in_limits.py), which slow an account down instead of locking it.
limiter = Limiter(key_func=address_key, default_limits=[], headers_enabled=False)


def _days() -> int:
    return int(current_app.config["REMEMBER_DAYS"])


@login_manager.user_loader
def load_person(token: str):
    record = sessions.load_session(token)
    if record is None:
        return None
    g.sign_in_session = record
    return record.person


@login_manager.request_loader
def load_remembered(req):
    """Only when the session cookie names no live session: the remember-me cookie."""
    token = req.cookies.get(REMEMBER_COOKIE)
    if not token:
        return None
    record = sessions.load_remembered(token)
    if record is None:
        g.remember_cookie = None            # dead or forged: tell the browser to drop it
        return None
    g.sign_in_session = record
    return record.person


def begin_session(person, remember: bool = False) -> None:
    """Sign `person` in on this browser. The Flask session is emptied first, so
    nothing from before (a planted session, the old CSRF secret) carries over."""
    started = sessions.start_session(person, request.user_agent.string, remember, _days())
    session.clear()
    g.pop("csrf_token", None)               # flask-wtf's token for this request, from the old secret
    login_user(person)                      # stores started.token (person.get_id()) in the session
    g.sign_in_session = started.record
    g.remember_cookie = started.remember_token


def current_session_remembered() -> bool:
    record = g.get("sign_in_session")
    return record is not None and record.remember_token_hash is not None


def end_session(everywhere: bool = False) -> None:
    """Sign out this browser (its session row is revoked), or every browser of the person."""
    if current_user.is_authenticated:
        if everywhere:
            sessions.end_all_sessions(current_user)
        else:
            for record in (g.get("sign_in_session"),
                           sessions.load_remembered(request.cookies.get(REMEMBER_COOKIE))):
                if record is not None and record.person_id == current_user.id:
                    sessions.end_session(record)
    logout_user()
    session.clear()
    g.remember_cookie = None


def live_sessions(person):
    return sessions.live_sessions(person)


def _remember_cookie(response):
    if "remember_cookie" not in g:
        return response
    config = current_app.config
    flags = {"path": "/", "secure": config["REMEMBER_COOKIE_SECURE"],
             "httponly": config["REMEMBER_COOKIE_HTTPONLY"], "samesite": config["REMEMBER_COOKIE_SAMESITE"]}
    if g.remember_cookie:
        response.set_cookie(REMEMBER_COOKIE, g.remember_cookie, max_age=_days() * 86400, **flags)
    elif REMEMBER_COOKIE in request.cookies:
        response.delete_cookie(REMEMBER_COOKIE, **flags)
    return response


def safe_next(target: str | None, default: str) -> str:
    """`next` may only lead to a path on this site."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return default
    return target


APP_WIDE_LIMITS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")


def _limit_only_where_needed(app: Flask) -> None:
    """Flask-Limiter checks app-wide limits before every request (a fifth of /health's time).
    We set none: the sign-up view's own `@limiter.limit` checks itself inside the view. So the
    before-request check only runs when configuration adds app-wide limits."""
    if any(app.config.get(name) for name in APP_WIDE_LIMITS):
        return
    funcs = app.before_request_funcs.get(None, [])
    app.before_request_funcs[None] = [f for f in funcs if f != limiter._check_request_limit]


def init_app(app: Flask) -> None:
    # flask-login's own remember-me cookie is never set (login_user is never given
    # remember=True); its name is moved aside so that it never tries to read ours.
    app.config["REMEMBER_COOKIE_NAME"] = "flask_login_remember_unused"
    app.config.setdefault("REMEMBER_DAYS", 30)
    login_manager.init_app(app)
    app.after_request(_remember_cookie)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "course")
    limiter.init_app(app)           # database:// is registered by importing sign_in_limits
    _limit_only_where_needed(app)
    sign_in_limits.init_app(app)
