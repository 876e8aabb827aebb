"""Data-protection requests: everything stored about one person, exported or erased."""
from __future__ import annotations

import datetime

from course.data.db import db
from course.data.models import LoginToken, Membership, Person, Progress, ReviewCard, SignInSession, Team
from course.learning import attempts, commitments, reflections


def _iso(value):
    return value.isoformat() + "Z" if isinstance(value, datetime.datetime) else value


def export_person_data(person: Person) -> dict:
    """Everything stored about one person, as plain JSON-ready data."""
    return {
        "person": {"email": person.email, "name": person.name, "role": person.role,
                   "active": person.active, "created_at": _iso(person.created_at),
                   "last_login_at": _iso(person.last_login_at)},
        "teams": [{"team": m.team.name, "manager": m.is_manager}
                  for m in Membership.select(Membership, Team).join(Team).where(Membership.person == person)],
        "progress": [{"course": p.course_slug, "lesson": p.lesson_slug, "state": p.state,
                      "content_hash": p.content_hash, "opened_at": _iso(p.opened_at),
                      "last_visit_at": _iso(p.last_visit_at), "completed_at": _iso(p.completed_at),
                      "passed_at": _iso(p.passed_at), "best_score": p.best_score}
                     for p in Progress.select().where(Progress.person == person)
                     .order_by(Progress.course_slug, Progress.lesson_slug)],
        "attempts": attempts.export_attempts(person),
        "review_schedule": [{"course": c.course_slug, "lesson": c.lesson_slug, "scenario": c.scenario_id,
                             "scenario_hash": c.scenario_hash, "due": _iso(c.due), "reviews": c.reviews,
                             "created_at": _iso(c.created_at), "retired_at": _iso(c.retired_at)}
                            for c in ReviewCard.select().where(ReviewCard.person == person)
                            .order_by(ReviewCard.course_slug, ReviewCard.lesson_slug, ReviewCard.scenario_id)],
        "reflections": reflections.export_reflections(person),
        "commitments": commitments.export_commitments(person),
        "sign_in_sessions": [{"created_at": _iso(s.created_at), "last_seen_at": _iso(s.last_seen_at),
                              "browser": s.user_agent, "remembered_until": _iso(s.remember_expires_at),
                              "revoked_at": _iso(s.revoked_at)}
                             for s in SignInSession.select().where(SignInSession.person == person)
                             .order_by(SignInSession.created_at)],
        "sign_in_links": [{"purpose": t.purpose, "created_at": _iso(t.created_at), "expires_at": _iso(t.expires_at),
                           "used_at": _iso(t.used_at)}
                          for t in LoginToken.select().where(LoginToken.person == person)],
    }


def erase_person(person: Person) -> None:
    """Remove the person and everything recorded about them, reflections and commitments
    included (cascading deletes)."""
    with db.atomic():
        person.delete_instance(recursive=True)
