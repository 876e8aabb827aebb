"""No input gives a 500 (issue 13, item 2), shown with hypothesis.

Every route of the app is found in its URL map, so a new route is fuzzed without being listed
here. For every form route (POST), with a valid CSRF token and without, as every role of the
demo seed (anonymous, learner, trainer, manager, admin), random forms are posted: unicode, NUL,
oversized, missing, duplicated and out-of-range values, real ids and slugs mixed with random ones,
to URLs whose converters get random values too. Every GET route is requested with random converter
values and query strings. Each answer must be below 500, and when it is a 4xx no row of any table
may have changed (every row of every table is compared, not only the counts).

Whatever a 2xx or 3xx answer changed is put back from a snapshot (SQLite's backup API), so each
example starts from the seeded site. The figures (requests, statuses, 5xx) are printed at the end
of the module (`pytest -s` shows them).
"""
from __future__ import annotations

import collections
import hashlib
import io
import re
import secrets
import sqlite3
import traceback
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from helpers.app import ROOT, make_app
from helpers.http import csrf_from, sign_in
from helpers.people import ROLE_EMAILS, seed_people

ROLES = ("anonymous", "learner", "trainer", "manager", "admin")
EXAMPLES_PER_POST_ROUTE = 40     # per route, with and without a CSRF token: 80 posts per form route
EXAMPLES_PER_GET_ROUTE = 20
FUZZ = settings(max_examples=EXAMPLES_PER_POST_ROUTE, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))
GET_FUZZ = settings(FUZZ, max_examples=EXAMPLES_PER_GET_ROUTE)

# Every field name any form of the site uses, plus a few it does not.
FIELDS = ("email", "name", "role", "team", "password", "current", "new", "confirm", "remember", "next",
          "card", "token", "action", "person_id", "manager", "active", "due_date", "course", "q", "page",
          "status", "state", "sort", "lesson", "id", "user_id", "csrf_token")
QUERY_FIELDS = ("page", "q", "course", "status", "state", "sort", "lesson", "next", "id")
NUMBERS = ("0", "1", "2", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
           "99999999999999999999", "1e9", "0x10", " 7 ", "１２", "3.5", "", "NaN", "-0")
WORDS = ("learner", "trainer", "manager", "admin", "on", "off", "rename", "add", "remove", "true",
         "2030-01-01", "9999-12-31", "0000-00-00", "2026-02-30", "1-1-1", "name", "-name", "overdue",
         "passed", "/", "//evil.example", "https://evil.example/", "\\\\evil", "javascript:alert(1)",
         "=HYPERLINK(\"x\")", "<script>x</script>", "' OR 1=1 --", "%00", "..", "../..")

figures = collections.Counter()


# --- the site under test ------------------------------------------------------------------------

