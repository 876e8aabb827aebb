"""Who may see and change what: every role and team rule lives here.

Roles: learner < trainer, manager; admin can do everything. Managers see only
the teams they manage, enforced in the queries these functions return.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from course.data.models import Team

TRAINER_ROLES = ("trainer", "admin")
MANAGER_ROLES = ("manager", "admin")


def has_role(person, *roles: str) -> bool:
    return bool(person and person.is_authenticated and (person.role == "admin" or person.role in roles))


def role_required(*roles: str):
    """Signed in with one of `roles` (admins always pass); 403 otherwise."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not has_role(current_user, *roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


trainer_required = role_required(*TRAINER_ROLES)
manager_required = role_required(*MANAGER_ROLES)
admin_required = role_required("admin")


def visible_teams(person, name_contains: str = ""):
    """Teams whose reports this person may see: all for admins, managed ones for managers."""
    return Team.visible_to(person, has_role(person, "admin"), name_contains)


def team_or_404(person, team_id: int):
    """The team if this person may see it; 404 (not 403) so other teams' ids stay unknown."""
    team = visible_teams(person).where(Team.id == team_id).first()
    if team is None:
        abort(404)
    return team
