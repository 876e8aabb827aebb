"""Assigning a course to a team with a due date, and taking it back."""
from __future__ import annotations

import datetime
import re

from course.data.models import Assignment


class AssignmentError(ValueError):
    pass


def assign_course(team, course, due_text: str, by_person) -> Assignment:
    text = (due_text or "").strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        due = datetime.date.fromisoformat(text)
    except ValueError:
        raise AssignmentError("Give the due date as a date, e.g. 2026-12-31.")
    existing = Assignment.get_or_none((Assignment.team == team) & (Assignment.course_slug == course.slug))
    if existing is not None:
        existing.due_date, existing.assigned_by = due, by_person
        existing.save()
        return existing
    return Assignment.create(team=team, course_slug=course.slug, due_date=due, assigned_by=by_person)


def unassign_course(team, course) -> int:
    return Assignment.delete().where((Assignment.team == team) & (Assignment.course_slug == course.slug)).execute()
