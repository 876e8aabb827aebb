"""Helpers shared by the benchmarks: run flask commands, reset PostgreSQL, count queries."""
from __future__ import annotations

import math
import os
import re
import secrets
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def flask_bin() -> list[str]:
    candidate = os.path.join(ROOT, ".venv", "bin", "flask")
    return [candidate] if os.path.exists(candidate) else [sys.executable, "-m", "flask"]


def run_cli(database_url: str, *args: str) -> tuple[float, str]:
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY=secrets.token_hex(32), CONTENT_DIR=ROOT)
    for name in ("TIMEZONE", "FLASK_DEBUG", "CONTENT_RELOAD"):
        env.pop(name, None)
    started = time.perf_counter()
    done = subprocess.run(flask_bin() + ["--app", "app", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return took, done.stdout.strip()


def reset_postgres(url: str) -> None:
    from playhouse.db_url import connect
    database = connect(url)
    with database.connection_context():
        database.execute_sql("DROP SCHEMA public CASCADE")
        database.execute_sql("CREATE SCHEMA public")
    database.close()


def percentile(values, p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


class QueryCounter:
    def __init__(self, database):
        self.count = 0
        original = database.execute_sql

        def counting(sql, *args, **kwargs):
            self.count += 1
            return original(sql, *args, **kwargs)
        database.execute_sql = counting