class Site:
    """One seeded app, signed-in cookies per role, and a snapshot to go back to."""

    def __init__(self, tmp):
        self.path = str(tmp / "fuzz.sqlite3")
        self.snapshot = str(tmp / "snapshot.sqlite3")
        self.app = make_app(f"sqlite:///{self.path}", ROOT, ALLOW_SIGNUP=True,
                            RATELIMIT_KEY_PREFIX=f"fuzz-{secrets.token_hex(4)}")
        with pytest.MonkeyPatch.context() as patch:    # quick hashes, as conftest gives every test
            from werkzeug.security import generate_password_hash
            patch.setattr("course.devtools.demo.generate_password_hash",
                          lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"))
            seed_people(self.app)
        self.values = self._history()
        self.sessions = {role: self._session(role) for role in ROLES}
        with sqlite3.connect(self.path) as live, sqlite3.connect(self.snapshot) as copy:
            live.backup(copy)
        self.clean = self.fingerprint()

    def _history(self):
        """The learner passes one quiz (attempts and review cards exist); returns real values."""
        from course.data.db import db
        from course.data.models import Attempt, Person, ReviewCard, Team
        from course.learning.attempts import FormToken, best_answers, grade, issue_token, record_attempt
        from course.time import utcnow
        catalog = self.app.extensions["content"].catalog
        with self.app.app_context(), db.connection_context():
            learner = Person.by_email(ROLE_EMAILS["learner"])
            lessons = [l for c in catalog.courses for l in c.lessons if l.quiz is not None]
            lesson = next(l for l in lessons if l.quiz.type == "scenarios")
            token = FormToken(learner.id, lesson.course_slug, lesson.slug, lesson.quiz.content_hash,
                              secrets.token_urlsafe(18), utcnow())
            record_attempt(learner, lesson, token, grade(lesson.quiz, best_answers(lesson.quiz)))
            ids = [str(p.id) for p in Person.select()] + [str(t.id) for t in Team.select()] \
                + [str(a.id) for a in Attempt.select()] + [str(c.id) for c in ReviewCard.select()]
            tokens = [issue_token(self.app.config["SECRET_KEY"], learner, l) for l in lessons[:3]]
            cards = list(ReviewCard.select().where(ReviewCard.person == learner))
            tokens += [issue_token(self.app.config["SECRET_KEY"], learner, lesson, scenario_id=c.scenario_id)
                       for c in cards[:2]]
        return {
            "ids": tuple(ids),
            "slugs": tuple({l.course_slug for l in lessons} | {l.slug for l in lessons}
                           | {alias for l in lessons for alias in l.aliases}),
            "emails": tuple(ROLE_EMAILS.values()) + ("kwame@example.com", "nobody@example.com"),
            "answers": tuple(f"answer-{s.id}" for l in lessons[:3] for s in l.quiz.scenarios),
            "choices": tuple(c.id for l in lessons[:3] for s in l.quiz.scenarios for c in s.choices),
            "tokens": tuple(tokens),
        }

    def _session(self, role):
        """(session cookie, CSRF token) of a client signed in as `role` (or anonymous)."""
        client = self.app.test_client()
        if role != "anonymous":
            assert sign_in(client, ROLE_EMAILS[role]).status_code == 302, role
        page = client.get("/auth/sign-in" if role == "anonymous" else "/account/password")
        token = csrf_from(page.get_data(as_text=True))
        return client.get_cookie("session").value, token

    def client(self, role):
        client = self.app.test_client()
        client.set_cookie("session", self.sessions[role][0])
        return client

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        with sqlite3.connect(self.path) as conn:
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            for table in tables:
                digest.update(table.encode())
                for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                    digest.update(repr(row).encode())
        return digest.hexdigest()

    def restore(self) -> None:
        with sqlite3.connect(self.snapshot) as copy, sqlite3.connect(self.path) as live:
            copy.backup(live)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("fuzz"))
    yield site
    site.app.extensions["peewee"].close_all()
    total = sum(v for k, v in figures.items() if k.startswith("status "))
    statuses = ", ".join(f"{k[7:]}: {v}" for k, v in sorted(figures.items()) if k.startswith("status "))
    print(f"\nfuzz: {total} requests ({figures['posts']} form posts, {figures['gets']} page requests), "
          f"{figures['5xx']} with a 5xx; statuses {statuses}")


def _rules(methods):
    from course import create_app
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite:///:memory:",
                      "CONTENT_DIR": ROOT})
    return sorted({(rule.rule, rule.endpoint) for rule in app.url_map.iter_rules()
                   if rule.methods & methods and rule.endpoint != "static"})


POST_RULES = _rules({"POST"})
GET_RULES = _rules({"GET"})
ARGUMENT = re.compile(r"<(?:([a-z_]+)(?:\([^)]*\))?:)?([a-z_]+)>")


# --- strategies ---------------------------------------------------------------------------------

def texts():
    return st.one_of(
        st.text(max_size=40),                                           # any unicode, NUL included
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=8).map(lambda s: s * 400),
        st.sampled_from(NUMBERS), st.sampled_from(WORDS),
        st.integers(min_value=-2**80, max_value=2**80).map(str),
        st.sampled_from(("\x00", "a\x00b", "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
                         "\u202e\u0000", "é" * 300, "x" * 20_000)),
    )


def values(site):
    return st.one_of(texts(), st.sampled_from(site.values["ids"]), st.sampled_from(site.values["slugs"]),
                     st.sampled_from(site.values["emails"]), st.sampled_from(site.values["choices"]),
                     st.sampled_from(site.values["tokens"]))


def url_for_rule(rule, site):
    """Random values for each converter of a rule: real ids and slugs, and anything else."""
    def build(draws):
        it = iter(draws)
        return ARGUMENT.sub(lambda m: quote(next(it), safe=""), rule)
    count = len(ARGUMENT.findall(rule))
    one = st.one_of(texts().filter(bool), st.sampled_from(site.values["ids"]),
                    st.sampled_from(site.values["slugs"]), st.sampled_from(site.values["tokens"]))
    return st.lists(one, min_size=count, max_size=count).map(build)


def forms(site):
    names = st.one_of(st.sampled_from(FIELDS), st.sampled_from(site.values["answers"]), st.text(max_size=12))
    pairs = st.lists(st.tuples(names, st.lists(values(site), min_size=1, max_size=3)), max_size=8)
    return pairs


# Now and then one field far too large: over Flask's MAX_FORM_MEMORY_SIZE (500 kB for a multipart field),
# or making the whole body larger than MAX_CONTENT_LENGTH (2 MB).
OVERSIZED = st.sampled_from((None,) * 22 + ("m" * 600_000, "b" * 2_200_000))


