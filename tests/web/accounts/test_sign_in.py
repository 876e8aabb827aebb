"""Signing in and out, where `next` may lead, cookie flags, and sessions that end when a
role, a password or the active flag changes — all through HTTP. Rate limits, sign-up
and passwords have files of their own beside this one."""
from __future__ import annotations

import re

import pytest

from course.data.db import db
from course.data.models import Person
from helpers.accounts import (COURSE_URL, NEW_PASSWORD, cookie_flags, error_text, is_signed_in, sent_to_sign_in,
                              set_cookie_header)
from helpers.db import person
from helpers.http import csrf_token, post, sign_in, signed_in
from helpers.people import ADMIN, DEMO_PASSWORD, LEARNER, seed_people

_CSRF_VALUE = re.compile(r'name="csrf_token" value="[^"]+"')


# --- signing in and out -------------------------------------------------------

def test_sign_in_with_email_and_password(seeded):
    client = seeded.test_client()
    response = sign_in(client, "  Learner@Example.com ")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Welcome, Lena Learner" in client.get("/").get_data(as_text=True)
    assert person(LEARNER).last_login_at is not None


def test_failed_sign_in_reads_the_same_for_unknown_email_wrong_password_and_deactivated(seeded):
    with db.connection_context():
        Person.update(active=False).where(Person.email == "kwame@example.com").execute()
        Person.create(email="invited@example.com", name="Not Yet", role="learner", password_hash=None)
    client = seeded.test_client()
    responses = {
        "unknown": sign_in(client, "nobody@example.com"),
        "wrong password": sign_in(client, LEARNER, "not-the-password"),
        "deactivated": sign_in(client, "kwame@example.com"),   # right password
        "no password yet": sign_in(client, "invited@example.com", ""),
    }
    emails = {"unknown": "nobody@example.com", "wrong password": LEARNER, "deactivated": "kwame@example.com",
              "no password yet": "invited@example.com"}
    assert {kind: r.status_code for kind, r in responses.items()} == dict.fromkeys(responses, 401)
    messages = {error_text(r) for r in responses.values()}
    assert len(messages) == 1 and messages != {None}
    # The whole page is the same apart from the echoed email and the CSRF token.
    pages = {_CSRF_VALUE.sub("", r.get_data(as_text=True).replace(emails[kind], "EMAIL"))
             for kind, r in responses.items()}
    assert len(pages) == 1
    assert not is_signed_in(client)
    assert person("kwame@example.com").last_login_at is None


def test_deactivated_person_cannot_sign_in(seeded):
    with db.connection_context():
        Person.update(active=False).where(Person.email == LEARNER).execute()
    client = seeded.test_client()
    assert sign_in(client, LEARNER).status_code == 401
    assert not is_signed_in(client)


def test_sign_out_is_a_post(learner):
    assert learner.get("/auth/sign-out").status_code == 405
    assert is_signed_in(learner)
    response = post(learner, "/auth/sign-out")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/sign-in")
    assert not is_signed_in(learner)


def test_sign_out_also_forgets_the_remember_cookie(seeded):
    client = seeded.test_client()
    assert sign_in(client, LEARNER, remember=True).status_code == 302
    assert client.get_cookie("remember_token") is not None
    assert post(client, "/auth/sign-out").status_code == 302
    assert client.get_cookie("remember_token") is None
    assert not is_signed_in(client)


def test_sign_out_without_csrf_token_is_refused(learner):
    response = learner.post("/auth/sign-out")
    assert response.status_code == 400
    assert is_signed_in(learner)


