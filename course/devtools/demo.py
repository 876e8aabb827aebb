"""Demo people of every role in two teams, so a newcomer can try each role at once."""
from __future__ import annotations

import datetime
import secrets

from werkzeug.security import generate_password_hash

from course import time
from course.data.db import db
from course.data.models import Membership, Person, Progress, Team
from course.learning import attempts, progress

DEMO_PASSWORD = "coaching-demo"

DEMO_PEOPLE = [
    # email, name, role, team, manages team
    ("admin@example.com", "Ada Admin", "admin", None, False),
    ("trainer@example.com", "Tomasz Trainer", "trainer", None, False),
    ("manager@example.com", "Priya Manager", "manager", "Warehouse North", True),
    ("learner@example.com", "Lena Learner", "learner", "Warehouse North", False),
    ("kwame@example.com", "Kwame Mensah", "learner", "Warehouse North", False),
    ("mei@example.com", "Mei Chen", "learner", "Warehouse North", False),
    ("clinic.manager@example.com", "Diego Alvarez", "manager", "Clinic Support", True),
    ("siobhan@example.com", "Siobhán O'Neill", "learner", "Clinic Support", False),
    ("yusuf@example.com", "Yusuf Demir", "learner", "Clinic Support", False),
]


# Demo progress: email -> lessons finished (then one more opened); None: the whole course
DEMO_PROGRESS = {
    "kwame@example.com": 4,
    "mei@example.com": 2,
    "siobhan@example.com": None,
    "learner@example.com": 2,
}


def seed_progress(catalog) -> None:
    """Some finished lessons (quizzes passed with real attempts) for a few demo people.

    History is written through the normal code paths on a clock set in the
    past, one lesson every two days, so reviews fall due and charts have weeks."""
    real_now = time.now()
    fake = {"now": real_now}
    with time.frozen_at(lambda: fake["now"]):
        for email, finished in DEMO_PROGRESS.items():
            person = Person.by_email(email)
            if person is None or Progress.select().where(Progress.person == person).exists():
                continue
            for course in catalog.courses:
                lessons = course.visible_lessons()
                count = len(lessons) if finished is None else finished
                start = real_now - datetime.timedelta(days=2 * count + 6)
                for index, lesson in enumerate(lessons[:count]):
                    fake["now"] = start + datetime.timedelta(days=2 * index, hours=9)
                    _finish(person, lesson)
                if count < len(lessons):
                    fake["now"] = real_now - datetime.timedelta(hours=3)
                    progress.record_open(person, lessons[count])


def _finish(person, lesson) -> None:
    progress.record_open(person, lesson)
    progress.mark_done(person, lesson)
    if lesson.quiz is not None:
        drawn = attempts.draw_scenarios(person, lesson)     # a pool shows some of its scenarios
        token = attempts.FormToken(person.id, lesson.course_slug, lesson.slug, lesson.quiz.content_hash,
                                   secrets.token_urlsafe(18), time.utcnow(), drawn)
        result = attempts.grade(lesson.quiz, attempts.best_answers(lesson.quiz, drawn), drawn)
        attempts.record_attempt(person, lesson, token, result)


def seed(with_progress: bool = True, catalog=None) -> list[tuple[str, str, str]]:
    """Create the demo people if missing; returns (email, role, team) for each."""
    password_hash = generate_password_hash(DEMO_PASSWORD)
    rows = []
    with db.atomic():
        for email, name, role, team_name, manages in DEMO_PEOPLE:
            person = Person.by_email(email)
            if person is None:
                person = Person.create(email=email, name=name, role=role, password_hash=password_hash)
            if team_name:
                team, _ = Team.get_or_create(name=team_name)
                Membership.get_or_create(person=person, team=team, defaults={"is_manager": manages})
            rows.append((email, role, team_name or ""))
        if with_progress and catalog is not None:
            seed_progress(catalog)
    return rows
