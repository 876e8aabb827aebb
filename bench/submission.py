"""One new quiz submission, timed in-process (Flask test client, no server), and /health beside it.

    .venv/bin/python bench/submission.py [--learners 2000] [--submissions 200] [--database sqlite|URL]

Builds a throwaway database with `flask db upgrade`, `demo seed` and `demo scale --learners N`,
signs in --submissions different learners through `sessions.start_session`, and posts each one's
fresh, all-best quiz form once (every post a new attempt). Prints the median and p90 wall and CPU
time per submission and the SQL statements it ran, and the same for GET /health and the home page.
Compare figures between changes on the same machine.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, ROOT)
sys.path.insert(0, BENCH)

from common import QueryCounter, log, percentile, reset_postgres, run_cli  # noqa: E402
import learners as people  # noqa: E402


def timed(fn, count):
    walls, cpus = [], []
    for i in range(count):
        w, c = time.perf_counter(), time.process_time()
        fn(i)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return walls, cpus


def line(name, walls, cpus, statements):
    return (f"| {name} | {statistics.median(walls) * 1000:.2f} ms | {percentile(walls, 0.9) * 1000:.2f} ms "
            f"| {statistics.median(cpus) * 1000:.2f} ms | {statements} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--database", default="sqlite", help="sqlite (a temp file) or a postgresql:// URL")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of the submissions")
    args = parser.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="course-submission-")
    url = f"sqlite:///{tmp}/bench.sqlite3" if args.database == "sqlite" else args.database
    if url.startswith("postgres"):
        reset_postgres(url)
    run_cli(url, "db", "upgrade")
    run_cli(url, "demo", "seed")
    took, out = run_cli(url, "demo", "scale", "--learners", str(args.learners), "--teams", str(max(1, args.learners // 100)))
    log(f"demo scale: {out.splitlines()[-1] if out else ''} ({took:.1f} s)")

    os.environ.update(DATABASE_URL=url, CONTENT_DIR=ROOT, REQUEST_LOG="0", SECRET_KEY=os.urandom(16).hex())
    from course import create_app
    from course.data.db import db
    app = create_app({"REQUEST_LOG": False})
    client = app.test_client(use_cookies=False)
    with app.app_context():
        db.connect(reuse_if_open=True)
        lesson = people.quiz_lesson(app.extensions["content"].catalog)
        forms = []
        for person in people.learners(args.submissions + 20):
            cookie, csrf = people.signed_in(app, person)
            forms.append((cookie, people.quiz_body(app, person, lesson, csrf)))
        db.close()
    path = f"/courses/{people.COURSE}/{lesson.slug}/quiz"
    counter = QueryCounter(db.obj)

    def submit(i):
        cookie, body = forms[i]
        response = client.post(path, data=body, content_type="application/x-www-form-urlencoded",
                               headers={"Cookie": f"session={cookie}", "User-Agent": "course-bench/1.0"})
        assert response.status_code == 303, (response.status_code, __import__("re").findall(r"<main.*?</main>", response.get_data(as_text=True), 16))

    def home(i):
        assert client.get("/", headers={"Cookie": f"session={forms[i][0]}"}).status_code == 200

    def health(i):
        assert client.get("/health").status_code == 200

    for i in range(10, 20):          # warm-up, not measured
        submit(i)
    forms = forms[20:]
    rows = []
    for name, fn in (("GET /health", health), ("GET / (home, learner)", home), ("POST quiz, new attempt", submit)):
        before = counter.count
        fn(0) if fn is not submit else None
        per = counter.count - before
        walls, cpus = timed(fn if fn is not submit else (lambda i: submit(i + 1)), args.submissions - 1)
        if fn is submit:
            per = (counter.count - before) // (args.submissions - 1)
        rows.append(line(name, walls, cpus, per))
    if args.profile:
        import cProfile
        import pstats
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(1, len(forms)):
            home(i)         # the forms were used up above: profile the home page of the same learners
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"{args.learners} learners, {url.split(':')[0]}, {args.submissions - 1} requests each")
    print("| request | median | p90 | CPU median | SQL statements |\n|---|---:|---:|---:|---:|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
