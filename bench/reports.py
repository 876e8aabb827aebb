"""Manager reports benchmark: team dashboard, CSV exports and the admin summary at 10,000 learners.

    .venv/bin/python bench/reports.py                    # SQLite and PostgreSQL, writes docs/performance.md
    .venv/bin/python bench/reports.py --only sqlite --requests 10 --no-docs

Not part of the test suite. For each database it:

1. makes an empty database (SQLite: a file in a temporary folder; PostgreSQL: the `bench`
   database, whose public schema is dropped and created again), then runs the real commands
   `flask --app app db upgrade` and `flask --app app demo scale --learners 10000 --teams 100`
   in a subprocess, timing the scale command;
2. creates an admin with course.people.create_person, adds one extra team that holds all
   10,000 learners (bulk Membership insert, then ANALYZE), and signs the admin in through
   POST /auth/sign-in with the form's CSRF token, in-process with Flask's test client;
3. times --requests requests (after 3 unmeasured warm-ups) of: the dashboard of a 100-person
   team, that team's CSV export, the 10,000-row CSV export, and the admin summary /manage/.
   Every response is read to its end. It also counts the SQL statements of each request;
4. measures memory with tracemalloc during one streamed 10,000-row export (reading
   response.response chunk by chunk) and, for comparison, one 100-row export.

Prints a markdown table and (unless --no-docs) writes it into docs/performance.md under
"## Manager reports". The latencies are in-process: no network, no WSGI server; compare them
between changes on the same machine.
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import secrets
import statistics
import sys
import tempfile
import time
import tracemalloc

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, ROOT)
sys.path.insert(0, BENCH)

from common import CSRF, QueryCounter, log, percentile, reset_postgres, run_cli  # noqa: E402

COURSE = "coaching-at-every-level"
PG_URL = "postgresql://postgres@127.0.0.1:5432/bench"
ADMIN_EMAIL = "bench-admin@example.com"
ADMIN_PASSWORD = secrets.token_urlsafe(12)
DOCS = os.path.join(ROOT, "docs", "performance.md")
SECTION = "## Manager reports"

# Goals (see docs/performance.md)
GOALS = {"dashboard": 0.050, "summary": 0.200, "export_big": 2.0}


def setup_app(database_url: str, learners: int):
    from course import create_app
    from course.learning import people
    from course.data.db import analyze, db
    from course.data.models import Membership, Person, Team
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(32), "CONTENT_DIR": ROOT})
    with app.app_context(), db.connection_context():
        people.create_person(ADMIN_EMAIL, "Bench Admin", "admin", password=ADMIN_PASSWORD)
        team = (Team.select().where(Team.name.startswith("Scale team")).order_by(Team.name).first())
        team_size = Membership.select().where((Membership.team == team) & (Membership.is_manager == False)).count()  # noqa: E712
        everyone = Team.create(name="All learners")
        ids = [pid for (pid,) in Person.select(Person.id).where(Person.email.endswith("@scale.example")
                                                                & (Person.role == "learner")).tuples()]
        with db.atomic():
            for start in range(0, len(ids), 500):
                Membership.insert_many([{"person": pid, "team": everyone.id, "is_manager": False}
                                        for pid in ids[start:start + 500]]).execute()
    analyze()
    if len(ids) != learners:
        raise SystemExit(f"expected {learners} learners, found {len(ids)}")
    client = app.test_client()
    token = CSRF.search(client.get("/auth/sign-in").get_data(as_text=True)).group(1)
    response = client.post("/auth/sign-in", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD,
                                                  "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"the admin could not sign in ({response.status_code})")
    return app, client, team.id, team_size, everyone.id, len(ids)


def timed(client, counter, url: str, requests: int, check) -> dict:
    for _ in range(3):
        client.get(url).get_data()
    samples, cpu, queries, size = [], [], set(), 0
    for _ in range(requests):
        counter.count = 0
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        body = response.get_data()
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        queries.add(counter.count)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        size = len(body)
    check(body)
    return {"median": statistics.median(samples), "p95": percentile(samples, 0.95), "min": min(samples),
            "cpu": statistics.median(cpu), "queries": sorted(queries), "bytes": size, "n": requests}


def streamed_memory(client, url: str) -> dict:
    """tracemalloc during one export: the whole request, and the streaming part alone."""
    import gc
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    response = client.get(url)           # the report is built here; the body is not read yet
    at_stream_start, peak_before_stream = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    rows, samples = 0, []
    for chunk in response.response:
        rows += chunk.count(b"\n")
        if rows % 1000 == 0:
            samples.append(tracemalloc.get_traced_memory()[0] - at_stream_start)
    _, stream_peak = tracemalloc.get_traced_memory()
    response.close()
    tracemalloc.stop()
    return {"rows": rows - 1, "request_peak": max(peak_before_stream, stream_peak) - base,
            "report_built": at_stream_start - base, "stream_peak": stream_peak - at_stream_start,
            "stream_samples": samples}


def report_build_time(app, team_id: int, repeat: int) -> dict:
    """reports.team_report alone (its 3 queries and the per-person progress), no template or CSV."""
    from course.reporting import team_reports as reports
    from course.web.content_store import catalog
    from course.data.db import db
    from course.data.models import Team
    samples, cpu = [], []
    with app.app_context(), db.connection_context():
        team, course = Team.get_by_id(team_id), catalog().course(COURSE)
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            reports.team_report(team, course)
            samples.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
    return {"median": statistics.median(samples), "p95": percentile(samples, 0.95), "cpu": statistics.median(cpu)}


def bench_database(name: str, database_url: str, args) -> dict:
    log(f"[{name}] db upgrade")
    run_cli(database_url, "db", "upgrade")
    log(f"[{name}] demo scale --learners {args.learners} --teams {args.teams}")
    scale_wall, scale_out = run_cli(database_url, "demo", "scale", "--learners", str(args.learners),
                                    "--teams", str(args.teams))
    log(f"[{name}]   {scale_out} (wall {scale_wall:.1f} s)")
    app, client, team_id, team_size, big_id, learners = setup_app(database_url, args.learners)
    counter = QueryCounter(app.extensions["peewee"])

    def rows(expected):
        def check(body):
            lines = body.decode().count("\n") - 1
            if lines != expected:
                raise SystemExit(f"expected {expected} CSV rows, got {lines}")
        return check

    def page(text):
        def check(body):
            if text.encode() not in body:
                raise SystemExit(f"{text!r} not on the page")
        return check

    urls = {
        "dashboard": (f"/manage/teams/{team_id}?course={COURSE}", page("People 1–50 of %d" % team_size)),
        "export_team": (f"/manage/teams/{team_id}/export.csv?course={COURSE}", rows(team_size)),
        "export_big": (f"/manage/teams/{big_id}/export.csv?course={COURSE}", rows(learners)),
        "summary": (f"/manage/?course={COURSE}", page(f"Showing 1–{min(50, args.teams + 1)} of {args.teams + 1}")),
    }
    results = {"scale_wall": scale_wall, "scale_out": scale_out, "team_size": team_size, "learners": learners}
    for key, (url, check) in urls.items():
        log(f"[{name}] {key}: {args.requests} requests")
        results[key] = timed(client, counter, url, args.requests, check)
        log(f"[{name}]   median {results[key]['median'] * 1000:.1f} ms, p95 {results[key]['p95'] * 1000:.1f} ms")
        if key == "export_big":
            results["report_build"] = report_build_time(app, big_id, min(args.requests, 10))
    log(f"[{name}] memory during the streamed exports")
    results["memory_big"] = streamed_memory(client, urls["export_big"][0])
    results["memory_team"] = streamed_memory(client, urls["export_team"][0])
    database = app.extensions["peewee"]
    getattr(database, "close_all", database.close)()
    return results


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if abs(size) >= 100_000 else f"{size / 1000:.0f} kB"


def verdict(value: float, goal: float) -> str:
    return "met" if value < goal else "**missed**"


def table(results: dict, args) -> str:
    lines = ["| database | measure | median | p95 | CPU median | SQL statements | goal | |",
             "|---|---|---:|---:|---:|---:|---|---|"]
    for name, r in results.items():
        lines.append(f"| {name} | `demo scale --learners {args.learners} --teams {args.teams}` (one run) "
                     f"| {r['scale_wall']:.1f} s | | | | | |")
        rows = [("dashboard", f"team dashboard, {r['team_size']} people", "< 50 ms median", GOALS["dashboard"]),
                ("export_team", f"CSV export, {r['team_size']} rows", "", None),
                ("export_big", f"CSV export, {r['learners']:,} rows", "< 2 s", GOALS["export_big"]),
                ("summary", f"admin summary `/manage/` (page 1: {min(50, args.teams + 1)} of {args.teams + 1} teams)",
                 "< 200 ms median", GOALS["summary"])]
        for key, label, goal_text, goal in rows:
            m = r[key]
            queries = "/".join(str(q) for q in m["queries"])
            met = verdict(m["median"], goal) if goal else ""
            lines.append(f"| {name} | {label} | {ms(m['median'])} | {ms(m['p95'])} | {ms(m['cpu'])} | {queries} "
                         f"| {goal_text} | {met} |")
            if key == "export_big":
                b = r["report_build"]
                lines.append(f"| {name} | of which building the report (`reports.team_report` alone) | "
                             f"{ms(b['median'])} | {ms(b['p95'])} | {ms(b['cpu'])} | 3 | | |")
        big, small = r["memory_big"], r["memory_team"]
        flat = max(big["stream_samples"]) - min(big["stream_samples"]) if big["stream_samples"] else 0
        # Flat: the peak does not grow with the number of rows (10,000 rows within 1 MB of 100 rows).
        request_flat = big["request_peak"] < small["request_peak"] + 1_000_000
        lines.append(f"| {name} | memory, {big['rows']:,}-row export: while streaming (peak) | "
                     f"{mb(big['stream_peak'])} | | | | flat | {'met' if big['stream_peak'] < 1_000_000 else '**missed**'} |")
        lines.append(f"| {name} | memory, {big['rows']:,}-row export: whole request (peak) | "
                     f"{mb(big['request_peak'])} | | | | flat | {'met' if request_flat else '**missed**: grows with rows'} |")
        lines.append(f"| {name} | memory, {small['rows']}-row export: whole request (peak) | "
                     f"{mb(small['request_peak'])} | | | | | |")
        r["flat_range"] = flat
    return "\n".join(lines)


def docs_section(results: dict, args, markdown: str, command: str) -> str:
    cores = os.cpu_count()
    details = []
    for name, r in results.items():
        big = r["memory_big"]
        details.append(f"- {name}: `{r['scale_out']}` (command output; {r['scale_wall']:.1f} s wall clock "
                       f"including start-up). Memory while the {big['rows']:,} rows streamed moved within "
                       f"{mb(r['flat_range'])} (sampled every 1,000 rows); building the report before the "
                       f"first byte took {mb(big['report_built'])}.")
    load = " / ".join(f"{a:.1f}" for a in os.getloadavg())
    return f"""{SECTION}