def test_sign_in_without_csrf_token_is_refused_and_writes_nothing(seeded):
    client = seeded.test_client()
    client.get("/auth/sign-in")
    response = client.post("/auth/sign-in", data={"email": LEARNER, "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert not is_signed_in(client)
    assert person(LEARNER).last_login_at is None


def test_remember_me_sets_a_remember_cookie(seeded):
    plain = sign_in(seeded.test_client(), LEARNER)
    assert plain.status_code == 302 and set_cookie_header(plain, "remember_token") is None
    client = seeded.test_client()
    remembered = sign_in(client, LEARNER, remember=True)
    header = set_cookie_header(remembered, "remember_token")
    assert header is not None
    assert {"httponly", "samesite"} <= cookie_flags(header) and "SameSite=Lax" in header
    # The cookie alone, in a browser whose session is gone, signs the person in.
    fresh = seeded.test_client()
    fresh.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert is_signed_in(fresh)


def test_session_cookie_is_httponly_and_samesite_lax_but_not_secure_by_default(seeded):
    response = seeded.test_client().get("/auth/sign-in")       # the CSRF token starts a session
    header = set_cookie_header(response, "session")
    assert header is not None
    assert "httponly" in cookie_flags(header) and "SameSite=Lax" in header
    assert "secure" not in cookie_flags(header)


def test_session_cookie_is_secure_when_configured(build):
    app = build(SESSION_COOKIE_SECURE=True)
    header = set_cookie_header(app.test_client().get("/auth/sign-in", base_url="https://localhost"), "session")
    assert header is not None
    assert {"secure", "httponly"} <= cookie_flags(header) and "SameSite=Lax" in header


def test_secure_setting_from_the_environment_covers_the_remember_cookie(build, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
    app = build()
    seed_people(app)
    response = sign_in(app.test_client(), LEARNER, remember=True)
    assert response.status_code == 302
    remember = set_cookie_header(response, "remember_token")
    session = set_cookie_header(response, "session")
    assert remember and {"secure", "httponly"} <= cookie_flags(remember)
    assert session and {"secure", "httponly"} <= cookie_flags(session)


# --- where `next` may lead ----------------------------------------------------

@pytest.mark.parametrize("target", [
    "http://evil.example/", "https://evil.example/courses/", "//evil.example", "//evil.example/courses/",
    "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "javascript:alert(1)", "evil.example",
])
def test_next_never_leaves_the_site(seeded, target):
    client = seeded.test_client()
    token = csrf_token(client)
    response = client.post("/auth/sign-in", data={"email": LEARNER, "password": DEMO_PASSWORD,
                                                  "next": target, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    # Already signed in, a GET with the same `next` also stays home.
    again = client.get("/auth/sign-in", query_string={"next": target})
    assert again.status_code == 302 and again.headers["Location"] == "/"


def test_next_within_the_site_is_honoured(seeded):
    client = seeded.test_client()
    first = client.get(COURSE_URL)
    assert first.status_code == 302
    location = first.headers["Location"]
    assert location.startswith("/auth/sign-in?next=")
    page = client.get(location).get_data(as_text=True)
    assert f'name="next" value="{COURSE_URL}"' in page
    token = csrf_token(client)
    response = client.post("/auth/sign-in", data={"email": LEARNER, "password": DEMO_PASSWORD,
                                                  "next": COURSE_URL, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == COURSE_URL
    assert client.get(COURSE_URL).status_code == 200


# --- sessions end when role, password or active flag change ------------------

def _deactivate_via_admin(app):
    learner = person(LEARNER)
    response = post(signed_in(app, ADMIN), f"/admin/people/{learner.id}",
                    {"name": learner.name, "email": learner.email, "role": learner.role})
    assert response.status_code == 302
    assert person(LEARNER).active is False


def _new_role_via_admin(app):
    learner = person(LEARNER)
    response = post(signed_in(app, ADMIN), f"/admin/people/{learner.id}",
                    {"name": learner.name, "email": learner.email, "role": "trainer", "active": "on"})
    assert response.status_code == 302
    assert person(LEARNER).role == "trainer"


def _new_password_via_people(app):
    from course.learning import people
    with app.app_context(), db.connection_context():
        people.set_password(Person.by_email(LEARNER), NEW_PASSWORD, 10)


def _new_password_on_another_device(app):
    other = app.test_client()
    assert sign_in(other, LEARNER).status_code == 302
    response = post(other, "/account/password",
                    {"current": DEMO_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert is_signed_in(other), "the device that changed the password stays signed in"


def _new_password_via_link(app):
    from course.learning import people
    with app.app_context(), db.connection_context():
        token = people.create_link(Person.by_email(LEARNER), "reset", 1)
    stranger = app.test_client()
    response = post(stranger, f"/auth/set-password/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                    token_from=f"/auth/set-password/{token}")
    assert response.status_code == 302


@pytest.mark.parametrize("change", [_deactivate_via_admin, _new_role_via_admin, _new_password_via_people,
                                    _new_password_on_another_device, _new_password_via_link],
                         ids=["deactivated", "new role", "new password (function)",
                              "new password (account page)", "new password (one-time link)"])
def test_changes_end_existing_sessions_and_remember_cookies(seeded, change):
    browser = seeded.test_client()
    assert sign_in(browser, LEARNER, remember=True).status_code == 302
    remember = browser.get_cookie("remember_token").value
    phone = seeded.test_client()                       # only the remember-me cookie
    phone.set_cookie("remember_token", remember)
    assert is_signed_in(browser) and is_signed_in(phone)

    change(seeded)

    assert sent_to_sign_in(browser)
    assert sent_to_sign_in(phone)
    cookie_only = seeded.test_client()
    cookie_only.set_cookie("remember_token", remember)
    assert sent_to_sign_in(cookie_only)
    assert not is_signed_in(cookie_only)


def test_editing_only_the_name_keeps_sessions(seeded):
    browser = seeded.test_client()
    assert sign_in(browser, LEARNER, remember=True).status_code == 302
    learner = person(LEARNER)
    response = post(signed_in(seeded, ADMIN), f"/admin/people/{learner.id}",
                    {"name": "Lena L.", "email": learner.email, "role": learner.role, "active": "on"})
    assert response.status_code == 302
    assert browser.get(COURSE_URL).status_code == 200
