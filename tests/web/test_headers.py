"""Response headers and the proxy setting (issue 13): HSTS on HTTPS when cookies are
secure, no-store for signed-in people, one trusted proxy hop with BEHIND_PROXY=1,
and a sign-up that answers the same whether or not the email exists."""
from __future__ import annotations

import re

import pytest

from course.data.db import db
from course.data.models import Person
from helpers.app import make_app
from helpers.content import LESSON
from helpers.http import csrf_from, post, sign_in
from helpers.people import DEMO_PASSWORD, ROLE_EMAILS, seed_people

LEARNER = ROLE_EMAILS["learner"]
HSTS = "max-age=31536000; includeSubDomains"
_LINK = re.compile(r'value="(https?://[^"]+/auth/set-password/[^"]+)"')


@pytest.fixture
def content_dir(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First steps"))
    return tree.root


@pytest.fixture
def build(database_url, content_dir):
    apps = []

    def _build(**overrides):
        app = make_app(database_url, content_dir, **overrides)
        seed_people(app)
        apps.append(app)
        return app

    yield _build
    for app in apps:
        app.extensions["peewee"].close_all()


def signed_in(app, email=LEARNER, base_url="http://localhost"):
    client = app.test_client()
    page = client.get("/auth/sign-in", base_url=base_url)
    response = client.post("/auth/sign-in", base_url=base_url, headers={"Referer": base_url + "/auth/sign-in"},
                           data={"email": email, "password": DEMO_PASSWORD, "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 302
    return client


# --- HSTS ------------------------------------------------------------------------------

def test_hsts_on_every_https_response_when_cookies_are_secure(build):
    app = build(SESSION_COOKIE_SECURE=True)
    anonymous = app.test_client()
    for url in ("/auth/sign-in", "/static/site.css", "/health", "/no-such-page"):
        response = anonymous.get(url, base_url="https://localhost")
        assert response.headers.get("Strict-Transport-Security") == HSTS, url
    client = signed_in(app, base_url="https://localhost")
    assert client.get("/courses/demo/", base_url="https://localhost").headers["Strict-Transport-Security"] == HSTS


def test_no_hsts_over_plain_http_or_without_secure_cookies(build):
    secure = build(SESSION_COOKIE_SECURE=True)
    assert "Strict-Transport-Security" not in secure.test_client().get("/auth/sign-in").headers
    plain = build()
    response = plain.test_client().get("/auth/sign-in", base_url="https://localhost")
    assert "Strict-Transport-Security" not in response.headers


# --- Cache-Control: no-store for signed-in people ----------------------------------------

def test_no_store_on_every_response_to_a_signed_in_person(build):
    app = build()
    client = signed_in(app)
    for url in ("/", "/courses/demo/", "/account/password", "/account/attempts", "/no-such-page", "/manage/"):
        response = client.get(url)
        assert response.headers.get("Cache-Control") == "no-store", (url, response.status_code)
    sign_in_response = sign_in(app.test_client(), LEARNER)
    assert sign_in_response.headers.get("Cache-Control") == "no-store"


def test_no_store_is_not_sent_for_static_files_or_to_anonymous_visitors(build):
    app = build()
    client = signed_in(app)
    assert "no-store" not in client.get("/static/site.css").headers.get("Cache-Control", "")
    anonymous = app.test_client()
    for url in ("/auth/sign-in", "/static/site.css", "/health"):
        assert "no-store" not in anonymous.get(url).headers.get("Cache-Control", ""), url


# --- BEHIND_PROXY: one trusted hop ----------------------------------------------------------

# What the proxy adds; browsers send the Referer, which flask-wtf checks on HTTPS posts.
PROXIED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "learn.example.org",
           "Referer": "https://learn.example.org/admin/people/"}


def admin_link_page(app, headers):
    admin = app.test_client()
    assert sign_in(admin, ROLE_EMAILS["admin"]).status_code == 302
    with db.connection_context():
        learner_id = Person.by_email(LEARNER).id
    page = post(admin, f"/admin/people/{learner_id}/link", headers=headers)
    assert page.status_code == 200
    return _LINK.search(page.get_data(as_text=True)).group(1)


def test_behind_proxy_trusts_forwarded_scheme_and_host(build):
    app = build(BEHIND_PROXY=True, SESSION_COOKIE_SECURE=True)
    assert admin_link_page(app, PROXIED).startswith("https://learn.example.org/auth/set-password/")
    response = app.test_client().get("/auth/sign-in", headers=PROXIED)
    assert response.headers["Strict-Transport-Security"] == HSTS


def test_without_behind_proxy_forwarded_headers_are_ignored(build):
    app = build(SESSION_COOKIE_SECURE=True)
    assert admin_link_page(app, PROXIED).startswith("http://localhost/auth/set-password/")
    assert "Strict-Transport-Security" not in app.test_client().get("/auth/sign-in", headers=PROXIED).headers


def failures_from(app, forwarded_for):
    """A wrong password from each X-Forwarded-For value in turn (each for another email)."""
    codes = []
    for i, value in enumerate(forwarded_for):
        client = app.test_client()
        token = csrf_from(client.get("/auth/sign-in").get_data(as_text=True))
        codes.append(client.post("/auth/sign-in", headers={"X-Forwarded-For": value},
                                 data={"email": f"nobody{i}@example.com", "password": "wrong",
                                       "csrf_token": token}).status_code)
    return codes


def test_behind_proxy_the_limits_see_the_clients_address(build):
    app = build(BEHIND_PROXY=True, LOGIN_FAILURE_LIMIT="2 per 15 minutes")
    # Two clients behind the same proxy have their own counts.
    assert failures_from(app, ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) == [401, 401, 401]
    # Only the last hop counts: a client cannot pick its address by adding its own header value.
    spoofed = ["10.0.0.1, 198.51.100.9", "10.0.0.2, 198.51.100.9", "10.0.0.3, 198.51.100.9"]
    assert failures_from(app, spoofed) == [401, 401, 429]


def test_without_behind_proxy_the_forwarded_address_is_ignored(build):
    app = build(LOGIN_FAILURE_LIMIT="2 per 15 minutes")
    assert failures_from(app, ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) == [401, 401, 429]


# --- sign-up says nothing about who has an account --------------------------------------------

def signup(app, email, name="Someone New", password="long-enough-pw"):
    client = app.test_client()
    response = post(client, "/auth/sign-up", {"email": email, "name": name, "password": password},
                    token_from="/auth/sign-up")
    page = client.get(response.headers.get("Location", "/auth/sign-in"))
    return response, re.sub(r'name="csrf_token" value="[^"]+"', "", page.get_data(as_text=True)).replace(email, "EMAIL")


def test_sign_up_answers_the_same_whether_or_not_the_email_exists(build):
    app = build(ALLOW_SIGNUP=True)
    with db.connection_context():
        before = {p.email: (p.name, p.password_hash, p.role) for p in Person.select()}
    new_response, new_page = signup(app, "fresh@example.com")
    taken_response, taken_page = signup(app, LEARNER)
    assert (new_response.status_code, new_response.headers["Location"]) == \
        (taken_response.status_code, taken_response.headers["Location"]) == (302, "/auth/sign-in")
    assert new_page == taken_page
    with db.connection_context():
        after = {p.email: (p.name, p.password_hash, p.role) for p in Person.select()}
    assert set(after) - set(before) == {"fresh@example.com"}
    assert {email: after[email] for email in before} == before        # the existing account is untouched
    assert sign_in(app.test_client(), LEARNER, "long-enough-pw").status_code == 401


def test_sign_up_for_an_existing_email_with_different_case_changes_nothing(build):
    app = build(ALLOW_SIGNUP=True)
    with db.connection_context():
        count = Person.select().count()
    response, _ = signup(app, "  LEARNER@Example.com ")
    assert response.status_code == 302
    with db.connection_context():
        assert Person.select().count() == count
        assert Person.by_email(LEARNER).name == "Lena Learner"
