"""Passwords: changing one's own on the account page, and the one-time links an admin makes
for an invitation or a reset (used once, before they expire).
"""
from __future__ import annotations

import datetime

from course.data.db import db
from course.data.models import LoginToken, Person, utcnow
from helpers.accounts import (LINK, NEW_PASSWORD, change_password, error_text, invite, is_signed_in, password_hash,
                              use_link)
from helpers.db import person
from helpers.http import post, sign_in, signed_in
from helpers.people import ADMIN, DEMO_PASSWORD, LEARNER


# --- changing one's password --------------------------------------------------

def test_password_change_needs_the_current_password(learner):
    before = password_hash()
    response = change_password(learner, "not-my-password", NEW_PASSWORD)
    assert response.status_code == 400 and "current password" in error_text(response)
    assert password_hash() == before


def test_password_change_needs_matching_new_passwords(learner):
    before = password_hash()
    response = change_password(learner, DEMO_PASSWORD, NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
    assert response.status_code == 400
    assert password_hash() == before


def test_password_change_enforces_the_minimum_length(learner):
    before = password_hash()
    response = change_password(learner, DEMO_PASSWORD, "x" * 9)
    assert response.status_code == 400 and "at least 10 characters" in error_text(response)
    assert password_hash() == before
    assert change_password(learner, DEMO_PASSWORD, "y" * 10).status_code == 302
    assert password_hash() != before


def test_password_minimum_length_is_configurable(seeded, learner):
    seeded.config["PASSWORD_MIN_LENGTH"] = 14
    before = password_hash()
    response = change_password(learner, DEMO_PASSWORD, "z" * 13)
    assert response.status_code == 400 and "at least 14 characters" in error_text(response)
    assert password_hash() == before


def test_password_change_then_sign_in_with_the_new_one(seeded, learner):
    assert change_password(learner, DEMO_PASSWORD, NEW_PASSWORD).status_code == 302
    assert is_signed_in(learner)
    assert sign_in(seeded.test_client(), LEARNER, DEMO_PASSWORD).status_code == 401
    assert sign_in(seeded.test_client(), LEARNER, NEW_PASSWORD).status_code == 302


def test_password_change_without_csrf_token_is_refused(learner):
    before = password_hash()
    response = learner.post("/account/password", data={"current": DEMO_PASSWORD, "new": NEW_PASSWORD,
                                                        "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert password_hash() == before


def test_password_page_needs_sign_in(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/sign-in")


# --- one-time links -------------------------------------------------------------

def test_admin_link_sets_a_password_once(seeded):
    token = invite(seeded)
    with db.connection_context():
        link = LoginToken.get(LoginToken.person == Person.by_email("invitee@example.com"))
        assert link.purpose == "invite" and link.used_at is None
        assert token not in (link.token_hash,)           # only the hash is stored
    page = seeded.test_client().get(f"/auth/set-password/{token}")
    assert page.status_code == 200 and "Ivy Invitee" in page.get_data(as_text=True)

    client, response = use_link(seeded, token)
    assert response.status_code == 302
    assert "Welcome, Ivy Invitee" in client.get("/").get_data(as_text=True)
    with db.connection_context():
        assert LoginToken.get_by_id(link.id).used_at is not None
    assert sign_in(seeded.test_client(), "invitee@example.com", NEW_PASSWORD).status_code == 302

    # A second use fails and changes nothing.
    hash_after_first_use = password_hash("invitee@example.com")
    assert seeded.test_client().get(f"/auth/set-password/{token}").status_code == 404
    _, again = use_link(seeded, token, password="another-password-1")
    assert again.status_code == 404 and "not valid" in again.get_data(as_text=True)
    assert password_hash("invitee@example.com") == hash_after_first_use


def test_expired_link_fails(seeded):
    token = invite(seeded)
    with db.connection_context():
        LoginToken.update(expires_at=utcnow() - datetime.timedelta(minutes=1)).execute()
    assert seeded.test_client().get(f"/auth/set-password/{token}").status_code == 404
    _, response = use_link(seeded, token)
    assert response.status_code == 404
    assert password_hash("invitee@example.com") is None
    with db.connection_context():
        assert LoginToken.get().used_at is None


def test_link_with_mismatched_or_short_passwords_stays_usable(seeded):
    token = invite(seeded)
    _, mismatch = use_link(seeded, token, confirm=NEW_PASSWORD + "x")
    assert mismatch.status_code == 400
    _, short = use_link(seeded, token, password="short")
    assert short.status_code == 400
    assert password_hash("invitee@example.com") is None
    _, ok = use_link(seeded, token)
    assert ok.status_code == 302


def test_link_for_a_deactivated_person_fails(seeded):
    token = invite(seeded)
    with db.connection_context():
        Person.update(active=False).where(Person.email == "invitee@example.com").execute()
    _, response = use_link(seeded, token)
    assert response.status_code == 404
    assert password_hash("invitee@example.com") is None


def test_link_without_csrf_token_is_refused(seeded):
    token = invite(seeded)
    client = seeded.test_client()
    client.get(f"/auth/set-password/{token}")
    response = client.post(f"/auth/set-password/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert password_hash("invitee@example.com") is None
    with db.connection_context():
        assert LoginToken.get().used_at is None


def test_reset_link_for_someone_with_a_password(seeded):
    admin = signed_in(seeded, ADMIN)
    page = post(admin, f"/admin/people/{person(LEARNER).id}/link")
    assert page.status_code == 200 and "Password reset link" in page.get_data(as_text=True)
    token = LINK.search(page.get_data(as_text=True)).group(1)
    _, response = use_link(seeded, token)
    assert response.status_code == 302
    assert sign_in(seeded.test_client(), LEARNER, NEW_PASSWORD).status_code == 302


def test_bogus_link_is_404(client):
    assert client.get("/auth/set-password/not-a-real-token").status_code == 404