Measured on {datetime.date.today().isoformat()} on a machine with {cores} cores
({platform.machine()}, Python {platform.python_version()}, SQLite {sqlite_version()}, PostgreSQL {pg_version(results)};
load average {LOAD_BEFORE} before the run and {load} after it: other work shared the machine), with:

```sh
{command}
```

`bench/reports.py` builds each database with the real commands (`flask --app app db upgrade`, then
`flask --app app demo scale --learners {args.learners} --teams {args.teams}`), adds one team that holds all
{args.learners:,} learners, signs in an admin, and times {args.requests} requests of each page in-process with
Flask's test client after 3 warm-ups (no network and no WSGI server, every response read to the end).
p95 is the nearest-rank 95th percentile. "CPU median" is this process's CPU time per request
(`time.process_time`; it leaves out the PostgreSQL server's own work) and is steadier than wall-clock
time on a shared machine. "SQL statements" is the number of statements each request ran
(the same for every request). Memory is traced with `tracemalloc` (Python allocations only) during one
export: "while streaming" is the peak above the memory held when the first byte was sent, "whole request"
is the peak above the memory before the request.

{markdown}

{chr(10).join(details)}

Goals: team dashboard under 50 ms median, admin summary under 200 ms median, a 10,000-row export under
2 s with flat memory. The streaming itself is flat (one row is formatted at a time), but
`reports.team_report` builds every row of the report before the first byte is sent, so the
whole request's peak memory grows with the number of rows (compare the 100-row and 10,000-row exports).

Where the 10,000-row export's time goes: building the report, not writing the CSV (see the "of which"
row). A cProfile of `reports.team_report` for the 10,000-person team (SQLite, run separately on
2026-11-23) put about half of it in turning ~47,600 progress rows into Peewee `Progress` instances
(parsing their datetimes), about a third in `lesson_states.build_course_progress` (10 lessons x 10,000
people), and about 0.25 s in `weekly_finishes`, a chart figure the CSV does not use. Reading the
progress rows as tuples, skipping the chart figures for the export, and building and writing the rows
one person at a time (the members and progress queries ordered by person; possible for the default
name order, the other sorts need every row) would cut the time and make the memory of the whole request flat.
"""


def sqlite_version() -> str:
    import sqlite3
    return sqlite3.sqlite_version


_PG_VERSION = ""
LOAD_BEFORE = " / ".join(f"{a:.1f}" for a in os.getloadavg())


def pg_version(results) -> str:
    return _PG_VERSION or "not measured"


def write_docs(section: str) -> None:
    if not os.path.exists(DOCS):
        with open(DOCS, "w", encoding="utf-8") as fh:
            fh.write("# Performance\n\n" + section)
        return
    with open(DOCS, encoding="utf-8") as fh:
        text = fh.read()
    if SECTION in text:
        # Replace only this section (up to the next "## " heading): the rest of the file is left alone.
        start = text.index(SECTION)
        following = re.search(r"^## ", text[start + len(SECTION):], re.M)
        end = start + len(SECTION) + following.start() if following else len(text)
        text = text[:start] + section.rstrip("\n") + "\n" + ("\n" + text[end:] if following else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(DOCS, "w", encoding="utf-8") as fh:
        fh.write(text)


def main() -> int:
    global _PG_VERSION
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument("--pg-url", default=PG_URL, help="its public schema is dropped and created again")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/performance.md")
    args = parser.parse_args()

    results = {}
    with tempfile.TemporaryDirectory(prefix="course-reports-bench-") as tmp:
        if args.only in (None, "sqlite"):
            results["SQLite"] = bench_database("SQLite", f"sqlite:///{os.path.join(tmp, 'bench.sqlite3')}", args)
        if args.only in (None, "postgres"):
            reset_postgres(args.pg_url)
            from playhouse.db_url import connect
            database = connect(args.pg_url)
            with database.connection_context():
                _PG_VERSION = database.execute_sql("SHOW server_version").fetchone()[0].split()[0]
            database.close()
            results["PostgreSQL"] = bench_database("PostgreSQL", args.pg_url, args)
    markdown = table(results, args)
    print(markdown)
    if not args.no_docs:
        command = ".venv/bin/python bench/reports.py" + "".join(
            f" {flag}" for flag in sys.argv[1:] if flag != "--no-docs")
        write_docs(docs_section(results, args, markdown, command))
        log(f"wrote {os.path.relpath(DOCS, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
