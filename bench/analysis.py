"""Item analysis benchmark: the trainer pages at 10,000 learners, on SQLite and PostgreSQL.

    .venv/bin/python bench/analysis.py                       # both databases, appends to docs/performance.md
    .venv/bin/python bench/analysis.py --only sqlite --learners 500 --requests 5 --no-docs   # a quick try

Not part of the test suite. For each database it:

1. makes an empty database (SQLite: a file in a temporary folder; PostgreSQL: the
   `bench_analysis` database, whose public schema is dropped and created again), then runs the
   real commands `flask --app app db upgrade` and
   `flask --app app demo scale --learners 10000 --teams 100` in a subprocess (DATABASE_URL set),
   timing the scale command;
2. creates a trainer with course.people.create_person(..., role="trainer", password=...) and
   signs in through POST /auth/sign-in with the form's CSRF token, in-process with Flask's
   test client (no network, no WSGI server);
3. times --requests requests (after 3 unmeasured warm-ups, every response read to its end) of:
   the item analysis of a plain scenario quiz, of the branching conversation, the CSV export of
   the plain quiz, the analysis index and the content health page, and counts the SQL
   statements each request runs.

Prints a markdown table and (unless --no-docs) appends it to docs/performance.md under
"## Item analysis". Goal: item analysis under 200 ms (median) at 10,000 learners.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, ROOT)
sys.path.insert(0, BENCH)

from common import CSRF, QueryCounter, log, percentile, reset_postgres, run_cli  # noqa: E402

COURSE = "coaching-at-every-level"
PLAIN = "coaching-is-not-managing"
CONVERSATION = "coaching-up"
PG_URL = "postgresql://postgres@127.0.0.1:5432/bench_analysis"
TRAINER_EMAIL = "bench-trainer@example.com"
TRAINER_PASSWORD = secrets.token_urlsafe(12)
DOCS = os.path.join(ROOT, "docs", "performance.md")
SECTION = "## Item analysis"
RESPONDENTS = re.compile(r"([\d,]+) learners? with at least one attempt")
GOAL_SECONDS = 0.200          # item analysis pages, median


def setup_app(database_url: str):
    from course import create_app
    from course.learning import people
    from course.data.db import db
    from course.data.models import Answer, Attempt, Person
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(32), "CONTENT_DIR": ROOT})
    with app.app_context(), db.connection_context():
        people.create_person(TRAINER_EMAIL, "Bench Trainer", "trainer", password=TRAINER_PASSWORD)
        sizes = {"learners": Person.select().where(Person.role == "learner").count(),
                 "attempts": Attempt.select().count(), "answers": Answer.select().count(),
                 "plain attempts": Attempt.select().where(Attempt.lesson_slug == PLAIN).count(),
                 "conversation attempts": Attempt.select().where(Attempt.lesson_slug == CONVERSATION).count()}
    client = app.test_client()
    token = CSRF.search(client.get("/auth/sign-in").get_data(as_text=True)).group(1)
    response = client.post("/auth/sign-in", data={"email": TRAINER_EMAIL, "password": TRAINER_PASSWORD,
                                                  "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"the trainer could not sign in ({response.status_code})")
    return app, client, sizes


def timed(client, counter, url: str, requests: int, check) -> dict:
    for _ in range(3):
        client.get(url).get_data()
    samples, queries, body = [], set(), b""
    for _ in range(requests):
        counter.count = 0
        started = time.perf_counter()
        response = client.get(url)
        body = response.get_data()        # a streamed CSV is produced here
        response.close()
        samples.append(time.perf_counter() - started)
        queries.add(counter.count)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
    extra = check(body.decode("utf-8"))
    return {"median": statistics.median(samples), "p95": percentile(samples, 0.95), "min": min(samples),
            "queries": sorted(queries), "bytes": len(body), "n": requests, "extra": extra}


def _respondents(text: str) -> str:
    match = RESPONDENTS.search(text)
    if not match:
        raise SystemExit("the analysis page does not say how many learners answered")
    return match.group(1)


def check_plain(text: str) -> str:
    if "Best on first try" not in text or "Hidden" in text:
        raise SystemExit("the plain quiz's analysis does not show its figures")
    return f"{_respondents(text)} learners"


def check_conversation(text: str) -> str:
    if "Paths taken" not in text or "Where conversations end" not in text:
        raise SystemExit("the conversation's analysis does not show paths and endings")
    paths = text.count("</td></tr>", text.index("Paths taken"))
    return f"{_respondents(text)} learners, {paths} distinct paths"


def check_csv(text: str) -> str:
    lines = text.strip().splitlines()
    if not lines[0].startswith("Scenario id,") or len(lines) < 2 or "fewer than" in text:
        raise SystemExit("the CSV export is not the expected file")
    return f"{len(lines) - 1} rows"


def check_index(text: str) -> str:
    if "Item analysis" not in text:
        raise SystemExit("the analysis index did not render")
    return f"{text.count('/trainer/analysis/' + COURSE + '/')} quizzes"


def check_health(text: str) -> str:
    if "Content health" not in text or "drop-off and reading time" not in text:
        raise SystemExit("the content health page did not render")
    rows = text.count('<th scope="row">')
    return f"{rows} lessons"


PAGES = [
    ("item analysis, plain quiz (4 scenarios)", f"/trainer/analysis/{COURSE}/{PLAIN}", check_plain, True),
    ("item analysis, conversation (paths and endings)", f"/trainer/analysis/{COURSE}/{CONVERSATION}",
     check_conversation, True),
    ("CSV export, plain quiz", f"/trainer/analysis/{COURSE}/{PLAIN}.csv", check_csv, False),
    ("analysis index `/trainer/analysis/`", "/trainer/analysis/", check_index, False),
    ("content health `/trainer/health`", "/trainer/health", check_health, False),
]


def bench_database(name: str, database_url: str, args) -> dict:
    log(f"[{name}] db upgrade")
    run_cli(database_url, "db", "upgrade")
    log(f"[{name}] demo scale --learners {args.learners} --teams {args.teams}")
    scale_wall, scale_out = run_cli(database_url, "demo", "scale", "--learners", str(args.learners),
                                    "--teams", str(args.teams))
    log(f"[{name}]   {scale_out} (wall {scale_wall:.1f} s)")
    app, client, sizes = setup_app(database_url)
    counter = QueryCounter(app.extensions["peewee"])
    results = []
    try:
        for label, url, check, goal in PAGES:
            log(f"[{name}] {args.requests} x GET {url}")
            result = timed(client, counter, url, args.requests, check)
            result.update(label=label, url=url, goal=goal)
            log(f"[{name}]   median {result['median'] * 1000:.1f} ms, p95 {result['p95'] * 1000:.1f} ms, "
                f"{result['queries']} statements, {result['extra']}")
            results.append(result)
    finally:
        app.extensions["peewee"].close_all()
    return {"name": name, "scale_wall": scale_wall, "scale_out": scale_out, "sizes": sizes, "results": results}


def ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def table(runs: list[dict], learners: int, teams: int) -> str:
    lines = ["| database | page | median | p95 | SQL statements | what it showed | goal | |",
             "|---|---|---:|---:|---:|---|---|---|"]
    for run in runs:
        lines.append(f"| {run['name']} | `demo scale --learners {learners} --teams {teams}` (one run) | "
                     f"{run['scale_wall']:.1f} s | | | | | |")
        for r in run["results"]:
            queries = "/".join(str(q) for q in r["queries"])
            goal = f"< {GOAL_SECONDS * 1000:.0f} ms median" if r["goal"] else ""
            met = ("met" if r["median"] < GOAL_SECONDS else "NOT met") if r["goal"] else ""
            lines.append(f"| {run['name']} | {r['label']} | {ms(r['median'])} | {ms(r['p95'])} | {queries} | "
                         f"{r['extra']} | {goal} | {met} |")
    return "\n".join(lines)


def machine() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            model = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    try:
        from playhouse.db_url import connect
        database = connect(PG_URL)
        with database.connection_context():
            pg = database.execute_sql("SHOW server_version").fetchone()[0].split()[0]
        database.close()
    except Exception:  # noqa: BLE001 - only for the description
        pg = "?"
    cores = os.cpu_count()
    return (f"{cores} cores{f' ({model})' if model else ''}, {platform.machine()}, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, PostgreSQL {pg}")


def load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def docs_section(runs, args, load_before, load_after) -> str:
    notes = []
    for run in runs:
        s = run["sizes"]
        notes.append(f"- {run['name']}: `{run['scale_out']}` (command output; {run['scale_wall']:.1f} s wall clock "
                     f"including start-up). The plain quiz has {s['plain attempts']:,} attempts and the "
                     f"conversation {s['conversation attempts']:,}, out of {s['attempts']:,} attempts and "
                     f"{s['answers']:,} answers in all.")
    goal_rows = [r for run in runs for r in run["results"] if r["goal"]]
    verdict = ("met on both databases" if all(r["median"] < GOAL_SECONDS for r in goal_rows)
               else "NOT met for every page: see the table")
    return f"""
{SECTION}

