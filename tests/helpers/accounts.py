"""Accounts over HTTP: whether a client is signed in, cookies, sign-up and password forms,
and one-time links."""
from __future__ import annotations

import re
import socket

import pytest

from helpers.db import person
from helpers.http import post, sign_in, signed_in
from helpers.people import ADMIN, LEARNER

COURSE_URL = "/courses/demo/"
NEW_PASSWORD = "a-brand-new-secret"
REDIS_URI = "redis://127.0.0.1:6379"
_ERROR = re.compile(r'<p class="flash flash-error" role="alert">(.*?)</p>', re.S)
LINK = re.compile(r"/auth/set-password/([A-Za-z0-9_\-]+)")


def error_text(response):
    """The text of the page's error flash, or None."""
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


def redis_or_skip():
    """A client of the Redis on 127.0.0.1:6379; skips the test when there is none."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            pass
        import redis
        client = redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2)
        client.ping()
    except Exception as exc:     # noqa: BLE001 - any failure means "no Redis here"
        pytest.skip(f"Redis is not reachable on 127.0.0.1:6379 ({exc})")
    return client


def signup_form(email, password="long-enough-pw", name="New Person", **extra):
    return {"email": email, "name": name, "password": password, **extra}


def password_hash(email=LEARNER):
    return person(email).password_hash


def change_password(client, current, new, confirm=None):
    return post(client, "/account/password", {"current": current, "new": new,
                                              "confirm": new if confirm is None else confirm})


def invite(app, email="invitee@example.com", name="Ivy Invitee"):
    """An admin adds a person without a password and creates their link; returns the token."""
    admin = signed_in(app, ADMIN)
    response = post(admin, "/admin/people/new", {"email": email, "name": name, "role": "learner"})
    assert response.status_code == 302
    invitee = person(email)
    assert invitee.password_hash is None
    page = post(admin, f"/admin/people/{invitee.id}/link")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Invite link for Ivy Invitee" in html
    match = LINK.search(html)
    assert match, "the link is shown"
    return match.group(1)


def use_link(app, token, password=NEW_PASSWORD, confirm=None):
    client = app.test_client()
    response = post(client, f"/auth/set-password/{token}",
                    {"password": password, "confirm": password if confirm is None else confirm},
                    token_from="/auth/sign-in")
    return client, response
