"""People and teams: creating, importing, editing, one-time links, data requests.

Plain functions over the models. Every function that changes several rows
does so in one transaction, so a failure leaves nothing half-done.
"""
from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
import secrets
from dataclasses import dataclass

from werkzeug.security import check_password_hash, generate_password_hash

from course.data.db import db
from course.data.models import ROLES, LoginToken, Membership, Person, Team
from course.learning import sessions
from course.time import utcnow

EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
# Column sizes (models.py): longer values are refused with a message, never truncated.
MAX_EMAIL, MAX_NAME, MAX_TEAM = 254, 200, 120
IMPORT_HEADER = ["email", "name", "team", "role"]

# A real hash for people without a password, so checking one takes as long as
# checking a real password and timing does not reveal which emails exist.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


def find_people(text: str = ""):
    """People whose name or email contains `text`, for the admin list."""
    return Person.search(text)


def find_teams(text: str = ""):
    return Team.search(text)


def person_by_id(person_id) -> Person | None:
    return Person.get_or_none(Person.id == person_id)


def team_by_id(team_id) -> Team | None:
    return Team.get_or_none(Team.id == team_id)


class PeopleError(ValueError):
    """Bad input from a person: the message is shown to them as it is."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_email(email: str) -> str:
    email = normalise_email(email)
    if not EMAIL.match(email) or len(email) > 254:
        raise PeopleError(f"'{email[:80]}' is not a valid email address")
    return email


def check_name(name: str, what: str = "name", limit: int = MAX_NAME) -> str:
    name = (name or "").strip()
    if not name:
        raise PeopleError(f"a {what} is required")
    if len(name) > limit:
        raise PeopleError(f"a {what} may have at most {limit} characters")
    return name


def check_role(role: str) -> str:
    role = (role or "").strip().lower()
    if role not in ROLES:
        raise PeopleError(f"unknown role '{role[:40]}' (roles: {', '.join(ROLES)})")
    return role


def check_password(password: str, min_length: int) -> str:
    if len(password or "") < min_length:
        raise PeopleError(f"a password needs at least {min_length} characters")
    return password


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def verify_password(person: Person | None, password: str) -> bool:
    if person is None or not person.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        return False
    return check_password_hash(person.password_hash, password or "")


def authenticate(email: str, password: str) -> Person | None:
    """The active person with this email and password, or None (same cost either way)."""
    person = Person.by_email(email or "")
    if not verify_password(person, password) or not person.active:
        return None
    person.last_login_at = utcnow()
    person.save(only=[Person.last_login_at])
    return person


def _place_in_team(person: Person, team_name: str | None, role: str) -> bool:
    """A manager manages the named team; anyone else is a member of it.
    Returns whether anything changed."""
    if not team_name:
        return False
    team, _ = Team.get_or_create(name=check_name(team_name, "team name", MAX_TEAM))
    manages = role == "manager"
    membership = Membership.get_or_none(person=person, team=team)
    if membership is None:
        Membership.create(person=person, team=team, is_manager=manages)
        return True
    if membership.is_manager != manages:
        membership.is_manager = manages
        membership.save()
        return True
    return False


def create_person(email: str, name: str, role: str, team: str | None = None,
                  password: str | None = None, min_length: int = 10) -> Person:
    email, role = check_email(email), check_role(role)
    name = check_name(name)
    if team:
        check_name(team, "team name", MAX_TEAM)
    if password is not None:
        check_password(password, min_length)
    with db.atomic():
        if Person.by_email(email):
            raise PeopleError(f"someone with the email {email} already exists")
        person = Person.create(email=email, name=name, role=role,
                               password_hash=hash_password(password) if password else None)
        _place_in_team(person, team, role)
    return person


def update_person(person: Person, *, name: str, email: str, role: str, active: bool) -> Person:
    email, role = check_email(email), check_role(role)
    name = check_name(name)
    other = Person.by_email(email)
    if other is not None and other.id != person.id:
        raise PeopleError(f"someone else already uses {email}")
    if role != person.role or bool(active) != bool(person.active):
        _end_sessions(person)       # a new role or (de)activation takes effect at once
    person.name, person.email, person.role, person.active = name, email, role, bool(active)
    person.save()
    return person


def set_password(person: Person, password: str, min_length: int) -> None:
    check_password(password, min_length)
    person.password_hash = hash_password(password)
    _end_sessions(person)
    person.save()


def _end_sessions(person: Person) -> None:
    """After a new password, role or active flag: every session ends (the rows are
    revoked and the version moves on) and so does every open set-password link."""
    person.end_sessions()
    sessions.end_all_sessions(person)


def sign_up(email: str, name: str, password: str, min_length: int, domain: str = "") -> None:
    """Self sign-up as a learner. Says nothing about whether the email was taken: a
    taken email changes nothing, and costs the same password hash as a new one."""
    email, name = check_email(email), check_name(name)
    if domain and not email.endswith("@" + domain):
        raise PeopleError(f"sign-up is open to @{domain} addresses only")
    check_password(password, min_length)
    password_hash = hash_password(password)
    with db.atomic():
        if Person.by_email(email) is None:
            Person.insert(email=email, name=name, role="learner",
                          password_hash=password_hash).on_conflict_ignore().execute()


# --- teams -----------------------------------------------------------------

def create_team(name: str) -> Team:
    name = check_name(name, "team name", MAX_TEAM)
    if Team.by_name(name):
        raise PeopleError(f"a team called '{name}' already exists")
    return Team.create(name=name)


def rename_team(team: Team, name: str) -> Team:
    name = check_name(name, "team name", MAX_TEAM)
    other = Team.by_name(name)
    if other is not None and other.id != team.id:
        raise PeopleError(f"a team called '{name}' already exists")
    team.name = name
    team.save()
    return team


def add_member(team: Team, email: str, manager: bool) -> Membership:
    person = Person.by_email(email)
    if person is None:
        raise PeopleError(f"nobody has the email {normalise_email(email)}")
    membership = Membership.get_or_none(person=person, team=team)
    if membership is None:
        return Membership.create(person=person, team=team, is_manager=manager)
    membership.is_manager = manager
    membership.save()
    return membership


def remove_member(team: Team, person_id: int) -> int:
    return Membership.delete().where((Membership.team == team) & (Membership.person == person_id)).execute()


# --- one-time links ----------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(person: Person, purpose: str, hours: int) -> str:
    """A one-time invite or reset token; only its hash is stored."""
    if purpose not in ("invite", "reset"):
        raise PeopleError("a link is an invite or a reset")
    token = secrets.token_urlsafe(32)
    LoginToken.create(person=person, token_hash=_token_hash(token), purpose=purpose,
                      expires_at=utcnow() + datetime.timedelta(hours=hours), person_version=person.session_version)
    return token


def find_link(token: str) -> LoginToken | None:
    """The unused, unexpired link for this token, or None. A link is bound to the
    person's session_version when it was made: a password set by any route, a new
    role, a deactivation or a re-activation moves the version on and kills it."""
    link = LoginToken.get_or_none(LoginToken.token_hash == _token_hash(token or ""))
    if link is None or link.used_at is not None or link.expires_at < utcnow():
        return None
    if not link.person.active or link.person_version != link.person.session_version:
        return None
    return link


def use_link(token: str, password: str, min_length: int) -> Person:
    with db.atomic():
        link = find_link(token)
        if link is None:
            raise PeopleError("this link has expired or was already used; ask an admin for a new one")
        set_password(link.person, password, min_length)
        # Using one link spends every other open link of the same person too.
        LoginToken.update(used_at=utcnow()).where((LoginToken.person == link.person)
                                                  & LoginToken.used_at.is_null()).execute()
        return link.person


# --- CSV import ------------------------------------------------------------

@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def _csv_rows(reader, errors):
    """The reader's rows; a row the csv module cannot read (a field over its size limit, a NUL)
    ends the file with an error naming its line, so nothing is imported."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problem = str(exc)
            if "field larger than field limit" in problem:
                problem = f"a field is longer than {csv.field_size_limit():,} characters"
            errors.append(f"line {max(reader.line_num, 1)}: cannot be read as CSV ({problem}); "
                          "nothing after it was checked")
            return


