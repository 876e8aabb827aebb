"""Every route, every role: who gets what.

The table below has one row per endpoint of the app. A new route without a row
fails `test_every_route_has_a_row`, so nobody adds a page without deciding who
may see it.
"""
from __future__ import annotations

import pytest
from flask import url_for

from course.data.db import db
from course.data.models import Attempt, Person, Team
from helpers.http import post
from helpers.quiz import answer_quiz

COURSE = "coaching-at-every-level"
LESSON = "coaching-is-not-managing"          # has a quiz of scenarios
ROLES = ("anonymous", "learner", "trainer", "manager", "admin")

SIGN_IN = ("redirect", "/auth/sign-in")
HOME = ("redirect", "/")
QUIZ = ("redirect", f"/courses/{COURSE}/{LESSON}/quiz")
TEAM_PAGE = ("redirect", "/manage/teams/")


def row(method, anonymous, learner, trainer, manager, admin):
    return method, dict(zip(ROLES, (anonymous, learner, trainer, manager, admin)))


SIGNED_IN = (SIGN_IN, 200, 200, 200, 200)
TRAINERS = (SIGN_IN, 403, 200, 403, 200)
MANAGERS = (SIGN_IN, 403, 403, 200, 200)
ADMINS = (SIGN_IN, 403, 403, 403, 200)

# endpoint: (method, expected per role). An expected value is a status code or
# ("redirect", where the Location starts).
EXPECTED = {
    "main.home": row("GET", *SIGNED_IN),
    "main.health": row("GET", 200, 200, 200, 200, 200),
    "main.healthz": row("GET", 200, 200, 200, 200, 200),                 # readiness JSON, open to all
    "auth.sign_in": row("GET", 200, HOME, HOME, HOME, HOME),
    "auth.sign_up": row("GET", 404, 404, 404, 404, 404),                 # off by default
    "auth.set_password": row("GET", 404, 404, 404, 404, 404),            # bogus token
    "auth.sign_out": row("POST", SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN),
    "account.password": row("GET", *SIGNED_IN),
    "account.attempts": row("GET", *SIGNED_IN),
    "account.reflections": row("GET", *SIGNED_IN),
    "account.commitments": row("GET", *SIGNED_IN),
    "account.check_in": row("POST", SIGN_IN, 404, 404, 404, 404),        # nobody's commitment
    "learn.aid": row("GET", SIGN_IN, 404, 404, 404, 404),               # no such aid
    "learn.save_reflection": row("POST", SIGN_IN, 400, 400, 400, 400),  # this lesson asks for none
    "learn.commit": row("POST", SIGN_IN, 400, 400, 400, 400),           # no text: nothing to commit to
    "learn.outline": row("GET", *SIGNED_IN),
    "learn.lesson": row("GET", *SIGNED_IN),
    "learn.mark_done": row("POST", SIGN_IN, QUIZ, QUIZ, QUIZ, QUIZ),
    "learn.certificate": row("GET", SIGN_IN, 404, 404, 404, 404),         # nobody finished
    "quiz.take": row("GET", *SIGNED_IN),
    "quiz.submit": row("POST", SIGN_IN, 400, 400, 400, 400),              # no quiz form token
    "quiz.result": row("GET", SIGN_IN, 200, 404, 404, 404),               # the learner's attempt
    "review.queue": row("GET", *SIGNED_IN),
    "review.answer": row("POST", SIGN_IN, 400, 400, 400, 400),            # no review card
    "review.feedback": row("GET", SIGN_IN, 404, 404, 404, 404),           # a quiz, not a review
    "review.habits": row("GET", *SIGNED_IN),
    "trainer.index": row("GET", *TRAINERS),
    "trainer.preview_lesson": row("GET", *TRAINERS),
    "trainer.preview_quiz": row("GET", *TRAINERS),
    "trainer.quality": row("GET", *TRAINERS),
    "trainer.analysis_index": row("GET", *TRAINERS),
    "trainer.quiz_analysis": row("GET", *TRAINERS),
    "trainer.quiz_analysis_csv": row("GET", *TRAINERS),
    "trainer.health": row("GET", *TRAINERS),
    "manager.summary": row("GET", *MANAGERS),
    "manager.team": row("GET", *MANAGERS),                                # the manager's own team
    "manager.export": row("GET", *MANAGERS),
    "manager.assign": row("POST", SIGN_IN, 403, 403, TEAM_PAGE, TEAM_PAGE),
    "admin.people_list": row("GET", *ADMINS),
    "admin.person_new": row("GET", *ADMINS),
    "admin.people_import": row("GET", *ADMINS),
    "admin.person_edit": row("GET", *ADMINS),
    "admin.person_link": row("POST", *ADMINS),
    "admin.teams_list": row("GET", *ADMINS),
    "admin.team_new": row("GET", *ADMINS),
    "admin.team_edit": row("GET", *ADMINS),
}

