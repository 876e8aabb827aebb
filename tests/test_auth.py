"""Signing in and out, rate limits on failures, sessions that end, sign-up,
password changes, one-time links and cookie flags — all through HTTP."""
from __future__ import annotations

import datetime
import re
import socket
import uuid

import pytest

from course.data.db import db
from course.data.models import LoginToken, Person, utcnow
from support import DEMO_PASSWORD, LESSON, ROLE_EMAILS, csrf_token, make_app, post, seed_people, sign_in

LEARNER = ROLE_EMAILS["learner"]
COURSE_URL = "/courses/demo/"
NEW_PASSWORD = "a-brand-new-secret"
_ERROR = re.compile(r'<p class="flash flash-error" role="alert">(.*?)</p>', re.S)
_CSRF_VALUE = re.compile(r'name="csrf_token" value="[^"]+"')
_LINK = re.compile(r"/auth/set-password/([A-Za-z0-9_\-]+)")


# --- helpers ------------------------------------------------------------------



@pytest.fixture
def content_dir(tree):
    """One small course is all signing in needs (quicker to load than the real one)."""
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First steps"))
    return tree.root


@pytest.fixture
def build(database_url, content_dir):
    """Builds extra apps on the test's database (and closes their connections)."""
    apps = []

    def _build(**overrides):
        app = make_app(database_url, content_dir, **overrides)
        apps.append(app)
        return app

    yield _build
    for app in apps:
        database = app.extensions["peewee"]
        if not database.is_closed():
            database.close()


def person(email):
    with db.connection_context():
        return Person.by_email(email)


def error_text(response):
    match = _ERROR.search(response.get_data(as_text=True))
    return match.group(1) if match else None


def is_signed_in(client) -> bool:
    response = client.get("/")
    if response.status_code == 200 and "Welcome," in response.get_data(as_text=True):
        return True
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/sign-in")
    return False


def sent_to_sign_in(client, url=COURSE_URL) -> bool:
    response = client.get(url)
    return response.status_code == 302 and response.headers["Location"].startswith("/auth/sign-in")


def set_cookie_header(response, name):
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    return None


def cookie_flags(header):
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}


def from_address(client, address):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def attempt_sign_in(app, email, password, address="127.0.0.1"):
    """One sign-in POST from a fresh browser at `address`."""
    client = from_address(app.test_client(), address)
    return sign_in(client, email, password)


def admin_client(app):
    client = app.test_client()
    assert sign_in(client, ROLE_EMAILS["admin"]).status_code == 302
    return client


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


# --- rate limits on failed sign-ins -------------------------------------------

@pytest.fixture
def limited(build):
    app = build(LOGIN_FAILURE_LIMIT="3 per 15 minutes")
    seed_people(app)
    return app


def test_failures_are_limited_per_account(limited):
    # From a different address each time, so only the per-account limit applies.
    for i, email in enumerate((LEARNER, "LEARNER@example.com", " learner@EXAMPLE.com")):
        assert attempt_sign_in(limited, email, "wrong", f"10.0.1.{i}").status_code == 401
    blocked = attempt_sign_in(limited, LEARNER, DEMO_PASSWORD, "10.0.1.9")   # even the right password
    assert blocked.status_code == 429
    assert "Too many" in blocked.get_data(as_text=True)
    assert person(LEARNER).last_login_at is None
    # Other accounts are not affected.
    assert attempt_sign_in(limited, "kwame@example.com", "wrong", "10.0.1.10").status_code == 401
    assert attempt_sign_in(limited, "kwame@example.com", DEMO_PASSWORD, "10.0.1.11").status_code == 302


def test_failures_are_limited_per_address(limited):
    for email in ("mei@example.com", "siobhan@example.com", "yusuf@example.com"):
        assert attempt_sign_in(limited, email, "wrong", "10.0.2.1").status_code == 401
    client = from_address(limited.test_client(), "10.0.2.1")
    assert sign_in(client, "kwame@example.com").status_code == 429
    # The page itself is still served, and other addresses can sign in.
    assert client.get("/auth/sign-in").status_code == 200
    assert attempt_sign_in(limited, "kwame@example.com", DEMO_PASSWORD, "10.0.2.2").status_code == 302


def test_successful_sign_ins_never_count(limited):
    assert attempt_sign_in(limited, LEARNER, "wrong").status_code == 401
    assert attempt_sign_in(limited, LEARNER, "wrong").status_code == 401
    for _ in range(6):
        client = limited.test_client()
        assert sign_in(client, LEARNER).status_code == 302
        assert post(client, "/auth/sign-out").status_code == 302
    # The third failure is still only a failure; the fourth is over the limit.
    assert attempt_sign_in(limited, LEARNER, "wrong").status_code == 401
    assert attempt_sign_in(limited, LEARNER, "wrong").status_code == 429


def test_the_default_limit_is_ten_failures(seeded):
    assert seeded.config["LOGIN_FAILURE_LIMIT"] == "10 per 15 minutes"
    emails = [*ROLE_EMAILS.values(), "kwame@example.com", "mei@example.com", "siobhan@example.com"]
    for i in range(10):
        assert attempt_sign_in(seeded, emails[i % len(emails)], "wrong", "10.0.3.1").status_code == 401
    assert attempt_sign_in(seeded, "yusuf@example.com", "wrong", "10.0.3.1").status_code == 429


