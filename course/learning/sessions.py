"""Sign-in sessions: a database row per sign-in, so that signing out ends it for real.

`start_session` is the one way a session begins: the sign-in form, a set-password
link, a password change, the benchmarks and the tests all go through it. It
returns the random token the browser keeps (in the signed session cookie) and,
when asked, a second random token for the remember-me cookie. Only their sha256
hashes are stored, so a copy of the database signs nobody in.

A session is alive while it is not revoked, its person is active and still on the
session_version it was started under (a new password, role or active flag moves
it on), and it was used within IDLE_LIMIT. Its remember-me token also stops at
`remember_expires_at` (REMEMBER_DAYS after sign-in). A plain session has no
shorter limit of its own: its cookie goes when the browser closes, and signing out
revokes it. `last_seen_at` is written at most every SEEN_EVERY, so reading pages
does not write on every request. Dead rows are deleted at the person's next sign-in.
"""
from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from course.data.db import db
from course.data.models import Person, SignInSession
from course.time import utcnow

SEEN_EVERY = datetime.timedelta(minutes=5)
IDLE_LIMIT = datetime.timedelta(days=365)
MAX_TOKEN = 100          # token_urlsafe(32) is 43 characters; anything much longer is not ours


@dataclass(frozen=True)
class Started:
    token: str                      # for the session cookie
    remember_token: str | None      # for the remember-me cookie, when asked for
    record: SignInSession


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(person: Person, user_agent: str = "", remember: bool = False, days: int = 30) -> Started:
    """A new session for `person` (who has already proved who they are)."""
    token = secrets.token_urlsafe(32)
    remember_token = secrets.token_urlsafe(32) if remember else None
    now = utcnow()
    with db.atomic():
        _prune(person, now)
        record = SignInSession.create(
            id=token_hash(token), person=person, person_version=person.session_version,
            created_at=now, last_seen_at=now, user_agent=(user_agent or "")[:200],
            remember_token_hash=token_hash(remember_token) if remember_token else None,
            remember_expires_at=now + datetime.timedelta(days=days) if remember_token else None)
    person.session_token = token
    return Started(token, remember_token, record)


def _prune(person: Person, now: datetime.datetime) -> None:
    """Forget the person's sessions that can no longer sign anyone in."""
    SignInSession.delete().where((SignInSession.person == person)
                                 & (SignInSession.revoked_at.is_null(False)
                                    | (SignInSession.person_version != person.session_version)
                                    | (SignInSession.last_seen_at <= now - IDLE_LIMIT))).execute()


def _alive(record: SignInSession | None, now: datetime.datetime) -> bool:
    if record is None or record.revoked_at is not None:
        return False
    person = record.person
    return (bool(person.active) and person.session_version == record.person_version
            and record.last_seen_at > now - IDLE_LIMIT)


def _seen(record: SignInSession, now: datetime.datetime) -> None:
    if now - record.last_seen_at >= SEEN_EVERY:
        record.last_seen_at = now
        SignInSession.update(last_seen_at=now).where(SignInSession.id == record.id).execute()


def load_session(token: str | None) -> SignInSession | None:
    """The live session whose token the browser sent (its person already loaded), or None."""
    if not token or len(token) > MAX_TOKEN:
        return None
    now = utcnow()
    record = SignInSession.with_person(SignInSession.id == token_hash(token))
    if not _alive(record, now):
        return None
    _seen(record, now)
    record.person.session_token = token
    return record


def load_remembered(remember_token: str | None) -> SignInSession | None:
    """The live, remembered session of this remember-me token, or None."""
    if not remember_token or len(remember_token) > MAX_TOKEN:
        return None
    now = utcnow()
    record = SignInSession.with_person(SignInSession.remember_token_hash == token_hash(remember_token))
    if not _alive(record, now) or record.remember_expires_at is None or record.remember_expires_at <= now:
        return None
    _seen(record, now)
    return record


def end_session(record: SignInSession) -> None:
    """Sign out one browser: its session cookie and remember-me cookie stop working."""
    SignInSession.revoke(SignInSession.id == record.id, utcnow())


def end_all_sessions(person: Person) -> int:
    """Sign the person out everywhere; returns how many sessions ended."""
    return SignInSession.revoke(SignInSession.person == person, utcnow())


def live_sessions(person: Person) -> list[SignInSession]:
    """The person's sessions that still work, for their account page."""
    if not person.active:
        return []
    return [s for s in SignInSession.live_for(person, utcnow() - IDLE_LIMIT)
            if s.person_version == person.session_version]
