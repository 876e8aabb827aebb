"""Input that can never reach a query as a 500: database ids, form ids, NUL, body size.

- `<id:name>` in a route matches 1 to 2**63 - 1 only (a signed 64-bit column), so
  `/admin/people/9223372036854775808` is a 404 like any unknown id, never an OverflowError.
- `form_id(name)` reads an id from the submitted form the same way: out of range is None.
- A NUL character is never valid in a URL, a query string or a form field (PostgreSQL refuses
  it in text): such a request is a 400 before any view runs.
- Bodies over MAX_CONTENT_LENGTH are refused with 413 when their size is announced, before
  they are read (Werkzeug checks Content-Length), and cut off at the limit otherwise.
"""
from __future__ import annotations

from flask import Flask, abort, render_template, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1      # BIGINT / SQLite INTEGER: the widest id any table can hold


class DatabaseIdConverter(IntegerConverter):
    """Like `int`, but only the values a row id can take (1 .. 2**63 - 1)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def parse_id(value) -> int | None:
    """A database id from text (a form field, a query argument), or None when it is not one."""
    if value is None:
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def form_id(name: str) -> int | None:
    """The id in form field `name` (first value), or None when missing or out of range."""
    return parse_id(request.form.get(name))


def _malformed(multidict) -> bool:
    """A NUL anywhere, or a multipart field without a name (its header could not be read)."""
    return any(key is None or "\x00" in key or "\x00" in (value or "")
               for key, value in multidict.items(multi=True))


def _refuse_malformed():
    if "\x00" in request.path or _malformed(request.args):
        abort(400, "The address contains a character that is never valid here.")
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded",
                                                         "multipart/form-data"):
        if _malformed(request.form) or any(key is None for key in request.files):
            abort(400, "The form could not be read. Nothing was saved.")
    return None


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = DatabaseIdConverter
    # First of all the before-request functions: the CSRF check and the views then only ever
    # see forms that could be read.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_malformed)

    @app.errorhandler(413)
    def too_large(error):
        limit = app.config.get("MAX_CONTENT_LENGTH")
        return render_template("errors/413.html", limit_mb=(limit or 0) / (1024 * 1024)), 413
