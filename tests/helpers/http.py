"""A test client as a browser would be: CSRF tokens from the pages, signing in, posting forms."""
from __future__ import annotations

import re

from helpers.people import DEMO_PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def csrf_token(client, url: str = "/auth/sign-in") -> str:
    response = client.get(url, follow_redirects=True)
    return csrf_from(response.get_data(as_text=True))


def sign_in(client, email: str, password: str = DEMO_PASSWORD, remember: bool = False):
    """POST the sign-in form once; returns the response (302 when it worked)."""
    data = {"email": email, "password": password, "csrf_token": csrf_token(client, "/auth/sign-in")}
    if remember:
        data["remember"] = "1"
    return client.post("/auth/sign-in", data=data)


def signed_in(app, email: str, password: str = DEMO_PASSWORD):
    """A new client of `app`, signed in as `email`."""
    client = app.test_client()
    assert sign_in(client, email, password).status_code == 302, f"{email} could not sign in"
    return client


def post(client, url: str, data: dict | None = None, token_from: str = "/", **kwargs):
    """POST like a browser would: with the CSRF token from a page of the site."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, token_from))
    return client.post(url, data=data, **kwargs)
