"""Whether this process is about to serve requests."""
from __future__ import annotations

import click
from flask import Flask


def serving(app: Flask) -> bool:
    """True when the app is about to serve requests (gunicorn, `flask run`),
    False under other `flask` commands, which must work on a broken tree."""
    ctx = click.get_current_context(silent=True)
    return ctx is None or ctx.command.name == "run"
