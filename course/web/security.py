"""CSRF on every POST, and response headers that keep pages in their lane.

- Every response: a strict Content-Security-Policy, nosniff, same-origin referrers, no framing.
- Every HTTPS response, when SESSION_COOKIE_SECURE is on: HSTS for a year, subdomains included.
- Every response to a signed-in person (static files aside): `Cache-Control: no-store`, so
  neither a shared cache nor the browser's back button keeps their pages after sign-out.
- BEHIND_PROXY=1: Werkzeug's ProxyFix trusts one hop of X-Forwarded-For, -Proto and -Host.
"""
from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
HSTS = "max-age=31536000; includeSubDomains"
# Endpoints that never load the signed-in person (and never open the database).
ANONYMOUS_ENDPOINTS = ("static", "main.health")


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    if app.config.get("BEHIND_PROXY"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure and current_app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = HSTS
        if _signed_in(response):
            response.headers["Cache-Control"] = "no-store"
        return response


def _signed_in(response) -> bool:
    if request.endpoint in ANONYMOUS_ENDPOINTS:
        return False
    user = g.get("_login_user")         # flask-login's person for this request, once loaded
    if user is None and response.status_code < 500:
        user = current_user._get_current_object()     # not after a failure (the database may be down)
    return user is not None and user.is_authenticated