Measured on {args.date} on a machine with {machine()}
(load average {load_before} before the run and {load_after} after it), with:

```sh
.venv/bin/python bench/analysis.py
```

`bench/analysis.py` builds each database with the real commands (`flask --app app db upgrade`, then
`flask --app app demo scale --learners {args.learners} --teams {args.teams}`, run in a subprocess with
`DATABASE_URL` set; SQLite in a temporary file, PostgreSQL in the `bench_analysis` database), creates a
trainer with `course.people.create_person(..., role="trainer", password=...)`, signs in through the
sign-in form and times {args.requests} requests of each page in-process with Flask's test client after 3
warm-ups (no network and no WSGI server, every response read to the end, the CSV included). p95 is the
nearest-rank 95th percentile. "SQL statements" is the number of statements each request ran (the
same for every request, whatever the number of learners: `tests/reporting/test_item_analysis.py` checks that).

{table(runs, args.learners, args.teams)}

{chr(10).join(notes)}

Goal: item analysis under {GOAL_SECONDS * 1000:.0f} ms (median) at {args.learners:,} learners: {verdict}. The analysis
reads two grouped queries (three for a conversation: its paths are rebuilt in Python from every
answer of the current version, so that page grows with the number of conversation attempts).
Content health has no goal of its own; it fetches every completed progress row of the course and
works out the medians in Python, so it grows with the number of completed lessons.
"""


def append_docs(section: str) -> None:
    """Append only: other sections of docs/performance.md are left as they are."""
    prefix = ""
    if not os.path.exists(DOCS):
        prefix = "# Performance\n"
    with open(DOCS, "a", encoding="utf-8") as fh:
        fh.write(prefix + section)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="run one database only")
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--postgres-url", default=PG_URL)
    parser.add_argument("--date", default="2026-11-23", help="the date written to docs/performance.md")
    parser.add_argument("--no-docs", action="store_true", help="print the table, do not touch docs/performance.md")
    args = parser.parse_args(argv)

    load_before = load()
    runs = []
    with tempfile.TemporaryDirectory(prefix="course-bench-analysis-") as tmp:
        if args.only in (None, "sqlite"):
            runs.append(bench_database("SQLite", f"sqlite:///{os.path.join(tmp, 'bench.sqlite3')}", args))
        if args.only in (None, "postgresql"):
            reset_postgres(args.postgres_url)
            runs.append(bench_database("PostgreSQL", args.postgres_url, args))
    load_after = load()
    print(table(runs, args.learners, args.teams))
    if not args.no_docs:
        append_docs(docs_section(runs, args, load_before, load_after))
        log(f"appended {SECTION} to {os.path.relpath(DOCS, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