def uploads():
    body = st.one_of(
        st.binary(max_size=200),
        st.sampled_from((b"email,name,team,role\n", b"email,name,team,role\nnew@example.com,New,,learner\n",
                         b"\xef\xbb\xbfemail,name,team,role\n\x00,\x00,\x00,\x00\n",
                         b"email,name,team,role\n\"" + b"x" * 140_000 + b"\",a,b,learner\n",
                         b"email,name,team,role\n" + b"a,b,c,d\n" * 3000,
                         "email,name,team,role\nzoë@example.com,Zoë \u202e,Équipe,admin\n".encode())),
    )
    return st.one_of(st.none(), st.tuples(body, st.sampled_from(("people.csv", "", "../x.csv", "a\x00.csv"))))


# --- the checks ---------------------------------------------------------------------------------

def _send(site, method, role, url, **kwargs):
    client = site.client(role)
    try:
        response = client.open(url, method=method, **kwargs)
        status = response.status_code
        response.close()
    except Exception:                    # TESTING propagates exceptions: each one is a 500
        status, response = 500, None
        figures["5xx"] += 1
        pytest.fail(f"{method} {url} as {role} raised:\n{traceback.format_exc()}")
    figures[f"status {status}"] += 1
    if status >= 500:
        figures["5xx"] += 1
    assert status < 500, (method, url, role, status)
    after = site.fingerprint()
    if after != site.clean:
        site.restore()
        assert not 400 <= status < 500, f"{method} {url} as {role} answered {status} but changed rows"
        assert site.fingerprint() == site.clean
    return status


@pytest.mark.parametrize("with_csrf", [True, False], ids=["csrf", "no-csrf"])
@pytest.mark.parametrize("rule,endpoint", POST_RULES, ids=[e for _, e in POST_RULES])
def test_no_form_post_gives_a_500_or_changes_rows_when_refused(site, rule, endpoint, with_csrf):
    @FUZZ
    @given(data=st.data())
    def run(data):
        role = data.draw(st.sampled_from(ROLES), label="role")
        url = data.draw(url_for_rule(rule, site), label="url")
        form = MultiDict()
        for name, items in data.draw(forms(site), label="form"):
            for item in items:
                form.add(name, item)
        if with_csrf:
            form.setlist("csrf_token", [site.sessions[role][1]] + form.getlist("csrf_token")[:1])
        oversized = data.draw(OVERSIZED, label="oversized")
        if oversized:
            form.add(data.draw(st.sampled_from(FIELDS), label="oversized field"), oversized)
        upload = data.draw(uploads(), label="file")
        if upload is not None:
            form.add("file", (io.BytesIO(upload[0]), upload[1]))
        figures["posts"] += 1
        _send(site, "POST", role, url, data=form)
    run()


@pytest.mark.parametrize("rule,endpoint", GET_RULES, ids=[e for _, e in GET_RULES])
def test_no_url_gives_a_500(site, rule, endpoint):
    @GET_FUZZ
    @given(data=st.data())
    def run(data):
        role = data.draw(st.sampled_from(ROLES), label="role")
        url = data.draw(url_for_rule(rule, site), label="url")
        query = data.draw(st.lists(st.tuples(st.sampled_from(QUERY_FIELDS), values(site)), max_size=4), label="query")
        figures["gets"] += 1
        _send(site, "GET", role, url, query_string=MultiDict(query))
    run()


def test_the_fuzzed_routes_include_every_form_and_every_converter():
    endpoints = {e for _, e in POST_RULES}
    assert {"auth.sign_in", "review.answer", "quiz.submit", "admin.people_import", "admin.team_edit",
            "manager.assign", "admin.person_edit"} <= endpoints
    converters = {c for rule, _ in GET_RULES + POST_RULES for c, _ in ARGUMENT.findall(rule)}
    assert {"", "id"} <= converters


# --- the cases named in the issue, one by one ---------------------------------------------------

@pytest.mark.parametrize("url", ["/review/answers/99999999999999999999", "/admin/people/9223372036854775808",
                                 "/admin/teams/-1", "/manage/teams/99999999999999999999",
                                 "/manage/teams/0/export.csv"])
def test_ids_beyond_64_bits_in_a_url_are_not_found(site, url):
    for role in ("learner", "manager", "admin"):
        assert site.client(role).get(url).status_code == 404


@pytest.mark.parametrize("card", ["-9223372036854775809", "9223372036854775808", "99999999999999999999",
                                  "１", "1e3", ""])
def test_a_review_card_out_of_range_is_refused(site, card):
    client = site.client("learner")
    response = client.post("/review", data={"csrf_token": site.sessions["learner"][1], "card": card})
    assert response.status_code == 400
    assert site.fingerprint() == site.clean