REDIS_URI = "redis://127.0.0.1:6379"


def redis_or_skip():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            pass
        import redis
        client = redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2)
        client.ping()
    except Exception as exc:     # noqa: BLE001 - any failure means "no Redis here"
        pytest.skip(f"Redis is not reachable on 127.0.0.1:6379 ({exc})")
    return client


@pytest.fixture
def two_hosts(build):
    """Two app instances (two 'hosts') sharing one Redis and one unique key prefix."""
    redis_client = redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex}"
    config = dict(RATELIMIT_STORAGE_URI=REDIS_URI, RATELIMIT_KEY_PREFIX=prefix,
                  LOGIN_FAILURE_LIMIT="3 per 15 minutes")
    host_a, host_b = build(**config), build(**config)
    seed_people(host_a)
    tag = uuid.uuid4().hex[:12]
    yield host_a, host_b, redis_client, prefix, tag
    for key in redis_client.scan_iter(f"*{tag}*"):
        redis_client.delete(key)
    for key in redis_client.scan_iter(f"*{prefix}*"):
        redis_client.delete(key)


def test_hosts_sharing_redis_count_failures_together(two_hosts):
    host_a, host_b, redis_client, _, tag = two_hosts
    email = f"nobody-{tag}@example.com"
    octet = int(tag[:2], 16)
    # Per account: failures spread over both hosts and several addresses add up.
    assert attempt_sign_in(host_a, email, "wrong", f"10.{octet}.1.1").status_code == 401
    assert attempt_sign_in(host_b, email, "wrong", f"10.{octet}.1.2").status_code == 401
    assert attempt_sign_in(host_a, email, "wrong", f"10.{octet}.1.3").status_code == 401
    assert attempt_sign_in(host_b, email, "wrong", f"10.{octet}.1.4").status_code == 429
    assert attempt_sign_in(host_a, email, "wrong", f"10.{octet}.1.5").status_code == 429
    # The counters live in Redis, where every host sees them.
    assert list(redis_client.scan_iter(f"*{tag}*"))


def test_hosts_use_their_configured_key_prefix(two_hosts):
    host_a, _, redis_client, prefix, tag = two_hosts
    assert attempt_sign_in(host_a, f"nobody-{tag}@example.com", "wrong", "10.250.0.1").status_code == 401
    keys = [key.decode() for key in redis_client.scan_iter(f"*{tag}*")]
    assert keys and all(prefix in key for key in keys)


# --- sessions end when role, password or active flag change ------------------

def _deactivate_via_admin(app):
    learner = person(LEARNER)
    response = post(admin_client(app), f"/admin/people/{learner.id}",
                    {"name": learner.name, "email": learner.email, "role": learner.role})
    assert response.status_code == 302
    assert person(LEARNER).active is False


def _new_role_via_admin(app):
    learner = person(LEARNER)
    response = post(admin_client(app), f"/admin/people/{learner.id}",
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
    response = post(admin_client(seeded), f"/admin/people/{learner.id}",
                    {"name": "Lena L.", "email": learner.email, "role": learner.role, "active": "on"})
    assert response.status_code == 302
    assert browser.get(COURSE_URL).status_code == 200


# --- self sign-up -------------------------------------------------------------

def signup_form(email, password="long-enough-pw", name="New Person", **extra):
    return {"email": email, "name": name, "password": password, **extra}


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
    # Sign-up no longer signs in: its answer must not differ for a taken email (issue 13).
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
    assert taken.status_code == 302       # the same answer as for a new email (issue 13), and no change
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


# --- changing one's password --------------------------------------------------

def password_hash(email=LEARNER):
    return person(email).password_hash


def change_password(client, current, new, confirm=None):
    return post(client, "/account/password", {"current": current, "new": new,
                                              "confirm": new if confirm is None else confirm})


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

def invite(app, email="invitee@example.com", name="Ivy Invitee"):
    """An admin adds a person without a password and creates their link; returns the token."""
    admin = admin_client(app)
    response = post(admin, "/admin/people/new", {"email": email, "name": name, "role": "learner"})
    assert response.status_code == 302
    invitee = person(email)
    assert invitee.password_hash is None
    page = post(admin, f"/admin/people/{invitee.id}/link")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Invite link for Ivy Invitee" in html
    match = _LINK.search(html)
    assert match, "the link is shown"
    return match.group(1)


def use_link(app, token, password=NEW_PASSWORD, confirm=None):
    client = app.test_client()
    response = post(client, f"/auth/set-password/{token}",
                    {"password": password, "confirm": password if confirm is None else confirm},
                    token_from="/auth/sign-in")
    return client, response


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
    admin = admin_client(seeded)
    page = post(admin, f"/admin/people/{person(LEARNER).id}/link")
    assert page.status_code == 200 and "Password reset link" in page.get_data(as_text=True)
    token = _LINK.search(page.get_data(as_text=True)).group(1)
    _, response = use_link(seeded, token)
    assert response.status_code == 302
    assert sign_in(seeded.test_client(), LEARNER, NEW_PASSWORD).status_code == 302


def test_bogus_link_is_404(client):
    assert client.get("/auth/set-password/not-a-real-token").status_code == 404
