"""Load benchmark (issue 14): every request a different learner, every quiz post a new attempt.

    .venv/bin/python bench/run.py                       # SQLite, then PostgreSQL when 127.0.0.1:5432 answers
    .venv/bin/python bench/run.py --learners 10000 --duration 10 --database sqlite --no-docs

For each database: `db upgrade`, `demo seed`, `demo scale --learners N` (default 2,000; the goals are
set at 10,000); sessions for many learners (and every team manager) through
`course.learning.sessions.start_session`, the function sign-in calls, and fresh quiz forms whose
one-time tokens come from `attempts.issue_token` with each learner's own draw (`draw_scenarios`);
one person signs in as a browser does. Then a bare Flask app (bench/bare.py) and our app, on the
same gunicorn settings, are driven by wrk with bench/learners.lua: each request the next learner's
cookie (and form), statuses counted in Lua. Attempt rows are counted before and after the quiz run:
lost = 303 responses - new rows. Prints a table (req/s, share of the bare app, p50, p99, errors,
lost), writes it to bench/results/latest.md and (unless --no-docs) docs/performance.md, with the
machine and its load. PostgreSQL uses a throwaway database (--pg-url, created and dropped).

Exit status: 0 after a complete run (the table reports, it does not judge), 1 when the app could
not be set up or served, 2 when wrk is not installed.
"""
from __future__ import annotations

import argparse
import datetime
import http.cookiejar
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, ROOT)
sys.path.insert(0, BENCH)

COURSE = "coaching-at-every-level"
EMAIL = "learner@example.com"
PASSWORD = "coaching-demo"
USER_AGENT = "course-bench/1.0"     # the same for urllib and wrk: one "browser" throughout

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
RESULT = re.compile(r"^BENCH_RESULT (.*)$", re.MULTILINE)

RSS_GOAL_MB = 50      # per worker (issue 14)


class BenchError(RuntimeError):
    pass


# --- setup ------------------------------------------------------------------------

def venv_bin() -> str:
    candidate = os.path.join(ROOT, ".venv", "bin")
    if os.path.exists(os.path.join(candidate, "gunicorn")):
        return candidate
    return os.path.dirname(sys.executable)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(database_url: str) -> dict:
    env = dict(os.environ)
    # Production-like and reproducible: no debug mode, no content re-reading, default time zone.
    for name in ("TIMEZONE", "FLASK_DEBUG", "CONTENT_RELOAD"):
        env.pop(name, None)
    env.update({
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "CONTENT_DIR": ROOT,
        "PYTHONUNBUFFERED": "1",
    })
    return env


def flask_command(bin_dir: str, env: dict, *args: str) -> None:
    command = [os.path.join(bin_dir, "flask"), "--app", "app", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"`{' '.join(command[1:])}` failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def start_gunicorn(bin_dir: str, env: dict, port: int, workers: int, log_path: str,
                   app_module: str = "app:app", cwd: str = ROOT) -> subprocess.Popen:
    log = open(log_path, "w")
    # --no-control-socket: gunicorn 27 otherwise opens ~/.gunicorn/gunicorn.ctl, shared with
    # any other gunicorn of the same user; the benchmark has no use for it.
    command = [os.path.join(bin_dir, "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--no-control-socket", "--preload", app_module]
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()            # graceful: the master stops its workers
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_for_health(base: str, proc: subprocess.Popen, log_path: str, timeout: float = 30,
                    path: str = "/health") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"gunicorn exited with {proc.returncode}:\n{read_tail(log_path)}")
        try:
            with urllib.request.urlopen(base + path, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, socket.timeout):
            pass
        time.sleep(0.2)
    raise BenchError(f"/health did not answer within {timeout:.0f} s:\n{read_tail(log_path)}")


def read_tail(path: str, lines: int = 40) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return "".join(fh.readlines()[-lines:])
    except OSError:
        return ""


