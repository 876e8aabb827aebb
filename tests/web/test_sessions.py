"""Sessions that end (issue 13): a database row per sign-in, revoked by signing out,
a remember-me token new at each sign-in, a renewed session and CSRF secret at
sign-in, and set-password links that die with the password. All through HTTP."""
from __future__ import annotations

import datetime
import hashlib
import json
import re

import pytest

from course.data.db import db
from course.data.models import Person, SignInSession
from course.learning import sessions
from helpers.app import make_app
from helpers.content import LESSON
from helpers.http import csrf_from, csrf_token, post, sign_in
from helpers.people import DEMO_PASSWORD, ROLE_EMAILS, seed_people

LEARNER = ROLE_EMAILS["learner"]
NEW_PASSWORD = "a-brand-new-secret"
COURSE_URL = "/courses/demo/"
_LINK = re.compile(r"/auth/set-password/([A-Za-z0-9_\-]+)")


@pytest.fixture
def content_dir(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First steps"))
    return tree.root


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def rows(email=LEARNER):
    with db.connection_context():
        return list(SignInSession.select().join(Person).where(Person.email == email).order_by(SignInSession.created_at))


def person(email=LEARNER):
    with db.connection_context():
        return Person.by_email(email)


def signed_in_client(app, email=LEARNER, remember=False):
    client = app.test_client()
    assert sign_in(client, email, remember=remember).status_code == 302
    return client


def sent_to_sign_in(client, url=COURSE_URL) -> bool:
    response = client.get(url)
    if response.status_code == 200:
        return False
    assert response.status_code == 302, response.status_code
    return response.headers["Location"].startswith("/auth/sign-in")


def with_cookie(app, name, value):
    client = app.test_client()
    client.set_cookie(name, value)
    return client


def set_cookie_header(response, name):
    return next((h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")), None)


def sign_out(client, everywhere=False):
    data = {"everywhere": "1"} if everywhere else {}
    response = post(client, "/auth/sign-out", data, token_from="/account/password")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/sign-in")
    return response


# --- a row per sign-in ------------------------------------------------------------

def test_each_sign_in_creates_a_session_row_holding_only_a_hash(seeded):
    client = signed_in_client(seeded)
    with client.session_transaction() as cookie_session:
        token = cookie_session["_user_id"]
    [row] = rows()
    assert row.id == sha256(token) and token not in row.id
    assert row.revoked_at is None and row.remember_token_hash is None and row.remember_expires_at is None
    assert row.person_version == person().session_version
    assert row.user_agent.startswith("Werkzeug")
    signed_in_client(seeded)
    assert len(rows()) == 2, "a second browser is a second session"


def test_the_sign_in_form_goes_through_start_session(seeded, monkeypatch):
    calls = []
    original = sessions.start_session

    def spy(person, user_agent="", remember=False, days=30):
        calls.append((person.email, remember, days))
        return original(person, user_agent, remember, days)

    monkeypatch.setattr(sessions, "start_session", spy)
    signed_in_client(seeded, remember=True)
    assert calls == [(LEARNER, True, 30)]


def test_a_session_from_start_session_signs_a_test_client_in(seeded):
    """What the benchmarks and tests do to sign many people in without hashing passwords."""
    with seeded.app_context(), db.connection_context():
        started = sessions.start_session(Person.by_email(LEARNER), "bench")
    client = seeded.test_client()
    with client.session_transaction() as cookie_session:
        cookie_session["_user_id"] = started.token
    assert client.get(COURSE_URL).status_code == 200


@pytest.mark.parametrize("value", ["", "not-a-session", "1:1", "x" * 5000])
def test_an_unknown_or_forged_session_id_is_signed_out(seeded, value):
    client = seeded.test_client()
    with client.session_transaction() as cookie_session:
        cookie_session["_user_id"] = value
    assert sent_to_sign_in(client)


# --- signing out ----------------------------------------------------------------------

def test_replaying_the_session_cookie_after_sign_out_gives_the_sign_in_page(seeded):
    client = signed_in_client(seeded)
    old_cookie = client.get_cookie("session").value
    assert not sent_to_sign_in(with_cookie(seeded, "session", old_cookie))
    sign_out(client)
    assert sent_to_sign_in(client)
    replay = with_cookie(seeded, "session", old_cookie)
    assert sent_to_sign_in(replay)
    assert sent_to_sign_in(replay, "/")
    [row] = rows()
    assert row.revoked_at is not None


def test_signing_out_leaves_the_other_devices_signed_in(seeded):
    laptop, phone = signed_in_client(seeded), signed_in_client(seeded, remember=True)
    sign_out(laptop)
    assert sent_to_sign_in(laptop)
    assert not sent_to_sign_in(phone)
    only_remember = with_cookie(seeded, "remember_token", phone.get_cookie("remember_token").value)
    assert not sent_to_sign_in(only_remember)
    assert [row.revoked_at is None for row in rows()] == [False, True]


def test_the_remember_cookie_after_sign_out_is_dead(seeded):
    client = signed_in_client(seeded, remember=True)
    remember = client.get_cookie("remember_token").value
    assert not sent_to_sign_in(with_cookie(seeded, "remember_token", remember))
    response = sign_out(client)
    assert "remember_token=;" in set_cookie_header(response, "remember_token")   # the browser forgets it
    assert sent_to_sign_in(with_cookie(seeded, "remember_token", remember))


def test_a_dead_remember_cookie_is_removed_from_the_browser(seeded):
    client = with_cookie(seeded, "remember_token", "made-up")
    response = client.get("/auth/sign-in")
    assert response.status_code == 200
    assert client.get_cookie("remember_token") is None


def test_sign_out_everywhere_ends_every_session_and_remember_cookie(seeded):
    laptop = signed_in_client(seeded)
    phone = signed_in_client(seeded, remember=True)
    remember = phone.get_cookie("remember_token").value
    tablet = signed_in_client(seeded)
    other_person = signed_in_client(seeded, ROLE_EMAILS["trainer"])
    page = laptop.get("/account/password").get_data(as_text=True)
    assert "Sign out everywhere" in page and page.count("Werkzeug") == 3 and "(this browser)" in page
    sign_out(laptop, everywhere=True)
    for client in (laptop, phone, tablet, with_cookie(seeded, "remember_token", remember)):
        assert sent_to_sign_in(client)
    assert all(row.revoked_at is not None for row in rows())
    assert not sent_to_sign_in(other_person)


def test_sign_out_everywhere_needs_the_csrf_token(seeded):
    laptop, phone = signed_in_client(seeded), signed_in_client(seeded)
    response = laptop.post("/auth/sign-out", data={"everywhere": "1"})
    assert response.status_code == 400
    assert not sent_to_sign_in(laptop) and not sent_to_sign_in(phone)


# --- remember me ------------------------------------------------------------------------

def test_the_remember_token_is_new_at_each_sign_in_and_stored_hashed(seeded):
    first = signed_in_client(seeded, remember=True).get_cookie("remember_token").value
    second = signed_in_client(seeded, remember=True).get_cookie("remember_token").value
    assert first != second
    hashes = {row.remember_token_hash for row in rows()}
    assert hashes == {sha256(first), sha256(second)}
    assert not {first, second} & {row.id for row in rows()}


@pytest.mark.parametrize("days", [30, 2])
def test_the_remember_cookie_lives_remember_days(database_url, content_dir, days):
    overrides = {} if days == 30 else {"REMEMBER_DAYS": days}
    app = make_app(database_url, content_dir, **overrides)
    try:
        seed_people(app)
        response = sign_in(app.test_client(), LEARNER, remember=True)
        assert f"Max-Age={days * 86400}" in set_cookie_header(response, "remember_token")
        [row] = rows()
        assert row.remember_expires_at - row.created_at == datetime.timedelta(days=days)
    finally:
        app.extensions["peewee"].close_all()


def test_the_remember_token_stops_after_remember_days(seeded):
    start = datetime.datetime.now(datetime.timezone.utc)
    seeded.config["CLOCK"] = lambda: start
    browser = signed_in_client(seeded, remember=True)
    remember = browser.get_cookie("remember_token").value
    seeded.config["CLOCK"] = lambda: start + datetime.timedelta(days=29)
    assert not sent_to_sign_in(with_cookie(seeded, "remember_token", remember))
    seeded.config["CLOCK"] = lambda: start + datetime.timedelta(days=30, minutes=1)
    assert sent_to_sign_in(with_cookie(seeded, "remember_token", remember))
    assert not sent_to_sign_in(browser), "a browser still open keeps its session until it signs out"


def test_a_session_unused_for_a_year_is_signed_out(seeded):
    start = datetime.datetime.now(datetime.timezone.utc)
    seeded.config["CLOCK"] = lambda: start
    browser = signed_in_client(seeded)
    seeded.config["CLOCK"] = lambda: start + datetime.timedelta(days=200)
    assert not sent_to_sign_in(browser)                    # used: last seen moves on
    seeded.config["CLOCK"] = lambda: start + datetime.timedelta(days=200 + 366)
    assert sent_to_sign_in(browser)
    signed_in_client(seeded)                               # the next sign-in deletes the dead row
    assert len(rows()) == 1


def test_last_seen_is_written_at_most_every_few_minutes(seeded):
    start = datetime.datetime.now(datetime.timezone.utc)
    seeded.config["CLOCK"] = lambda: start
    client = signed_in_client(seeded)
    seeded.config["CLOCK"] = lambda: start + datetime.timedelta(minutes=2)
    assert client.get(COURSE_URL).status_code == 200
    assert rows()[0].last_seen_at == start.replace(tzinfo=None)
    seeded.config["CLOCK"] = lambda: start + datetime.timedelta(minutes=6)
    assert client.get(COURSE_URL).status_code == 200
    assert rows()[0].last_seen_at == (start + datetime.timedelta(minutes=6)).replace(tzinfo=None)


# --- a renewed session and CSRF secret at sign-in ---------------------------------------

def test_the_session_and_its_csrf_secret_are_renewed_at_sign_in(seeded):
    client = seeded.test_client()
    old_token = csrf_token(client)
    with client.session_transaction() as cookie_session:
        old_secret = cookie_session["csrf_token"]
        cookie_session["planted"] = "by someone else"
    response = client.post("/auth/sign-in", data={"email": LEARNER, "password": DEMO_PASSWORD, "csrf_token": old_token})
    assert response.status_code == 302
    new_token = csrf_from(client.get("/account/password").get_data(as_text=True))
    with client.session_transaction() as cookie_session:
        assert "planted" not in cookie_session
        assert cookie_session["csrf_token"] != old_secret
    assert new_token != old_token
    # A form token from before signing in no longer works.
    assert client.post("/auth/sign-out", data={"csrf_token": old_token}).status_code == 400
    assert client.post("/auth/sign-out", data={"csrf_token": new_token}).status_code == 302


# --- password, role and active changes ----------------------------------------------------

def test_a_password_change_keeps_this_device_remembered_and_ends_the_rest(seeded):
    here = signed_in_client(seeded, remember=True)
    old_remember = here.get_cookie("remember_token").value
    elsewhere = signed_in_client(seeded)
    response = post(here, "/account/password", {"current": DEMO_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    new_remember = here.get_cookie("remember_token").value
    assert new_remember != old_remember
    assert not sent_to_sign_in(here) and sent_to_sign_in(elsewhere)
    assert sent_to_sign_in(with_cookie(seeded, "remember_token", old_remember))
    assert not sent_to_sign_in(with_cookie(seeded, "remember_token", new_remember))
    live = [row for row in rows() if row.revoked_at is None]
    assert len(live) == 1 and live[0].remember_token_hash == sha256(new_remember)


# --- set-password links -----------------------------------------------------------------

def admin(app):
    return signed_in_client(app, ROLE_EMAILS["admin"])


def link_for(app, email=LEARNER):
    page = post(admin(app), f"/admin/people/{person(email).id}/link")
    assert page.status_code == 200
    return _LINK.search(page.get_data(as_text=True)).group(1)


def use_link(app, token, password=NEW_PASSWORD):
    client = app.test_client()
    return client, post(client, f"/auth/set-password/{token}", {"password": password, "confirm": password},
                        token_from="/auth/sign-in")


def link_is_dead(app, token) -> bool:
    before = person().password_hash
    page = app.test_client().get(f"/auth/set-password/{token}")
    _, response = use_link(app, token, "link-password-123")
    assert person().password_hash == before
    return page.status_code == 404 and response.status_code == 404


def edit_learner(app, active: bool):
    learner = person()
    form = {"name": learner.name, "email": learner.email, "role": learner.role}
    if active:
        form["active"] = "on"
    assert post(admin(app), f"/admin/people/{learner.id}", form).status_code == 302
    assert person().active is active


def test_a_link_works_once(seeded):
    token = link_for(seeded)
    client, response = use_link(seeded, token)
    assert response.status_code == 302 and not sent_to_sign_in(client)
    assert link_is_dead(seeded, token)


def test_a_link_dies_when_the_password_changes_on_the_account_page(seeded):
    token = link_for(seeded)
    learner = signed_in_client(seeded)
    assert post(learner, "/account/password",
                {"current": DEMO_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert link_is_dead(seeded, token)


def test_a_link_dies_when_another_link_sets_the_password(seeded):
    first, second = link_for(seeded), link_for(seeded)
    assert use_link(seeded, second)[1].status_code == 302
    assert link_is_dead(seeded, first)


def test_a_link_dies_when_the_password_is_set_by_any_route(seeded):
    from course.learning import people
    token = link_for(seeded)
    with seeded.app_context(), db.connection_context():
        people.set_password(Person.by_email(LEARNER), NEW_PASSWORD, 10)
    assert link_is_dead(seeded, token)


def test_a_link_never_revives_when_its_person_is_reactivated(seeded):
    token = link_for(seeded)
    edit_learner(seeded, active=False)
    assert link_is_dead(seeded, token)
    edit_learner(seeded, active=True)
    assert link_is_dead(seeded, token)
    fresh = link_for(seeded)                      # a link made after re-activation works
    assert use_link(seeded, fresh)[1].status_code == 302


def test_a_link_dies_when_the_role_changes(seeded):
    token = link_for(seeded)
    learner = person()
    assert post(admin(seeded), f"/admin/people/{learner.id}",
                {"name": learner.name, "email": learner.email, "role": "admin", "active": "on"}).status_code == 302
    assert link_is_dead(seeded, token)


# --- data requests --------------------------------------------------------------------------

def test_export_lists_sessions_without_their_tokens_and_erase_removes_them(seeded):
    client = signed_in_client(seeded, remember=True)
    remember = client.get_cookie("remember_token").value
    [row] = rows()
    result = seeded.test_cli_runner().invoke(args=["users", "export-data", LEARNER])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.stdout)["sign_in_sessions"]
    assert len(exported) == 1 and exported[0]["remembered_until"] and exported[0]["revoked_at"] is None
    assert row.id not in result.stdout and row.remember_token_hash not in result.stdout and remember not in result.stdout
    assert seeded.test_cli_runner().invoke(args=["users", "erase", LEARNER, "--yes"]).exit_code == 0
    with db.connection_context():
        assert SignInSession.select().where(SignInSession.id == row.id).count() == 0
