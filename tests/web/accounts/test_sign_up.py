"""Self sign-up: off by default; when allowed, it makes a signed-in learner, with a minimum
password length, unique emails and an optional email domain.
"""
from __future__ import annotations

import pytest

from helpers.accounts import error_text, signup_form
from helpers.db import person
from helpers.http import post, sign_in
from helpers.people import LEARNER, seed_people


# --- self sign-up -------------------------------------------------------------

def test_sign_up_is_off_by_default(seeded):
    client = seeded.test_client()
    assert client.get("/auth/sign-up").status_code == 404
    response = post(client, "/auth/sign-up", signup_form("new@example.com"))
    assert response.status_code == 404
    assert person("new@example.com") is None
    assert "Create an account" not in client.get("/auth/sign-in").get_data(as_text=True)


def test_sign_up_when_allowed_creates_a_learner_who_then_signs_in(build):
    app = build(ALLOW_SIGNUP=True)
    client = app.test_client()
    assert "Create an account" in client.get("/auth/sign-in").get_data(as_text=True)
    assert client.get("/auth/sign-up").status_code == 200
    response = post(client, "/auth/sign-up", signup_form("New@Example.com", role="admin"),
                    token_from="/auth/sign-up")
    # Sign-up does not sign in: its answer must not differ for an email that is taken.
    assert response.status_code == 302 and response.headers["Location"] == "/auth/sign-in"
    created = person("new@example.com")
    assert created is not None and created.role == "learner" and created.name == "New Person"
    assert sign_in(client, "new@example.com", "long-enough-pw").status_code == 302
    assert "Welcome, New Person" in client.get("/").get_data(as_text=True)


def test_sign_up_rejects_short_passwords_and_taken_emails(build):
    app = build(ALLOW_SIGNUP=True)
    seed_people(app)
    client = app.test_client()
    short = post(client, "/auth/sign-up", signup_form("short@example.com", password="x" * 9), token_from="/auth/sign-up")
    assert short.status_code == 400 and "at least 10 characters" in error_text(short)
    assert person("short@example.com") is None
    taken = post(client, "/auth/sign-up", signup_form(LEARNER), token_from="/auth/sign-up")
    assert taken.status_code == 302       # the same answer as for a new email, and no change
    assert person(LEARNER).name == "Lena Learner"


def test_sign_up_without_csrf_token_writes_nothing(build):
    app = build(ALLOW_SIGNUP=True)
    client = app.test_client()
    client.get("/auth/sign-up")
    response = client.post("/auth/sign-up", data=signup_form("new@example.com"))
    assert response.status_code == 400
    assert person("new@example.com") is None


@pytest.mark.parametrize("email", ["someone@gmail.com", "someone@evil-example.org",
                                   "someone@example.org.evil.com", "someone@sub.example.com"])
def test_sign_up_domain_restriction_rejects_other_domains(build, email):
    app = build(ALLOW_SIGNUP=True, SIGNUP_EMAIL_DOMAIN="example.org")
    client = app.test_client()
    response = post(client, "/auth/sign-up", signup_form(email), token_from="/auth/sign-up")
    assert response.status_code == 400
    assert "@example.org" in error_text(response)
    assert person(email) is None


def test_sign_up_domain_restriction_accepts_its_domain(build):
    app = build(ALLOW_SIGNUP=True, SIGNUP_EMAIL_DOMAIN="@Example.org")
    client = app.test_client()
    assert "@example.org" in client.get("/auth/sign-up").get_data(as_text=True)
    response = post(client, "/auth/sign-up", signup_form("Someone@example.ORG"), token_from="/auth/sign-up")
    assert response.status_code == 302
    assert person("someone@example.org") is not None