# --- a signed-in learner, without requests ------------------------------------------

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None     # surface the 3xx itself as an HTTPError


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        cookies = urllib.request.HTTPCookieProcessor(self.jar)
        self.opener = urllib.request.build_opener(cookies)
        self.no_redirect = urllib.request.build_opener(cookies, NoRedirect())

    def _request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        return urllib.request.Request(self.base + path, data=body, headers={"User-Agent": USER_AGENT})

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self._request(path), timeout=10) as response:
            return response.status, response.geturl(), response.read().decode("utf-8")

    def post(self, path: str, data) -> tuple[int, str, str]:
        with self.opener.open(self._request(path, data), timeout=10) as response:
            return response.status, response.geturl(), response.read().decode("utf-8")

    def post_status(self, path: str, data) -> tuple[int, str]:
        """POST without following a redirect: (status, Location)."""
        try:
            with self.no_redirect.open(self._request(path, data), timeout=10) as response:
                return response.status, ""
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", "")

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)


def replay(base: str, path: str, cookie: str, body: bytes | None = None) -> tuple[int, str]:
    """Send exactly what wrk will send (no cookie jar, no redirects): (status, Location).

    wrk counts any 2xx/3xx as a success, so a lost session (302 to the sign-in page)
    would look healthy there; this is how run.py makes sure it is not measuring that."""
    headers = {"User-Agent": USER_AGENT, "Cookie": cookie}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(base + path, data=body, headers=headers)
    try:
        with urllib.request.build_opener(NoRedirect()).open(request, timeout=10) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", "")


def sign_in(browser: Browser) -> None:
    _, _, html = browser.get("/auth/sign-in")
    match = CSRF.search(html)
    if not match:
        raise BenchError("no csrf_token on /auth/sign-in")
    try:
        status, url, _ = browser.post("/auth/sign-in", {
            "email": EMAIL, "password": PASSWORD, "csrf_token": match.group(1)})
    except urllib.error.HTTPError as exc:
        raise BenchError(f"signing in as {EMAIL} failed with {exc.code}")
    if "/auth/sign-in" in url or not browser.cookie_header():
        raise BenchError(f"signing in as {EMAIL} did not stick (ended on {url})")


def pick_lessons(lesson_slug: str | None, quiz_slug: str | None):
    """(lesson slug to GET, plain-quiz lesson slug, that quiz)."""
    from course.content import load_catalog

    catalog = load_catalog(ROOT)
    if catalog.errors:
        raise BenchError("the content has errors:\n" + "\n".join(map(str, catalog.errors)))
    course = catalog.course(COURSE)
    lessons = course.visible_lessons()
    lesson_slug = lesson_slug or lessons[0].slug
    if quiz_slug is None:
        quiz_slug = next(l.slug for l in lessons if l.quiz is not None and l.quiz.type == "scenarios")
    quiz_lesson, _ = catalog.find_lesson(COURSE, quiz_slug)
    if quiz_lesson is None or quiz_lesson.quiz is None or quiz_lesson.quiz.type != "scenarios":
        raise BenchError(f"'{quiz_slug}' is not a lesson with a plain (scenarios) quiz")
    return lesson_slug, quiz_slug, quiz_lesson.quiz


# --- wrk ---------------------------------------------------------------------------

def run_wrk(url: str, seconds: int, threads: int, connections: int, script: str,
            headers=(), env=None) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "-s", script, "-H", f"User-Agent: {USER_AGENT}"]
    for header in headers:
        command += ["-H", header]
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    match = RESULT.search(done.stdout)
    if done.returncode != 0 or not match:
        raise BenchError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    numbers = {key: int(value) for key, value in (pair.split("=") for pair in match.group(1).split())}
    numbers["rps"] = numbers["requests"] / (numbers["duration_us"] / 1e6)
    numbers["errors"] = sum(numbers[k] for k in ("status_errors", "connect_errors", "read_errors",
                                                  "write_errors", "timeouts"))
    return numbers


# --- memory --------------------------------------------------------------------------

