"""Load benchmark: /health, a lesson page and quiz submissions, under gunicorn, measured with wrk.

    .venv/bin/python bench/run.py [--duration 10] [--threads 2] [--connections 16]

Builds a throwaway SQLite database with the demo people, serves the app with
`gunicorn -w 2`, signs in as the demo learner, then runs wrk against each
endpoint in turn and prints a markdown table (also written to
bench/results/latest.md). See bench/README.md for what is measured and the goals.

Exit status: 0 after a complete run (goals met or not; the table says which),
1 when the app could not be set up or served, 2 when wrk is not installed.
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

COURSE = "coaching-at-every-level"
EMAIL = "learner@example.com"
PASSWORD = "coaching-demo"
USER_AGENT = "course-bench/1.0"     # the same for urllib and wrk: one "browser" throughout

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
QUIZ_TOKEN = re.compile(r'name="token" value="([^"]+)"')
RADIO = re.compile(r'type="radio"[^>]*\sname="(answer-[^"]+)"')
RESULT = re.compile(r"^BENCH_RESULT (.*)$", re.MULTILINE)

# Goals, relative to /health req/s (see bench/README.md).
LESSON_GOAL = 0.85
SUBMIT_GOAL = 0.60
RSS_GOAL_MB = 50


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


def start_gunicorn(bin_dir: str, env: dict, port: int, workers: int, log_path: str) -> subprocess.Popen:
    log = open(log_path, "w")
    # --no-control-socket: gunicorn 27 otherwise opens ~/.gunicorn/gunicorn.ctl, shared with
    # any other gunicorn of the same user; the benchmark has no use for it.
    command = [os.path.join(bin_dir, "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--no-control-socket", "--preload", "app:app"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()            # graceful: the master stops its workers
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_for_health(base: str, proc: subprocess.Popen, log_path: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"gunicorn exited with {proc.returncode}:\n{read_tail(log_path)}")
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as response:
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


def check_replays(base: str, lesson_path: str, submit_path: str, cookie: str, body: bytes, when: str) -> None:
    status, location = replay(base, lesson_path, cookie)
    if status != 200:
        raise BenchError(f"{when}: GET {lesson_path} with the benchmark's cookie gave {status} {location}, expected 200")
    status, location = replay(base, submit_path, cookie, body)
    if status != 303 or "/quiz/attempts/" not in location:
        raise BenchError(f"{when}: POST {submit_path} with the benchmark's body gave {status} {location}, "
                         f"expected 303 to the attempt's result")


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


def quiz_form(browser: Browser, quiz_slug: str, quiz) -> list[tuple[str, str]]:
    """The submission body: csrf_token, a fresh quiz token, and the best answers for the
    scenarios the form shows (a pool's draw: the ids in the radio names)."""
    from course.learning.attempts import best_answers

    path = f"/courses/{COURSE}/{quiz_slug}/quiz"
    status, _, html = browser.get(path)
    csrf, token = CSRF.search(html), QUIZ_TOKEN.search(html)
    if status != 200 or not csrf or not token:
        raise BenchError(f"GET {path}: no csrf_token or quiz token on the page (status {status})")
    radios = set(RADIO.findall(html))
    pool = {f"answer-{s.id}" for s in quiz.scenarios}
    expected_count = quiz.draw or len(pool)
    if not radios <= pool or len(radios) != expected_count:
        raise BenchError(f"GET {path}: the form asks {sorted(radios)}, the content has {sorted(pool)}"
                         f"{f' (draw {quiz.draw})' if quiz.draw else ''}")
    answers = best_answers(quiz, [name[len("answer-"):] for name in radios])
    return ([("csrf_token", csrf.group(1)), ("token", token.group(1))]
            + [(f"answer-{scenario_id}", choice_id) for scenario_id, choice_id in answers.items()])


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


# --- report ----------------------------------------------------------------------------

def ms(us: int) -> str:
    return f"{us / 1000:.1f} ms" if us >= 1000 else f"{us / 1000:.2f} ms"


def report(rows, health_rps, workers_rss, master_rss, params) -> str:
    lines = [
        f"# Benchmark — {params['when']}",
        "",
        f"gunicorn -w {params['workers']} (sync), SQLite, {params['duration']:g} s per endpoint, "
        f"wrk -t{params['threads']} -c{params['connections']}; {params['cpus']} CPU(s), "
        f"Python {platform.python_version()}, {params['wrk_version']}",
        "",
        "| endpoint | req/s | vs /health | p50 | p99 | errors | goal | met |",
        "|---|---:|---:|---:|---:|---:|---|:---:|",
    ]
    for row in rows:
        r = row["result"]
        ratio = r["rps"] / health_rps if health_rps else 0.0
        met = row["met"](r, ratio)
        lines.append(f"| {row['label']} | {r['rps']:,.0f} | {ratio:.0%} | {ms(r['p50_us'])} | "
                     f"{ms(r['p99_us'])} | {r['errors']} | {row['goal']} | {'yes' if met else '**no**'} |")
    lines += ["", "| process | RSS after the run | PSS after the run | goal (PSS) | met |", "|---|---:|---:|---|:---:|"]
    for pid, mb, pss in workers_rss:
        ok = pss is not None and pss < RSS_GOAL_MB
        shown = f"{mb:.1f} MB" if mb is not None else "gone"
        shown_pss = f"{pss:.1f} MB" if pss is not None else "n/a"
        lines.append(f"| worker {pid} | {shown} | {shown_pss} | < {RSS_GOAL_MB} MB | {'yes' if ok else '**no**'} |")
    if master_rss is not None:
        lines.append(f"| master {params['master_pid']} | {master_rss:.1f} MB | | (not a goal) | |")
    errors = [f"{row['label']}: {row['result']['status_errors']} non-2xx/3xx, "
              f"{row['result']['connect_errors']}/{row['result']['read_errors']}/"
              f"{row['result']['write_errors']}/{row['result']['timeouts']} connect/read/write/timeout"
              for row in rows if row["result"]["errors"]]
    if errors:
        lines += ["", "Errors: " + "; ".join(errors)]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="whole seconds per endpoint (default 10)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured whole seconds before each endpoint (default 1; 0: none)")
    parser.add_argument("--lesson", help="lesson slug to GET (default: the first lesson)")
    parser.add_argument("--quiz", help="lesson slug whose plain quiz is submitted (default: the first)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, logs)")
    args = parser.parse_args(argv)

    if shutil.which("wrk") is None:
        print("bench: wrk is not installed, so nothing can be measured.\n"
              "       Install it with:  sudo apt-get install -y wrk   (Debian/Ubuntu package 'wrk')",
              file=sys.stderr)
        return 2
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("[")[0].strip()

    tmp = tempfile.mkdtemp(prefix="course-bench-")
    database_url = "sqlite:///" + os.path.join(tmp, "bench.sqlite3")    # sqlite:////tmp/.../bench.sqlite3
    log_path = os.path.join(tmp, "gunicorn.log")
    env = app_env(database_url)
    bin_dir = venv_bin()
    proc = None
    try:
        lesson_slug, quiz_slug, quiz = pick_lessons(args.lesson, args.quiz)
        print(f"bench: database {database_url}")
        flask_command(bin_dir, env, "db", "upgrade")
        flask_command(bin_dir, env, "demo", "seed")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_gunicorn(bin_dir, env, port, args.workers, log_path)
        wait_for_health(base, proc, log_path)
        print(f"bench: gunicorn -w {args.workers} serving {base} (master pid {proc.pid})")

        browser = Browser(base)
        sign_in(browser)
        lesson_path = f"/courses/{COURSE}/{lesson_slug}"
        status, url, _ = browser.get(lesson_path)
        if status != 200 or url != base + lesson_path:
            raise BenchError(f"GET {lesson_path} as {EMAIL} gave {status} at {url}")
        submit_path = f"/courses/{COURSE}/{quiz_slug}/quiz"
        form = quiz_form(browser, quiz_slug, quiz)
        status, location = browser.post_status(submit_path, form)
        if status != 303 or "/quiz/attempts/" not in location:
            raise BenchError(f"POST {submit_path} with the best answers gave {status} (Location {location!r}), "
                             f"expected 303 to the attempt's result")
        body_file = os.path.join(tmp, "submit-body.txt")
        with open(body_file, "w") as fh:
            fh.write(urllib.parse.urlencode(form))   # read by bench/submit.lua
        cookie = f"Cookie: {browser.cookie_header()}"
        body = urllib.parse.urlencode(form).encode()
        check_replays(base, lesson_path, submit_path, browser.cookie_header(), body, "before the run")

        report_lua, submit_lua = os.path.join(BENCH, "report.lua"), os.path.join(BENCH, "submit.lua")
        wrk_env = dict(os.environ, BENCH_BODY_FILE=body_file)
        endpoints = [
            {"label": "GET /health", "path": "/health", "script": report_lua, "headers": (),
             "goal": "the floor", "met": lambda r, ratio: r["errors"] == 0},
            {"label": f"GET lesson page ({lesson_slug})", "path": lesson_path, "script": report_lua,
             "headers": (cookie,), "goal": f">= {LESSON_GOAL:.0%} of /health",
             "met": lambda r, ratio: ratio >= LESSON_GOAL and r["errors"] == 0},
            {"label": f"POST quiz ({quiz_slug})", "path": submit_path, "script": submit_lua,
             "headers": (cookie,), "goal": f">= {SUBMIT_GOAL:.0%} of /health, 0 errors",
             "met": lambda r, ratio: ratio >= SUBMIT_GOAL and r["errors"] == 0},
        ]
        for endpoint in endpoints:
            url = base + endpoint["path"]
            if args.warmup > 0:
                run_wrk(url, args.warmup, args.threads, args.connections, endpoint["script"],
                        endpoint["headers"], wrk_env)
            print(f"bench: {endpoint['label']} for {args.duration:g} s ...", flush=True)
            endpoint["result"] = run_wrk(url, args.duration, args.threads, args.connections,
                                         endpoint["script"], endpoint["headers"], wrk_env)
            if proc.poll() is not None:
                raise BenchError(f"gunicorn died during {endpoint['label']}:\n{read_tail(log_path)}")

        workers_rss = [(pid, rss_mb(pid), pss_mb(pid)) for pid in children_of(proc.pid)]
        check_replays(base, lesson_path, submit_path, browser.cookie_header(), body, "after the run")
        params = {
            "when": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "workers": args.workers, "duration": args.duration, "threads": args.threads,
            "connections": args.connections, "cpus": os.cpu_count(), "wrk_version": wrk_version,
            "master_pid": proc.pid,
        }
        table = report(endpoints, endpoints[0]["result"]["rps"], workers_rss, rss_mb(proc.pid), params)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    finally:
        if proc is not None:
            stop_gunicorn(proc)
        if args.keep:
            print(f"bench: kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(table)
    results = os.path.join(BENCH, "results")
    os.makedirs(results, exist_ok=True)
    with open(os.path.join(results, "latest.md"), "w") as fh:
        fh.write(table)
    print(f"bench: written to {os.path.relpath(os.path.join(results, 'latest.md'), ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