# Form fields sent with the POST-only routes (besides the CSRF token).
POST_DATA = {
    "manager.assign": {"action": "remove"},
}

def app_endpoints(app):
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}


def pass_quiz(client, app, course_slug, lesson_slug) -> int:
    """Take a quiz through its form with the best answers; returns the attempt id."""
    return int(answer_quiz(client, app, course_slug, lesson_slug).rstrip("/").rsplit("/", 1)[1])


@pytest.fixture
def values(seeded, clients):
    """Real values for every URL parameter."""
    attempt_id = pass_quiz(clients["learner"], seeded, COURSE, LESSON)
    with db.connection_context():
        learner = Person.by_email("learner@example.com")
        assert Attempt.get_by_id(attempt_id).person_id == learner.id
        return {
            "course_slug": COURSE,
            "lesson_slug": LESSON,
            "person_id": learner.id,
            "aid_slug": "no-such-aid",
            "team_id": Team.by_name("Warehouse North").id,     # managed by manager@example.com
            "attempt_id": attempt_id,
            "token": "not-a-real-token",
            "commitment_id": 999999,
        }


def test_every_route_has_a_row(app):
    endpoints = app_endpoints(app)
    assert endpoints - set(EXPECTED) == set(), "routes without a row in EXPECTED: decide who may use them"
    assert set(EXPECTED) - endpoints == set(), "rows for routes that no longer exist"


def _check(response, expected):
    if isinstance(expected, int):
        return response.status_code == expected
    _, where = expected
    return response.status_code in (301, 302, 303) and response.headers.get("Location", "").startswith(where)


def test_every_route_answers_each_role_as_expected(seeded, clients, values):
    assert app_endpoints(seeded) == set(EXPECTED)
    rules = {rule.endpoint: rule for rule in seeded.url_map.iter_rules() if rule.endpoint != "static"}
    # Signing out goes last: it ends the session the other rows need.
    order = sorted(EXPECTED, key=lambda endpoint: endpoint == "auth.sign_out")
    with seeded.test_request_context():
        urls = {endpoint: url_for(endpoint, **{arg: values[arg] for arg in rules[endpoint].arguments})
                for endpoint in order}
    mismatches = []
    for endpoint in order:
        method, expected = EXPECTED[endpoint]
        assert method in rules[endpoint].methods, f"{endpoint} does not accept {method}"
        for role in ROLES:
            client = clients[role]
            if method == "GET":
                response = client.get(urls[endpoint])
            else:
                response = post(client, urls[endpoint], POST_DATA.get(endpoint))
            response.get_data()          # let streamed responses (CSV) run to the end
            response.close()
            if not _check(response, expected[role]):
                mismatches.append(f"{method} {urls[endpoint]} as {role}: expected {expected[role]}, "
                                  f"got {response.status_code} {response.headers.get('Location', '')}")
    assert mismatches == []


def test_post_only_routes_refuse_get(seeded, clients, values):
    get_rules = {r.rule for r in seeded.url_map.iter_rules() if "GET" in r.methods}
    with seeded.test_request_context():
        for endpoint, (method, _) in EXPECTED.items():
            if method != "POST":
                continue
            rule = next(r for r in seeded.url_map.iter_rules() if r.endpoint == endpoint)
            if rule.rule in get_rules:
                continue       # the same address shows a page (a quiz, the review queue)
            url = url_for(endpoint, **{arg: values[arg] for arg in rule.arguments})
            assert clients["admin"].get(url).status_code == 405, url


def test_posts_without_csrf_token_are_refused(seeded, clients, values):
    with db.connection_context():
        before = Person.select().count()
    with seeded.test_request_context():
        for endpoint, (method, _) in EXPECTED.items():
            if method != "POST":
                continue
            rule = next(r for r in seeded.url_map.iter_rules() if r.endpoint == endpoint)
            url = url_for(endpoint, **{arg: values[arg] for arg in rule.arguments})
            assert clients["admin"].post(url, data=POST_DATA.get(endpoint, {})).status_code == 400, url
    assert clients["admin"].get("/").status_code == 200, "still signed in: sign-out was refused too"
    with db.connection_context():
        assert Person.select().count() == before


def test_managers_get_404_for_teams_they_do_not_manage(seeded, clients):
    with db.connection_context():
        other = Team.by_name("Clinic Support").id
    for url in (f"/manage/teams/{other}", f"/manage/teams/{other}/export.csv"):
        assert clients["manager"].get(url).status_code == 404, url
        assert clients["admin"].get(url).status_code == 200, url
    response = post(clients["manager"], f"/manage/teams/{other}/assignment", {"action": "remove"})
    assert response.status_code == 404


def test_anonymous_redirect_remembers_where_they_were_going(clients):
    response = clients["anonymous"].get(f"/courses/{COURSE}/{LESSON}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/sign-in?next=%2Fcourses%2F{COURSE}%2F{LESSON}"
