"""Many signed-in learners and fresh quiz forms, made with the app's own functions.

Used by bench/run.py (wrk, a different learner's cookie and a new one-time token per request) and
bench/submission.py (one new submission timed in-process). Sessions come from
`course.learning.sessions.start_session` (what sign-in calls, without the password hash), the
session cookie is signed by the app's own session interface, the CSRF token by flask-wtf's
`generate_csrf`, and quiz tokens by `attempts.issue_token` with the scenarios `draw_scenarios`
picks for that learner (a pool's draw travels in the token).
"""
from __future__ import annotations

import urllib.parse

COURSE = "coaching-at-every-level"


def quiz_lesson(catalog, slug: str | None = None):
    """The first visible lesson with a plain (scenarios) quiz, or `slug`."""
    course = catalog.course(COURSE)
    for lesson in course.visible_lessons():
        if lesson.quiz is not None and lesson.quiz.type == "scenarios" and (slug is None or lesson.slug == slug):
            return lesson
    raise RuntimeError(f"no plain quiz lesson {slug or ''} in {COURSE}")


def learners(limit: int):
    from course.data.models import Person
    query = Person.select().where(Person.role == "learner", Person.active == True).order_by(Person.id)  # noqa: E712
    return list(query.limit(limit))


def signed_in(app, person, user_agent: str = "course-bench/1.0") -> tuple[str, str]:
    """(session cookie value, csrf form token) for a new session of `person`."""
    from flask import g, session
    from flask_login.utils import _create_identifier
    from flask_wtf.csrf import generate_csrf

    from course.learning import sessions

    started = sessions.start_session(person, user_agent)
    with app.test_request_context("/", headers={"User-Agent": user_agent},
                                  environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        session["_user_id"] = started.token
        session["_fresh"] = True
        session["_id"] = _create_identifier()      # flask-login's check: wrk's address and User-Agent
        g.pop("csrf_token", None)       # flask-wtf caches the token in g (shared by an outer app context)
        csrf = generate_csrf()
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return cookie, csrf


def quiz_body(app, person, lesson, csrf: str) -> bytes:
    """A complete, all-best form for a new attempt of `lesson`'s quiz by `person`."""
    from course.learning import attempts

    drawn = attempts.draw_scenarios(person, lesson)
    token = attempts.issue_token(app.config["SECRET_KEY"], person, lesson, scenario_ids=drawn)
    fields = [("csrf_token", csrf), ("token", token)]
    fields += [(f"answer-{sid}", cid) for sid, cid in attempts.best_answers(lesson.quiz, drawn).items()]
    return urllib.parse.urlencode(fields).encode()