def read_people_csv(text: str):
    """Parse and validate every row; returns (rows, errors) where errors are 'line N: ...'."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows, errors, seen = [], [], {}
    header = next(_csv_rows(reader, errors), None)
    if errors:
        return [], errors
    if header is None:
        return [], ["line 1: the file is empty (expected the header email,name,team,role)"]
    header = [h.strip().lower() for h in header]
    if header != IMPORT_HEADER:
        return [], [f"line 1: the header must be {','.join(IMPORT_HEADER)}, not {','.join(header)[:200]}"]
    for cells in _csv_rows(reader, errors):
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != 4:
            errors.append(f"line {line}: expected 4 fields (email,name,team,role), found {len(cells)}")
            continue
        email, name, team, role = (c.strip() for c in cells)
        problems = []
        for field, value in (("email", email), ("name", name), ("role", role)):
            if not value:
                problems.append(f"missing {field}")
        if email and (not EMAIL.match(email.lower()) or len(email) > MAX_EMAIL):
            problems.append(f"bad email '{email[:60]}'")
        if len(name) > MAX_NAME:
            problems.append(f"name longer than {MAX_NAME} characters")
        if len(team) > MAX_TEAM:
            problems.append(f"team name longer than {MAX_TEAM} characters")
        if role and role.lower() not in ROLES:
            problems.append(f"unknown role '{role[:40]}'")
        if email and email.lower() in seen:
            problems.append(f"{email.lower()} appears twice in the file (also line {seen[email.lower()]})")
        if email:
            seen.setdefault(email.lower(), line)
        if problems:
            errors.append(f"line {line}: " + "; ".join(problems))
            continue
        rows.append((email.lower(), name, team, role.lower()))
    return rows, errors


def import_people(text: str) -> ImportResult:
    """All rows or none: any bad row imports nobody and every bad row is listed."""
    rows, errors = read_people_csv(text)
    if errors:
        return ImportResult(errors=tuple(errors))
    result = ImportResult()
    with db.atomic():
        for email, name, team, role in rows:
            person = Person.by_email(email)
            if person is None:
                person = Person.create(email=email, name=name, role=role)
                _place_in_team(person, team, role)
                result.created += 1
                continue
            changed = person.name != name or person.role != role
            if changed:
                if person.role != role:
                    _end_sessions(person)
                person.name, person.role = name, role
                person.save()
            if _place_in_team(person, team, role) or changed:
                result.updated += 1
            else:
                result.unchanged += 1
    return result
