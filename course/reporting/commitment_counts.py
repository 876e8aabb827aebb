"""Commitments as others may see them: counts only (made, checked in, tried), never
the text. The only read of the commitment table outside course/learning/commitments.py,
which serves the owner alone (docs/privacy.md)."""
from __future__ import annotations

from dataclasses import dataclass

from peewee import Case

from course.data.models import Commitment, Membership, Person, fn


@dataclass(frozen=True)
class CommitmentCounts:
    made: int
    checked_in: int
    tried: int


def team_commitment_counts(team, course_slug: str) -> CommitmentCounts:
    """How many commitments the team's active learners made after the course's lessons,
    checked in on, and tried at work. One query; no column but the outcome is read."""
    checked = fn.SUM(Case(None, [(Commitment.outcome.is_null(False), 1)], 0))
    tried = fn.SUM(Case(None, [(Commitment.outcome == "tried", 1)], 0))
    made, checked_in, tried_count = (
        Commitment.select(fn.COUNT(Commitment.id), checked, tried)
        .join(Person).join(Membership, on=(Membership.person == Person.id))
        .where((Membership.team == team) & (Membership.is_manager == False)  # noqa: E712
               & (Person.active == True) & (Commitment.course_slug == course_slug))  # noqa: E712
        .tuples().get())
    return CommitmentCounts(made or 0, int(checked_in or 0), int(tried_count or 0))
