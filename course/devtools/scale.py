"""Synthetic people, progress and attempts at scale, for benchmarks and demos.

Bulk inserts with explicit ids (no per-row round trips, no password hashing:
synthetic people cannot sign in). Deterministic for a given seed.
"""
from __future__ import annotations

import datetime
import random
import secrets

from peewee import PostgresqlDatabase, fn

from course.learning.attempts import grade, pick_from_pool
from course.content.quiztypes import QUIZ_TYPES
from course.data.db import db
from course.data.models import Answer, Attempt, Membership, Person, Progress, Team, utcnow

CHUNK = 500


def _next_id(model) -> int:
    return (model.select(fn.MAX(model.id)).scalar() or 0) + 1


def _bulk(model, rows) -> None:
    for start in range(0, len(rows), CHUNK):
        model.insert_many(rows[start:start + CHUNK]).execute()


def _flush(counts, progress_rows, attempt_rows, answer_rows) -> None:
    """Insert the pending rows (parents before children) and empty the lists."""
    for key, model, rows in (("progress", Progress, progress_rows), ("attempts", Attempt, attempt_rows),
                             ("answers", Answer, answer_rows)):
        _bulk(model, rows)
        counts[key] += len(rows)
        rows.clear()


def _fix_sequences(models) -> None:
    """On PostgreSQL, move each id sequence past the explicit ids just written."""
    if isinstance(db.obj, PostgresqlDatabase):
        for model in models:
            # The table name is a parameter of pg_get_serial_sequence; MAX(id) goes through the query builder.
            highest = model.select(fn.COALESCE(fn.MAX(model.id), 1)).scalar()
            db.execute_sql("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                           (model._meta.table_name, highest))


def _answers_for(quiz, rng, skill: float, drawn=None) -> dict:
    """A plausible answer set: each scenario (of `drawn`, a pool's draw, when given)
    answered best with probability `skill`."""
    answers = {}
    quiz_type = QUIZ_TYPES[quiz.type]
    scene = quiz.scenarios[0]
    shown = [s for s in quiz.scenarios if drawn is None or s.id in drawn]
    for scenario in (shown if not quiz_type.branching else []):
        pick = scenario.best_choice if rng.random() < skill else rng.choice(scenario.choices)
        answers[scenario.id] = pick.id
    while quiz_type.branching and scene is not None and not scene.is_end:
        pick = scene.best_choice if rng.random() < skill else rng.choice(scene.choices)
        answers[scene.id] = pick.id
        scene = quiz.scenario(pick.next_scene)
    return answers


def scale(catalog, learners: int, teams: int, seed: int = 7, now: datetime.datetime | None = None) -> dict:
    rng = random.Random(seed)
    now = now or utcnow()
    courses = [c for c in catalog.courses if c.visible_lessons()]
    counts = {"teams": 0, "people": 0, "progress": 0, "attempts": 0, "answers": 0}
    with db.atomic():
        tag = secrets.token_hex(3)
        team_id, person_id = _next_id(Team), _next_id(Person)
        progress_id, attempt_id, answer_id = _next_id(Progress), _next_id(Attempt), _next_id(Answer)
        membership_id = _next_id(Membership)
        team_rows, people, memberships = [], [], []
        for t in range(teams):
            team_rows.append({"id": team_id + t, "name": f"Scale team {tag}-{t + 1:03d}", "created_at": now})
            people.append({"id": person_id + t, "email": f"manager-{tag}-{t + 1:03d}@scale.example",
                           "name": f"Manager {t + 1:03d}", "role": "manager", "password_hash": None,
                           "active": True, "session_version": 1, "created_at": now})
            memberships.append({"id": membership_id + t, "person": person_id + t, "team": team_id + t,
                                "is_manager": True})
        first_learner = person_id + teams
        for i in range(learners):
            pid = first_learner + i
            people.append({"id": pid, "email": f"learner-{tag}-{i + 1:05d}@scale.example",
                           "name": f"Learner {i + 1:05d}", "role": "learner", "password_hash": None,
                           "active": True, "session_version": 1, "created_at": now})
            memberships.append({"id": membership_id + teams + i, "person": pid,
                                "team": team_id + (i % max(1, teams)), "is_manager": False})
        _bulk(Team, team_rows)
        _bulk(Person, people)
        _bulk(Membership, memberships)
        counts["teams"], counts["people"] = len(team_rows), len(people)

        progress_rows, attempt_rows, answer_rows = [], [], []
        for i in range(learners):
            pid = first_learner + i
            answered, seen = set(), {}     # seen: (course, lesson) -> scenario ids answered
            skill = rng.uniform(0.45, 0.95)
            for course in courses:
                lessons = course.visible_lessons()
                finished = rng.choice([0, 0, 1, 2, 3] + list(range(len(lessons) + 1)))
                day = now - datetime.timedelta(days=rng.randint(20, 90))
                for n, lesson in enumerate(lessons[:min(len(lessons), finished + 1)]):
                    opened = day + datetime.timedelta(hours=rng.randint(1, 60))
                    day = opened
                    row = {"id": progress_id, "person": pid, "course_slug": course.slug,
                           "lesson_slug": lesson.slug, "content_hash": lesson.content_hash,
                           "opened_at": opened, "last_visit_at": opened, "completed_at": None,
                           "passed_at": None, "best_score": None}
                    progress_id += 1
                    if n < finished:
                        done = opened + datetime.timedelta(minutes=rng.randint(3, 15))
                        row["completed_at"] = done
                        row["last_visit_at"] = done
                        if lesson.quiz is not None:
                            tries, result = 0, None
                            while tries < 3 and (result is None or not result.passed):
                                tries += 1
                                # A pool draws per attempt, unseen scenarios first, as the quiz page does.
                                seen_here = seen.setdefault((course.slug, lesson.slug), set())
                                drawn = pick_from_pool(lesson.quiz, seen_here, rng)
                                result = grade(lesson.quiz, _answers_for(lesson.quiz, rng, skill + 0.1 * tries, drawn),
                                               drawn)
                                submitted = done + datetime.timedelta(minutes=3 * tries)
                                attempt_rows.append({
                                    "id": attempt_id, "person": pid, "course_slug": course.slug,
                                    "lesson_slug": lesson.slug, "quiz_type": lesson.quiz.type,
                                    "content_hash": lesson.quiz.content_hash,
                                    "token": f"scale-{tag}-{attempt_id}", "kind": "quiz",
                                    "started_at": submitted - datetime.timedelta(minutes=3),
                                    "submitted_at": submitted, "score": result.score, "passed": result.passed})
                                for position, answer in enumerate(result.answers):
                                    answer_rows.append({
                                        "id": answer_id, "attempt": attempt_id, "position": position,
                                        "scenario_id": answer.scenario.id,
                                        "scenario_hash": answer.scenario.content_hash,
                                        "choice_id": answer.choice.id, "best": answer.best,
                                        "tag": answer.choice.tag,
                                        "first_try": (answer.scenario.id, answer.scenario.content_hash) not in answered})
                                    answered.add((answer.scenario.id, answer.scenario.content_hash))
                                    seen_here.add(answer.scenario.id)
                                    answer_id += 1
                                attempt_id += 1
                            row["best_score"] = result.score
                            if result.passed:
                                row["passed_at"] = submitted
                            else:
                                row["completed_at"] = None if rng.random() < 0.5 else done
                    progress_rows.append(row)
            if len(answer_rows) > 20_000:      # write in batches: memory stays flat
                _flush(counts, progress_rows, attempt_rows, answer_rows)
        _flush(counts, progress_rows, attempt_rows, answer_rows)
        _fix_sequences([Team, Person, Membership, Progress, Attempt, Answer])
    db.execute_sql("ANALYZE")
    return counts