def children_of(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()    # after "(comm)", which may hold spaces
        if int(fields[1]) == pid:
            out.append(int(entry))
    return sorted(out)


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024      # kB -> MB
    except OSError:
        return None
    return None


def pss_mb(pid: int) -> float | None:
    """Proportional set size: private pages plus a fair share of the pages workers share
    (code loaded once by the --preload master). What one more worker really costs."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# --- many learners ----------------------------------------------------------------------

def learner_requests(env: dict, lesson_slug: str, sessions_count: int, tokens: int, manager_count: int) -> dict:
    """In this process, with the app's own functions: `sessions_count` learner sessions (and
    `manager_count` manager ones), and `tokens` fresh quiz forms, each for the next learner in
    turn. Returns {"learners": [cookie], "managers": [(cookie, team id)], "forms": [(cookie, body)]}."""
    import learners as people
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "CONTENT_DIR")})
    from course import create_app
    from course.data.db import db
    from course.data.models import Membership, Person
    app = create_app({"REQUEST_LOG": False})
    with app.app_context():
        db.connect(reuse_if_open=True)
        catalog = app.extensions["content"].catalog
        lesson = people.quiz_lesson(catalog, lesson_slug)
        signed = [people.signed_in(app, person, USER_AGENT) for person in people.learners(sessions_count)]
        managers = []
        for m in (Membership.select(Membership, Person).join(Person).where(Membership.is_manager == True)  # noqa: E712
                  .order_by(Membership.id).limit(manager_count)):
            managers.append((people.signed_in(app, m.person, USER_AGENT)[0], m.team_id))
        persons = people.learners(sessions_count)
        forms = []
        for i in range(tokens):
            k = i % len(signed)
            forms.append((signed[k][0], people.quiz_body(app, persons[k], lesson, signed[k][1]).decode()))
        db.close()
    db.obj.close_all()
    return {"learners": [c for c, _ in signed], "managers": managers, "forms": forms}


def write_lines(path: str, lines) -> str:
    with open(path, "w") as fh:
        for cookie, body in lines:
            fh.write(f"session={cookie}\t{body}\n")
    return path


def attempt_rows(database_url: str) -> int:
    from playhouse.db_url import connect
    database = connect(database_url)
    try:
        with database.connection_context():
            return database.execute_sql("SELECT COUNT(*) FROM attempt").fetchone()[0]
    finally:
        database.close()


def wrk_many(url, seconds, threads, connections, method, lines_path) -> dict:
    env = dict(os.environ, BENCH_REQUESTS_FILE=lines_path, BENCH_METHOD=method, BENCH_THREADS=str(threads))
    return run_wrk(url, seconds, threads, connections, os.path.join(BENCH, "learners.lua"), (), env)


def machine() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            model = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    return f"{model or platform.machine()}, {os.cpu_count()} cores"


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


# --- report ----------------------------------------------------------------------------

def ms(us: int) -> str:
    return f"{us / 1000:.1f} ms" if us >= 1000 else f"{us / 1000:.2f} ms"


def table(results, params) -> str:
    lines = [
        f"Measured {params['when']} with `{('bench/run.py ' + params['argv']).strip()}` (`make bench`): {params['machine']}; "
        f"load average {params['load_before']} before, {params['load_after']} after (other work shared the machine). "
        f"gunicorn -w {params['workers']} --preload (sync workers), wrk -t{params['threads']} -c{params['connections']}, "
        f"{params['duration']} s per endpoint after a {params['warmup']} s warm-up; `demo seed` and "
        f"`demo scale --learners {params['learners']}`; {params['sessions']} learner sessions; Python "
        f"{platform.python_version()}, {params['wrk_version']}.",
        "",
        "| database | endpoint | req/s | vs bare app | p50 | p99 | errors | lost |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for database, rows in results:
        floor = rows[0]["result"]["rps"] or 1
        for row in rows:
            r = row["result"]
            lost = row.get("lost", "")
            lines.append(f"| {database} | {row['label']} | {r['rps']:,.0f} | {r['rps'] / floor:.0%} | {ms(r['p50_us'])} "
                         f"| {ms(r['p99_us'])} | {r['unexpected']} | {lost} |")
    lines += ["", "errors: every response other than the one expected (200; 303 for the quiz), socket errors "
              "and timeouts. lost: 303 responses without a new attempt row (rows counted after the run; "
              "a request cut off at the end can add a row wrk did not count)."]
    for database, rows in results:
        notes = [row["note"] for row in rows if row.get("note")]
        if notes:
            lines.append(f"{database}: " + "; ".join(notes) + ".")
    return "\n".join(lines) + "\n"


def write_docs(text: str) -> None:
    path = os.path.join(ROOT, "docs", "performance.md")
    section = "## Load: every request a different learner (`make bench`)"
    with open(path) as fh:
        doc = fh.read()
    block = f"{section}\n\n{text}\n"
    if section in doc:
        start = doc.index(section)
        nxt = doc.find("\n## ", start + len(section))
        doc = doc[:start] + block + (doc[nxt + 1:] if nxt != -1 else "")
    else:
        doc = doc.replace("# Performance\n\n", "# Performance\n\n" + block + "\n", 1)
    with open(path, "w") as fh:
        fh.write(doc)


# --- one database ------------------------------------------------------------------------

def bench_database(name: str, database_url: str, args, tmp: str, bin_dir: str) -> list:
    env = app_env(database_url)
    env["REQUEST_LOG"] = "0" if args.no_request_log else env.get("REQUEST_LOG", "1")
    lesson_slug, quiz_slug, _quiz = pick_lessons(args.lesson, args.quiz)
    print(f"bench [{name}]: {database_url}: db upgrade, demo seed, demo scale --learners {args.learners}", flush=True)
    flask_command(bin_dir, env, "db", "upgrade")
    flask_command(bin_dir, env, "demo", "seed")
    flask_command(bin_dir, env, "demo", "scale", "--learners", str(args.learners),
                  "--teams", str(max(1, args.learners // 100)))
    tokens = args.tokens
    made = learner_requests(env, quiz_slug, args.sessions, tokens, 50)
    print(f"bench [{name}]: {len(made['learners'])} learner sessions, {len(made['managers'])} managers, "
          f"{len(made['forms'])} quiz forms", flush=True)
    lesson_path = f"/courses/{COURSE}/{lesson_slug}"
    paths = {"lesson": lesson_path, "outline": f"/courses/{COURSE}/", "home": "/"}
    gets = write_lines(os.path.join(tmp, f"{name}-learners.txt"), [(c, "") for c in made["learners"]])
    dashboards = os.path.join(tmp, f"{name}-managers.txt")
    with open(dashboards, "w") as fh:
        for cookie, team in made["managers"]:       # each manager their own team's dashboard
            fh.write(f"session={cookie}\t\t/manage/teams/{team}\n")
    warm_n = min(len(made["forms"]) // 10, 300)
    warm_forms = write_lines(os.path.join(tmp, f"{name}-forms-warm.txt"), made["forms"][:warm_n])
    forms = write_lines(os.path.join(tmp, f"{name}-forms.txt"), made["forms"][warm_n:])

    rows = []
    for label, app_module, cwd in (("bare Flask app (the floor)", "bare:app", BENCH), ("our app", "app:app", ROOT)):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log_path = os.path.join(tmp, f"{name}-{app_module.split(':')[0]}.log")
        proc = start_gunicorn(bin_dir, env, port, args.workers, log_path, app_module, cwd)
        try:
            wait_for_health(base, proc, log_path, path="/" if app_module == "bare:app" else "/health")
            if app_module == "bare:app":
                todo = [("bare Flask app (the floor)", "/", "GET", gets, 200)]
            else:
                browser = Browser(base)
                sign_in(browser)        # one person signs in as a browser does; the rest had start_session
                status, _ = replay(base, lesson_path, browser.cookie_header())
                if status != 200:
                    raise BenchError(f"GET {lesson_path} after a browser sign-in gave {status}")
                todo = [("our /health", "/health", "GET", gets, 200),
                        (f"lesson page ({lesson_slug}), learner", paths["lesson"], "GET", gets, 200),
                        ("course outline, learner", paths["outline"], "GET", gets, 200),
                        ("home page, learner", paths["home"], "GET", gets, 200)]
                if made["managers"]:
                    todo.append((f"team dashboard, {len(made['managers'])} managers (own team)",
                                 f"/manage/teams/{made['managers'][0][1]}", "GET", dashboards, 200))
                todo.append((f"quiz submission ({quiz_slug}), each a new attempt", f"/courses/{COURSE}/{quiz_slug}/quiz",
                             "POST", forms, 303))
            for label_, path, method, lines_path, expected in todo:
                url = base + path
                if method == "POST":
                    before_warm = attempt_rows(database_url)
                    if args.warmup:
                        wrk_many(url, args.warmup, args.threads, args.connections, method, warm_forms)
                        time.sleep(0.5)     # the warm-up's requests cut off at its end finish first
                    before = attempt_rows(database_url)
                elif args.warmup:
                    wrk_many(url, args.warmup, args.threads, args.connections, method, lines_path)
                print(f"bench [{name}]: {label_} for {args.duration} s ...", flush=True)
                r = wrk_many(url, args.duration, args.threads, args.connections, method, lines_path)
                if proc.poll() is not None:
                    raise BenchError(f"gunicorn died during {label_}:\n{read_tail(log_path)}")
                got = r["s200"] if expected == 200 else r["s303"]
                r["unexpected"] = r["requests"] - got + r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
                row = {"label": label_, "result": r}
                if method == "POST":
                    time.sleep(0.5)
                    new_rows = attempt_rows(database_url) - before
                    row["lost"] = max(0, r["s303"] - new_rows)
                    row["note"] = (f"quiz: {r['s303']} 303s, {new_rows} new attempt rows, {r['reused']} requests "
                                   f"that reused a form (more --tokens needed if not 0), warm-up "
                                   f"{before - before_warm} rows")
                rows.append(row)
            if app_module == "app:app":
                memory = [(rss_mb(pid), pss_mb(pid)) for pid in children_of(proc.pid)]
                rows[-1]["note"] = rows[-1].get("note", "") + f"; worker RSS / PSS after the run (goal RSS <= {RSS_GOAL_MB} MB): " \
                    + ", ".join(f"{rss:.1f} / {pss:.1f} MB" for rss, pss in memory if rss is not None and pss is not None)
        finally:
            stop_gunicorn(proc)
    return rows


def postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="whole seconds per endpoint (default 5)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured whole seconds before each endpoint (default 1; 0: none)")
    parser.add_argument("--learners", type=int, default=2000, help="demo scale --learners (default 2000; the issue's goal: 10000)")
    parser.add_argument("--sessions", type=int, default=2000, help="learners signed in through start_session (default 2000)")
    parser.add_argument("--tokens", type=int, default=6000, help="fresh quiz forms made (default 6000; each request uses one)")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both",
                        help="default both (PostgreSQL only when 127.0.0.1:5432 answers)")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/perf_bench",
                        help="a throwaway database: created and dropped by the run")
    parser.add_argument("--no-request-log", action="store_true", help="REQUEST_LOG=0 in the app")
    parser.add_argument("--lesson", help="lesson slug to GET (default: the first lesson)")
    parser.add_argument("--quiz", help="lesson slug whose plain quiz is submitted (default: the first)")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/performance.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, logs)")
    args = parser.parse_args(argv)

    if shutil.which("wrk") is None:
        print("bench: wrk is not installed, so nothing can be measured.\n"
              "       Install it with:  sudo apt-get install -y wrk   (Debian/Ubuntu package 'wrk')",
              file=sys.stderr)
        return 2
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("[")[0].strip()
    tmp = tempfile.mkdtemp(prefix="course-bench-")
    bin_dir = venv_bin()
    params = {"when": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
              "argv": " ".join(argv if argv is not None else sys.argv[1:]), "machine": machine(),
              "load_before": load(), "workers": args.workers, "threads": args.threads,
              "connections": args.connections, "duration": args.duration, "warmup": args.warmup,
              "learners": args.learners, "sessions": args.sessions, "wrk_version": wrk_version}
    results = []
    try:
        if args.database in ("sqlite", "both"):
            url = "sqlite:///" + os.path.join(tmp, "bench.sqlite3")
            results.append(("SQLite", bench_database("sqlite", url, args, tmp, bin_dir)))
        if args.database == "postgresql" or (args.database == "both" and postgres_answers()):
            create_pg(args.pg_url)
            try:
                results.append(("PostgreSQL", bench_database("postgresql", args.pg_url, args, tmp, bin_dir)))
            finally:
                drop_pg(args.pg_url)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"bench: kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    params["load_after"] = load()
    text = table(results, params)
    print()
    print(text)
    results_dir = os.path.join(BENCH, "results")
    os.makedirs(results_dir, exist_ok=True)
    with open(os.path.join(results_dir, "latest.md"), "w") as fh:
        fh.write(text)
    if not args.no_docs:
        write_docs(text)
        print("bench: written to docs/performance.md and bench/results/latest.md")
    return 0


def _pg_admin(url: str):
    from playhouse.db_url import parse
    import psycopg2
    params = parse(url)
    name = params.pop("database")
    conn = psycopg2.connect(dbname="postgres", **{k: v for k, v in params.items() if k in ("host", "port", "user", "password")})
    conn.autocommit = True
    return conn, name


def create_pg(url: str) -> None:
    conn, name = _pg_admin(url)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def drop_pg(url: str) -> None:
    conn, name = _pg_admin(url)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


if __name__ == "__main__":
    sys.exit(main())
